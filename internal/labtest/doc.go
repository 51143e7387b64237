// Package labtest sweeps a network-namespace lab of simulated devices with
// the real camsweep binary and checks what it reports, what it sent and how
// fast. Its helpers build the labs; its tests are the end-to-end proof.
//
// Every sweep runs as a separate process inside the lab's scanner namespace
// ("ip netns exec"), never as goroutines of the test: a namespace is a
// property of one OS thread, so goroutines started from a test would open
// their sockets in the root namespace and touch the real network.
package labtest

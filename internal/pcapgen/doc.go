// Package pcapgen writes constructed Ethernet captures: frames of the
// protocols camsweep reads, and whole TCP conversations, for the capture
// tool (tools/mkcapture) and for tests that put recorded device strings on
// the wire.
package pcapgen

package main

import "github.com/gopacket/gopacket/pcapgo"

// openLive opens an AF_PACKET capture on the interface (no libpcap, no cgo).
func openLive(iface string) (liveHandle, error) { return pcapgo.NewEthernetHandle(iface) }

// requireLinux: everything runs here.
func requireLinux(string) error { return nil }

// Package pcap turns captured packets (pcap and pcapng files, or frames from a
// live capture) into observations, in bounded memory and without cgo.
//
// It decodes the link, network and transport layers itself, binds MACs to IPs
// from ARP and source addresses, reassembles the first bytes of interesting
// TCP connections, and hands UDP payloads and TCP streams to the protocol
// decoders of scanner/discovery and scanner/service. It knows no vendors.
//
// IPv4-fragmented UDP datagrams are reassembled (fragments.go), because
// discovery answers larger than the MTU (WS-Discovery, SADP, DHIP, SSDP,
// mDNS) carry the richest evidence; the whole datagram is decoded like an
// unfragmented one, with the headers and time of its last fragment. Memory
// stays bounded whatever the capture holds: at most Options.MaxReassembly
// datagrams (1024) and Options.ReassemblyBudget bytes (4 MiB, bookkeeping
// included) are pending at once, the oldest given up first; a datagram is
// given up 30 s of capture time after its first fragment, or once it needs
// more than 64 fragments; overlapping fragments and fragments past 64 KiB
// drop their datagram. Stats counts Fragments, Reassembled and
// FragmentsDropped. IPv4 fragments of TCP and other protocols are skipped
// (hosts send TCP in segments that fit the path), and so are IPv6 fragments:
// only IPv4 is reassembled.
//
// A capture taken at the collector of a remote mirror (Cisco ERSPAN types
// I, II and III and Ethernet over GRE, VXLAN on UDP 4789, TZSP on UDP
// 37008, carrying Ethernet or a Wi-Fi sniffer's 802.11) is unwrapped: the
// mirrored frame inside is decoded like a captured one, two tunnels deep at
// most (tunnel.go). The tunnel's own
// endpoints stay devices of their own, as any other sender.
//
// Wi-Fi captured in monitor mode (802.11, with or without a radiotap
// header) is read like Ethernet (wifi.go): an unprotected data frame's
// LLC/SNAP body, or each subframe of an A-MSDU, goes to the network layer
// with the frame's source and destination addresses as its MACs; a
// protected data frame only makes its source address a device.
package pcap

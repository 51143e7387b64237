// Package pcap turns captured packets (pcap and pcapng files, or frames from a
// live capture) into observations, in bounded memory and without cgo.
//
// It decodes the link, network and transport layers itself, binds MACs to IPs
// from ARP and source addresses, reassembles the first bytes of interesting
// TCP connections, and hands UDP payloads and TCP streams to the protocol
// decoders of scanner/discovery and scanner/service. It knows no vendors.
package pcap

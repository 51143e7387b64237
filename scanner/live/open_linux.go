package live

import "github.com/gopacket/gopacket/pcapgo"

// Open opens an AF_PACKET capture on the interface (no libpcap, no cgo).
// It needs root or CAP_NET_RAW.
func Open(iface string) (Handle, error) { return pcapgo.NewEthernetHandle(iface) }

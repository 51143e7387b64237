// Package scanner holds what every probe and decoder shares: where a payload
// came from (Meta) and how observations leave (Emit). Decoders live in
// sub-packages and know protocols, never vendors.
package scanner

import (
	"net/netip"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// Meta says where a payload came from. Link-layer addresses are zero when the
// source has none (raw IP captures, sockets); they are informational and a
// decoder must not treat SrcMAC as the device's MAC unless its protocol says so.
type Meta struct {
	Time             time.Time
	Probe            string // the probe that saw it: "pcap", "sadp", "http", ...
	SrcMAC, DstMAC   observe.MAC
	SrcIP, DstIP     netip.Addr
	SrcPort, DstPort uint16
	VLAN             uint16 // 802.1Q id of the frame (the innermost tag); 0: untagged or unknown
}

// Emit receives observations. It must be safe to call from the decoder's
// goroutine; callers that fan out provide their own locking.
type Emit func(observe.Observation)

// Observe builds an observation about the payload's sender.
func (m Meta) Observe(key, value string) observe.Observation {
	return observe.Observation{Time: m.Time, Probe: m.Probe, IP: m.SrcIP, Port: m.SrcPort, VLAN: m.VLAN, Key: key, Value: value}
}

// Decoder turns one datagram payload (UDP discovery reply, DHCP, mDNS, ...)
// into observations. It never panics on hostile input; an error says why the
// payload was not understood, and observations already emitted stand.
type Decoder func(payload []byte, m Meta, emit Emit) error

// StreamDecoder turns the first bytes of both directions of one TCP
// connection into observations. m describes the server side: SrcIP/SrcPort
// are the server's. client may be empty (server-first banners, identify input).
type StreamDecoder func(client, server []byte, m Meta, emit Emit) error

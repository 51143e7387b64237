package pcap

import (
	"net/netip"

	"github.com/camsweep/camsweep/scanner"
)

// Options tune a capture read. The zero value is ready to use.
type Options struct {
	// AllAddresses decodes payloads from public internet hosts too. By
	// default only senders with local addresses (RFC 1918, CGNAT,
	// link-local, 198.18/15, ULA) are decoded: public hosts are not
	// inventory and would grow state without bound.
	AllAddresses bool
	// Local names the site's own ranges beyond the private ones: networks a
	// site numbers from public space. Hosts there are read exactly like
	// RFC 1918 hosts, MAC bindings included (AllAddresses decodes public
	// hosts' payloads but binds no MAC to them: their frames usually come
	// through a router).
	Local []netip.Prefix
	// TunnelPorts names UDP destination ports that carry a mirror tunnel
	// (a collector listening where its user chose): every datagram to one
	// is read as that tunnel, as on the registered ports, without first
	// waiting for a frame inside that checks out. That matters for a
	// stream that holds only frames no check can confirm (protected
	// Wi-Fi). A datagram whose header does not parse is read as ordinary
	// UDP.
	TunnelPorts map[uint16]Tunnel
	// Progress, if set, is called now and then with the bytes read so far
	// and the input size (0 when unknown), and once at the end.
	Progress func(done, total int64)
	// Probe names the source in observations: "pcap" by default; live
	// capture passes "listen".
	Probe string
	// Protocols are the payload decoders. Nil means the project's own
	// (scanner/discovery and scanner/service).
	Protocols *Protocols
	// MaxFlows caps the TCP flow table (default 65536 flows).
	MaxFlows int
	// StreamBytes caps the bytes kept per direction of a TCP flow
	// (default 16 KiB).
	StreamBytes int
	// StreamBudget caps the bytes buffered over all flows (default 32 MiB);
	// the least recently used flows are handed to their decoders first.
	StreamBudget int
	// MaxReassembly caps the IPv4 datagrams being reassembled from
	// fragments at once (default 1024); the oldest are given up first.
	MaxReassembly int
	// ReassemblyBudget caps the bytes their fragments hold, bookkeeping
	// included (default 4 MiB, Linux's own limit).
	ReassemblyBudget int
}

// Protocols says which decoder reads which payload. Protocol decoders live
// in other packages; the pcap package only routes payloads to them.
type Protocols struct {
	// UDP returns the decoder for a datagram between these ports.
	UDP func(srcPort, dstPort uint16) (scanner.Decoder, bool)
	// Sniff returns a decoder for a datagram on ports UDP does not know, by
	// its content (peer-to-peer protocols on random ports). Optional.
	Sniff func(payload []byte) (scanner.Decoder, bool)
	// StreamByPort returns the decoder for a TCP server port.
	StreamByPort func(port uint16) (scanner.StreamDecoder, bool)
	// StreamDetect recognises a TCP stream on an unknown port from its
	// first bytes (client may be empty). Optional.
	StreamDetect func(client, server []byte) (scanner.StreamDecoder, bool)
	// StreamOpens says whether a segment seen with no handshake before it,
	// on ports StreamByPort does not know, opens a message a decoder reads,
	// and whether its sender is the server; a client's request counts only
	// when requests is set (its receiver may be tracked). Optional: without
	// it such a segment starts no flow.
	StreamOpens func(payload []byte, requests bool) (fromServer, ok bool)
	// ClientFirst returns a decoder for the first bytes a local client sends
	// on any TCP connection, by their content (a TLS ClientHello names the
	// server the client asks for), whether or not the server is local: the
	// observations are about the client. Optional.
	ClientFirst func(payload []byte) (scanner.Decoder, bool)
	// Frame returns the decoder for a frame of an EtherType that is not IP
	// or ARP (link-layer announcements such as LLDP); the decoder gets the
	// payload after the EtherType and the frame's MACs. Optional.
	Frame func(etherType uint16) (scanner.Decoder, bool)
	// Dot11 returns the decoder for the elements of a Wi-Fi management
	// frame of this subtype (beacons, probe requests and responses,
	// association requests); it gets the network name and vendor-specific
	// elements, and the frame's transmitter as SrcMAC. Optional.
	Dot11 func(subtype uint8) (scanner.Decoder, bool)
	// RepeatKey returns the parts of a datagram its observations depend
	// on (head may be nil). A datagram whose parts, sender and receiver
	// are those of one decoded without error before is not decoded again.
	// Optional: nil keys every datagram by its whole payload.
	RepeatKey func(srcPort, dstPort uint16, payload []byte) (head, tail []byte)
}

const (
	defaultMaxFlows     = 1 << 16
	defaultStreamBytes  = 16 << 10
	defaultStreamBudget = 32 << 20
	// detectBytes is how much of each direction an undecided flow keeps
	// until the server's first bytes arrive and StreamDetect can look.
	detectBytes = 2 << 10
)

func (o Options) withDefaults() Options {
	if o.Probe == "" {
		o.Probe = "pcap"
	}
	if o.Protocols == nil {
		o.Protocols = defaultProtocols()
	}
	if o.MaxFlows <= 0 {
		o.MaxFlows = defaultMaxFlows
	}
	if o.StreamBytes <= 0 {
		o.StreamBytes = defaultStreamBytes
	}
	if o.StreamBudget <= 0 {
		o.StreamBudget = defaultStreamBudget
	}
	if o.MaxReassembly <= 0 {
		o.MaxReassembly = defaultMaxReassembly
	}
	if o.ReassemblyBudget <= 0 {
		o.ReassemblyBudget = defaultReassemblyBudget
	}
	return o
}

// Stats count what a read saw.
type Stats struct {
	Packets      int64 // packets read
	Bytes        int64 // captured bytes of those packets
	Observations int64 // observations emitted
	Duplicates   int64 // observations suppressed as repeats of one already emitted
	// Repeats counts UDP datagrams not decoded because the same bytes
	// (Protocols.RepeatKey) between the same addresses and ports were
	// decoded before.
	Repeats int64
	Skipped int64 // packets not decoded: unknown link type, malformed, or a fragment of a TCP or other non-UDP datagram
	// Tunnelled counts packets whose content was read inside a tunnel: a
	// remote mirror's (ERSPAN, VXLAN, Geneve, TZSP, Aruba GRE) or a routed
	// one's (IP over GRE, IP in IP).
	Tunnelled int64
	Flows     int64 // TCP flows whose bytes were kept for a service decoder
	Evicted   int64 // flows handed over early because the table or byte budget was full
	// DecoderErrors counts payloads a protocol decoder did not understand.
	DecoderErrors int64
	// Fragments counts the IPv4 fragments of UDP datagrams taken for
	// reassembly (those from senders that are decoded at all).
	Fragments int64
	// Reassembled counts the UDP datagrams put together from fragments
	// and decoded like unfragmented ones.
	Reassembled int64
	// FragmentsDropped counts fragments given up without making a
	// datagram: rejected (overlapping, past 64 KiB, malformed), or of a
	// datagram still incomplete 30 s after its first fragment, pushed out
	// by MaxReassembly or ReassemblyBudget, cut into more than 64 fragments,
	// or incomplete at the end of input.
	FragmentsDropped int64
}

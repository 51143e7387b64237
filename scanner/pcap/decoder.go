package pcap

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/arp"
)

// Link types the decoder reads: gopacket's numbering (tcpdump.org's
// LINKTYPE_ list), as the uint16 the decoder switches on. DLT_RAW as some
// BSDs number it (12) has no gopacket name.
const (
	linkNull     = uint16(layers.LinkTypeNull)      // BSD loopback: 4-byte host-order address family
	linkEthernet = uint16(layers.LinkTypeEthernet)  // Ethernet II, with 802.1Q/802.1ad tags
	linkRaw      = uint16(layers.LinkTypeRaw)       // raw IPv4 or IPv6
	linkRawBSD   = 12                               // DLT_RAW on OpenBSD and others
	linkLoop     = uint16(layers.LinkTypeLoop)      // OpenBSD loopback: like null, network order
	linkSLL      = uint16(layers.LinkTypeLinuxSLL)  // Linux cooked capture v1
	linkIPv4     = uint16(layers.LinkTypeIPv4)      // raw IPv4
	linkIPv6     = uint16(layers.LinkTypeIPv6)      // raw IPv6
	linkSLL2     = uint16(layers.LinkTypeLinuxSLL2) // Linux cooked capture v2
	// linkIEEE80211, linkRadiotap, linkPrism, linkAVS and linkPPI, Wi-Fi in
	// monitor mode, are in wifi.go.
)

// EtherTypes and IP protocols, gopacket's, as the decoder compares them.
const (
	etherIPv4  = uint16(layers.EthernetTypeIPv4)
	etherARP   = uint16(layers.EthernetTypeARP)
	etherIPv6  = uint16(layers.EthernetTypeIPv6)
	etherDot1Q = uint16(layers.EthernetTypeDot1Q)
	etherQinQ  = uint16(layers.EthernetTypeQinQ)
	// etherQinQOld is the pre-802.1ad QinQ tag some switches still send;
	// gopacket has no name for it.
	etherQinQOld = 0x9100
	// arphrdEther is hardware type 1, Ethernet, in ARP and Linux cooked
	// headers (gopacket names it LinkTypeEthernet in its ARP layer).
	arphrdEther = uint16(layers.LinkTypeEthernet)
	ipTCP       = uint8(layers.IPProtocolTCP)
	ipUDP       = uint8(layers.IPProtocolUDP)
)

// packet holds one frame's decoded headers. It is scratch space reused for
// every packet: its slices point into the caller's buffer.
type packet struct {
	ts               time.Time
	srcMAC, dstMAC   observe.MAC
	vlan             uint16 // innermost 802.1Q VLAN id; 0: untagged
	src, dst         []byte // IP addresses, 4 or 16 bytes
	srcLocal         bool
	dstLocal         bool
	ttl              uint8 // IPv4 TTL or IPv6 hop limit as received
	srcPort, dstPort uint16
	seq              uint32
	tcpFlags         uint8
	payload          []byte
}

// Decoder turns frames into observations. It is the per-packet core behind
// Read, exported so that live capture can feed it frames. It is not safe for
// concurrent use.
type Decoder struct {
	opt   Options
	proto Protocols
	out   scanner.Emit
	emit  scanner.Emit // deduplicating wrapper around out
	stats Stats

	local    localRanges // the site's own public ranges (Options.Local)
	seen     observationSet
	repeats  scanner.RepeatSet // datagrams decoded already: a repeat is not decoded again
	bindings boundedSet[bindingKey]
	senders  boundedMap[bindingKey, int64] // when each sender was last noted (capture time, ns)
	opens    boundedSet[endpointKey]
	recent   seenCache // in front of bindings: most packets repeat a recent pair
	flows    *flowTable
	frags    *reassembler
	p        packet

	tunnelDepth int                            // tunnels unwrapped around the frame being decoded (tunnel.go)
	tunnelFlows boundedMap[tunnelFlow, Tunnel] // mirror tunnels found on unregistered ports
	elements    []byte                         // a Wi-Fi management frame's kept elements, reused

	// inspect, when set (tests only), sees each frame's headers as decoded
	// (d.p) and its transport bytes: the differential test against
	// gopacket's layer parser reads it.
	inspect func(proto uint8, transport []byte)
}

type bindingKey struct {
	mac  observe.MAC
	ip   [16]byte
	vlan uint16 // a device seen on two VLANs is bound on each
	kind bindKind
}

type bindKind uint8

const (
	bindARP bindKind = iota + 1
	bindLink
	bindSender // a source MAC, no address
)

type endpointKey struct {
	ip   [16]byte
	port uint16
}

// NewDecoder returns a decoder that sends observations to emit.
func NewDecoder(emit scanner.Emit, opt Options) *Decoder {
	opt = opt.withDefaults()
	d := &Decoder{opt: opt, proto: *opt.Protocols, out: emit, local: newLocalRanges(opt.Local)}
	d.emit = d.deliver
	d.seen = newObservationSet(1 << 19)
	d.repeats = scanner.NewRepeatSet(1 << 16)
	d.bindings = newBoundedSet[bindingKey](1 << 18)
	d.senders = newBoundedMap[bindingKey, int64](1 << 18)
	d.opens = newBoundedSet[endpointKey](1 << 18)
	d.tunnelFlows = newBoundedMap[tunnelFlow, Tunnel](1 << 10)
	d.flows = newFlowTable(d, opt)
	d.frags = newReassembler(opt, &d.stats)
	return d
}

// Stats returns the counts so far.
func (d *Decoder) Stats() Stats { return d.stats }

// Flush hands every TCP flow still open to its decoder and gives up the
// datagrams whose fragments are still incomplete. Call it at the end of
// input; the decoder stays usable afterwards.
func (d *Decoder) Flush() {
	d.flows.flushAll()
	d.frags.flush()
}

// deliver passes an observation on unless an identical one (time aside) was
// already emitted.
func (d *Decoder) deliver(o observe.Observation) {
	if !d.seen.add(o) {
		d.stats.Duplicates++
		return
	}
	d.stats.Observations++
	d.out(o)
}

// Packet decodes one frame of the given link type captured at ts. data is
// only read during the call.
func (d *Decoder) Packet(link layers.LinkType, ts time.Time, data []byte) {
	d.stats.Packets++
	d.stats.Bytes += int64(len(data))
	p := &d.p
	p.ts = ts
	p.clearLink()
	if !d.link(uint16(link), data) {
		d.stats.Skipped++
	}
	d.flows.tick(ts)
	if d.frags.oldest != nil { // a nil test in the many captures without fragments
		d.frags.expire(ts.UnixNano())
	}
}

// clearLink forgets the link-layer fields of the frame decoded before (or
// of the tunnel around the frame about to be decoded).
func (p *packet) clearLink() {
	p.srcMAC, p.dstMAC = observe.MAC{}, observe.MAC{}
	p.vlan = 0
}

// link strips the link layer and passes the network payload on.
func (d *Decoder) link(link uint16, data []byte) bool {
	p := &d.p
	switch link {
	case linkEthernet:
		if len(data) < 14 {
			return false
		}
		copy(p.dstMAC[:], data[0:6])
		copy(p.srcMAC[:], data[6:12])
		etherType, payload, vlan, ok := untagged(binary.BigEndian.Uint16(data[12:14]), data[14:])
		if !ok {
			return false
		}
		p.vlan = vlan
		return d.network(etherType, payload)
	case linkSLL:
		if len(data) < 16 {
			return false
		}
		if binary.BigEndian.Uint16(data[2:4]) == arphrdEther && binary.BigEndian.Uint16(data[4:6]) == 6 { // a 6-byte Ethernet address
			copy(p.srcMAC[:], data[6:12])
		}
		return d.network(binary.BigEndian.Uint16(data[14:16]), data[16:])
	case linkSLL2:
		if len(data) < 20 {
			return false
		}
		if binary.BigEndian.Uint16(data[8:10]) == arphrdEther && data[11] == 6 {
			copy(p.srcMAC[:], data[12:18])
		}
		return d.network(binary.BigEndian.Uint16(data[0:2]), data[20:])
	case linkRaw, linkRawBSD, linkIPv4, linkIPv6:
		return d.rawIP(data)
	case linkNull, linkLoop:
		if len(data) < 4 {
			return false
		}
		return d.rawIP(data[4:])
	case linkIEEE80211:
		return d.dot11(data, false)
	case linkRadiotap:
		return d.radiotap(data)
	case linkPrism:
		return d.prism(data)
	case linkAVS:
		return d.avs(data)
	case linkPPI:
		return d.ppi(data)
	}
	return false
}

// untagged strips up to four 802.1Q/802.1ad tags after an Ethernet header
// and returns the EtherType and payload behind them and the VLAN of the
// innermost tag (0 when untagged). ok is false when a tag is cut short.
func untagged(etherType uint16, data []byte) (uint16, []byte, uint16, bool) {
	var vlan uint16
	for tags := 0; tags < 4 && isVLANTag(etherType); tags++ {
		if len(data) < 4 {
			return 0, nil, 0, false
		}
		vlan = binary.BigEndian.Uint16(data[0:2]) & 0x0fff // the last tag read is the innermost
		etherType, data = binary.BigEndian.Uint16(data[2:4]), data[4:]
	}
	return etherType, data, vlan, true
}

func isVLANTag(etherType uint16) bool {
	return etherType == etherDot1Q || etherType == etherQinQ || etherType == etherQinQOld
}

func (d *Decoder) rawIP(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	switch data[0] >> 4 {
	case 4:
		return d.network(etherIPv4, data)
	case 6:
		return d.network(etherIPv6, data)
	}
	return false
}

func (d *Decoder) network(etherType uint16, data []byte) bool {
	if !d.p.srcMAC.IsZero() {
		d.sender()
	}
	switch etherType {
	case etherIPv4:
		return d.ipv4(data)
	case etherIPv6:
		return d.ipv6(data)
	case etherARP:
		return d.arp(data)
	}
	if d.proto.Frame != nil && !d.p.srcMAC.IsZero() {
		if dec, ok := d.proto.Frame(etherType); ok {
			d.frame(dec, data)
		}
	}
	return true // other protocols are fine, just not ours
}

// frame hands a link-layer announcement (LLDP) to its decoder, with the
// frame's MACs and no addresses: the device is the frame's sender.
func (d *Decoder) frame(dec scanner.Decoder, payload []byte) {
	p := &d.p
	d.runDatagram(dec, payload, scanner.Meta{Time: p.ts, Probe: d.opt.Probe, SrcMAC: p.srcMAC, DstMAC: p.dstMAC, VLAN: p.vlan})
}

// arp binds the sender's MAC to its IPv4 address; a gratuitous ARP is still
// the sender announcing its own address. A probe (sender 0.0.0.0, RFC 5227)
// binds nothing, but it is a device that has no address yet: the address it
// is probing for is recorded as arp.probe.
func (d *Decoder) arp(data []byte) bool {
	if len(data) < 28 {
		return false
	}
	p, ok := arp.ParseARP(data)
	if !ok {
		return true // not Ethernet/IPv4 ARP
	}
	spa, tpa := p.SenderIP.As4(), p.TargetIP.As4()
	switch {
	case p.SenderMAC.IsZero() || p.SenderMAC.Multicast():
	case unspecified(spa[:]) && bindable(tpa[:]):
		d.emit(observe.Observation{Time: d.p.ts, Probe: d.opt.Probe, MAC: p.SenderMAC, VLAN: d.p.vlan,
			Key: "arp.probe", Value: p.TargetIP.String()})
	case bindable(spa[:]):
		d.bind(p.SenderMAC, spa[:], bindARP)
	}
	return true
}

// sender notes the source MAC of a frame once per VLAN: any frame a device
// sends makes it a device, even one that never has an address of its own
// (link.mac). It notes it again when the MAC is still sending a minute (of
// capture time) later, so that the device's last_seen is when it was last
// heard, not when it last said something new. The emitted set is bounded
// like the bindings.
func (d *Decoder) sender() {
	p := &d.p
	if p.srcMAC.Multicast() {
		return
	}
	now := p.ts.UnixNano()
	h := bindingHash(p.srcMAC, noAddr[:], bindSender, p.vlan)
	if d.recent.hitSince(h, now-int64(presenceEvery)) {
		return
	}
	key := bindingKey{mac: p.srcMAC, vlan: p.vlan, kind: bindSender}
	last, known := d.senders.get(key)
	if known && now-last < int64(presenceEvery) {
		d.recent.putAt(h, last)
		return
	}
	d.recent.putAt(h, now)
	d.senders.set(key, now)
	o := observe.Observation{Time: p.ts, Probe: d.opt.Probe, MAC: p.srcMAC, VLAN: p.vlan,
		Key: "link.mac", Value: p.srcMAC.String()}
	if !known {
		d.emit(o)
		return
	}
	d.stats.Observations++ // the same fact, later: the set of emitted facts would drop it
	d.out(o)
}

// presenceEvery is how often (capture time) a MAC that keeps sending is
// noted again: the precision of last_seen, at one observation a minute per
// active device.
const presenceEvery = time.Minute

// noAddr stands for "no address" in the hash of a sender key.
var noAddr [4]byte

// bind emits a MAC-IP binding once per pair and key. The ARP and link keys
// are tracked apart: a weak link.ip must not hide the stronger arp.mac.
func (d *Decoder) bind(mac observe.MAC, ip []byte, kind bindKind) {
	h := bindingHash(mac, ip, kind, d.p.vlan)
	if d.recent.hit(h) {
		return
	}
	d.recent.put(h)
	if !d.bindings.add(bindingKey{mac: mac, ip: addr16(ip), vlan: d.p.vlan, kind: kind}) {
		return
	}
	addr := toAddr(ip)
	o := observe.Observation{Time: d.p.ts, Probe: d.opt.Probe, MAC: mac, IP: addr, VLAN: d.p.vlan}
	if kind == bindARP {
		o.Key, o.Value = "arp.mac", mac.String()
	} else {
		o.Key, o.Value = "link.ip", addr.String()
	}
	d.emit(o)
}

func (d *Decoder) ipv4(data []byte) bool {
	if len(data) < 20 || data[0]>>4 != 4 {
		return false
	}
	headerLen := int(data[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(data[2:4]))
	if total == 0 {
		// Captured on the sending host with TCP segmentation offload: the
		// NIC fills the length in later. gopacket reads it the same way.
		total = len(data)
	}
	if headerLen < 20 || total < headerLen || len(data) < headerLen {
		return false
	}
	if total < len(data) {
		data = data[:total] // Ethernet pads short frames
	}
	p := &d.p
	p.src, p.dst = data[12:16], data[16:20]
	p.ttl = data[8]
	if binary.BigEndian.Uint16(data[6:8])&0x3fff != 0 { // more fragments, or an offset
		return d.fragment(data)
	}
	return d.transport(data[9], data[headerLen:])
}

// fragment takes one fragment of an IPv4 datagram. A UDP datagram from a
// sender the decoder reads is reassembled, then decoded like any other, with
// the last fragment's headers and time. Hosts send TCP in segments that fit
// the path (MSS, path MTU discovery), so TCP and other fragments are skipped
// rather than spend the reassembly budget.
func (d *Decoder) fragment(packet []byte) bool {
	p := &d.p
	if packet[9] != ipUDP {
		return false
	}
	if !(localV4(p.src) || d.local.holds(p.src) || d.opt.AllAddresses) || multicastIP(p.src) {
		return true // udp would not decode this datagram whole either
	}
	datagram, ok := d.frags.add(packet, p.ts.UnixNano())
	if !ok {
		return true
	}
	return d.transport(ipUDP, datagram)
}

func (d *Decoder) ipv6(data []byte) bool {
	if len(data) < 40 || data[0]>>4 != 6 {
		return false
	}
	payloadLen := int(binary.BigEndian.Uint16(data[4:6]))
	p := &d.p
	p.src, p.dst = data[8:24], data[24:40]
	p.ttl = data[7]
	next := data[6]
	data = data[40:]
	if payloadLen < len(data) && payloadLen > 0 {
		data = data[:payloadLen]
	}
	for hops := 0; hops < 8; hops++ {
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(data) < 8 {
				return false
			}
			n := (int(data[1]) + 1) * 8
			if len(data) < n {
				return false
			}
			next, data = data[0], data[n:]
		case 44: // fragment
			if len(data) < 8 || binary.BigEndian.Uint16(data[2:4]) != 0 {
				return false
			}
			next, data = data[0], data[8:]
		default:
			return d.transport(next, data)
		}
	}
	return false
}

// unrouted reports whether a packet still carries a common initial TTL (or
// hop limit): hosts send 32, 64, 128 or 255, and every router on the way
// takes one off. A decremented TTL means the Ethernet source is the last
// router, not the sender, so its MAC must not be bound to the sender's IP
// (the uhctf2022 camera sits one hop behind a MikroTik and arrives with TTL 63).
func unrouted(ttl uint8) bool {
	switch ttl {
	case 32, 64, 128, 255:
		return true
	}
	return false
}

// transport decodes UDP and TCP after noting the sender's link binding.
func (d *Decoder) transport(proto uint8, data []byte) bool {
	p := &d.p
	if d.inspect != nil {
		d.inspect(proto, data)
	}
	if len(p.src) == 4 {
		p.srcLocal, p.dstLocal = localV4(p.src), localV4(p.dst)
	} else {
		p.srcLocal, p.dstLocal = localV6(p.src), localV6(p.dst)
	}
	if len(d.local.v4)+len(d.local.v6) > 0 {
		p.srcLocal = p.srcLocal || d.local.holds(p.src)
		p.dstLocal = p.dstLocal || d.local.holds(p.dst)
	}
	if p.srcLocal && !p.srcMAC.IsZero() && !p.srcMAC.Multicast() && bindable(p.src) && unrouted(p.ttl) {
		d.bind(p.srcMAC, p.src, bindLink)
	}
	switch proto {
	case ipUDP:
		return d.udp(data)
	case ipTCP:
		return d.tcp(data)
	case ipGRE:
		return d.gre(data)
	case ipInIPv4, ipInIPv6:
		return d.routed(data)
	}
	return true
}

func (d *Decoder) udp(data []byte) bool {
	if len(data) < 8 {
		return false
	}
	p := &d.p
	p.srcPort = binary.BigEndian.Uint16(data[0:2])
	p.dstPort = binary.BigEndian.Uint16(data[2:4])
	length := int(binary.BigEndian.Uint16(data[4:6]))
	if length >= 8 && length < len(data) {
		data = data[:length]
	}
	p.payload = data[8:]
	if decoded, ok := d.udpTunnel(p.dstPort, p.payload); ok {
		return decoded
	}
	if len(p.payload) == 0 || !(p.srcLocal || d.opt.AllAddresses) || multicastIP(p.src) {
		return true
	}
	dec, ok := d.udpDecoder(p.srcPort, p.dstPort, p.payload)
	if !ok {
		return true
	}
	d.runDatagram(dec, p.payload, d.meta())
	return true
}

func (d *Decoder) udpDecoder(src, dst uint16, payload []byte) (scanner.Decoder, bool) {
	if d.proto.UDP != nil {
		if dec, ok := d.proto.UDP(src, dst); ok {
			return dec, true
		}
	}
	if d.proto.Sniff != nil {
		return d.proto.Sniff(payload)
	}
	return nil, false
}

// runDatagram calls a protocol decoder, counting its failures. A panic in a
// decoder is a bug there; it is counted, not allowed to end the read.
//
// A datagram whose bytes (those Protocols.RepeatKey names), addresses and
// ports are those of one decoded without error before is not decoded
// again: discovery announcements repeat every few seconds, and decoding is
// pure, so it would give the same observations, which deliver drops as
// repeats anyway.
func (d *Decoder) runDatagram(dec scanner.Decoder, payload []byte, m scanner.Meta) {
	var head []byte
	tail := payload
	if d.proto.RepeatKey != nil {
		head, tail = d.proto.RepeatKey(m.SrcPort, m.DstPort, payload)
	}
	key := d.repeats.Key(&m, head, tail)
	if d.repeats.Seen(key) {
		d.stats.Repeats++
		return
	}
	defer d.recoverDecoder()
	if err := dec(payload, m, d.emit); err != nil {
		d.stats.DecoderErrors++
		return
	}
	d.repeats.Remember(key)
}

func (d *Decoder) recoverDecoder() {
	if recover() != nil {
		d.stats.DecoderErrors++
	}
}

// meta describes the current packet's payload for a protocol decoder.
func (d *Decoder) meta() scanner.Meta {
	p := &d.p
	return scanner.Meta{
		Time: p.ts, Probe: d.opt.Probe,
		SrcMAC: p.srcMAC, DstMAC: p.dstMAC,
		SrcIP: toAddr(p.src), DstIP: toAddr(p.dst),
		SrcPort: p.srcPort, DstPort: p.dstPort,
		VLAN: p.vlan,
	}
}

func (d *Decoder) tcp(data []byte) bool {
	if len(data) < 20 {
		return false
	}
	p := &d.p
	p.srcPort = binary.BigEndian.Uint16(data[0:2])
	p.dstPort = binary.BigEndian.Uint16(data[2:4])
	p.seq = binary.BigEndian.Uint32(data[4:8])
	offset := int(data[12]>>4) * 4
	if offset < 20 || offset > len(data) {
		return false
	}
	p.tcpFlags = data[13]
	p.payload = data[offset:]
	if p.tcpFlags&(tcpSYN|tcpACK) == tcpSYN|tcpACK {
		d.open()
	}
	if p.srcLocal || p.dstLocal || d.opt.AllAddresses {
		d.flows.segment(p)
	}
	d.clientFirst()
	return true
}

// clientFirst decodes what a local client says of itself in a segment to any
// server (the name a TLS ClientHello asks for); the flow table keeps only
// connections to local servers, and a device's cloud is not one.
func (d *Decoder) clientFirst() {
	p := &d.p
	if d.proto.ClientFirst == nil || len(p.payload) == 0 || !(p.srcLocal || d.opt.AllAddresses) || multicastIP(p.src) {
		return
	}
	if dec, ok := d.proto.ClientFirst(p.payload); ok {
		d.runDatagram(dec, p.payload, d.meta())
	}
}

// open records the port a SYN-ACK came from as open, once per host and port.
func (d *Decoder) open() {
	p := &d.p
	if !(p.srcLocal || d.opt.AllAddresses) || !bindable(p.src) {
		return
	}
	if !d.opens.add(endpointKey{ip: addr16(p.src), port: p.srcPort}) {
		return
	}
	d.emit(observe.Observation{Time: p.ts, Probe: d.opt.Probe, IP: toAddr(p.src), Port: p.srcPort,
		Key: "tcp.open", Value: strconv.Itoa(int(p.srcPort))})
}

func multicastIP(a []byte) bool {
	if len(a) == 4 {
		return a[0]&0xf0 == 0xe0 || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
	}
	return a[0] == 0xff
}

// addr16 returns an address in 16-byte form (IPv4 as ::ffff:a.b.c.d).
func addr16(a []byte) [16]byte {
	if len(a) == 4 {
		return netip.AddrFrom4([4]byte(a)).As16()
	}
	return [16]byte(a)
}

func toAddr(a []byte) netip.Addr {
	if len(a) == 4 {
		return netip.AddrFrom4([4]byte(a))
	}
	return netip.AddrFrom16([16]byte(a))
}

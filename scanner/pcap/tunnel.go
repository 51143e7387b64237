package pcap

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/camsweep/camsweep/internal/checksum"
)

// Remote mirrors: a switch or router that copies a port's traffic to a
// collector across routed links wraps each mirrored Ethernet frame in a
// tunnel, so a capture taken at the collector holds only the two tunnel
// endpoints on the outside. The decoder unwraps the common mirror
// encapsulations and decodes the inner frame as if it had been captured
// directly (MACs, VLAN tags, ARP, IP, everything), so every device inside
// is found. The outer packet is still decoded first as today: the mirroring
// switch and the collector remain devices of their own.
//
// Only the IP protocol number (GRE), the UDP destination port (VXLAN,
// Geneve, TZSP) or the first bytes of a datagram to another port are looked
// at before a tunnel is read, so ordinary traffic pays a few comparisons.

const (
	ipGRE    = 47 // IP protocol number of GRE (RFC 2784)
	ipInIPv4 = 4  // IPv4 in IP (RFC 2003)
	ipInIPv6 = 41 // IPv6 in IP (RFC 4213's 6in4, and any IPv6-in-IP tunnel)

	// GRE protocol types of routed tunnels: an IP packet, no link layer.
	greIPv4 = 0x0800
	greIPv6 = 0x86dd

	// GRE protocol types that carry a whole Ethernet frame.
	greTEB     = 0x6558 // Transparent Ethernet Bridging (RFC 1701): the frame follows the GRE header
	greERSPAN2 = 0x88be // Cisco ERSPAN type I (no sequence number) and type II
	greERSPAN3 = 0x22eb // Cisco ERSPAN type III

	// UDP destination ports of the UDP-borne mirror tunnels.
	vxlanPort      = 4789  // VXLAN (RFC 7348), IANA-assigned
	vxlanLinuxPort = 8472  // VXLAN as Linux (and flannel) send it by default
	genevePort     = 6081  // Geneve (RFC 8926), IANA-assigned
	tzspPort       = 37008 // TZSP (MikroTik "sniffer" streaming, and others)

	// maxTunnelDepth bounds how many tunnels are unwrapped one inside
	// another: a mirror of a VXLAN fabric (VXLAN in ERSPAN) is two deep; a
	// third level is not followed.
	maxTunnelDepth = 2
)

// decapsulate decodes a tunnelled Ethernet frame through the same path as a
// captured one. The inner frame's own headers replace the outer ones; the
// VLAN is the inner frame's own tag (untagged: 0), neither the outer frame's
// nor the VLAN field of an ERSPAN header, so that a remote mirror reads like
// a local one (a local SPAN of an access port is untagged too).
func (d *Decoder) decapsulate(frame []byte) bool {
	return d.decapsulateLink(linkEthernet, frame)
}

// decapsulateLink is decapsulate for a frame of another link type (TZSP also
// carries 802.11 frames from a Wi-Fi sniffer).
func (d *Decoder) decapsulateLink(link uint16, frame []byte) bool {
	if d.tunnelDepth >= maxTunnelDepth {
		return true // decoded as deep as the decoder goes
	}
	if d.tunnelDepth == 0 {
		d.stats.Tunnelled++
	}
	d.p.clearLink()
	d.tunnelDepth++
	ok := d.link(link, frame)
	d.tunnelDepth--
	return ok
}

// routed decodes the IP packet a routed tunnel carries (IP over GRE, IP in
// IP, ERSPAN type III's bare IP): a site-to-site link carries the hosts of
// the far site, which are hosts to inventory like any other. The packet has
// no link layer of its own, and the outer MACs are the tunnel endpoints', so
// no MAC is bound to its addresses.
func (d *Decoder) routed(packet []byte) bool {
	return d.decapsulateLink(linkRaw, packet)
}

// gre unwraps a GRE packet carrying Ethernet (TEB or ERSPAN) or IP. Other
// GRE payloads (PPTP's enhanced GRE, MPLS, keepalives' replies aside) are
// left alone.
func (d *Decoder) gre(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	flags := binary.BigEndian.Uint16(data[0:2])
	proto := binary.BigEndian.Uint16(data[2:4])
	if flags&0x4007 != 0 { // RFC 1701 source routing, or version 1 (PPTP)
		return true
	}
	n := 4
	if flags&0x8000 != 0 { // checksum and reserved
		n += 4
	}
	if flags&0x2000 != 0 { // key
		n += 4
	}
	sequenced := flags&0x1000 != 0
	if sequenced {
		n += 4
	}
	if len(data) < n {
		return false
	}
	data = data[n:]
	switch {
	case proto == greTEB:
		return d.decapsulate(data)
	case proto == greERSPAN2 && !sequenced:
		return d.decapsulate(data) // type I: the frame follows GRE directly
	case proto == greERSPAN2:
		return d.erspan2(data)
	case proto == greERSPAN3:
		return d.erspan3(data)
	case proto == greIPv4, proto == greIPv6:
		return d.routed(data)
	case arubaGRE(proto):
		return d.decapsulateLink(linkIEEE80211, data)
	}
	return true // other GRE payloads are fine, just not ours
}

// arubaGRE reports whether a GRE protocol type is one Aruba access points
// tunnel their clients' 802.11 frames to the controller with (0x8200 to
// 0x82f0 and 0x8300 to 0x8370 in steps of 0x10, and 0x9000, as Zeek's and
// Wireshark's GRE dissectors read them): a capture at the controller holds
// every wireless client's frames.
func arubaGRE(proto uint16) bool {
	switch {
	case proto == 0x9000:
		return true
	case proto&0x0f != 0:
		return false
	}
	return proto >= 0x8200 && proto <= 0x82f0 || proto >= 0x8300 && proto <= 0x8370
}

// erspan2 skips the 8-byte ERSPAN type II header (version 1).
func (d *Decoder) erspan2(data []byte) bool {
	if len(data) < 8 || data[0]>>4 != 1 {
		return false
	}
	return d.decapsulate(data[8:])
}

// erspan3 skips the 12-byte ERSPAN type III header (version 2) and its
// optional 8-byte platform subheader: an Ethernet frame (frame type 0) or a
// bare IP packet (frame type 2) follows.
func (d *Decoder) erspan3(data []byte) bool {
	if len(data) < 12 || data[0]>>4 != 2 {
		return false
	}
	word := binary.BigEndian.Uint16(data[10:12]) // P, FT(5), HW ID(6), D, Gra(2), O
	frameType := word >> 10 & 0x1f
	if frameType != 0 && frameType != 2 {
		return true
	}
	n := 12
	if word&1 != 0 { // O: a platform-specific subheader follows
		n += 8
	}
	if len(data) < n {
		return false
	}
	if frameType == 2 {
		return d.routed(data[n:])
	}
	return d.decapsulate(data[n:])
}

// udpTunnel unwraps a UDP-borne mirror tunnel. It reports false when the
// payload is not a tunnel after all, so that it is decoded as ordinary UDP.
//
// Mirrors are often sent elsewhere than the registered ports (MikroTik's
// sniffer streams TZSP wherever its user says; Linux's VXLAN defaults to
// 8472), so a datagram to another port whose first bytes have a tunnel's
// shape is unwrapped too, once its flow has carried a frame that is
// plausibly real (tunnelFlowKind): ordinary traffic is not mistaken for a
// mirror, and a stream's frames that cannot be checked (protected Wi-Fi)
// are read once the stream is known.
func (d *Decoder) udpTunnel(port uint16, payload []byte) (decoded, ok bool) {
	kind := d.portTunnel(port)
	if kind == notTunnel {
		if kind = d.tunnelFlowKind(port, payload); kind == notTunnel {
			return false, false
		}
	}
	frame, link, isTunnel := unwrapUDPTunnel(kind, payload)
	if !isTunnel {
		return false, false
	}
	if frame == nil {
		return true, true // the tunnel, but no frame the decoder reads in it
	}
	return d.decapsulateLink(link, frame), true
}

// Tunnel is a UDP-borne mirror encapsulation.
type Tunnel uint8

const (
	notTunnel Tunnel = iota
	TunnelVXLAN
	TunnelGeneve
	TunnelTZSP
)

// tunnelNames are the names ParseTunnel reads and String gives.
var tunnelNames = [...]string{notTunnel: "", TunnelVXLAN: "vxlan", TunnelGeneve: "geneve", TunnelTZSP: "tzsp"}

func (t Tunnel) String() string {
	if int(t) < len(tunnelNames) {
		return tunnelNames[t]
	}
	return ""
}

// ParseTunnel reads a tunnel's name: vxlan, geneve or tzsp.
func ParseTunnel(name string) (Tunnel, bool) {
	for t, n := range tunnelNames {
		if n != "" && strings.EqualFold(n, name) {
			return Tunnel(t), true
		}
	}
	return notTunnel, false
}

// TunnelPort checks a UDP port a user names as a mirror tunnel's
// (Options.TunnelPorts) and the tunnel's name.
func TunnelPort(port int, name string) (uint16, Tunnel, error) {
	if port < 1 || port > 65535 {
		return 0, notTunnel, fmt.Errorf("%d is not a UDP port (1-65535)", port)
	}
	kind, ok := ParseTunnel(strings.TrimSpace(name))
	if !ok {
		return 0, notTunnel, fmt.Errorf("port %d: unknown tunnel %q (want vxlan, geneve or tzsp)", port, name)
	}
	return uint16(port), kind, nil
}

// portTunnel returns the tunnel a destination port carries by the user's
// word (Options.TunnelPorts) or by registration.
func (d *Decoder) portTunnel(port uint16) Tunnel {
	if t, ok := d.opt.TunnelPorts[port]; ok {
		return t
	}
	return registeredTunnel(port)
}

// registeredTunnel returns the tunnel a destination port is registered (or
// configured by default) for.
func registeredTunnel(port uint16) Tunnel {
	switch port {
	case vxlanPort, vxlanLinuxPort:
		return TunnelVXLAN
	case genevePort:
		return TunnelGeneve
	case tzspPort:
		return TunnelTZSP
	}
	return notTunnel
}

// tunnelFlow is a sender and destination port that carry a mirror tunnel.
type tunnelFlow struct {
	src  [16]byte
	port uint16
}

// tunnelFlowKind returns the tunnel a datagram to an unregistered port
// carries: the flow's, once learned, or one its shape suggests and its
// frame confirms (a frame whose network header checks out, a beacon).
func (d *Decoder) tunnelFlowKind(port uint16, payload []byte) Tunnel {
	kind := tunnelShape(payload)
	if kind == notTunnel {
		return notTunnel // most datagrams end here, at a few byte comparisons
	}
	flow := tunnelFlow{port: port}
	copy(flow.src[:], d.p.src)
	if learned, ok := d.tunnelFlows.get(flow); ok && learned == kind {
		return kind
	}
	frame, link, isTunnel := unwrapUDPTunnel(kind, payload)
	if !isTunnel || !plausibleFrame(link, frame) {
		return notTunnel
	}
	d.tunnelFlows.set(flow, kind)
	return kind
}

// tunnelShape says which tunnel header a payload's first bytes could be:
// TZSP version 1 with a received or transmitted frame of a known
// encapsulation; VXLAN with the I flag (and at most the group-policy flag)
// and its reserved bytes zero; Geneve version 0 carrying Ethernet.
func tunnelShape(p []byte) Tunnel {
	if len(p) < 8 {
		return notTunnel
	}
	switch {
	case p[0] == 1 && p[1] <= 1 && tzspLinks[binary.BigEndian.Uint16(p[2:4])] != 0:
		return TunnelTZSP
	case p[0]&^0x80 == 0x08 && p[2] == 0 && p[3] == 0 && p[7] == 0:
		return TunnelVXLAN
	case p[0]>>6 == 0 && binary.BigEndian.Uint16(p[2:4]) == greTEB && p[7] == 0:
		return TunnelGeneve
	}
	return notTunnel
}

// unwrapUDPTunnel returns the frame a tunnel packet carries and its link
// type. isTunnel is false when the header does not parse; frame is nil for
// a packet that carries no frame the decoder reads.
func unwrapUDPTunnel(kind Tunnel, payload []byte) (frame []byte, link uint16, isTunnel bool) {
	switch kind {
	case TunnelVXLAN:
		// Flags (the I bit says a VNI is present), 3 reserved bytes, VNI,
		// 1 reserved byte.
		if len(payload) < 8 || payload[0]&0x08 == 0 {
			return nil, 0, false
		}
		return payload[8:], linkEthernet, true
	case TunnelGeneve:
		return geneveFrame(payload)
	case TunnelTZSP:
		return tzspFrame(payload)
	}
	return nil, 0, false
}

// geneveFrame reads a Geneve header (RFC 8926): version 0, the options'
// length in 4-byte words, flags, protocol type, VNI, reserved, options.
// Only Ethernet payloads (protocol type 0x6558) carry MACs.
func geneveFrame(data []byte) (frame []byte, link uint16, isGeneve bool) {
	if len(data) < 8 || data[0]>>6 != 0 {
		return nil, 0, false
	}
	n := 8 + 4*int(data[0]&0x3f)
	if len(data) < n {
		return nil, 0, false
	}
	if binary.BigEndian.Uint16(data[2:4]) != greTEB {
		return nil, 0, true
	}
	return data[n:], linkEthernet, true
}

// TZSP encapsulations the decoder reads (the frame's link type).
var tzspLinks = map[uint16]uint16{
	1:   linkEthernet,  // Ethernet
	18:  linkIEEE80211, // IEEE 802.11, as MikroTik's Wi-Fi sniffer streams it
	119: linkPrism,     // 802.11 behind a Prism header
	127: linkAVS,       // 802.11 behind an AVS header
}

// tzspFrame returns the frame a TZSP packet carries and its link type:
// version 1, type received (0) or transmitted (1), encapsulation Ethernet or
// 802.11, tagged fields up to the end tag (1). isTZSP is false when the
// header does not parse; frame is nil for TZSP that carries no frame the
// decoder reads (keepalives, other encapsulations).
func tzspFrame(data []byte) (frame []byte, link uint16, isTZSP bool) {
	if len(data) < 5 || data[0] != 1 {
		return nil, 0, false
	}
	link, known := tzspLinks[binary.BigEndian.Uint16(data[2:4])]
	if data[1] > 1 || !known {
		return nil, 0, true
	}
	for i := 4; i < len(data); {
		switch data[i] {
		case 0: // padding, one byte
			i++
		case 1: // end of the tagged fields
			return data[i+1:], link, true
		default: // tag, length, value
			if i+1 >= len(data) {
				return nil, 0, false
			}
			i += 2 + int(data[i+1])
		}
	}
	return nil, 0, false
}

// plausibleFrame says whether a frame found behind a tunnel-shaped header on
// an unregistered port is a real mirrored frame: an Ethernet frame whose
// network header checks out, or an 802.11 beacon or unprotected data frame.
// Random bytes pass it about never (an IPv4 header checksum alone fails
// 65,535 times in 65,536).
func plausibleFrame(link uint16, frame []byte) bool {
	switch link {
	case linkEthernet:
		if len(frame) < 14 {
			return false
		}
		etherType, data, _, ok := untagged(binary.BigEndian.Uint16(frame[12:14]), frame[14:])
		return ok && plausibleNetwork(etherType, data)
	case linkIEEE80211:
		return plausibleDot11(frame)
	case linkPrism, linkAVS:
		inner, ok := behindRadioHeader(link, frame)
		return ok && plausibleDot11(inner)
	}
	return false
}

// plausibleNetwork checks the fixed fields of an IPv4 (with its header
// checksum), IPv6 or ARP header.
func plausibleNetwork(etherType uint16, data []byte) bool {
	switch etherType {
	case etherIPv4:
		if len(data) < 20 || data[0]>>4 != 4 || data[0]&0x0f < 5 || len(data) < 4*int(data[0]&0x0f) {
			return false
		}
		return checksum.Internet(data[:4*int(data[0]&0x0f)]) == 0
	case etherIPv6:
		if len(data) < 40 || data[0]>>4 != 6 {
			return false
		}
		// The payload length covers what follows the header (a capture may
		// have cut the frame short, never lengthened it).
		return int(binary.BigEndian.Uint16(data[4:6]))+40 >= len(data)
	case etherARP:
		return len(data) >= 28 && binary.BigEndian.Uint16(data[0:2]) == 1 &&
			binary.BigEndian.Uint16(data[2:4]) == etherIPv4 && data[4] == 6 && data[5] == 4 &&
			(data[7] == 1 || data[7] == 2) && data[6] == 0
	}
	return false
}

// plausibleDot11 accepts a beacon (broadcast, sent by its own BSSID) or an
// unprotected data frame whose body is LLC/SNAP with a plausible network
// header.
func plausibleDot11(f []byte) bool {
	if len(f) < dot11HeaderLen || f[0]&0x03 != 0 {
		return false
	}
	if f[0] == 0x80 { // management, subtype beacon
		return [6]byte(f[4:10]) == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} && [6]byte(f[10:16]) == [6]byte(f[16:22])
	}
	if (f[0]>>2)&0x03 != dot11TypeData || f[1]&dot11Protected != 0 || (f[0]>>4)&dot11NoBody != 0 {
		return false
	}
	hdr, amsdu, ok := dot11Body(f, false)
	if !ok || amsdu || len(f) < hdr+len(snapHeader)+2 || [6]byte(f[hdr:hdr+6]) != snapHeader {
		return false
	}
	return plausibleNetwork(binary.BigEndian.Uint16(f[hdr+6:hdr+8]), f[hdr+8:])
}

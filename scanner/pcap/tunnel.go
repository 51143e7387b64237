package pcap

import "encoding/binary"

// Remote mirrors: a switch or router that copies a port's traffic to a
// collector across routed links wraps each mirrored Ethernet frame in a
// tunnel, so a capture taken at the collector holds only the two tunnel
// endpoints on the outside. The decoder unwraps the common mirror
// encapsulations and decodes the inner frame as if it had been captured
// directly (MACs, VLAN tags, ARP, IP, everything), so every device inside
// is found. The outer packet is still decoded first as today: the mirroring
// switch and the collector remain devices of their own.
//
// Only the IP protocol number (GRE) or the UDP destination port (VXLAN,
// TZSP) is looked at before any tunnel byte is read, so ordinary traffic
// pays one comparison.

const (
	ipGRE = 47 // IP protocol number of GRE (RFC 2784)

	// GRE protocol types that carry a whole Ethernet frame.
	greTEB     = 0x6558 // Transparent Ethernet Bridging (RFC 1701): the frame follows the GRE header
	greERSPAN2 = 0x88be // Cisco ERSPAN type I (no sequence number) and type II
	greERSPAN3 = 0x22eb // Cisco ERSPAN type III

	// UDP destination ports of the UDP-borne mirror tunnels.
	vxlanPort = 4789  // VXLAN (RFC 7348), IANA-assigned
	tzspPort  = 37008 // TZSP (MikroTik "sniffer" streaming, and others)

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
	d.p.clearLink()
	d.tunnelDepth++
	ok := d.link(link, frame)
	d.tunnelDepth--
	return ok
}

// gre unwraps a GRE packet carrying Ethernet (TEB or ERSPAN). Other GRE
// payloads (routed IP tunnels, PPTP's enhanced GRE) are left alone.
func (d *Decoder) gre(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	flags := binary.BigEndian.Uint16(data[0:2])
	proto := binary.BigEndian.Uint16(data[2:4])
	if proto != greTEB && proto != greERSPAN2 && proto != greERSPAN3 {
		return true
	}
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
	switch proto {
	case greERSPAN2:
		if !sequenced {
			return d.decapsulate(data) // type I: the frame follows GRE directly
		}
		return d.erspan2(data)
	case greERSPAN3:
		return d.erspan3(data)
	}
	return d.decapsulate(data)
}

// erspan2 skips the 8-byte ERSPAN type II header (version 1).
func (d *Decoder) erspan2(data []byte) bool {
	if len(data) < 8 || data[0]>>4 != 1 {
		return false
	}
	return d.decapsulate(data[8:])
}

// erspan3 skips the 12-byte ERSPAN type III header (version 2) and its
// optional 8-byte platform subheader. Only Ethernet frames (frame type 0)
// are decoded; type III can also carry bare IP, which has no MACs to bind.
func (d *Decoder) erspan3(data []byte) bool {
	if len(data) < 12 || data[0]>>4 != 2 {
		return false
	}
	word := binary.BigEndian.Uint16(data[10:12]) // P, FT(5), HW ID(6), D, Gra(2), O
	if frameType := word >> 10 & 0x1f; frameType != 0 {
		return true
	}
	n := 12
	if word&1 != 0 { // O: a platform-specific subheader follows
		n += 8
	}
	if len(data) < n {
		return false
	}
	return d.decapsulate(data[n:])
}

// udpTunnel unwraps a datagram to a tunnel port. It reports false when the
// payload is not that tunnel after all, so that it is decoded as ordinary
// UDP.
func (d *Decoder) udpTunnel(port uint16, payload []byte) (decoded, ok bool) {
	switch port {
	case vxlanPort:
		// Flags (the I bit says a VNI is present), 3 reserved bytes, VNI,
		// 1 reserved byte.
		if len(payload) < 8 || payload[0]&0x08 == 0 {
			return false, false
		}
		return d.decapsulate(payload[8:]), true
	case tzspPort:
		frame, link, isTZSP := tzspFrame(payload)
		if !isTZSP {
			return false, false
		}
		if frame == nil {
			return true, true // TZSP, but no frame the decoder reads in it
		}
		return d.decapsulateLink(link, frame), true
	}
	return false, false
}

// TZSP encapsulations the decoder reads (the frame's link type).
var tzspLinks = map[uint16]uint16{
	1:  linkEthernet,  // Ethernet
	18: linkIEEE80211, // IEEE 802.11, as MikroTik's Wi-Fi sniffer streams it
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

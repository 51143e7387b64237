package pcap

import (
	"encoding/binary"
	"net/netip"
)

// Address classes, decided on raw bytes so the hot path builds no netip.Addr.
// "Local" means an address that can belong to inventory on a site network:
// RFC 1918, CGNAT 100.64/10, link-local, the 198.18/15 benchmarking range,
// IPv6 ULA and link-local, and the unspecified address (a DHCP client has no
// address yet), plus the site's own ranges given in Options.Local. Public,
// loopback and multicast addresses are not local.

// localRanges are the site's own public ranges, kept as masks over the raw
// address bytes so the per-packet test builds nothing.
type localRanges struct {
	v4 []maskedV4
	v6 []maskedV6
}

type maskedV4 struct{ net, mask uint32 }

type maskedV6 struct{ net, mask [16]byte }

func newLocalRanges(prefixes []netip.Prefix) localRanges {
	var lr localRanges
	for _, p := range prefixes {
		p = p.Masked()
		if p.Addr().Is4() || p.Addr().Is4In6() {
			bits := p.Bits()
			if p.Addr().Is4In6() {
				bits -= 96
			}
			a := p.Addr().Unmap().As4()
			mask := ^uint32(0) << (32 - bits)
			if bits == 0 {
				mask = 0
			}
			lr.v4 = append(lr.v4, maskedV4{net: binary.BigEndian.Uint32(a[:]) & mask, mask: mask})
			continue
		}
		var m maskedV6
		m.net = p.Addr().As16()
		for i := range p.Bits() {
			m.mask[i/8] |= 0x80 >> (i % 8)
		}
		lr.v6 = append(lr.v6, m)
	}
	return lr
}

// holds reports whether a raw 4- or 16-byte address is in one of the ranges.
func (lr *localRanges) holds(a []byte) bool {
	if len(a) == 4 {
		x := binary.BigEndian.Uint32(a)
		for _, r := range lr.v4 {
			if x&r.mask == r.net {
				return true
			}
		}
		return false
	}
	for _, r := range lr.v6 {
		match := true
		for i := range 16 {
			if a[i]&r.mask[i] != r.net[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func localV4(a []byte) bool {
	switch {
	case a[0] == 10:
		return true
	case a[0] == 172 && a[1]&0xf0 == 16:
		return true
	case a[0] == 192 && a[1] == 168:
		return true
	case a[0] == 100 && a[1]&0xc0 == 64:
		return true
	case a[0] == 169 && a[1] == 254:
		return true
	case a[0] == 198 && a[1]&0xfe == 18:
		return true
	case a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0:
		return true
	}
	return false
}

func localV6(a []byte) bool {
	switch {
	case a[0]&0xfe == 0xfc: // fc00::/7 unique local
		return true
	case a[0] == 0xfe && a[1]&0xc0 == 0x80: // fe80::/10 link-local
		return true
	}
	for _, b := range a {
		if b != 0 {
			return false
		}
	}
	return true // :: unspecified
}

// unspecified reports whether an address is all zeros (0.0.0.0 or ::): a host
// that has no address yet, which binds nothing.
func unspecified(a []byte) bool {
	for _, b := range a {
		if b != 0 {
			return false
		}
	}
	return true
}

// bindable reports whether a sender address may be bound to a MAC: unicast,
// assigned, and not loopback.
func bindable(a []byte) bool {
	if unspecified(a) {
		return false
	}
	if len(a) == 4 {
		return a[0] != 127 && a[0] < 224
	}
	return a[0] != 0xff && !(a[15] == 1 && unspecified(a[:15]))
}

package pcap

// Address classes, decided on raw bytes so the hot path builds no netip.Addr.
// "Local" means an address that can belong to inventory on a site network:
// RFC 1918, CGNAT 100.64/10, link-local, the 198.18/15 benchmarking range,
// IPv6 ULA and link-local, and the unspecified address (a DHCP client has no
// address yet). Public, loopback and multicast addresses are not local.

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

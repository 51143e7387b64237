//go:build linux

package labtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
)

// StartDevices adds one lab host per profile, in order, and starts its
// simulated device there. The devices stop when the lab closes.
func StartDevices(ctx context.Context, l *lab.Lab, profiles []camsim.Profile) ([]*camsim.Device, error) {
	out := make([]*camsim.Device, 0, len(profiles))
	for _, p := range profiles {
		d, err := camsim.Add(ctx, l, p)
		if err != nil {
			return out, fmt.Errorf("starting %s: %w", p.Name, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// PlainHosts makes n plain hosts from the highest addresses of the lab's
// subnet downwards (camsim devices take the lowest), their MACs cycling
// through ouis so a sweep sees a realistic mix of makers.
func PlainHosts(l *lab.Lab, n int, ouis [][3]byte) ([]lab.PlainHost, error) {
	p := l.Prefix()
	last := lastHost(p)
	out := make([]lab.PlainHost, 0, n)
	ip := last
	for i := range n {
		if !p.Contains(ip) || ip == p.Addr() || ip == l.Scanner().IP {
			return nil, fmt.Errorf("labtest: %s has no room for %d plain hosts", p, n)
		}
		oui := ouis[i%len(ouis)]
		mac := net.HardwareAddr{oui[0], oui[1], oui[2], 0xb0 | byte(i>>16&0x0f), byte(i >> 8), byte(i)}
		out = append(out, lab.PlainHost{MAC: mac, IP: ip})
		ip = ip.Prev()
	}
	return out, nil
}

// lastHost is the highest host address of p (the one before broadcast).
func lastHost(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= 1<<(32-p.Bits()) - 1
	v--
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// SpreadPlainHosts makes n plain hosts spread evenly over p above its first
// /24 (where camsim devices take the lowest addresses), so a sweep meets them
// among long runs of silent addresses; their MACs cycle through ouis.
func SpreadPlainHosts(p netip.Prefix, n int, ouis [][3]byte) []lab.PlainHost {
	const first = 256
	size := 1 << (32 - p.Bits())
	stride := (size - first - 2) / n
	a := p.Masked().Addr().As4()
	start := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	out := lab.GeneratePlainHosts(p.Addr(), n, ouis) // for the MACs
	for i := range out {
		v := start + uint32(first+i*stride+i%7+1) // +i%7: not all at the same offset of their /24
		out[i].IP = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	return out
}

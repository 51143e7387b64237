package sweep

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
)

// nonPublic are the ranges a sweep may probe without --allow-public: private,
// shared (CGNAT), link-local and the benchmarking range the lab uses.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
}

// LargeScope is the number of addresses from which a sweep asks for --yes (a /16).
const LargeScope = 1 << 16

// MaxScope bounds what one sweep may touch at all (a /12): beyond it the
// operator wants a scheduled audit split into sites, not one sweep.
const MaxScope = 1 << 20

// ParseTargets reads a comma-separated list of IPv4 CIDRs or addresses.
func ParseTargets(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("target %q is neither an address nor a CIDR", f)
			}
			f = a.String() + "/32"
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("target %q: %v", f, err)
		}
		if !p.Addr().Is4() {
			return nil, fmt.Errorf("target %q: only IPv4 ranges can be swept (IPv6 segments are found passively)", f)
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 {
		return nil, errors.New("no targets given")
	}
	return out, nil
}

// CheckScope refuses what the operator did not clearly ask for: public
// ranges without allowPublic, more than MaxScope addresses at all.
// It returns the number of addresses, so the caller can ask for --yes.
func CheckScope(targets []netip.Prefix, allowPublic bool) (int, error) {
	total := 0
	for _, p := range targets {
		if !allowPublic && !isNonPublic(p) {
			return 0, fmt.Errorf("%s is not a private, shared or link-local range; pass --allow-public if you are authorised to scan it", p)
		}
		if p.Bits() < 12 {
			return 0, fmt.Errorf("%s is larger than a /12; split the sweep", p)
		}
		total += 1 << (32 - p.Bits())
		if total > MaxScope {
			return 0, fmt.Errorf("more than %d addresses in all; split the sweep", MaxScope)
		}
	}
	return total, nil
}

func isNonPublic(p netip.Prefix) bool {
	for _, np := range nonPublic {
		if np.Bits() <= p.Bits() && np.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// hosts lists the usable host addresses of p: without network and broadcast
// addresses for /30 and larger.
func hosts(p netip.Prefix) []netip.Addr {
	n := 1 << (32 - p.Bits())
	out := make([]netip.Addr, 0, n)
	a := p.Addr()
	for i := 0; i < n; i++ {
		if n >= 4 && (i == 0 || i == n-1) {
			a = a.Next()
			continue
		}
		out = append(out, a)
		a = a.Next()
	}
	return out
}

// Segment is the local IPv4 network of an interface.
type Segment struct {
	Interface *net.Interface
	Addr      netip.Addr   // our address on it
	Prefix    netip.Prefix // its network
}

// LocalSegment finds the IPv4 network of ifi.
func LocalSegment(ifi *net.Interface) (Segment, error) {
	addrs, err := ifi.Addrs()
	if err != nil {
		return Segment{}, err
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil {
			continue
		}
		ip, _ := netip.AddrFromSlice(ipn.IP.To4())
		ones, _ := ipn.Mask.Size()
		return Segment{Interface: ifi, Addr: ip, Prefix: netip.PrefixFrom(ip, ones).Masked()}, nil
	}
	return Segment{}, fmt.Errorf("interface %s has no IPv4 address", ifi.Name)
}

// DefaultInterface picks the interface a sweep without -i uses: the one
// holding the IPv4 default route, else the only up, non-loopback interface
// with an IPv4 address. Otherwise it refuses to guess.
func DefaultInterface() (*net.Interface, error) {
	if name := defaultRouteInterface(); name != "" {
		if ifi, err := net.InterfaceByName(name); err == nil {
			return ifi, nil
		}
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var found []net.Interface
	for _, ifi := range ifs {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagLoopback != 0 {
			continue
		}
		if _, err := LocalSegment(&ifi); err == nil {
			found = append(found, ifi)
		}
	}
	switch len(found) {
	case 0:
		return nil, errors.New("no up interface with an IPv4 address; name one with -i")
	case 1:
		return &found[0], nil
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.Name
	}
	return nil, fmt.Errorf("several interfaces are up (%s); name the segment to sweep with -i", strings.Join(names, ", "))
}

// defaultRouteInterface reads the IPv4 default route's device from /proc/net/route.
func defaultRouteInterface() string {
	b, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 2 && f[1] == "00000000" && f[7] == "00000000" {
			return f[0]
		}
	}
	return ""
}

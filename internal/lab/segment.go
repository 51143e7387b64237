//go:build linux

package lab

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// lanPort says which LAN a new host joins: its bridge, subnet and, for
// routed segments, the router address to reach the rest of the lab.
type lanPort struct {
	bridge  int
	subnet  netip.Prefix
	gateway netip.Addr
}

func (l *Lab) mainLAN() lanPort { return lanPort{bridge: l.bridge, subnet: l.subnet} }

// Segment is a second LAN reached from the scanner through the lab's router,
// for routed targets (unicast probes only: ARP and multicast stay on their
// own segment, as on a real network).
type Segment struct {
	lab   *Lab
	port  lanPort
	n     int      // numbers its bridge, router interface and router MAC
	plain *plainNS // its plain hosts, once added
	// sparse: the router routes only the segment's known hosts and drops
	// the rest (see AddSparseSegment).
	sparse bool
}

// routerMAC is the router's address on every LAN it joins (locally
// administered, the last byte numbering the LAN).
func routerMAC(n int) net.HardwareAddr { return net.HardwareAddr{0x02, 0xc5, 0xee, 0, 0, byte(n)} }

// AddSegment creates a routed LAN with the given prefix (inside Range, not
// overlapping the lab's other LANs). The first call also creates the router
// namespace, which takes the last host address of the main LAN, and gives
// the scanner a route to 198.18.0.0/15 through it; there is still no
// default route anywhere. The router takes the first host address of prefix.
func (l *Lab) AddSegment(prefix netip.Prefix) (*Segment, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	prefix = prefix.Masked()
	if err := l.checkSegmentPrefix(prefix); err != nil {
		return nil, err
	}
	if err := l.ensureRouter(); err != nil {
		return nil, err
	}
	n := len(l.segments) + 1
	bridge, err := l.addBridge(fmt.Sprintf("br%d", n))
	if err != nil {
		return nil, err
	}
	gateway := prefix.Addr().Next()
	mac := routerMAC(n)
	if err := l.reserve(fmt.Sprintf("router-lan%d", n), mac, gateway, prefix); err != nil {
		return nil, err
	}
	ifname := fmt.Sprintf("lan%d", n)
	link, err := l.plugIn(l.router, ifname, mac, bridge)
	if err != nil {
		return nil, err
	}
	if err := addressUp(l.router.nl, link, gateway, prefix); err != nil {
		return nil, err
	}
	if err := l.waitPlugged(l.router, ifname); err != nil {
		return nil, err
	}
	seg := &Segment{lab: l, port: lanPort{bridge: bridge, subnet: prefix, gateway: gateway}, n: n}
	l.segments = append(l.segments, seg)
	return seg, nil
}

func (l *Lab) checkSegmentPrefix(prefix netip.Prefix) error {
	if l.closed {
		return fmt.Errorf("lab: closed")
	}
	if !prefix.Addr().Is4() || prefix.Bits() < Range.Bits() || !Range.Contains(prefix.Addr()) || prefix.Bits() > 30 {
		return fmt.Errorf("lab: segment %s must be a /16../30 inside %s", prefix, Range)
	}
	taken := []netip.Prefix{l.subnet}
	for _, s := range l.segments {
		taken = append(taken, s.port.subnet)
	}
	for _, t := range taken {
		if t.Overlaps(prefix) {
			return fmt.Errorf("lab: segment %s overlaps %s", prefix, t)
		}
	}
	return nil
}

// ensureRouter creates the router namespace on the main LAN, with
// forwarding on, and routes the scanner's lab-range traffic through it.
func (l *Lab) ensureRouter() error {
	if l.router != nil {
		return nil
	}
	ns, err := createNamespace(l.prefix+"router", l.ipv6, "net/ipv4/ip_forward")
	if err != nil {
		return err
	}
	l.children = append(l.children, ns)
	ip := lastHost(l.subnet)
	mac := routerMAC(0)
	if err := l.reserve("router", mac, ip, l.subnet); err != nil {
		return err
	}
	link, err := l.plugIn(ns, "lan0", mac, l.bridge)
	if err != nil {
		return err
	}
	if err := addressUp(ns.nl, link, ip, l.subnet); err != nil {
		return err
	}
	if err := l.waitPlugged(ns, "lan0"); err != nil {
		return err
	}
	l.router = ns
	l.routerIP = ip
	scannerLink, err := l.scanner.ns.nl.LinkByName(l.scanner.Interface)
	if err != nil {
		return err
	}
	return routeRangeVia(l.scanner.ns.nl, scannerLink, ip)
}

// routeRangeVia routes 198.18.0.0/15 through gateway; the connected routes
// of the host's own LAN stay more specific.
func routeRangeVia(h *netlink.Handle, link netlink.Link, gateway netip.Addr) error {
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: prefixToIPNet(Range), Gw: gateway.AsSlice()}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("lab: route %s via %s: %w", Range, gateway, err)
	}
	return nil
}

// Prefix is the segment's subnet.
func (s *Segment) Prefix() netip.Prefix { return s.port.subnet }

// Gateway is the router's address on the segment.
func (s *Segment) Gateway() netip.Addr { return s.port.gateway }

// RouterIP is the router's address on the main LAN (the scanner's next hop).
func (l *Lab) RouterIP() netip.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.routerIP
}

// FreeIP returns the lowest unused host address of the segment.
func (s *Segment) FreeIP() (netip.Addr, error) {
	s.lab.mu.Lock()
	defer s.lab.mu.Unlock()
	return s.lab.freeIPLocked(s.port.subnet)
}

// AddHost creates a full host on the segment (see Lab.AddHost); it reaches
// the rest of the lab through the router.
func (s *Segment) AddHost(name string, mac net.HardwareAddr, ip netip.Addr) (*Host, error) {
	s.lab.mu.Lock()
	defer s.lab.mu.Unlock()
	return s.lab.addHost(name, mac, ip, s.port, s.routeHost)
}

// sparseTableBase numbers the router's routing tables for sparse segments.
const sparseTableBase = 500

// AddSparseSegment is AddSegment for a large, mostly empty segment, such as
// a routed /16 holding a few hundred hosts. Its router knows each host added
// (a /32 route and a permanent neighbour entry) and silently drops packets
// to the segment's other addresses, as a router that rate-limits its ICMP
// unreachables does, instead of broadcasting an ARP request for each: a
// sweep of the segment would otherwise fill the kernel's neighbour table,
// which every namespace shares (the root one included), with tens of
// thousands of unresolved entries.
func (l *Lab) AddSparseSegment(prefix netip.Prefix) (*Segment, error) {
	s, err := l.AddSegment(prefix)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.router.nl
	table := sparseTableBase + s.n
	drop := &netlink.Route{Dst: prefixToIPNet(s.port.subnet), Type: unix.RTN_BLACKHOLE, Table: table}
	if err := h.RouteAdd(drop); err != nil {
		return nil, fmt.Errorf("lab: blackhole %s: %w", s.port.subnet, err)
	}
	rule := netlink.NewRule()
	rule.Dst = prefixToIPNet(s.port.subnet)
	rule.Table = table
	rule.Priority = 100
	rule.Family = unix.AF_INET
	if err := h.RuleAdd(rule); err != nil {
		return nil, fmt.Errorf("lab: rule for %s: %w", s.port.subnet, err)
	}
	s.sparse = true
	return s, nil
}

// AddPlainHosts adds hosts that answer ARP and ping and nothing else (a
// refused connection on every TCP port) to the segment; see Lab.AddPlainHosts.
func (s *Segment) AddPlainHosts(hosts []PlainHost) error {
	l := s.lab
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.plain == nil {
		peer := PlainHost{MAC: routerMAC(s.n), IP: s.port.gateway}
		p, err := l.newPlainNS(fmt.Sprintf("plain%d", s.n), s.port, peer, s.n+1)
		if err != nil {
			return err
		}
		s.plain = p
	}
	return l.addPlainHosts(s.plain, hosts, s.routeHost)
}

// routeHost makes a sparse segment's router reach a host it holds. Called
// with the lab locked.
func (s *Segment) routeHost(ph PlainHost) error {
	if !s.sparse {
		return nil
	}
	h := s.lab.router.nl
	link, err := h.LinkByName(fmt.Sprintf("lan%d", s.n))
	if err != nil {
		return fmt.Errorf("lab: router interface of %s: %w", s.port.subnet, err)
	}
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: prefixToIPNet(netip.PrefixFrom(ph.IP, 32)),
		Scope: netlink.SCOPE_LINK, Table: sparseTableBase + s.n}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("lab: router route to %s: %w", ph.IP, err)
	}
	return pinNeighbour(h, link, ph)
}

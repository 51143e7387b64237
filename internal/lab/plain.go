//go:build linux

package lab

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// PlainHost is a cheap host that only answers ARP and ICMP: a macvlan
// interface with its own MAC and address inside the shared plain namespace.
type PlainHost struct {
	MAC net.HardwareAddr
	IP  netip.Addr
	// Firewalled hosts answer ARP and ping but send nothing over TCP: a
	// connection to any port times out, as behind a firewall that drops
	// what it does not allow, instead of being refused.
	Firewalled bool
}

// plainNS is the namespace holding every plain host of one LAN, plugged
// into its bridge by one veth ("uplink") that the macvlans sit on.
type plainNS struct {
	ns     *namespace
	uplink netlink.Link
	count  int
	port   lanPort
	// peer is the one neighbour every plain host talks to, pinned: the
	// scanner on the main LAN, the router on a routed segment.
	peer PlainHost
}

// plainTableBase numbers the per-host routing tables of the plain namespace.
const plainTableBase = 1000

// bcQueueLen is the macvlan broadcast queue: an ARP sweep of a /22 sends a
// thousand broadcasts in a burst, each copied to every macvlan; the kernel
// default (1,000) would drop some and make hosts look absent.
const bcQueueLen = 1 << 16

// AddPlainHosts adds hosts that answer ARP and ping and nothing else. They
// are far cheaper than full hosts (one macvlan each instead of a namespace
// and a veth pair), which is how a lab reaches a thousand hosts.
//
// All plain hosts share one namespace. To make them behave as separate
// machines, each interface answers ARP only for its own address
// (arp_ignore=1, arp_announce=2), holds its address as a /32, and replies
// leave through it by a source-address rule and a routing table of its own.
func (l *Lab) AddPlainHosts(hosts []PlainHost) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plain == nil {
		p, err := l.newPlainNS("plain", l.mainLAN(), PlainHost{MAC: l.scanner.MAC, IP: l.scanner.IP}, 1)
		if err != nil {
			return err
		}
		l.plain = p
	}
	return l.addPlainHosts(l.plain, hosts, nil)
}

// addPlainHosts adds hosts to p; each is also handed to added, when set.
func (l *Lab) addPlainHosts(p *plainNS, hosts []PlainHost, added func(PlainHost) error) error {
	var names []string
	for _, ph := range hosts {
		name := fmt.Sprintf("plain-%s", ph.IP)
		if err := l.reserve(name, ph.MAC, ph.IP, p.port.subnet); err != nil {
			return err
		}
		if err := l.addPlain(p, ph); err != nil {
			l.release(ph.MAC, ph.IP)
			return err
		}
		names = append(names, fmt.Sprintf("m%d", p.count))
		if added != nil {
			if err := added(ph); err != nil {
				return err
			}
		}
	}
	return waitOperUp(p.ns.nl, names...)
}

// PlainNamespace is the name of the namespace holding the plain hosts, empty
// until the first is added.
func (l *Lab) PlainNamespace() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plain == nil {
		return ""
	}
	return l.plain.ns.name
}

// newPlainNS creates the plain-host namespace of a LAN; n numbers its uplink MAC.
func (l *Lab) newPlainNS(name string, port lanPort, peer PlainHost, n int) (*plainNS, error) {
	if l.closed {
		return nil, fmt.Errorf("lab: closed")
	}
	ns, err := createNamespace(l.prefix+name, l.ipv6)
	if err != nil {
		return nil, err
	}
	l.children = append(l.children, ns)
	uplinkMAC := net.HardwareAddr{0x02, 0xc5, 0xff, 0x00, 0x00, byte(n)}
	uplink, err := l.plugIn(ns, "uplink", uplinkMAC, port.bridge)
	if err != nil {
		return nil, err
	}
	if err := ns.nl.LinkSetUp(uplink); err != nil {
		return nil, fmt.Errorf("lab: plain uplink up: %w", err)
	}
	if err := l.waitPlugged(ns, "uplink"); err != nil {
		return nil, err
	}
	if err := dropForeignLookups(ns.nl); err != nil {
		return nil, err
	}
	return &plainNS{ns: ns, uplink: uplink, port: port, peer: peer}, nil
}

// dropForeignLookups ends the route lookup of every packet that arrives for
// an address the plain namespace does not hold (the local table, rule 0,
// has already matched those it holds): each ARP request a plain host hears
// makes the kernel look its target up, and that lookup would otherwise
// walk every plain host's source rule before failing. With a broadcast
// cloned to each of N hosts, that is N x N rule checks a broadcast: on two
// cores a flat /16 of 190 hosts then fell behind 1,000 broadcasts a second,
// queuing them and answering half a minute late. Replies the hosts send
// (lookups from lo) are not matched and still find their host's table.
func dropForeignLookups(h *netlink.Handle) error {
	rule := netlink.NewRule()
	rule.Priority = foreignRulePriority
	rule.IifName = "lo"
	rule.Invert = true
	rule.Type = unix.RTN_BLACKHOLE // FR_ACT_BLACKHOLE: same value
	rule.Family = unix.AF_INET
	if err := h.RuleAdd(rule); err != nil {
		return fmt.Errorf("lab: rule dropping foreign lookups: %w", err)
	}
	return nil
}

// dropTCPFrom drops every TCP segment a plain host would send (its resets
// to the connections it refuses), before its own table is looked up.
func dropTCPFrom(h *netlink.Handle, host32 netip.Prefix) error {
	rule := netlink.NewRule()
	rule.Priority = firewallRulePriority
	rule.Src = prefixToIPNet(host32)
	rule.IPProto = unix.IPPROTO_TCP
	rule.Type = unix.RTN_BLACKHOLE
	rule.Family = unix.AF_INET
	if err := h.RuleAdd(rule); err != nil {
		return fmt.Errorf("lab: firewall rule for %s: %w", host32.Addr(), err)
	}
	return nil
}

// Rule priorities in a plain namespace: the local table (0), then
// dropForeignLookups, then dropTCPFrom, then each host's source rule,
// numbered up from hostRulePriority (below main, 32766, for the 1,000
// hosts a lab holds at most).
const (
	foreignRulePriority  = 100
	firewallRulePriority = 200
	hostRulePriority     = 1000
)

func (l *Lab) addPlain(p *plainNS, ph PlainHost) error {
	p.count++
	name := fmt.Sprintf("m%d", p.count)
	h := p.ns.nl
	mv := &netlink.Macvlan{
		LinkAttrs:  netlink.LinkAttrs{Name: name, ParentIndex: p.uplink.Attrs().Index, HardwareAddr: ph.MAC, Flags: net.FlagUp},
		Mode:       netlink.MACVLAN_MODE_BRIDGE,
		BCQueueLen: bcQueueLen,
	}
	if err := h.LinkAdd(mv); err != nil {
		return fmt.Errorf("lab: macvlan for %s: %w", ph.IP, err)
	}
	link, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("lab: macvlan for %s: %w", ph.IP, err)
	}
	host32 := netip.PrefixFrom(ph.IP, 32)
	if err := h.AddrAdd(link, &netlink.Addr{IPNet: prefixToIPNet(host32)}); err != nil {
		return fmt.Errorf("lab: address %s: %w", ph.IP, err)
	}
	table := plainTableBase + p.count
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: prefixToIPNet(p.port.subnet), Src: ph.IP.AsSlice(), Scope: netlink.SCOPE_LINK, Table: table}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("lab: route for %s: %w", ph.IP, err)
	}
	if p.port.gateway.IsValid() {
		via := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: prefixToIPNet(Range), Gw: p.port.gateway.AsSlice(), Src: ph.IP.AsSlice(), Table: table}
		if err := h.RouteAdd(via); err != nil {
			return fmt.Errorf("lab: route for %s via %s: %w", ph.IP, p.port.gateway, err)
		}
	}
	rule := netlink.NewRule()
	rule.Priority = hostRulePriority + p.count
	rule.Src = prefixToIPNet(host32)
	rule.Table = table
	rule.Family = unix.AF_INET
	if err := h.RuleAdd(rule); err != nil {
		return fmt.Errorf("lab: rule for %s: %w", ph.IP, err)
	}
	if ph.Firewalled {
		if err := dropTCPFrom(h, host32); err != nil {
			return err
		}
	}
	return pinNeighbour(h, link, p.peer)
}

// pinNeighbour gives a host a permanent neighbour entry for peer (a plain
// host's for the scanner or its router, a sparse segment's router's for its
// hosts). The kernel's ARP table is shared by every namespace and a host
// answers an ARP request only if it can create an entry for the asker; a
// thousand plain hosts each learning the scanner would overflow it (and
// starve the root namespace). Permanent entries are not counted against the
// table's limits.
func pinNeighbour(h *netlink.Handle, link netlink.Link, peer PlainHost) error {
	n := &netlink.Neigh{
		LinkIndex:    link.Attrs().Index,
		Family:       unix.AF_INET,
		State:        netlink.NUD_PERMANENT,
		IP:           peer.IP.AsSlice(),
		HardwareAddr: peer.MAC,
	}
	if err := h.NeighAdd(n); err != nil {
		return fmt.Errorf("lab: permanent neighbour entry for %s: %w", peer.IP, err)
	}
	return nil
}

// GeneratePlainHosts makes n plain hosts with consecutive addresses from
// first, cycling through the given OUIs (the low three bytes count up), for
// labs that need a realistic mix of makers without naming each host.
func GeneratePlainHosts(first netip.Addr, n int, ouis [][3]byte) []PlainHost {
	if len(ouis) == 0 {
		ouis = [][3]byte{{0x02, 0xc5, 0x00}}
	}
	out := make([]PlainHost, 0, n)
	ip := first
	for i := range n {
		o := ouis[i%len(ouis)]
		mac := net.HardwareAddr{o[0], o[1], o[2], byte(i >> 16), byte(i >> 8), byte(i)}
		out = append(out, PlainHost{MAC: mac, IP: ip})
		ip = ip.Next()
	}
	return out
}

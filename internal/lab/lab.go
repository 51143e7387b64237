//go:build linux

package lab

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Range is the only address space a lab may use: the benchmarking block
// (RFC 2544), which no production network routes.
var Range = netip.MustParsePrefix("198.18.0.0/15")

// multicastNet is routed onto each host's LAN interface so that discovery
// probes (SADP, WS-Discovery, mDNS, DHIP) can be sent without a default route.
var multicastNet = netip.MustParsePrefix("224.0.0.0/4")

// limitedBroadcast is routed onto the LAN interface for the same reason:
// Xiongmai search and Dahua's legacy discovery broadcast to 255.255.255.255,
// which a host without a default route could not send.
var limitedBroadcast = netip.MustParsePrefix("255.255.255.255/32")

// Options describe the LAN to build. The zero value is a /24 at 198.18.0.0
// with the scanner at 198.18.0.1.
type Options struct {
	// Prefix is the LAN subnet; it must lie inside Range. Default 198.18.0.0/24.
	Prefix netip.Prefix
	// ScannerIP is the scanner's address; default the first host address.
	ScannerIP netip.Addr
	// ScannerMAC is the scanner's MAC; default a locally administered address.
	ScannerMAC net.HardwareAddr
	// IPv6 keeps IPv6 enabled in the lab's namespaces. Off by default so that
	// captures in the lab hold only what the code under test sent (no router
	// solicitations, MLD or DAD from the kernel).
	IPv6 bool
}

// Lab is one running LAN. It is safe for concurrent use.
type Lab struct {
	prefix string // per-run name prefix, e.g. "cslab-4242-1-"
	subnet netip.Prefix
	ipv6   bool

	mu       sync.Mutex
	sw       *namespace
	bridge   int // bridge ifindex inside the switch namespace
	ports    int // veth ports created on the bridge so far
	scanner  *Host
	hosts    map[string]*Host
	usedIP   map[netip.Addr]string
	usedMAC  map[string]string
	plain    *plainNS
	router   *namespace // created with the first segment
	routerIP netip.Addr
	segments []*Segment
	closers  []func() error
	closed   bool
	children []*namespace // every namespace created, in creation order
}

var labSeq atomic.Uint32

// New builds a LAN: the switch namespace with its bridge and the scanner
// namespace plugged into it. Stale labs left by crashed runs are removed
// first. On error everything created so far is removed.
func New(opts Options) (*Lab, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := RemoveStale(); err != nil {
		return nil, fmt.Errorf("lab: removing stale labs: %w", err)
	}
	l := &Lab{
		prefix:  fmt.Sprintf("%s%d-%d-", namePrefix, os.Getpid(), labSeq.Add(1)),
		subnet:  opts.Prefix,
		ipv6:    opts.IPv6,
		hosts:   map[string]*Host{},
		usedIP:  map[netip.Addr]string{},
		usedMAC: map[string]string{},
	}
	if err := l.buildSwitch(); err != nil {
		l.Close()
		return nil, err
	}
	scanner, err := l.AddHost("scanner", opts.ScannerMAC, opts.ScannerIP)
	if err != nil {
		l.Close()
		return nil, err
	}
	l.scanner = scanner
	return l, nil
}

func (o Options) withDefaults() (Options, error) {
	if !o.Prefix.IsValid() {
		o.Prefix = netip.MustParsePrefix("198.18.0.0/24")
	}
	o.Prefix = o.Prefix.Masked()
	if !o.Prefix.Addr().Is4() || o.Prefix.Bits() < Range.Bits() || !Range.Contains(o.Prefix.Addr()) {
		return o, fmt.Errorf("lab: prefix %s is not inside %s", o.Prefix, Range)
	}
	if o.Prefix.Bits() > 30 {
		return o, fmt.Errorf("lab: prefix %s leaves no room for hosts", o.Prefix)
	}
	if !o.ScannerIP.IsValid() {
		o.ScannerIP = o.Prefix.Addr().Next()
	}
	if o.ScannerMAC == nil {
		o.ScannerMAC = net.HardwareAddr{0x02, 0xc5, 0x00, 0x00, 0x00, 0x01}
	}
	return o, nil
}

// Prefix is the LAN subnet.
func (l *Lab) Prefix() netip.Prefix { return l.subnet }

// Scanner is the host the code under test runs in.
func (l *Lab) Scanner() *Host { return l.scanner }

// NamePrefix is this run's namespace name prefix ("cslab-<pid>-<seq>-").
func (l *Lab) NamePrefix() string { return l.prefix }

// Host returns a host added earlier, by name.
func (l *Lab) Host(name string) (*Host, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.hosts[name]
	return h, ok
}

// Hosts lists every full host (scanner included), in no particular order.
func (l *Lab) Hosts() []*Host {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*Host, 0, len(l.hosts))
	for _, h := range l.hosts {
		out = append(out, h)
	}
	return out
}

// FreeIP returns the lowest address of the subnet not yet in use, so callers
// can add hosts without bookkeeping of their own.
func (l *Lab) FreeIP() (netip.Addr, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.freeIPLocked(l.subnet)
}

func (l *Lab) freeIPLocked(subnet netip.Prefix) (netip.Addr, error) {
	last := lastHost(subnet)
	for ip := subnet.Addr().Next(); ip.Compare(last) <= 0; ip = ip.Next() {
		if _, used := l.usedIP[ip]; !used {
			return ip, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("lab: %s is full", subnet)
}

// lastHost is the highest usable address: the one before broadcast.
func lastHost(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	hostBits := 32 - p.Bits()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= (1 << hostBits) - 1
	v--
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// OnClose registers f to run when the lab closes, before any namespace is
// removed. Listeners opened inside a namespace keep it alive, so whatever
// runs in the lab (camsim devices, captures) registers its Close here.
func (l *Lab) OnClose(f func() error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closers = append(l.closers, f)
}

// reserve checks an address and MAC are free and inside the LAN, and marks
// them used by name.
func (l *Lab) reserve(name string, mac net.HardwareAddr, ip netip.Addr, subnet netip.Prefix) error {
	if l.closed {
		return errors.New("lab: closed")
	}
	if !subnet.Contains(ip) || ip == subnet.Addr() || ip.Compare(lastHost(subnet)) > 0 {
		return fmt.Errorf("lab: %s is not a host address of %s", ip, subnet)
	}
	if len(mac) != 6 || mac[0]&1 == 1 || isZeroMAC(mac) {
		return fmt.Errorf("lab: %v is not a unicast MAC", mac)
	}
	if other, used := l.usedIP[ip]; used {
		return fmt.Errorf("lab: %s already used by %s", ip, other)
	}
	if other, used := l.usedMAC[mac.String()]; used {
		return fmt.Errorf("lab: MAC %s already used by %s", mac, other)
	}
	l.usedIP[ip] = name
	l.usedMAC[mac.String()] = name
	return nil
}

func (l *Lab) release(mac net.HardwareAddr, ip netip.Addr) {
	delete(l.usedIP, ip)
	delete(l.usedMAC, mac.String())
}

func isZeroMAC(mac net.HardwareAddr) bool {
	for _, b := range mac {
		if b != 0 {
			return false
		}
	}
	return true
}

// buildSwitch creates the switch namespace and its bridge. Multicast
// snooping is off so that multicast floods to every port like on the dumb
// switches cameras usually sit behind; with snooping on, group traffic would
// depend on IGMP joins the kernel may not have sent yet.
func (l *Lab) buildSwitch() error {
	sw, err := createNamespace(l.prefix+"sw", l.ipv6)
	if err != nil {
		return err
	}
	l.sw = sw
	l.children = append(l.children, sw)
	index, err := l.addBridge("br0")
	if err != nil {
		return err
	}
	l.bridge = index
	return nil
}

// addBridge creates a bridge in the switch namespace and returns its index.
func (l *Lab) addBridge(name string) (int, error) {
	snooping := false
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, Flags: net.FlagUp}, MulticastSnooping: &snooping}
	if err := l.sw.nl.LinkAdd(br); err != nil {
		return 0, fmt.Errorf("lab: bridge %s: %w", name, err)
	}
	link, err := l.sw.nl.LinkByName(name)
	if err != nil {
		return 0, fmt.Errorf("lab: bridge %s: %w", name, err)
	}
	return link.Attrs().Index, nil
}

// plugIn connects namespace ns to the bridge with a veth pair created in the
// switch namespace, its peer born inside ns as ifname with the given MAC.
func (l *Lab) plugIn(ns *namespace, ifname string, mac net.HardwareAddr, bridge int) (netlink.Link, error) {
	l.ports++
	port := fmt.Sprintf("p%d", l.ports)
	veth := &netlink.Veth{
		LinkAttrs:        netlink.LinkAttrs{Name: port, MasterIndex: bridge, Flags: net.FlagUp},
		PeerName:         ifname,
		PeerHardwareAddr: mac,
		PeerNamespace:    netlink.NsFd(int(ns.fd)),
	}
	if err := l.sw.nl.LinkAdd(veth); err != nil {
		return nil, fmt.Errorf("lab: veth %s: %w", port, err)
	}
	peer, err := ns.nl.LinkByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("lab: veth peer %s: %w", ifname, err)
	}
	return peer, nil
}

// waitPlugged waits until both ends of the veth plugIn created last are up.
func (l *Lab) waitPlugged(ns *namespace, ifname string) error {
	if err := waitOperUp(ns.nl, ifname); err != nil {
		return err
	}
	return waitOperUp(l.sw.nl, fmt.Sprintf("p%d", l.ports))
}

// configureLAN gives a LAN interface its address, the connected route that
// comes with it, the multicast and limited-broadcast routes, and brings it up.
func configureLAN(h *netlink.Handle, link netlink.Link, ip netip.Addr, subnet netip.Prefix) error {
	if err := addressUp(h, link, ip, subnet); err != nil {
		return err
	}
	for _, dst := range []netip.Prefix{multicastNet, limitedBroadcast} {
		route := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: prefixToIPNet(dst), Scope: netlink.SCOPE_LINK}
		if err := h.RouteAdd(route); err != nil {
			return fmt.Errorf("lab: route %s: %w", dst, err)
		}
	}
	return nil
}

// addressUp gives an interface its address (and so the connected route) and
// brings it up; the router's interfaces get only this.
func addressUp(h *netlink.Handle, link netlink.Link, ip netip.Addr, subnet netip.Prefix) error {
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ip.AsSlice(), Mask: net.CIDRMask(subnet.Bits(), 32)}}
	if err := h.AddrAdd(link, addr); err != nil {
		return fmt.Errorf("lab: address %s: %w", ip, err)
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("lab: link up: %w", err)
	}
	return nil
}

func prefixToIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// Close runs the OnClose hooks (newest first), then removes every namespace
// the lab created; the veth pairs, bridge and macvlans go with them. It is
// safe to call more than once; the first error is returned but every step
// is attempted.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	closers := l.closers
	l.closers = nil
	children := l.children
	l.mu.Unlock()

	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		errs = append(errs, closers[i]())
	}
	for i := len(children) - 1; i >= 0; i-- {
		errs = append(errs, children[i].remove())
	}
	return errors.Join(errs...)
}

// RemoveStale deletes the namespaces of labs whose process has died
// (names "cslab-<pid>-..." with no process <pid>). Namespaces of live
// processes, including other labs of this process, are left alone.
func RemoveStale() error {
	entries, err := os.ReadDir(nsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		pid, ok := ownerPID(e.Name())
		if !ok || processAlive(pid) {
			continue
		}
		errs = append(errs, deleteNamed(e.Name()))
	}
	return errors.Join(errs...)
}

// ownerPID extracts the pid from a lab namespace name, "cslab-<pid>-...".
func ownerPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	var pid int
	if _, err := fmt.Sscanf(digits, "%d", &pid); err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

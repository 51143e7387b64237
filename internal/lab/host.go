//go:build linux

package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"

	"github.com/vishvananda/netns"
	"golang.org/x/net/ipv4"
)

// LANInterface is the name of every full host's interface on the lab LAN.
const LANInterface = "eth0"

// Host is one machine on the lab LAN with its own network namespace.
type Host struct {
	Name      string           // caller's label, e.g. "hik-ipc"
	Namespace string           // namespace name, for "ip netns exec"
	MAC       net.HardwareAddr // MAC of Interface
	IP        netip.Addr       // address on the LAN
	Interface string           // LAN interface inside the namespace

	lab *Lab
	ns  *namespace
}

// AddHost creates a full host: its own namespace, a veth into the bridge
// with the given MAC, and the given address. Name must be unique in the lab.
func (l *Lab) AddHost(name string, mac net.HardwareAddr, ip netip.Addr) (*Host, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addHost(name, mac, ip, l.mainLAN(), nil)
}

// addHost creates a full host on the LAN port on, once its name is checked
// and its MAC and address are reserved there; route, when set, then makes
// the lab's router reach it (a sparse segment's does). Called with the lab
// locked.
func (l *Lab) addHost(name string, mac net.HardwareAddr, ip netip.Addr, on lanPort, route func(PlainHost) error) (*Host, error) {
	if _, dup := l.hosts[name]; dup {
		return nil, fmt.Errorf("lab: host %q already exists", name)
	}
	if err := validHostName(name); err != nil {
		return nil, err
	}
	if err := l.reserve(name, mac, ip, on.subnet); err != nil {
		return nil, err
	}
	h, err := l.buildHost(name, mac, ip, on)
	if err != nil {
		l.release(mac, ip)
		return nil, err
	}
	if route != nil {
		if err := route(PlainHost{MAC: mac, IP: ip}); err != nil {
			return nil, err
		}
	}
	l.hosts[name] = h
	return h, nil
}

// validHostName keeps names usable as path components of /run/netns.
func validHostName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("lab: host name %q must be 1-64 characters", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("lab: host name %q: only letters, digits, '-', '_' and '.'", name)
		}
	}
	if name == "." || name == ".." {
		return fmt.Errorf("lab: host name %q", name)
	}
	return nil
}

func (l *Lab) buildHost(name string, mac net.HardwareAddr, ip netip.Addr, on lanPort) (*Host, error) {
	ns, err := createNamespace(l.prefix+"h-"+name, l.ipv6)
	if err != nil {
		return nil, err
	}
	l.children = append(l.children, ns)
	link, err := l.plugIn(ns, LANInterface, mac, on.bridge)
	if err != nil {
		return nil, err
	}
	if err := configureLAN(ns.nl, link, ip, on.subnet); err != nil {
		return nil, err
	}
	if on.gateway.IsValid() {
		if err := routeRangeVia(ns.nl, link, on.gateway); err != nil {
			return nil, err
		}
	}
	if err := l.waitPlugged(ns, LANInterface); err != nil {
		return nil, err
	}
	return &Host{Name: name, Namespace: ns.name, MAC: mac, IP: ip, Interface: LANInterface, lab: l, ns: ns}, nil
}

// Lab is the lab the host belongs to.
func (h *Host) Lab() *Lab { return h.lab }

// Do runs fn on the calling goroutine with its OS thread inside the host's
// namespace, then moves the thread back. Sockets fn creates belong to the
// host's namespace for their whole life, whichever thread uses them later.
//
// Only what fn does on this goroutine is inside: goroutines it starts run on
// other threads, in the root namespace. In particular an http.Client dials
// from its own goroutines, so give it DialContext instead of calling it in Do.
func (h *Host) Do(fn func() error) error {
	return onLockedThread(func() error {
		if err := netns.Set(h.ns.fd); err != nil {
			return fmt.Errorf("lab: enter %s: %w", h.Namespace, err)
		}
		return fn()
	})
}

// DialContext dials from inside the host's namespace. Use it as the dialer
// of http.Transport and similar clients.
func (h *Host) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var conn net.Conn
	err := h.Do(func() error {
		var d net.Dialer
		var err error
		conn, err = d.DialContext(ctx, network, address)
		return err
	})
	return conn, err
}

// Listen opens a stream listener inside the host's namespace.
func (h *Host) Listen(network, address string) (net.Listener, error) {
	var ln net.Listener
	err := h.Do(func() error {
		var err error
		ln, err = net.Listen(network, address)
		return err
	})
	return ln, err
}

// ListenPacket opens a packet socket inside the host's namespace.
func (h *Host) ListenPacket(network, address string) (net.PacketConn, error) {
	var pc net.PacketConn
	err := h.Do(func() error {
		var err error
		pc, err = net.ListenPacket(network, address)
		return err
	})
	return pc, err
}

// ListenMulticastUDP listens on the wildcard address at the group's port and
// joins group on the host's LAN interface, like a device waiting for
// discovery probes: it receives probes sent to the group and unicast probes
// sent to the host alike. (net.ListenMulticastUDP binds the group address
// and would miss the unicast ones.)
func (h *Host) ListenMulticastUDP(group *net.UDPAddr) (*net.UDPConn, error) {
	var conn *net.UDPConn
	err := h.Do(func() error {
		ifi, err := net.InterfaceByName(h.Interface)
		if err != nil {
			return err
		}
		conn, err = net.ListenUDP("udp4", &net.UDPAddr{Port: group.Port})
		if err != nil {
			return err
		}
		if err := ipv4.NewPacketConn(conn).JoinGroup(ifi, &net.UDPAddr{IP: group.IP}); err != nil {
			conn.Close()
			return fmt.Errorf("join %s: %w", group.IP, err)
		}
		return nil
	})
	return conn, err
}

// Command prepares a command that runs inside the host's namespace through
// "ip netns exec", which also gives it a matching /sys.
func (h *Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	full := append([]string{"netns", "exec", h.Namespace, name}, args...)
	return exec.CommandContext(ctx, "ip", full...)
}

// Run runs a command inside the host's namespace and returns its combined
// output.
func (h *Host) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	out, err := h.Command(ctx, name, args...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("lab: %s in %s: %w", name, h.Name, err)
	}
	return out, nil
}

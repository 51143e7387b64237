//go:build linux

package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/vishvananda/netlink"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

func newLab(t *testing.T, opts Options) *Lab {
	t.Helper()
	Require(t)
	l, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

func mustMAC(t testing.TB, s string) net.HardwareAddr {
	t.Helper()
	m, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// namespaces lists /run/netns entries with the given prefix.
func namespaces(t *testing.T, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(nsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func rootInterfaces(t *testing.T) []string {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range ifs {
		names = append(names, fmt.Sprintf("%s/%s", i.Name, i.HardwareAddr))
	}
	slices.Sort(names)
	return names
}

func TestBuildAndTeardownLeavesNothing(t *testing.T) {
	Require(t)
	rootBefore := rootInterfaces(t)
	l, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AddHost("cam", mustMAC(t, "58:50:ed:00:00:01"), netip.MustParseAddr("198.18.0.10")); err != nil {
		t.Fatal(err)
	}
	if err := l.AddPlainHosts([]PlainHost{{MAC: mustMAC(t, "00:11:22:00:00:01"), IP: netip.MustParseAddr("198.18.0.20")}}); err != nil {
		t.Fatal(err)
	}
	prefix := l.NamePrefix()
	want := []string{prefix + "h-cam", prefix + "h-scanner", prefix + "plain", prefix + "sw"}
	if got := namespaces(t, prefix); !slices.Equal(got, want) {
		t.Fatalf("namespaces during the run = %v, want %v", got, want)
	}
	if got := rootInterfaces(t); !slices.Equal(got, rootBefore) {
		t.Fatalf("root namespace interfaces changed: before %v, during %v", rootBefore, got)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := namespaces(t, prefix); len(got) != 0 {
		t.Fatalf("namespaces left after Close: %v", got)
	}
	if got := rootInterfaces(t); !slices.Equal(got, rootBefore) {
		t.Fatalf("root namespace interfaces changed: before %v, after %v", rootBefore, got)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNoDefaultRouteAnywhere(t *testing.T) {
	l := newLab(t, Options{})
	h, err := l.AddHost("cam", mustMAC(t, "58:50:ed:00:00:01"), netip.MustParseAddr("198.18.0.10"))
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []*Host{l.Scanner(), h} {
		routes, err := host.ns.nl.RouteList(nil, unix.AF_INET)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			if r.Dst == nil || r.Dst.IP.IsUnspecified() {
				t.Errorf("%s has a default route: %v", host.Name, r)
			}
		}
		// A connection to an address outside the lab must fail at once.
		_, err = host.DialContext(context.Background(), "udp4", "192.0.2.1:9")
		if err == nil {
			t.Errorf("%s could dial outside the lab", host.Name)
		}
	}
}

func TestRejectsAddressesOutsideRange(t *testing.T) {
	if _, err := New(Options{Prefix: netip.MustParsePrefix("10.0.0.0/24")}); err == nil {
		t.Fatal("New accepted 10.0.0.0/24")
	}
	if _, err := New(Options{Prefix: netip.MustParsePrefix("198.16.0.0/14")}); err == nil {
		t.Fatal("New accepted a prefix wider than 198.18.0.0/15")
	}
	l := newLab(t, Options{})
	if _, err := l.AddHost("out", mustMAC(t, "02:00:00:00:00:09"), netip.MustParseAddr("198.18.1.10")); err == nil {
		t.Fatal("AddHost accepted an address outside the LAN")
	}
	if _, err := l.AddHost("bcast", mustMAC(t, "01:00:5e:00:00:01"), netip.MustParseAddr("198.18.0.11")); err == nil {
		t.Fatal("AddHost accepted a multicast MAC")
	}
	if _, err := l.AddHost("../escape", mustMAC(t, "02:00:00:00:00:0a"), netip.MustParseAddr("198.18.0.12")); err == nil {
		t.Fatal("AddHost accepted a path in the name")
	}
}

// neighbourMAC returns the MAC the scanner's kernel learned by ARP for ip.
func neighbourMAC(t *testing.T, h *Host, ip netip.Addr) net.HardwareAddr {
	t.Helper()
	link, err := h.ns.nl.LinkByName(h.Interface)
	if err != nil {
		t.Fatal(err)
	}
	neighs, err := h.ns.nl.NeighList(link.Attrs().Index, unix.AF_INET)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range neighs {
		if n.IP.Equal(ip.AsSlice()) && n.State&(netlink.NUD_REACHABLE|netlink.NUD_STALE|netlink.NUD_DELAY|netlink.NUD_PROBE) != 0 {
			return n.HardwareAddr
		}
	}
	return nil
}

// ping sends one ICMP echo from h to ip and waits for the reply.
func ping(h *Host, ip netip.Addr, seq int) error {
	var conn *icmp.PacketConn
	if err := h.Do(func() error {
		var err error
		conn, err = icmp.ListenPacket("ip4:icmp", h.IP.String())
		return err
	}); err != nil {
		return err
	}
	defer conn.Close()
	msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: 0x1234, Seq: seq, Data: []byte("camsweep-lab")}}
	b, err := msg.Marshal(nil)
	if err != nil {
		return err
	}
	if _, err := conn.WriteTo(b, &net.IPAddr{IP: ip.AsSlice()}); err != nil {
		return err
	}
	buf := make([]byte, 1500)
	deadline := time.Now().Add(3 * time.Second)
	for {
		conn.SetReadDeadline(deadline)
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return fmt.Errorf("no echo reply from %s: %w", ip, err)
		}
		reply, err := icmp.ParseMessage(1, buf[:n])
		if err != nil || reply.Type != ipv4.ICMPTypeEchoReply {
			continue
		}
		if echo, ok := reply.Body.(*icmp.Echo); ok && echo.Seq == seq && from.String() == ip.String() {
			return nil
		}
	}
}

func TestARPBetweenHosts(t *testing.T) {
	l := newLab(t, Options{})
	camMAC := mustMAC(t, "58:50:ed:00:00:01")
	cam, err := l.AddHost("cam", camMAC, netip.MustParseAddr("198.18.0.10"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ping(l.Scanner(), cam.IP, 1); err != nil {
		t.Fatal(err)
	}
	if got := neighbourMAC(t, l.Scanner(), cam.IP); got.String() != camMAC.String() {
		t.Fatalf("scanner learned %s for %s by ARP, want %s", got, cam.IP, camMAC)
	}
	if got := neighbourMAC(t, cam, l.Scanner().IP); got.String() != l.Scanner().MAC.String() {
		t.Fatalf("camera learned %s for the scanner, want %s", got, l.Scanner().MAC)
	}
}

func TestPlainHostsLookSeparate(t *testing.T) {
	l := newLab(t, Options{})
	plain := []PlainHost{
		{MAC: mustMAC(t, "4c:11:bf:00:00:01"), IP: netip.MustParseAddr("198.18.0.100")},
		{MAC: mustMAC(t, "58:50:ed:00:00:02"), IP: netip.MustParseAddr("198.18.0.101")},
		{MAC: mustMAC(t, "00:40:8c:00:00:03"), IP: netip.MustParseAddr("198.18.0.102")},
	}
	if err := l.AddPlainHosts(plain); err != nil {
		t.Fatal(err)
	}
	for i, p := range plain {
		if err := ping(l.Scanner(), p.IP, i+1); err != nil {
			t.Fatal(err)
		}
		if got := neighbourMAC(t, l.Scanner(), p.IP); got.String() != p.MAC.String() {
			t.Errorf("ARP for %s answered by %s, want %s", p.IP, got, p.MAC)
		}
	}
	// An address nobody holds must stay unanswered.
	if err := ping(l.Scanner(), netip.MustParseAddr("198.18.0.200"), 9); err == nil {
		t.Error("an unused address answered ping")
	}
}

func TestMulticastFromScannerReachesHosts(t *testing.T) {
	l := newLab(t, Options{})
	groups := []string{"239.255.255.250:3702", "239.255.255.250:37020", "239.255.255.251:37810", "224.0.0.251:5353"}
	cam, err := l.AddHost("cam", mustMAC(t, "58:50:ed:00:00:01"), netip.MustParseAddr("198.18.0.10"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		group, _ := net.ResolveUDPAddr("udp4", g)
		listener, err := cam.ListenMulticastUDP(group)
		if err != nil {
			t.Fatal(err)
		}
		defer listener.Close()
		sender, err := l.Scanner().ListenPacket("udp4", ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer sender.Close()
		if _, err := sender.WriteTo([]byte("probe "+g), group); err != nil {
			t.Fatalf("send to %s: %v", g, err)
		}
		buf := make([]byte, 100)
		listener.SetReadDeadline(time.Now().Add(3 * time.Second))
		n, from, err := listener.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("%s: nothing received: %v", g, err)
		}
		if string(buf[:n]) != "probe "+g || from.IP.String() != l.Scanner().IP.String() {
			t.Fatalf("%s: got %q from %s", g, buf[:n], from)
		}
	}
}

func TestRunExecutesInsideNamespace(t *testing.T) {
	l := newLab(t, Options{})
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not installed: Host.Run needs it")
	}
	out, err := l.Scanner().Run(context.Background(), "ip", "-4", "-o", "addr", "show", "dev", LANInterface)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "198.18.0.1/24") {
		t.Fatalf("scanner namespace shows %q, want its lab address", out)
	}
}

func TestRemoveStaleDeletesDeadRunsOnly(t *testing.T) {
	Require(t)
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot start a process to get a dead pid:", err)
	}
	dead := cmd.Process.Pid
	if processAlive(dead) {
		t.Skip("pid reused already")
	}
	staleName := fmt.Sprintf("%s%d-1-sw", namePrefix, dead)
	liveName := fmt.Sprintf("%s%d-999-sw", namePrefix, os.Getpid())
	for _, name := range []string{staleName, liveName} {
		ns, err := createNamespace(name, false)
		if err != nil {
			t.Fatal(err)
		}
		ns.nl.Close()
		ns.fd.Close()
		t.Cleanup(func() { deleteNamed(name) })
	}
	if err := RemoveStale(); err != nil {
		t.Fatal(err)
	}
	if got := namespaces(t, staleName); len(got) != 0 {
		t.Errorf("stale namespace %s survived", staleName)
	}
	if got := namespaces(t, liveName); len(got) != 1 {
		t.Errorf("namespace %s of a live process was removed", liveName)
	}
}

func TestOwnerPID(t *testing.T) {
	cases := map[string]int{"cslab-42-1-sw": 42, "cslab-x-1": 0, "other-42-1": 0, "cslab-42": 0, "cslab--1-a": 0}
	for name, want := range cases {
		got, ok := ownerPID(name)
		if got != want || ok != (want != 0) {
			t.Errorf("ownerPID(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
}

// benchOUIs mix Hikvision, Dahua, Axis and Intel prefixes.
var benchOUIs = [][3]byte{{0x58, 0x50, 0xed}, {0x4c, 0x11, 0xbf}, {0x00, 0x40, 0x8c}, {0x3c, 0xef, 0x8c}, {0xbc, 0xad, 0x28}, {0x00, 0x1b, 0x21}}

// plainHosts makes n plain hosts after the scanner.
func plainHosts(prefix netip.Prefix, n int) []PlainHost {
	return GeneratePlainHosts(prefix.Addr().Next().Next(), n, benchOUIs)
}

func TestThousandHosts(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a 1,000-host lab (a few seconds)")
	}
	prefix := netip.MustParsePrefix("198.18.0.0/22")
	l := newLab(t, Options{Prefix: prefix})
	hosts := plainHosts(prefix, 1000)
	start := time.Now()
	if err := l.AddPlainHosts(hosts); err != nil {
		t.Fatal(err)
	}
	t.Logf("1,000 plain hosts built in %v", time.Since(start))
	for i, idx := range []int{0, 1, 499, 998, 999} {
		p := hosts[idx]
		if err := ping(l.Scanner(), p.IP, i+1); err != nil {
			t.Fatal(err)
		}
		if got := neighbourMAC(t, l.Scanner(), p.IP); got.String() != p.MAC.String() {
			t.Errorf("ARP for %s answered by %s, want %s", p.IP, got, p.MAC)
		}
	}
}

func TestCaptureRecordsTheScannersTraffic(t *testing.T) {
	l := newLab(t, Options{})
	cam, err := l.AddHost("cam", mustMAC(t, "58:50:ed:00:00:01"), netip.MustParseAddr("198.18.0.10"))
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/scanner.pcap"
	c, err := l.Scanner().StartCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ping(l.Scanner(), cam.IP, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	frames, err := c.Stop()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var read, arpRequests, echoRequests int
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		read++
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		if s := eth.SrcMAC.String(); s != l.Scanner().MAC.String() && s != cam.MAC.String() {
			t.Errorf("frame from a stranger: %s", s)
		}
		if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok && a.Operation == layers.ARPRequest {
			arpRequests++
		}
		if ic, ok := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4); ok && ic.TypeCode.Type() == layers.ICMPv4TypeEchoRequest {
			echoRequests++
		}
	}
	if read != frames || arpRequests != 1 || echoRequests != 1 {
		t.Errorf("capture: %d frames (%d reported), %d ARP requests, %d echo requests; want 1 and 1", read, frames, arpRequests, echoRequests)
	}
}

func TestRoutedSegment(t *testing.T) {
	l := newLab(t, Options{})
	seg, err := l.AddSegment(netip.MustParsePrefix("198.19.5.0/24"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AddSegment(netip.MustParsePrefix("198.18.0.128/25")); err == nil {
		t.Error("a segment overlapping the main LAN was accepted")
	}
	if _, err := l.AddSegment(netip.MustParsePrefix("10.5.0.0/24")); err == nil {
		t.Error("a segment outside 198.18.0.0/15 was accepted")
	}
	ip, err := seg.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	if ip.String() != "198.19.5.2" || seg.Gateway().String() != "198.19.5.1" || l.RouterIP().String() != "198.18.0.254" {
		t.Fatalf("addresses: host %s, gateway %s, router %s", ip, seg.Gateway(), l.RouterIP())
	}
	far, err := seg.AddHost("far", mustMAC(t, "4c:11:bf:00:00:09"), ip)
	if err != nil {
		t.Fatal(err)
	}
	// Unicast crosses the router both ways.
	if err := ping(l.Scanner(), far.IP, 1); err != nil {
		t.Fatal(err)
	}
	ln, err := far.Listen("tcp4", ":8000")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	c, err := l.Scanner().DialContext(context.Background(), "tcp4", far.IP.String()+":8000")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, _ := c.Read(buf); string(buf[:n]) != "hi" {
		t.Errorf("read %q through the router", buf[:n])
	}
	c.Close()
	// The scanner reaches the far host through the router's MAC, never its own.
	if got := neighbourMAC(t, l.Scanner(), far.IP); got != nil {
		t.Errorf("scanner has a neighbour entry for a routed host: %s", got)
	}
	if got := neighbourMAC(t, l.Scanner(), l.RouterIP()); got.String() != routerMAC(0).String() {
		t.Errorf("router neighbour %s", got)
	}
	// Multicast stays on its segment.
	group := &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 3702}
	listener, err := far.ListenMulticastUDP(group)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	sender, err := l.Scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	sender.WriteTo([]byte("probe"), group)
	listener.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, _, err := listener.ReadFrom(buf); err == nil {
		t.Error("multicast crossed the router")
	}
	// Still no default route on either side of the router.
	for _, ns := range []*namespace{far.ns, l.router} {
		routes, err := ns.nl.RouteList(nil, unix.AF_INET)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			if r.Dst == nil || r.Dst.IP.IsUnspecified() {
				t.Errorf("%s has a default route: %v", ns.name, r)
			}
		}
	}
	prefix := l.NamePrefix()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := namespaces(t, prefix); len(got) != 0 {
		t.Errorf("left after Close: %v", got)
	}
}

// TestNmapFindsEveryPlainHost checks with a real ARP scanner that all 1,000
// plain hosts answer, each with its own MAC, under a burst of broadcasts.
func TestNmapFindsEveryPlainHost(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: ARP-scans a /22")
	}
	if _, err := exec.LookPath("nmap"); err != nil {
		t.Skip("nmap not installed (apt-get install -y nmap): real-client check skipped")
	}
	prefix := netip.MustParsePrefix("198.18.0.0/22")
	l := newLab(t, Options{Prefix: prefix})
	hosts := plainHosts(prefix, 1000)
	if err := l.AddPlainHosts(hosts); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := l.Scanner().Run(ctx, "nmap", "-n", "-sn", "-PR", "-e", LANInterface, prefix.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("nmap -sn -PR over %s: %v", prefix, time.Since(start).Round(10*time.Millisecond))
	text := string(out)
	for _, h := range hosts {
		if !strings.Contains(text, "Nmap scan report for "+h.IP.String()+"\nHost is up") {
			t.Errorf("nmap did not find %s", h.IP)
		}
	}
	if got := strings.Count(text, "MAC Address:"); got != len(hosts) {
		t.Errorf("nmap saw %d MACs, want %d", got, len(hosts))
	}
	if t.Failed() {
		t.Log(text)
	}
}

// TestSparseSegment checks the routed lab a large sweep uses: plain hosts
// behind the router answer ping and refuse connections (firewalled ones let
// them time out), and the router
// drops packets to the segment's empty addresses without asking ARP for
// them (the shared neighbour table would fill).
func TestSparseSegment(t *testing.T) {
	l := newLab(t, Options{})
	seg, err := l.AddSparseSegment(netip.MustParsePrefix("198.19.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	hosts := GeneratePlainHosts(netip.MustParseAddr("198.19.77.10"), 3, [][3]byte{{0x44, 0x19, 0xb6}})
	if err := seg.AddPlainHosts(hosts); err != nil {
		t.Fatal(err)
	}
	ip, err := seg.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	full, err := seg.AddHost("full", mustMAC(t, "4c:11:bf:00:00:0a"), ip)
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range []netip.Addr{hosts[0].IP, hosts[2].IP, full.IP} {
		if err := ping(l.Scanner(), ip, 1); err != nil {
			t.Errorf("ping %s across the router: %v", ip, err)
		}
	}
	_, err = l.Scanner().DialContext(context.Background(), "tcp4", hosts[1].IP.String()+":80")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("connect to a plain host's closed port: %v, want refused", err)
	}
	walled := PlainHost{MAC: mustMAC(t, "44:19:b6:00:00:99"), IP: netip.MustParseAddr("198.19.77.99"), Firewalled: true}
	if err := seg.AddPlainHosts([]PlainHost{walled}); err != nil {
		t.Fatal(err)
	}
	if err := ping(l.Scanner(), walled.IP, 1); err != nil {
		t.Errorf("ping a firewalled host: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	_, err = l.Scanner().DialContext(ctx, "tcp4", walled.IP.String()+":80")
	cancel()
	var nerr net.Error
	if !errors.As(err, &nerr) || !nerr.Timeout() {
		t.Errorf("connect to a firewalled host: %v, want a timeout", err)
	}
	empty := netip.MustParseAddr("198.19.200.7")
	if err := ping(l.Scanner(), empty, 1); err == nil {
		t.Errorf("an empty address answered")
	}
	neighs, err := l.router.nl.NeighList(0, unix.AF_INET)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range neighs {
		if n.IP.Equal(empty.AsSlice()) {
			t.Errorf("the router has a neighbour entry for an empty address (state %#x)", n.State)
		}
	}
}

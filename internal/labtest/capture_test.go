//go:build linux

package labtest

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
)

// discoveryGroups are the multicast groups the link-local discovery probes
// are sent to (mDNS, SSDP/WS-Discovery/SADP, DHIP), and igmpReports the
// kernel's IGMPv3 report address, to which joining those groups is announced.
var (
	discoveryGroups = []netip.Addr{
		netip.MustParseAddr("224.0.0.251"),
		netip.MustParseAddr("239.255.255.250"),
		netip.MustParseAddr("239.255.255.251"),
	}
	igmpReports = netip.MustParseAddr("224.0.0.22")
)

// capture is tcpdump running in a lab host's namespace, writing a pcap.
type capture struct {
	cmd        *exec.Cmd
	file       string
	errb       *bytes.Buffer
	firstReply map[netip.Addr]time.Time // when each address first answered ARP (stop fills it)
}

// startCapture starts tcpdump on h's LAN interface and waits until it listens.
func startCapture(t *testing.T, h *lab.Host) *capture {
	t.Helper()
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Fatalf("tcpdump is needed for the politeness proof (apt-get install -y tcpdump): %v", err)
	}
	c := &capture{file: filepath.Join(t.TempDir(), "sweep.pcap"), errb: &bytes.Buffer{}}
	// -U writes each packet as it arrives; -s 256 keeps headers and the start
	// of each payload; -n never resolves names (which would send DNS).
	c.cmd = h.Command(context.Background(), "tcpdump", "-i", h.Interface, "-w", c.file, "-U", "-n", "-s", "256", "--immediate-mode")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = pw
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	ready := make(chan bool, 1)
	go func() {
		buf := make([]byte, 4096)
		signalled := false
		for {
			n, err := pr.Read(buf)
			c.errb.Write(buf[:n])
			if !signalled && strings.Contains(c.errb.String(), "listening on") {
				ready <- true
				signalled = true
			}
			if err != nil {
				pr.Close()
				if !signalled {
					ready <- false
				}
				return
			}
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("tcpdump did not start: %s", c.errb.String())
		}
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		t.Fatal("tcpdump not listening after 10 s")
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	return c
}

// stop ends the capture cleanly (so the file is complete) and returns the
// frames the host sent, identified by its MAC as Ethernet source.
func (c *capture) stop(t *testing.T, sender net.HardwareAddr) []sentFrame {
	t.Helper()
	time.Sleep(200 * time.Millisecond) // let the last frames reach the file
	c.cmd.Process.Signal(syscall.SIGINT)
	c.cmd.Wait()
	f, err := os.Open(c.file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("reading the capture: %v", err)
	}
	var out []sentFrame
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.NoCopy)
		eth, ok := p.LinkLayer().(*layers.Ethernet)
		if ok && !bytes.Equal(eth.SrcMAC, sender) {
			c.noteARPReply(p, ci.Timestamp)
		}
		if !ok || !bytes.Equal(eth.SrcMAC, sender) {
			continue
		}
		f := classify(p, ci.Timestamp)
		f.broadcast = eth.DstMAC[0]&1 == 1 // broadcast and multicast alike
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("the capture holds nothing the scanner sent (tcpdump: %s)", c.errb.String())
	}
	return out
}

// sentFrame is one frame the scanner sent: where to, and whether it starts
// an exchange (what --rate paces: an ARP request, a UDP datagram, a TCP
// SYN, an ICMP echo request).
type sentFrame struct {
	at        time.Time
	dst       netip.Addr // ARP target or IPv4 destination; invalid if neither
	what      string
	probe     bool
	broadcast bool   // sent to a broadcast or multicast Ethernet address
	port      uint16 // a TCP SYN's destination port
	udpPort   uint16 // a UDP datagram's destination port
	payload   uint64 // a UDP datagram's payload, hashed (FNV-1a)
}

func classify(p gopacket.Packet, at time.Time) sentFrame {
	f := sentFrame{at: at}
	if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok {
		f.dst, _ = netip.AddrFromSlice(a.DstProtAddress)
		f.what = fmt.Sprintf("ARP op %d for %s", a.Operation, f.dst)
		f.probe = a.Operation == layers.ARPRequest
		return f
	}
	ip, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if !ok {
		f.what = fmt.Sprintf("non-IPv4 frame %v", p.LinkLayer().LayerContents())
		return f
	}
	f.dst, _ = netip.AddrFromSlice(ip.DstIP.To4())
	f.what = fmt.Sprintf("%v to %s", ip.Protocol, f.dst)
	switch {
	case ip.Protocol == layers.IPProtocolUDP:
		f.probe = true
		if udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
			f.udpPort = uint16(udp.DstPort)
			h := fnv.New64a()
			h.Write(udp.Payload)
			f.payload = h.Sum64()
			f.what = fmt.Sprintf("UDP to %s:%d", f.dst, udp.DstPort)
		}
	case ip.Protocol == layers.IPProtocolTCP:
		tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		f.probe = tcp != nil && tcp.SYN && !tcp.ACK
		if f.probe {
			f.what = fmt.Sprintf("TCP SYN to %s:%d", f.dst, tcp.DstPort)
			f.port = uint16(tcp.DstPort)
		}
	case ip.Protocol == layers.IPProtocolICMPv4:
		icmp, _ := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
		f.probe = icmp != nil && icmp.TypeCode.Type() == layers.ICMPv4TypeEchoRequest
		if f.probe {
			f.what = fmt.Sprintf("ICMP echo request to %s", f.dst)
		}
	}
	return f
}

// checkScope fails the test for every frame sent to an address that is not
// a target, the IGMP report address (joining a group is announced there) or
// one of also (the discovery groups and broadcasts a whole-segment sweep uses).
func checkScope(t *testing.T, frames []sentFrame, inTargets func(netip.Addr) bool, also ...netip.Addr) {
	t.Helper()
	bad := 0
	for _, f := range frames {
		switch {
		case !f.dst.IsValid():
		case inTargets(f.dst), slices.Contains(also, f.dst):
			continue
		case f.dst == igmpReports && strings.HasPrefix(f.what, "IGMP"):
			continue
		}
		if bad++; bad <= 10 {
			t.Errorf("sent outside the targets: %s at %s", f.what, f.at.Format("15:04:05.000"))
		}
	}
	if bad > 10 {
		t.Errorf("... %d frames outside the targets in all", bad)
	}
}

// maxPerSecond is the most frames keep accepts in any one-second window.
func maxPerSecond(frames []sentFrame, keep func(sentFrame) bool) (int, time.Time) {
	var at []time.Time
	for _, f := range frames {
		if keep(f) {
			at = append(at, f.at)
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	best, when, lo := 0, time.Time{}, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= time.Second {
			lo++
		}
		if n := hi - lo + 1; n > best {
			best, when = n, at[lo]
		}
	}
	return best, when
}

// checkRate fails the test if a one-second window holds more probe frames
// than --rate allows, or more broadcast and multicast probe frames than
// --broadcast-rate allows. The tolerance is each limiter's burst (a
// hundredth of its rate), one token the pacer may hold, and 5 % for capture
// timestamp jitter, plus unpaced for frames the kernel sends on its own (its
// ARP request before a first connection to a host the sweep has not taught
// it, for instance a routed gateway).
func checkRate(t *testing.T, frames []sentFrame, rate, broadcastRate, unpaced int) {
	t.Helper()
	check := func(what string, limit int, keep func(sentFrame) bool) {
		n, when := maxPerSecond(frames, keep)
		allowed := limit + limit/20 + limit/100 + 2 + unpaced
		t.Logf("busiest second from %s: %d %s (limit %d, allowed %d)", when.Format("15:04:05.000"), n, what, limit, allowed)
		if n > allowed {
			t.Errorf("%d %s in the second from %s: the limit %d allows %d", n, what, when.Format("15:04:05.000"), limit, allowed)
		}
	}
	check("probe frames", rate, func(f sentFrame) bool { return f.probe })
	check("broadcast or multicast probe frames", broadcastRate, func(f sentFrame) bool { return f.probe && f.broadcast })
}

func TestSweepSendsOnlyToTheSegmentAndWithinRate(t *testing.T) {
	l := newLab(t, labOptions())
	devs := startAll(t, l)
	capt := startCapture(t, l.Scanner())
	// Paces below the defaults, so the capture proves the flags are honoured
	// and not merely that the lab is slow.
	const rate, broadcastRate = 1000, 200
	sweep(t, l, 3*sweepBound(len(devs)), nil, "sweep", "-i", l.Scanner().Interface, "--rate", fmt.Sprint(rate),
		"--broadcast-rate", fmt.Sprint(broadcastRate), "--timeout", sweepTimeout.String(), "-q", "--format", "json")
	frames := capt.stop(t, l.Scanner().MAC)
	seg := l.Prefix()
	inSegment := func(a netip.Addr) bool {
		return seg.Contains(a) && a != seg.Addr() && a != l.Scanner().IP && a != lastHost(seg).Next()
	}
	checkScope(t, frames, inSegment, append(discoveryGroups, lastHost(seg).Next(), netip.MustParseAddr("255.255.255.255"))...)
	checkRate(t, frames, rate, broadcastRate, 0)
	checkKernelTaught(t, frames, devs, capt.firstReply)
}

// noteARPReply remembers when each address first answered ARP.
func (c *capture) noteARPReply(p gopacket.Packet, at time.Time) {
	a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP)
	if !ok || a.Operation != layers.ARPReply {
		return
	}
	ip, ok := netip.AddrFromSlice(a.SourceProtAddress)
	if !ok {
		return
	}
	if c.firstReply == nil {
		c.firstReply = map[netip.Addr]time.Time{}
	}
	if _, seen := c.firstReply[ip]; !seen {
		c.firstReply[ip] = at
	}
}

// checkKernelTaught fails the test if a device was asked again by broadcast
// ARP after it had answered: the sweep writes what ARP found into the
// kernel's neighbour table, so its connections need no ARP of their own. (A
// device that ARPs for the scanner first, to answer a discovery request, is
// not asked at all.) A second request before the first answer arrived is the
// sweep's per-address retry of an address that had not answered yet, which
// a slow machine (the race detector under load) can make happen.
func checkKernelTaught(t *testing.T, frames []sentFrame, devs map[string]*camsim.Device, firstReply map[netip.Addr]time.Time) {
	t.Helper()
	for name, d := range devs {
		asked, askedAfterAnswer := 0, 0
		answered, hasAnswer := firstReply[d.Host.IP]
		for _, f := range frames {
			if f.broadcast && f.probe && f.dst == d.Host.IP && strings.HasPrefix(f.what, "ARP") {
				asked++
				// A quarter second of grace: a retry already on its way when
				// the answer came is not the kernel asking.
				if hasAnswer && f.at.After(answered.Add(250*time.Millisecond)) {
					askedAfterAnswer++
				}
			}
		}
		if askedAfterAnswer > 0 || asked > 2 {
			t.Errorf("%s (%s) was asked %d times by broadcast ARP, %d of them after it had answered; want once, or twice if the first went unanswered", name, d.Host.IP, asked, askedAfterAnswer)
		}
	}
}

func TestSweepWithTargetsTouchesNothingElse(t *testing.T) {
	l := newLab(t, labOptions())
	devs := startAll(t, l)
	// The first devices take the lowest addresses: a /29 holds five of them.
	targets := netip.PrefixFrom(l.Prefix().Addr(), 29)
	inside := 0
	for _, d := range devs {
		if targets.Contains(d.Host.IP) {
			inside++
		}
	}
	if inside == 0 || inside == len(devs) {
		t.Fatalf("%d of %d devices inside %s: the test needs some on each side", inside, len(devs), targets)
	}
	capt := startCapture(t, l.Scanner())
	const rate = 100
	run := sweep(t, l, 3*sweepBound(len(devs)), nil, "sweep", "-i", l.Scanner().Interface, "--targets", targets.String(),
		"--rate", fmt.Sprint(rate), "--timeout", sweepTimeout.String(), "-q", "--format", "json")
	frames := capt.stop(t, l.Scanner().MAC)
	// No multicast or broadcast either: they would reach every host.
	inTargets := func(a netip.Addr) bool { return targets.Contains(a) && a != l.Scanner().IP }
	checkScope(t, frames, inTargets)
	checkRate(t, frames, rate, rate, inside) // a narrowed sweep sends ARP only; the kernel resolves what is not taught
	res := parseReport(t, run.stdout)
	for _, d := range res.Devices {
		for _, ip := range d.IPs {
			if !targets.Contains(ip) {
				t.Errorf("report lists %s, outside --targets %s", ip, targets)
			}
		}
	}
	byMAC := devicesByMAC(res)
	for name, d := range devs {
		if !targets.Contains(d.Host.IP) || d.Profile.Expect.Vendor == "" {
			continue
		}
		if got := byMAC[strings.ToLower(d.Profile.MAC)]; got.Vendor != d.Profile.Expect.Vendor {
			t.Errorf("%s inside the targets: vendor %q, want %q", name, got.Vendor, d.Profile.Expect.Vendor)
		}
	}
}

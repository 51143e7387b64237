//go:build linux

package labtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
	scansweep "github.com/camsweep/camsweep/scanner/sweep"
)

// routedProfiles are the devices put behind the lab's router: the two big
// restricted makers and one that must stay unattributed.
var routedProfiles = []string{"hikvision-ipc", "dahua-ipc", "axis-camera"}

// TestRoutedTargetsAreSweptByUnicastOnly sweeps a segment behind a router
// with --targets and no interface: ARP and multicast cannot cross the
// router, so the devices must be found and identified by unicast probes,
// and the capture must hold nothing but unicast to the targets and the
// ARP that resolves the router.
func TestRoutedTargetsAreSweptByUnicastOnly(t *testing.T) {
	l := newLab(t, labOptions())
	seg, err := l.AddSegment(netip.MustParsePrefix("198.18.1.0/28"))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]camsim.Profile{}
	for _, p := range profiles(t) {
		byName[p.Name] = p
	}
	want := map[netip.Addr]camsim.Profile{}
	for _, name := range routedProfiles {
		p := byName[name]
		mac, _ := net.ParseMAC(p.MAC)
		ip, err := seg.FreeIP()
		if err != nil {
			t.Fatal(err)
		}
		host, err := seg.AddHost(name, mac, ip)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := camsim.Start(context.Background(), host, p); err != nil {
			t.Fatal(err)
		}
		want[ip] = p
	}
	capt := startCapture(t, l.Scanner())
	const rate = 200
	run := sweep(t, l, 3*sweepBound(len(want)), nil, "sweep", "--targets", seg.Prefix().String(), "--rate", fmt.Sprint(rate),
		"--timeout", sweepTimeout.String(), "-q", "--format", "json")
	frames := capt.stop(t, l.Scanner().MAC)

	inTargets := func(a netip.Addr) bool { return seg.Prefix().Contains(a) }
	checkScope(t, frames, inTargets, l.RouterIP()) // the router: ARP for the next hop only
	for _, f := range frames {
		if f.dst == l.RouterIP() && !strings.HasPrefix(f.what, "ARP") {
			t.Errorf("sent to the router itself: %s", f.what)
		}
	}
	checkRate(t, frames, rate, rate, 1) // the kernel resolves the router once

	res := parseReport(t, run.stdout)
	byIP := map[netip.Addr]fingerprint.Device{}
	for _, d := range res.Devices {
		for _, ip := range d.IPs {
			byIP[ip] = d
		}
	}
	for ip, p := range want {
		got, ok := byIP[ip]
		if !ok {
			t.Errorf("%s at %s: not in the report", p.Name, ip)
			continue
		}
		if got.Vendor != p.Expect.Vendor || got.Restricted != p.Expect.Restricted {
			t.Errorf("%s at %s: vendor %q restricted %v, want %q %v", p.Name, ip, got.Vendor, got.Restricted, p.Expect.Vendor, p.Expect.Restricted)
		}
	}
	for _, d := range res.Devices {
		for _, ip := range d.IPs {
			if !seg.Prefix().Contains(ip) {
				t.Errorf("report lists %s, outside --targets %s", ip, seg.Prefix())
			}
		}
	}
}

// TestRoutedHostsThatAnswerOnlyPingAreFoundAndProbed sweeps a sparse routed
// /22 (the router drops packets to its empty addresses) holding a camera,
// hosts that refuse every connection and firewalled hosts that answer ping
// and let every connection time out. The knock alone cannot find the
// firewalled ones; ICMP echo must, and they must then get the full probes.
// Excluded addresses get nothing, no address gets more than two echo
// requests, and --rate holds with the echo requests counted. As a user who
// may not open raw sockets, the same sweep finds them by TCP only and says
// so once.
func TestRoutedHostsThatAnswerOnlyPingAreFoundAndProbed(t *testing.T) {
	l := newLab(t, labOptions())
	seg, err := l.AddSparseSegment(netip.MustParsePrefix("198.19.4.0/22"))
	if err != nil {
		t.Fatal(err)
	}
	var camera camsim.Profile
	for _, p := range profiles(t) {
		if p.Name == "hikvision-ipc" {
			camera = p
		}
	}
	mac, _ := net.ParseMAC(camera.MAC)
	camIP, err := seg.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	host, err := seg.AddHost(camera.Name, mac, camIP)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := camsim.Start(context.Background(), host, camera); err != nil {
		t.Fatal(err)
	}
	refusing := lab.GeneratePlainHosts(netip.MustParseAddr("198.19.5.10"), 3, [][3]byte{{0x00, 0x1b, 0x21}})
	walled := lab.GeneratePlainHosts(netip.MustParseAddr("198.19.6.20"), 4, [][3]byte{{0x44, 0x19, 0xb6}})
	for i := range walled {
		walled[i].Firewalled = true
	}
	if err := seg.AddPlainHosts(append(slices.Clone(refusing), walled...)); err != nil {
		t.Fatal(err)
	}
	excluded := walled[3].IP
	walled = walled[:3]
	silent := netip.MustParseAddr("198.19.7.200")

	capt := startCapture(t, l.Scanner())
	const rate = 2000
	args := []string{"sweep", "--targets", seg.Prefix().String(), "--exclude", excluded.String(), "--rate", fmt.Sprint(rate),
		"--timeout", sweepTimeout.String(), "--format", "json"}
	run := sweep(t, l, 60*time.Second, nil, args...)
	frames := capt.stop(t, l.Scanner().MAC)

	// The camera, the refusing and firewalled hosts and the router's own
	// address on the segment.
	if got, want := respondingHosts(t, run.stderr), 1+len(refusing)+len(walled)+1; got != want {
		t.Errorf("%d responding hosts, want %d", got, want)
	}
	inTargets := func(a netip.Addr) bool { return seg.Prefix().Contains(a) && a != excluded }
	checkScope(t, frames, inTargets, l.RouterIP())
	checkRate(t, frames, rate, rate, 1)
	echoes, synPorts := map[netip.Addr]int{}, map[netip.Addr]map[uint16]bool{}
	for _, f := range frames {
		if strings.HasPrefix(f.what, "ICMP echo request") {
			echoes[f.dst]++
		}
		if f.port != 0 {
			if synPorts[f.dst] == nil {
				synPorts[f.dst] = map[uint16]bool{}
			}
			synPorts[f.dst][f.port] = true
		}
	}
	for a, n := range echoes {
		if n > 2 {
			t.Errorf("%s got %d echo requests, want at most 2", a, n)
		}
	}
	// Every address in scope is pinged, but for hosts the knock found first.
	knockable := map[netip.Addr]bool{camIP: true, seg.Gateway(): true}
	for _, h := range refusing {
		knockable[h.IP] = true
	}
	unpinged := 0
	for a := seg.Prefix().Addr().Next(); seg.Prefix().Contains(a.Next()); a = a.Next() {
		if a != excluded && echoes[a] == 0 && !knockable[a] {
			if unpinged++; unpinged <= 5 {
				t.Errorf("%s got no echo request", a)
			}
		}
	}
	if unpinged > 0 || echoes[silent] != 2 {
		t.Errorf("%d addresses not pinged; the silent %s got %d echo requests", unpinged, silent, echoes[silent])
	}
	for _, h := range walled {
		if echoes[h.IP] != 1 {
			t.Errorf("firewalled %s got %d echo requests, want 1 (it answers the first)", h.IP, echoes[h.IP])
		}
		for _, p := range scansweep.DefaultPorts {
			if !synPorts[h.IP][p] {
				t.Errorf("firewalled %s, found by ping, was not probed on port %d", h.IP, p)
			}
		}
	}
	if synPorts[silent][8080] || synPorts[silent][37777] {
		t.Errorf("the silent %s got the full probes: %v", silent, synPorts[silent])
	}
	res := parseReport(t, run.stdout)
	found := false
	for _, d := range res.Devices {
		if hasIP(d, camIP.String()) {
			found = d.Vendor == camera.Expect.Vendor
		}
	}
	if !found {
		t.Errorf("the camera at %s was not identified as %s", camIP, camera.Expect.Vendor)
	}
	if res.Unprivileged {
		t.Errorf("a privileged sweep says it ran unprivileged: %v", res.Warnings)
	}

	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop privileges: %v", err)
	}
	run = sweep(t, l, 60*time.Second, asNobody, args...)
	if got, want := respondingHosts(t, run.stderr), 1+len(refusing)+1; got != want {
		t.Errorf("unprivileged: %d responding hosts, want %d (the firewalled ones cannot be found by TCP)", got, want)
	}
	res = parseReport(t, run.stdout)
	notes := 0
	for _, w := range res.Warnings {
		if strings.Contains(w, "ICMP echo needs a raw socket") && strings.Contains(w, "TCP connect only") {
			notes++
		}
	}
	if notes != 1 || !res.Unprivileged {
		t.Errorf("unprivileged: %d notes that ICMP echo could not run, unprivileged %v; warnings: %v", notes, res.Unprivileged, res.Warnings)
	}
}

// respondingHosts reads the hosts count of camsweep's closing line.
func respondingHosts(t *testing.T, stderr []byte) int {
	t.Helper()
	m := regexp.MustCompile(`sweep sent \d+ packets to (\d+) responding hosts`).FindSubmatch(stderr)
	if m == nil {
		t.Fatalf("no summary line in:\n%s", stderr)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

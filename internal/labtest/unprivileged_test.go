//go:build linux

package labtest

import (
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/lab"
)

// asNobody runs a command as uid/gid 65534 with no supplementary groups and
// no capabilities: an ordinary user, who may not open raw sockets.
var asNobody = []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"}

// TestUnprivilegedSweepFindsDevicesByTCPAndUDP sweeps as a user without
// CAP_NET_RAW: no raw ARP, so every address of the segment gets the TCP
// probes, and MACs come from the kernel's neighbour table. A /27 keeps the
// address-by-address pass short.
func TestUnprivilegedSweepFindsDevicesByTCPAndUDP(t *testing.T) {
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop privileges: %v", err)
	}
	l := newLab(t, lab.Options{Prefix: netip.MustParsePrefix("198.18.0.0/27")})
	devs := startAll(t, l)
	run := sweep(t, l, 3*sweepBound(len(devs)), asNobody, "sweep", "-i", l.Scanner().Interface,
		"--timeout", sweepTimeout.String(), "-q", "--format", "json")
	res := parseReport(t, run.stdout)
	if !res.Unprivileged {
		t.Errorf("report does not say it ran unprivileged; warnings: %v", res.Warnings)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "neighbour table") {
		t.Errorf("no warning says where MACs came from: %v", res.Warnings)
	}
	if strings.Contains(strings.Join(res.Warnings, "\n"), "ICMP") {
		t.Errorf("a sweep of the segment alone warns about ICMP echo, which it has no use for: %v", res.Warnings)
	}
	byMAC := devicesByMAC(res)
	for name, d := range devs {
		want := d.Profile.Expect
		if want.Vendor == "" {
			continue
		}
		got, ok := byMAC[strings.ToLower(d.Profile.MAC)]
		if !ok {
			t.Errorf("%s (%s at %s): not found, or found without its MAC", name, d.Profile.MAC, d.Host.IP)
			continue
		}
		if got.Vendor != want.Vendor || got.Restricted != want.Restricted {
			t.Errorf("%s: vendor %q restricted %v, want %q %v", name, got.Vendor, got.Restricted, want.Vendor, want.Restricted)
		}
		if !hasIP(got, d.Host.IP.String()) {
			t.Errorf("%s: IPs %v, want %s", name, got.IPs, d.Host.IP)
		}
	}
	t.Logf("unprivileged sweep of %s took %v", l.Prefix(), run.took.Round(time.Millisecond))
}

// Without raw ARP every address of the segment is probed, and the kernel
// broadcasts an ARP request (and its retries) for each address a probe first
// touches. Those broadcasts are the sweep's doing, so --broadcast-rate must
// hold for them too.
func TestUnprivilegedSweepKeepsTheBroadcastRate(t *testing.T) {
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop privileges: %v", err)
	}
	l := newLab(t, lab.Options{Prefix: netip.MustParsePrefix("198.18.0.0/25")})
	devs := startAll(t, l)
	capt := startCapture(t, l.Scanner())
	const rate, broadcastRate = 1000, 100
	sweep(t, l, 3*sweepBound(len(devs)), asNobody, "sweep", "-i", l.Scanner().Interface,
		"--rate", fmt.Sprint(rate), "--broadcast-rate", fmt.Sprint(broadcastRate),
		"--timeout", sweepTimeout.String(), "-q", "--format", "json")
	frames := capt.stop(t, l.Scanner().MAC)
	checkRate(t, frames, rate, broadcastRate, 0)
}

// A narrowed sweep (--targets inside the segment) sends its discovery
// requests to each target by unicast; without raw ARP that is every address
// in scope, and the kernel broadcasts an ARP request (and its retries) for
// each address a request first reaches. Those broadcasts must keep
// --broadcast-rate too, with 13 discovery requests per target beside the
// TCP probes. Only the targets get anything.
func TestUnprivilegedNarrowedSweepKeepsTheBroadcastRate(t *testing.T) {
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop privileges: %v", err)
	}
	l := newLab(t, lab.Options{Prefix: netip.MustParsePrefix("198.18.0.0/25")})
	devs := startAll(t, l)
	targets := netip.PrefixFrom(l.Prefix().Addr(), 26)
	capt := startCapture(t, l.Scanner())
	const rate, broadcastRate = 1000, 30
	run := sweep(t, l, 3*sweepBound(len(devs)), asNobody, "sweep", "-i", l.Scanner().Interface, "--targets", targets.String(),
		"--rate", fmt.Sprint(rate), "--broadcast-rate", fmt.Sprint(broadcastRate),
		"--timeout", sweepTimeout.String(), "-q", "--format", "json")
	frames := capt.stop(t, l.Scanner().MAC)
	checkScope(t, frames, func(a netip.Addr) bool { return targets.Contains(a) && a != l.Scanner().IP })
	checkRate(t, frames, rate, broadcastRate, 0)
	byMAC := devicesByMAC(parseReport(t, run.stdout))
	inside := 0
	for name, d := range devs {
		if !targets.Contains(d.Host.IP) || d.Profile.Expect.Vendor == "" {
			continue
		}
		inside++
		if got := byMAC[strings.ToLower(d.Profile.MAC)]; got.Vendor != d.Profile.Expect.Vendor {
			t.Errorf("%s inside the targets: vendor %q, want %q", name, got.Vendor, d.Profile.Expect.Vendor)
		}
	}
	if inside == 0 {
		t.Fatalf("no device inside %s: the test needs some", targets)
	}
	t.Logf("unprivileged narrowed sweep of %s (%d devices with a maker inside) took %v", targets, inside, run.took.Round(time.Millisecond))
}

//go:build linux

package labtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/camsim"
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

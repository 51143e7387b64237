//go:build linux

package labtest

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
)

// sparseOUIs are the plain hosts' makers in the sparse lab.
var sparseOUIs = [][3]byte{{0x44, 0x19, 0xb6}, {0x3c, 0xef, 0x8c}, {0x00, 0x1b, 0x21}, {0x3c, 0xd9, 0x2b}}

// TestSparseSweepAsksEachAddressAtMostTwiceAndNeverTheExcluded sweeps a /20
// (4,094 addresses) holding the camsim devices and 60 plain hosts spread
// over it, at --broadcast-rate 1000 --rate 5000, with addresses excluded by
// flag and by file. The capture must show every address in scope asked by
// ARP once or twice and never more, no packet addressed to an excluded
// address (no ARP request for it either), the paces held; the report must
// hold every device in scope and none excluded. The /16 version of this
// lab is scripts/bench-sweep.sh's flat mode.
func TestSparseSweepAsksEachAddressAtMostTwiceAndNeverTheExcluded(t *testing.T) {
	l := newLab(t, lab.Options{Prefix: netip.MustParsePrefix("198.18.0.0/20")})
	ps := slices.DeleteFunc(profiles(t), func(p camsim.Profile) bool { return p.Expect.Hostile })
	devs, err := StartDevices(context.Background(), l, ps)
	if err != nil {
		t.Fatal(err)
	}
	plain := SpreadPlainHosts(l.Prefix(), 60, sparseOUIs)
	if err := l.AddPlainHosts(plain); err != nil {
		t.Fatal(err)
	}
	// Excluded: one camera by flag, one plain host and a /24 holding others by file.
	excludedDev := devs[1]
	block := netip.PrefixFrom(plain[30].IP, 24).Masked()
	excludeFile := filepath.Join(t.TempDir(), "exclude.txt")
	body := fmt.Sprintf("# never touch\n%s   # a plain host\n%s\n", plain[5].IP, block)
	if err := os.WriteFile(excludeFile, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	excluded := func(a netip.Addr) bool { return a == excludedDev.Host.IP || a == plain[5].IP || block.Contains(a) }
	nBlock := 0
	for _, ph := range plain {
		if block.Contains(ph.IP) {
			nBlock++
		}
	}
	if nBlock == 0 {
		t.Fatalf("no plain host inside %s", block)
	}

	capt := startCapture(t, l.Scanner())
	const rate, broadcastRate = 5000, 1000
	run := sweep(t, l, 3*sweepBound(len(devs)), nil, "sweep", "-i", l.Scanner().Interface,
		"--rate", fmt.Sprint(rate), "--broadcast-rate", fmt.Sprint(broadcastRate), "--timeout", sweepTimeout.String(),
		"--exclude", excludedDev.Host.IP.String(), "--exclude-file", excludeFile, "--format", "json", "-q")
	frames := capt.stop(t, l.Scanner().MAC)

	seg := l.Prefix()
	bcast := lastHost(seg).Next()
	inScope := func(a netip.Addr) bool {
		return seg.Contains(a) && a != seg.Addr() && a != bcast && a != l.Scanner().IP && !excluded(a)
	}
	// The multicast discovery requests reach every host of the segment, the
	// excluded too (no packet is addressed to them); one that answers ARPs
	// for the scanner first, and the kernel's ARP reply to it is not the
	// sweep's doing. Everything else addressed to it would be.
	sent := slices.DeleteFunc(slices.Clone(frames), func(f sentFrame) bool { return strings.HasPrefix(f.what, "ARP op 2 ") })
	checkScope(t, sent, inScope, append(discoveryGroups, bcast, netip.MustParseAddr("255.255.255.255"))...)
	checkRate(t, frames, rate, broadcastRate, 0)
	asked := map[netip.Addr]int{}
	total := 0
	for _, f := range frames {
		if f.broadcast && f.probe && strings.HasPrefix(f.what, "ARP") {
			asked[f.dst]++
			total++
		}
	}
	// A device may announce itself (it ARPs for the scanner to answer a
	// discovery request) before ARP reaches it: then it is not asked at all.
	holder := map[netip.Addr]bool{}
	for _, d := range devs {
		holder[d.Host.IP] = true
	}
	for _, ph := range plain {
		holder[ph.IP] = true
	}
	scope := 0
	for a := seg.Addr(); seg.Contains(a); a = a.Next() {
		if !inScope(a) {
			continue
		}
		scope++
		if n := asked[a]; n > 2 || n == 0 && !holder[a] {
			t.Errorf("%s asked %d times by ARP, want once or twice", a, n)
		}
	}
	t.Logf("%d ARP requests for %d addresses in scope (%.2f each); sweep took %v", total, scope, float64(total)/float64(scope), run.took)
	checkDiscoverySentTwice(t, frames, append(slices.Clone(discoveryGroups), bcast))
	if bytes.Contains(run.stderr, []byte("dropped")) {
		t.Errorf("the sweep says discovery answers were dropped: %s", run.stderr)
	}

	res := parseReport(t, run.stdout)
	byMAC := devicesByMAC(res)
	for _, d := range res.Devices {
		for _, ip := range d.IPs {
			if excluded(ip) {
				t.Errorf("report lists excluded %s", ip)
			}
		}
	}
	for _, d := range devs {
		got, found := byMAC[strings.ToLower(d.Profile.MAC)]
		switch {
		case excluded(d.Host.IP):
			if found {
				t.Errorf("excluded %s is in the report", d.Profile.Name)
			}
		case !found:
			t.Errorf("%s at %s not found", d.Profile.Name, d.Host.IP)
		case got.Vendor != d.Profile.Expect.Vendor:
			t.Errorf("%s: vendor %q, want %q", d.Profile.Name, got.Vendor, d.Profile.Expect.Vendor)
		}
	}
	// Each device answered both copies of the searches: it is still one
	// device, holding its address alone.
	holders := map[netip.Addr]int{}
	for _, d := range res.Devices {
		for _, ip := range d.IPs {
			holders[ip]++
		}
	}
	for ip, n := range holders {
		if n > 1 {
			t.Errorf("%s is held by %d devices of the report", ip, n)
		}
	}
	for _, ph := range plain {
		if _, found := byMAC[strings.ToLower(ph.MAC.String())]; found == excluded(ph.IP) {
			t.Errorf("plain host %s (excluded %v): in the report %v", ph.IP, excluded(ph.IP), found)
		}
	}
}

// checkDiscoverySentTwice fails the test unless every broadcast or
// multicast discovery request (a UDP payload to a port of one of groups,
// mDNS's browsing left out) went out exactly twice, the copies at least 200 ms
// apart (the sweep's gap is 250 ms; the capture's clock is not the
// sweep's).
func checkDiscoverySentTwice(t *testing.T, frames []sentFrame, groups []netip.Addr) {
	t.Helper()
	type dest struct {
		ip      netip.Addr
		port    uint16
		payload uint64 // SSDP's two searches share a group and port
	}
	sent := map[dest][]time.Time{}
	for _, f := range frames {
		if f.broadcast && f.udpPort != 0 && f.udpPort != 5353 && slices.Contains(groups, f.dst) {
			d := dest{f.dst, f.udpPort, f.payload}
			sent[d] = append(sent[d], f.at)
		}
	}
	if len(sent) == 0 {
		t.Fatal("no broadcast or multicast discovery request in the capture")
	}
	for d, at := range sent {
		switch {
		case len(at) != 2:
			t.Errorf("discovery request to %s:%d sent %d times, want twice", d.ip, d.port, len(at))
		case at[1].Sub(at[0]) < 200*time.Millisecond:
			t.Errorf("discovery request to %s:%d sent again after %v, want 250 ms", d.ip, d.port, at[1].Sub(at[0]))
		}
	}
	t.Logf("%d broadcast or multicast discovery requests, each sent twice", len(sent))
}

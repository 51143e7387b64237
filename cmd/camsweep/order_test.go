package main

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/ordercheck"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// TestRealCapturesOrderIndependent feeds the observations of every real
// capture run in testdata/realdata/expectations.yaml to fresh engines in
// the order the decoder emits them, reversed and shuffled, and requires the
// same report each time: the same devices, each with the same maker, model,
// firmware, kind, verdict, addresses and evidence. Packet timing decides
// the order observations reach the engine in a live run (and a scheduled
// audit compares runs), so the report may not depend on it.
func TestRealCapturesOrderIndependent(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every real capture")
	}
	db, err := fingerprint.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := oui.Default()
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, c := range readCaptureExpectations(t).Captures {
		name := strings.Join(append([]string{c.File}, c.Args...), " ")
		opt := pcap.Options{}
		for i := 0; i < len(c.Args); i++ {
			switch c.Args[i] {
			case "--all-addresses":
				opt.AllAddresses = true
			case "--local":
				i++
				p, err := netip.ParsePrefix(c.Args[i])
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				opt.Local = append(opt.Local, p)
			default:
				t.Fatalf("%s: argument %q is not understood by this test", name, c.Args[i])
			}
		}
		var obs []fingerprint.Observation
		if _, err := pcap.ReadFile(context.Background(), realData(c.File), func(o fingerprint.Observation) { obs = append(obs, o) }, opt); err != nil && !isPartialCapture(err) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		runs++
		want := ordercheck.Report(db, reg, obs)
		for _, o := range ordercheck.Orders(obs, 1, 2) {
			for _, d := range ordercheck.Diff(want, ordercheck.Report(db, reg, o.Obs)) {
				t.Errorf("%s, %s: %s", name, o.Name, d)
			}
		}
	}
	t.Logf("%d capture runs, each in 3 more orders", runs)
}

package corpus

import (
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/ordercheck"
)

// TestCasesOrderIndependent feeds every case of testdata/corpus/*/cases.jsonl
// to fresh engines in its own order, reversed and shuffled, and requires the
// same report each time (maker, model, firmware, kind, verdict, addresses and
// the evidence as a set): which of a device's observations arrives first is
// packet timing, and the report may not depend on it.
func TestCasesOrderIndependent(t *testing.T) {
	p := newPipeline(t)
	cases, multi := 0, 0
	for _, path := range sourceFiles(t) {
		source := sourceName(path)
		for _, e := range loadSourceEntries(t, path) {
			var obs []fingerprint.Observation
			for _, o := range e.Obs {
				obs = append(obs, entryObservations(t, o.Key, o.Value)...)
			}
			cases++
			if len(obs) < 2 {
				continue
			}
			multi++
			want := ordercheck.Report(p.db, p.reg, obs)
			for _, o := range ordercheck.Orders(obs, 1, 2) {
				for _, d := range ordercheck.Diff(want, ordercheck.Report(p.db, p.reg, o.Obs)) {
					t.Errorf("%s %s, %s: %s", source, e.ID, o.Name, d)
				}
			}
		}
	}
	t.Logf("%d cases, %d of them with two or more observations, each in 3 more orders", cases, multi)
}

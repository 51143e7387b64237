//go:build linux

package labtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/camsweep/camsweep/internal/schematest"
)

// TestAuditOfSensorReportsEqualsTheSweep is the scheduled audit of a site
// with a sensor: the sensor sweeps the lab and writes its JSON report with
// no policy; the audit sweeps the lab itself on one night and imports the
// sensor's report on the next. Both nights give the same findings (the
// imported devices are judged again, not taken from the sensor), each with
// its IP and MAC, and the diff between them shows nothing new, gone or
// escalated.
func TestAuditOfSensorReportsEqualsTheSweep(t *testing.T) {
	l := newLab(t, labOptions())
	startAll(t, l)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	iface := l.Scanner().Interface
	sensor := filepath.Join(dir, "sensor.json")
	limit := 3 * sweepBound(len(profiles(t)))
	sweep(t, l, limit, nil, "sweep", "-i", iface, "--timeout", sweepTimeout.String(), "-q", "--fail-on", "none", "-o", sensor)

	site := func(name, input string) string {
		path := filepath.Join(dir, name)
		doc := fmt.Sprintf(`version: 1
sites:
  - name: lab
    zones:
      - {name: lab-core, cidrs: [%s], core: true}
audit:
  site: lab
  store: audit.db
  fail_on: none
%s`, l.Prefix(), input)
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	direct := site("direct.yaml", fmt.Sprintf("  sweep: {interface: %s, timeout: %s}\n", iface, sweepTimeout))
	imported := site("imported.yaml", "  reports: [sensor.json]\n")

	type auditDoc struct {
		Findings []struct{ Severity, MAC, IP, Zone, Vendor, Model string }
		Diff     *struct {
			New, Gone, Escalated []json.RawMessage
			NewFindings          []json.RawMessage `json:"new_findings"`
		}
	}
	runAudit := func(config string) (auditDoc, []byte) {
		run := sweep(t, l, limit, nil, "audit", "--config", config, "--format", "json")
		schematest.Valid(t, schematest.Audit, run.stdout)
		var doc auditDoc
		if err := json.Unmarshal(run.stdout, &doc); err != nil {
			t.Fatalf("audit --config %s: %v\n%s", config, err, run.stdout)
		}
		return doc, run.stdout
	}
	first, _ := runAudit(direct)
	second, raw := runAudit(imported)

	key := func(d auditDoc) []string {
		var out []string
		for _, f := range d.Findings {
			if f.MAC == "" || f.IP == "" {
				t.Errorf("finding without IP or MAC: %+v", f)
			}
			out = append(out, fmt.Sprintf("%s %s %s %s %s %s", f.Severity, f.MAC, f.IP, f.Zone, f.Vendor, f.Model))
		}
		slices.Sort(out)
		return out
	}
	if a, b := key(first), key(second); len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("findings differ:\nswept directly:\n%v\nimported from the sensor:\n%v", a, b)
	}
	if d := second.Diff; d == nil || len(d.New)+len(d.Gone)+len(d.NewFindings)+len(d.Escalated) != 0 {
		t.Errorf("the imported night differs from the swept one:\n%s", raw)
	}
}

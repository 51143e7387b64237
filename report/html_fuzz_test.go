package report

import (
	"bytes"
	"regexp"
	"testing"
	"time"
)

// FuzzWriteHTML puts arbitrary device strings into every field the page
// shows: the page must render and no value may become markup.
func FuzzWriteHTML(f *testing.F) {
	for _, h := range hostileValues {
		f.Add(h, "DS-2CD2042WD-I")
	}
	f.Add("<svg><script>x</script></svg>", "]]></style>")
	f.Add("javascript:alert(1)", "\x00\xff\xfe")
	f.Fuzz(func(t *testing.T, a, b string) {
		page := renderWith(t, a, b)
		if n := bytes.Count(page, []byte("<script")); n != 0 {
			t.Fatalf("%d script tags", n)
		}
		if m := markupAttr.Find(page); m != nil {
			t.Fatalf("value became markup: %q", m)
		}
		// With non-empty values the page has the same elements as with plain ones.
		if a != "" && b != "" {
			want := len(openTag.FindAll(renderWith(t, "a", "b"), -1))
			if got := len(openTag.FindAll(page, -1)); got != want {
				t.Fatalf("%d elements, want %d: a value added markup", got, want)
			}
		}
	})
}

// renderWith renders the test result with a and b in every device-supplied field.
func renderWith(t *testing.T, a, b string) []byte {
	r := htmlResult(t)
	for i := range r.Devices {
		d := &r.Devices[i]
		d.Vendor, d.Model, d.Firmware, d.Hostname, d.Serial, d.Brand, d.MACNote = a, b, a, b, a, b, a
		for j := range d.Evidence {
			d.Evidence[j].Value, d.Evidence[j].Key = a+b, b
		}
	}
	for i := range r.Findings {
		r.Findings[i].Reason, r.Findings[i].Vendor = a, b
	}
	for i := range r.Inventory {
		r.Inventory[i].Site = a
	}
	r.Warnings = []string{a, b}
	// The audit section too: site, changed devices and the trend.
	at := r.Generated
	dev := ChangedDevice{MAC: a, IPs: b, Vendor: a, Model: b, Kind: a, Zone: b, Severity: "critical", Before: "medium"}
	audit := &AuditContext{Site: a, Run: RunRef{ID: 2, Time: at}, Previous: &RunRef{ID: 1, Time: at.Add(-24 * time.Hour)},
		New: []ChangedDevice{dev}, Gone: []ChangedDevice{dev}, Escalated: []ChangedDevice{dev}, NewFindings: []ChangedDevice{dev},
		Trend: []TrendPoint{{Run: RunRef{ID: 1, Time: at.Add(-24 * time.Hour)}, Devices: 3, Restricted: 1}, {Run: RunRef{ID: 2, Time: at}, Devices: 4, Restricted: 2, Critical: 1}}}
	var buf bytes.Buffer
	if err := WriteAuditHTML(&buf, r, audit); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var openTag = regexp.MustCompile(`<[a-zA-Z]`)

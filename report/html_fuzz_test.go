package report

import (
	"bytes"
	"regexp"
	"testing"
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
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var openTag = regexp.MustCompile(`<[a-zA-Z]`)

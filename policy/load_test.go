package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadExample(t *testing.T) {
	p, err := Load("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	zones := p.Zones()
	if len(zones) != 4 {
		t.Fatalf("zones = %d, want 4", len(zones))
	}
	if z := zones[0]; z.Name != "hq-core" || z.Site != "hq" || !z.Core || !z.Sensitive || z.VLANs[0] != 10 {
		t.Errorf("zone 0 = %+v", z)
	}
	if z := zones[2]; z.Name != "depot-lan" || z.Sensitive || z.Core {
		t.Errorf("zone 2 = %+v (site depot is not sensitive)", z)
	}
	var names []string
	for _, pr := range p.Profiles() {
		names = append(names, pr.Name)
	}
	if got := strings.Join(names, ","); got != "uk-nil-2022,us-ndaa-889,local-ban" {
		t.Errorf("profiles = %s", got)
	}
	ex := p.Exceptions()
	if len(ex) != 2 || ex[0].MAC.String() != "44:19:b6:00:00:01" || ex[1].Serial == "" || ex[1].Expires.Format("2006-01-02") != "2026-06-30" {
		t.Errorf("exceptions = %+v", ex)
	}
}

// Each broken file must name the line and the field of the mistake.
func TestLoadErrorsNameLineAndField(t *testing.T) {
	cases := []struct {
		name, doc string
		line      int
		field     string
		msg       string
	}{
		{"bad cidr", "sites:\n  - name: hq\n    zones:\n      - name: core\n        cidrs: [10.0.0/24]\n", 5, "sites[0].zones[0].cidrs[0]", "invalid CIDR"},
		{"host bits", "sites:\n  - name: hq\n    zones:\n      - name: core\n        cidrs: [10.0.0.1/24]\n", 5, "sites[0].zones[0].cidrs[0]", "did you mean 10.0.0.0/24"},
		{"unknown profile", "version: 1\nprofiles: [uk-nil-2022, eu-ban]\n", 2, "profiles[1]", "unknown profile \"eu-ban\""},
		{"unknown field", "version: 1\nsites:\n  - name: hq\n    zonez: []\n", 4, "", "unknown field \"zonez\""},
		{"bad type", "sites:\n  - name: hq\n    sensitive: maybe\n", 3, "", "bool"},
		{"exception without expiry", "exceptions:\n  - mac: 44:19:b6:00:00:01\n    owner: me\n    justification: ok\n", 2, "exceptions[0].expires", "every exception expires"},
		{"exception bad mac", "exceptions:\n  - mac: 44:19:b6\n    owner: me\n    justification: ok\n    expires: 2030-01-01\n", 2, "exceptions[0].mac", "invalid MAC"},
		{"vlan range", "sites:\n  - name: hq\n    zones:\n      - name: z\n        vlans: [5000]\n", 5, "sites[0].zones[0].vlans[0]", "out of range"},
		{"duplicate zone", "sites:\n  - name: a\n    zones: [{name: z, cidrs: [10.0.0.0/8]}]\n  - name: b\n    zones:\n      - name: z\n        cidrs: [11.0.0.0/8]\n", 6, "sites[1].zones[0].name", "duplicate zone"},
		{"syntax", "sites:\n  - name: [unclosed\n", 2, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("site.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			var first *Error
			var es Errors
			if errors.As(err, &es) {
				first = es[0]
			} else if !errors.As(err, &first) {
				t.Fatalf("error %T %v is not a policy error", err, err)
			}
			if first.Line != c.line || first.Field != c.field || !strings.Contains(first.Msg, c.msg) {
				t.Errorf("got line %d field %q msg %q; want line %d field %q msg containing %q", first.Line, first.Field, first.Msg, c.line, c.field, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "site.yaml:") {
				t.Errorf("message %q does not start with the file name", err)
			}
		})
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []string{"review", "Medium", " HIGH ", "critical", "none"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("severe accepted")
	}
	if !SeverityCritical.AtLeast(SeverityHigh) || SeverityMedium.AtLeast(SeverityHigh) || !SeverityReview.AtLeast(SeverityReview) {
		t.Error("AtLeast ordering wrong")
	}
	if SeverityCritical.AtLeast(SeverityNone) {
		t.Error("nothing is at least none")
	}
}

package fingerprint

import (
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// TestCanonicalModel: the maker's and its brands' names in front of a model,
// an escaped space and the maker's model prefix go; anything else stays.
func TestCanonicalModel(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ vendor, in, want string }{
		{"Hikvision", "HIKVISION DS-2CD2146G2-ISU", "DS-2CD2146G2-ISU"},   // ONVIF name scope, mDNS instance
		{"Hikvision", "HIKVISION%20DS-2CD2146G2-ISU", "DS-2CD2146G2-ISU"}, // the name scope as sent
		{"Hikvision", "Hikvision  DS-7608NXI-I2/8P/S", "DS-7608NXI-I2/8P/S"},
		{"Hikvision", "EZVIZ CS-H6c-R101-1G2WF", "CS-H6c-R101-1G2WF"}, // a brand of the maker
		{"Hikvision", "DS-2CD2146G2-ISU", "DS-2CD2146G2-ISU"},
		{"Hikvision", "HIKVISION", "HIKVISION"},                   // nothing would be left
		{"Hikvision", "Dahua IPC-HDW5421S", "Dahua IPC-HDW5421S"}, // another maker's name is not stripped
		{"Dahua", "DH-IPC-HDW1230T2", "IPC-HDW1230T2"},
		{"Dahua", "dh-ipc-hdw1230t2", "IPC-HDW1230T2"}, // case-folded, as a DNS name gives it
		{"Hikvision", "ds-2cd2722fwd-izs", "DS-2CD2722FWD-IZS"},
		{"Hikvision", "ids-7204huhi-m1/s", "iDS-7204HUHI-M1/S"}, // the maker's one lower-case prefix
		{"Hikvision", "iDS-7204HUHI-M1/S", "iDS-7204HUHI-M1/S"},
		{"Hikvision", "CS-H6c-R101-1G2WF", "CS-H6c-R101-1G2WF"}, // a capital in it: as sent
		{"Axis", "m3045-v", "m3045-v"},                          // no case in the catalogue: as sent
		{"Dahua", "DHI-NVR4104HS-P-4KS2", "NVR4104HS-P-4KS2"},
		{"Dahua", "Dahua DH-SD49225XA-HNR", "SD49225XA-HNR"},
		{"Dahua", "DH-", "DH-"},
		{"Dahua", "BCS-TIP3401IR-E-V", "BCS-TIP3401IR-E-V"}, // a brand's model scheme, no space: kept
		{"Axis", "DH-IPC-HDW1230T2", "DH-IPC-HDW1230T2"},    // the prefix is Dahua's only
		{"", "HIKVISION DS-2CD2146G2-ISU", "HIKVISION DS-2CD2146G2-ISU"},
		{"Hikvision", "HIKVISION %zz", "HIKVISION %zz"},           // a bad escape stays as sent
		{"Hikvision", "DS-2CD2146G2%2FISU", "DS-2CD2146G2%2FISU"}, // only an escaped space is decoded
	} {
		if got := db.Catalogue.CanonicalModel(c.vendor, c.in); got != c.want {
			t.Errorf("CanonicalModel(%q, %q) = %q, want %q", c.vendor, c.in, got, c.want)
		}
	}
}

// TestSignatureKeys: a signature with keys reads each of them, and one with
// both key and keys, or neither, or an asked key among its keys, is refused.
func TestSignatureKeys(t *testing.T) {
	vendors := "basis: {}\nvendors:\n  - {name: Acme}\n"
	load := func(sig string) (*Database, error) {
		return LoadDatabaseFS(fstest.MapFS{"d/vendors.yaml": {Data: []byte(vendors)},
			"d/signatures/a.yaml": {Data: []byte("signatures:\n" + sig)}}, "d")
	}
	db, err := load(`  - {id: acme.any.model, keys: [http.title, upnp.model_name], pattern: '(?P<m>AC-[0-9]+)', vendor: Acme, model: '${m}', weight: 0.5, examples: [{value: "AC-1"}]}
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"http.title", "upnp.model_name"} {
		e := NewEngine(db, nil)
		e.Add(Observation{IP: netip.MustParseAddr("198.18.0.1"), Key: k, Value: "Acme AC-12"})
		if d := onlyDevice(t, e); d.Vendor != "Acme" || d.Model != "AC-12" {
			t.Errorf("%s: got vendor %q model %q, want Acme AC-12", k, d.Vendor, d.Model)
		}
	}
	for _, bad := range []string{
		`  - {id: acme.any.both, key: http.title, keys: [http.title], pattern: 'x', weight: 0.5, examples: [{value: "x"}]}`,
		`  - {id: acme.any.none, pattern: 'x', weight: 0.5, examples: [{value: "x"}]}`,
		`  - {id: acme.any.asked, keys: [http.title, dns.query], pattern: 'x', weight: 0.5, examples: [{value: "x"}]}`,
		`  - {id: acme.any.asked2, keys: [dns.query, http.title], pattern: 'x', weight: 0.5, examples: [{value: "x"}]}`,
		`  - {id: acme.any.unknown, keys: [http.titel], pattern: 'x', weight: 0.5, examples: [{value: "x"}]}`,
	} {
		if _, err := load(bad + "\n"); err == nil || !strings.Contains(err.Error(), "key") {
			t.Errorf("loading %s: err %v, want a key error", bad, err)
		}
	}
}

// TestMostSpecificModel: a model said in full wins over its shortened form,
// a serial that begins with the model does not.
func TestMostSpecificModel(t *testing.T) {
	all := func(Match) bool { return true }
	sig := func(prec int, w float64) *Signature { return &Signature{Precedence: prec, Weight: w} }
	for _, c := range []struct {
		name    string
		matches []Match
		want    string
	}{
		{"name scope shortened", []Match{{Sig: sig(2, 0.9), Model: "DS-2CD2146G2"}, {Sig: sig(1, 0.1), Model: "DS-2CD2146G2-ISU"}}, "DS-2CD2146G2-ISU"},
		{"slash part", []Match{{Sig: sig(2, 0.9), Model: "DS-7608NXI-I2"}, {Sig: sig(1, 0.5), Model: "ds-7608nxi-i2/8P/S"}}, "ds-7608nxi-i2/8P/S"},
		{"serial is no model", []Match{{Sig: sig(2, 0.9), Model: "DS-7608NXI-I2"}, {Sig: sig(1, 0.5), Model: "DS-7608NXI-I220210305CCWRJ12345678"}}, "DS-7608NXI-I2"},
		{"another model", []Match{{Sig: sig(2, 0.9), Model: "IPC-HDW5421S"}, {Sig: sig(1, 0.5), Model: "IPC-HDW5421SP"}}, "IPC-HDW5421S"},
	} {
		if got := mostSpecificModel(c.matches, all); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// FuzzCanonicalModel: any model string, for a maker with names and a
// prefix: no panic, valid UTF-8 stays valid, and the result is never longer.
func FuzzCanonicalModel(f *testing.F) {
	for _, s := range []string{"HIKVISION%20DS-2CD2146G2-ISU", "DH-IPC-HDW1230T2", "Dahua DHI-NVR4104HS-P-4KS2",
		"HIKVISION HiWatch HWP-N2404IH-DE3(F)", "%20%20", "DH-", " \t", "EZVIZ \x00CS-C6N", "\xff\xfe"} {
		f.Add(s)
	}
	db, err := LoadDatabase()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, model string) {
		for _, vendor := range []string{"Hikvision", "Dahua", "", "NoSuchMaker"} {
			got := db.Catalogue.CanonicalModel(vendor, model)
			if len(got) > len(model) {
				t.Errorf("CanonicalModel(%q, %q) = %q: longer", vendor, model, got)
			}
			if utf8.ValidString(model) && !utf8.ValidString(got) {
				t.Errorf("CanonicalModel(%q, %q) = %q: not UTF-8", vendor, model, got)
			}
		}
	})
}

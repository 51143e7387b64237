package fingerprint

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/camsweep/camsweep/oui"
)

func TestNormalizeOrg(t *testing.T) {
	same := [][2]string{
		{"Hangzhou Hikvision Digital Technology Co.,Ltd.", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD"},
		{"Hangzhou Huacheng Network Technology Co.,Ltd", "hangzhou huacheng network technology co., ltd"},
		{"Zhejiang Uniview Technologies Co., Ltd.", "Zhejiang Uniview Technologies Co.,Ltd."},
	}
	for _, p := range same {
		if NormalizeOrg(p[0]) != NormalizeOrg(p[1]) {
			t.Errorf("NormalizeOrg(%q)=%q != NormalizeOrg(%q)=%q", p[0], NormalizeOrg(p[0]), p[1], NormalizeOrg(p[1]))
		}
	}
	if got := NormalizeOrg("Axis Communications AB"); got != "axis communications" {
		t.Errorf("got %q", got)
	}
}

// TestCatalogueWholeNamesOnly: registrants that contain a catalogued name are
// not that maker (signals.md §9 name near-misses).
func TestCatalogueWholeNamesOnly(t *testing.T) {
	cat := testDB(t).Catalogue
	for _, org := range []string{"Shanghai Dahua Scale Factory", "JOREX LOREX INDIA PRIVATE LIMITED", "Hikari Trading", "CP PLUS GMBH & CO. KG", "TP-Link Systems Inc"} {
		if m, ok := cat.Org(org); ok {
			t.Errorf("%q resolved to %s", org, m.Vendor.Name)
		}
	}
	m, ok := cat.Org("Hangzhou Ezviz Software Co.,Ltd.")
	if !ok || m.Vendor.Name != "Hikvision" || m.Brand == nil || m.Brand.Name != "EZVIZ" {
		t.Errorf("EZVIZ registrant = %+v, %v", m, ok)
	}
	b, ok := cat.Brand("CP_PLUS")
	if !ok || b.Maker().Name != "Dahua" {
		t.Errorf("brand CP_PLUS = %+v, %v", b, ok)
	}
}

// TestCatalogueAgainstRegistry looks real blocks (signals.md §11) up in the
// shipped IEEE registry and checks the catalogue names their maker.
func TestCatalogueAgainstRegistry(t *testing.T) {
	reg, err := oui.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := testDB(t).Catalogue
	cases := []struct{ mac, vendor, brand string }{
		{"44:19:b6:00:00:01", "Hikvision", ""},
		{"58:50:ed:1f:e3:85", "Hikvision", ""},
		{"bc:29:78:00:00:01", "Hikvision", "Prama Hikvision India"},
		{"0c:a6:4c:00:00:01", "Hikvision", "EZVIZ"},
		{"14:2f:fd:00:00:01", "Hikvision", "LTS"},
		{"34:bd:20:00:00:01", "Hikvision", "Hikrobot"},
		{"b4:4c:3b:00:00:01", "Dahua", ""},
		{"e4:24:6c:00:00:01", "Dahua", ""},
		{"90:02:a9:00:00:01", "Dahua", ""},
		{"20:2c:05:00:00:01", "Dahua", "Dahua Zhilian"},
		{"90:6a:94:00:00:01", "Dahua", "Imou"},
		{"00:d9:8b:00:00:01", "Dahua", "Imou"},
		{"30:2f:ac:00:00:01", "Dahua", "Huaray"},
		{"9c:8e:cd:00:00:01", "Dahua", "Amcrest"},
		{"00:1f:54:00:00:01", "Dahua", "Lorex"},
		{"48:ea:63:00:00:01", "Uniview", ""},
		{"88:26:3f:2c:ea:07", "Uniview", ""},
		{"3c:da:6d:00:00:01", "Tiandy", ""},
		{"00:18:ae:00:00:01", "TVT", ""},
		{"00:14:10:00:00:01", "Kedacom", ""},
		{"e4:7d:5a:00:00:01", "Hanbang", ""},
		{"00:1c:27:00:00:01", "Sunell", ""},
		{"00:23:63:00:00:01", "Raysharp", ""},
		{"ac:95:72:00:00:01", "Jovision", ""},
		{"e0:62:90:3e:63:c0", "Jovision", ""},
		{"1c:c3:16:00:00:01", "Milesight", ""},
		{"4c:b0:08:00:00:01", "Gwell", ""},
		{"84:8a:59:00:00:01", "HiSilicon", ""},
		{"30:49:9e:97:b5:d6", "Huawei", ""},
		{"18:50:73:00:00:01", "Hualai", ""},
		{"e4:aa:ec:00:00:01", "Hualai", ""},
		{"ec:71:db:00:00:01", "Reolink", ""},
		{"3c:b5:3d:00:00:01", "Goke", ""},
		{"d0:31:10:00:00:01", "Ingenic", ""},
		{"00:40:8c:ef:08:1c", "Axis", ""},
		{"ac:cc:8e:3c:04:19", "Axis", ""},
		{"00:04:63:00:00:01", "Bosch", ""},
		{"00:09:18:00:00:01", "Hanwha", ""},
		{"00:03:c5:00:00:01", "Mobotix", ""},
		{"00:02:d1:00:00:01", "Vivotek", ""},
		{"00:1b:d8:00:00:01", "FLIR", ""},
		{"bc:51:fe:00:00:01", "Swann", ""},
	}
	for _, c := range cases {
		mac, _ := ParseMAC(c.mac)
		e, ok := reg.Lookup(mac)
		if !ok {
			t.Errorf("%s: not in registry", c.mac)
			continue
		}
		m, ok := cat.Org(e.Org)
		if !ok {
			t.Errorf("%s: registrant %q not catalogued", c.mac, e.Org)
			continue
		}
		brand := ""
		if m.Brand != nil {
			brand = m.Brand.Name
		}
		if m.Vendor.Name != c.vendor || brand != c.brand {
			t.Errorf("%s (%s) = %s/%s, want %s/%s", c.mac, e.Org, m.Vendor.Name, brand, c.vendor, c.brand)
		}
	}
	for _, nm := range []string{"40:2c:76:10:00:01", "8c:1f:64:f4:b0:01"} { // Shanghai Dahua Scale, Jorex Lorex
		mac, _ := ParseMAC(nm)
		e, ok := reg.Lookup(mac)
		if !ok {
			t.Fatalf("%s not in registry", nm)
		}
		if m, ok := cat.Org(e.Org); ok {
			t.Errorf("%s (%s) resolved to %s", nm, e.Org, m.Vendor.Name)
		}
	}
}

// TestLoaderErrorsNameFileIDAndField feeds broken data and checks the error
// points at the place to fix.
func TestLoaderErrorsNameFileIDAndField(t *testing.T) {
	vendors := "basis: {prc-nil: {title: x}}\nvendors:\n  - {name: Acme, basis: [prc-nil]}\n"
	cases := []struct{ sig, want string }{
		{"  - {id: acme.http.x, key: http.server, pattern: '(', weight: 0.5, examples: [{value: a}]}", `signatures/bad.yaml: signature "acme.http.x": pattern`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', vendor: Nobody, weight: 0.5, examples: [{value: a}]}", `signature "acme.http.x": vendor: "Nobody"`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', kind: toaster, weight: 0.5, examples: [{value: a}]}", `signature "acme.http.x": kind`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', weight: 0.5}", `signature "acme.http.x": examples`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', weight: 2, examples: [{value: a}]}", `signature "acme.http.x": weight`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', weight: 0.5, precedence: 10, examples: [{value: a}]}", `signature "acme.http.x": precedence`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', wieght: 0.5, examples: [{value: a}]}", `signatures/bad.yaml`},
		{"  - {id: acme.http.x, key: http.server, pattern: 'a', weight: 0.5, examples: [{value: a}]}\n  - {id: acme.http.x, key: http.server, pattern: 'b', weight: 0.5, examples: [{value: b}]}", `signature "acme.http.x": id: duplicate`},
	}
	for _, c := range cases {
		fsys := fstest.MapFS{
			"d/vendors.yaml":        {Data: []byte(vendors)},
			"d/signatures/bad.yaml": {Data: []byte("signatures:\n" + c.sig + "\n")},
		}
		_, err := LoadDatabaseFS(fsys, "d")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("sig %s:\n error %v\n want it to contain %s", c.sig, err, c.want)
		}
	}
}

// testDB returns the embedded database or stops the test.
func testDB(t *testing.T) *Database {
	t.Helper()
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

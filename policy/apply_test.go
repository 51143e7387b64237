package policy

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
)

const testPolicy = `
version: 1
profiles: [uk-nil-2022]
custom_profiles:
  - name: local-ban
    vendors: [Xiongmai]
sites:
  - name: hq
    zones:
      - name: hq-core
        cidrs: [10.10.10.0/24]
        core: true
      - name: hq-office
        cidrs: [10.20.0.0/16]
      - name: hq-secure
        cidrs: [10.20.5.0/24]
        sensitive: true
  - name: lab
    sensitive: true
    zones:
      - name: lab-net
        cidrs: [172.16.0.0/12]
exceptions:
  - mac: 4c:11:bf:c2:0b:9d
    justification: "replacement ordered"
    owner: facilities
    expires: 2026-12-31
  - serial: DS-2CD2042WD-I0001
    justification: "evidence camera"
    owner: legal
    expires: 2026-01-31
`

func mustMAC(s string) fingerprint.MAC {
	m, err := fingerprint.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func dev(mac, ip, vendor, model string, kind fingerprint.Kind, basis ...string) fingerprint.Device {
	d := fingerprint.Device{MAC: mustMAC(mac), Vendor: vendor, Model: model, Kind: kind, Basis: basis, Restricted: len(basis) > 0}
	if ip != "" {
		d.IPs = []netip.Addr{netip.MustParseAddr(ip)}
	}
	return d
}

var prc = []string{"prc-nil", "fcc-covered", "us-entity-list", "ndaa-889"}

// devices constructed from the real identities in testdata (the Hikvision
// ISAPI fixtures, the Dahua DHIP payload, the IoT Sentinel D-Link camera).
func testDevices() []fingerprint.Device {
	hik := dev("28:57:be:65:7d:d5", "10.10.10.40", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	hik.Serial = "DS-2CD2042WD-I0001"
	return []fingerprint.Device{
		hik,
		dev("4c:11:bf:c2:0b:9d", "10.10.10.41", "Dahua", "IPC-HDW5421S", fingerprint.KindCamera, prc...),
		dev("44:19:b6:00:00:02", "10.20.5.9", "Hikvision", "DS-7608NI-K2", fingerprint.KindNVR, prc...),
		dev("3c:ef:8c:18:a5:07", "10.20.1.7", "Dahua", "HCVR", fingerprint.KindDVR, prc...),
		dev("38:c4:e8:03:b3:e2", "172.16.3.3", "Dahua", "BCS-TIP3401IR-E-V", fingerprint.KindCamera, prc...),
		dev("44:19:b6:00:00:03", "203.0.113.5", "Hikvision", "", fingerprint.KindUnknown, prc...),
		dev("b0:c5:54:25:5b:0e", "10.10.10.37", "D-Link", "DCS-935L", fingerprint.KindCamera),
		dev("02:00:00:00:00:09", "10.10.10.50", "", "", fingerprint.KindCamera),
		dev("02:00:00:00:00:0a", "10.20.1.50", "", "", fingerprint.KindCamera),
		dev("00:12:41:00:00:01", "10.10.10.60", "Xiongmai", "XM530", fingerprint.KindCamera),
		dev("00:12:41:00:00:02", "10.10.10.61", "Xiongmai", "", fingerprint.KindNetwork),
	}
}

func TestApplySeveritiesExact(t *testing.T) {
	p, err := Parse("test.yaml", []byte(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	devs := testDevices()
	now := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	fs := p.Apply(devs, now)
	type row struct{ sev, mac, zone, site, exc, expired string }
	want := []row{
		{"critical", "28:57:be:65:7d:d5", "hq-core", "hq", "", "expired"},
		{"critical", "00:12:41:00:00:01", "hq-core", "hq", "", ""},
		{"critical", "4c:11:bf:c2:0b:9d", "hq-core", "hq", "suppressed", ""},
		{"high", "44:19:b6:00:00:02", "hq-secure", "hq", "", ""},
		{"high", "38:c4:e8:03:b3:e2", "lab-net", "lab", "", ""},
		{"medium", "44:19:b6:00:00:03", "", "", "", ""},
		{"medium", "3c:ef:8c:18:a5:07", "hq-office", "hq", "", ""},
		{"review", "02:00:00:00:00:09", "hq-core", "hq", "", ""},
	}
	if len(fs) != len(want) {
		for _, f := range fs {
			t.Log(f.Severity, f.MAC, f.Zone, f.Reason)
		}
		t.Fatalf("%d findings, want %d", len(fs), len(want))
	}
	for i, w := range want {
		f := fs[i]
		got := row{string(f.Severity), f.MAC.String(), f.Zone, f.Site, "", ""}
		if f.Suppressed() {
			got.exc = "suppressed"
		}
		if f.ExpiredException != "" {
			got.expired = "expired"
		}
		if got != w {
			t.Errorf("finding %d = %+v, want %+v (%s)", i, got, w, f.Reason)
		}
	}
	if devs[0].Zone != "hq-core" || devs[2].Zone != "hq-secure" || devs[5].Zone != "" {
		t.Errorf("zones not set on devices: %q %q %q", devs[0].Zone, devs[2].Zone, devs[5].Zone)
	}
	// The reason names vendor, zone and basis in plain words.
	r := fs[0].Reason
	for _, part := range []string{"Hikvision camera DS-2CD2042WD-I", `core zone "hq-core"`, `site "hq"`, "uk-nil-2022", "PRC National Intelligence Law", "expired on 2026-01-31"} {
		if !strings.Contains(r, part) {
			t.Errorf("reason %q lacks %q", r, part)
		}
	}
	if !slices.Equal(fs[1].Profiles, []string{"local-ban"}) || !slices.Equal(fs[0].Profiles, []string{"uk-nil-2022"}) || !strings.Contains(fs[1].Reason, "listed in profile local-ban") {
		t.Errorf("profiles: %q %q", fs[0].Profiles, fs[1].Profiles)
	}
	if len(fs[0].Basis) != 1 || fs[0].Basis[0] != "prc-nil" {
		t.Errorf("basis under uk-nil-2022 = %v, want [prc-nil]", fs[0].Basis)
	}
	if !FailsAt(fs, SeverityCritical) || FailsAt(fs, SeverityNone) {
		t.Error("FailsAt")
	}
}

func TestExceptionExpiryBoundary(t *testing.T) {
	p, err := Parse("test.yaml", []byte(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	dahua := []fingerprint.Device{dev("4c:11:bf:c2:0b:9d", "10.10.10.41", "Dahua", "IPC-HDW5421S", fingerprint.KindCamera, prc...)}
	lastDay := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	if fs := p.Apply(dahua, lastDay); len(fs) != 1 || !fs[0].Suppressed() {
		t.Fatalf("on its last day the exception must suppress: %+v", fs)
	}
	after := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := p.Apply(dahua, after)
	if len(fs) != 1 || fs[0].Suppressed() || fs[0].ExpiredException == "" || !strings.Contains(fs[0].Reason, "expired on 2026-12-31") {
		t.Fatalf("after expiry: %+v", fs)
	}
	if !FailsAt(fs, SeverityCritical) {
		t.Error("an expired exception must not keep --fail-on quiet")
	}
}

// A device with several addresses is placed in the most severe of their
// zones (one leg on the core network puts it there), and the finding names
// that address; a single address goes to its most specific zone.
func TestZoneByAnyAddress(t *testing.T) {
	p, err := Parse("test.yaml", []byte(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	d := dev("44:19:b6:00:00:09", "192.168.0.20", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	d.IPs = append(d.IPs, netip.MustParseAddr("10.20.5.30"), netip.MustParseAddr("10.10.10.30"), netip.MustParseAddr("10.20.7.1"))
	devs := []fingerprint.Device{d}
	fs := p.Apply(devs, time.Now())
	if len(fs) != 1 || devs[0].Zone != "hq-core" || fs[0].IP.String() != "10.10.10.30" || fs[0].Severity != SeverityCritical {
		t.Fatalf("zone %q, findings %+v", devs[0].Zone, fs)
	}
	one := []fingerprint.Device{dev("44:19:b6:00:00:0a", "10.20.5.30", "Hikvision", "", fingerprint.KindCamera, prc...)}
	if fs := p.Apply(one, time.Now()); one[0].Zone != "hq-secure" || fs[0].Severity != SeverityHigh {
		t.Fatalf("10.20.5.30 is in hq-secure (/24) inside hq-office (/16): zone %q %+v", one[0].Zone, fs)
	}
}

// A zone may be named by VLAN: a device seen on a trunk capture in VLAN 20
// is in the zone listing 20 even when its address is in no CIDR; with one
// address in an office CIDR and one VLAN on the core, the core wins, and
// the finding names the VLAN that placed it (and still the device's address,
// to find it by). A VLAN in no zone places nothing.
func TestZoneByVLAN(t *testing.T) {
	plant := `  - name: plant
    zones:
      - name: plant-scada
        vlans: [20, 21]
        core: true
      - name: plant-cctv
        vlans: [20, 30]
exceptions:`
	p, err := Parse("test.yaml", []byte(strings.Replace(testPolicy, "exceptions:", plant, 1)))
	if err != nil {
		t.Fatal(err)
	}
	vlanOnly := dev("44:19:b6:00:00:0b", "192.168.50.7", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	vlanOnly.VLANs = []uint16{20}
	both := dev("44:19:b6:00:00:0c", "10.20.7.9", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	both.VLANs = []uint16{21}
	cctv := dev("44:19:b6:00:00:0d", "", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	cctv.VLANs = []uint16{30}
	unknown := dev("44:19:b6:00:00:0e", "192.168.50.8", "Hikvision", "DS-2CD2042WD-I", fingerprint.KindCamera, prc...)
	unknown.VLANs = []uint16{99}
	devs := []fingerprint.Device{vlanOnly, both, cctv, unknown}
	fs := p.Apply(devs, time.Now())
	want := []struct {
		zone string
		vlan uint16
		sev  Severity
	}{
		{"plant-scada", 20, SeverityCritical}, // listed first among the zones with VLAN 20
		{"plant-scada", 21, SeverityCritical}, // the core VLAN beats the office address
		{"plant-cctv", 30, SeverityMedium},
		{"", 0, SeverityMedium},
	}
	for i, w := range want {
		if devs[i].Zone != w.zone {
			t.Errorf("device %d: zone %q, want %q", i, devs[i].Zone, w.zone)
		}
		var f *Finding
		for j := range fs {
			if fs[j].MAC == devs[i].MAC {
				f = &fs[j]
			}
		}
		if f == nil {
			t.Errorf("device %d: no finding", i)
			continue
		}
		if f.VLAN != w.vlan || f.Severity != w.sev {
			t.Errorf("device %d: finding %+v, want VLAN %d severity %s", i, *f, w.vlan, w.sev)
		}
	}
}

func TestProfileSelectsBasis(t *testing.T) {
	// A device restricted only on the US lists does not count under uk-nil-2022.
	usOnly := []fingerprint.Device{dev("00:e0:fc:00:00:01", "10.10.10.9", "Huawei", "", fingerprint.KindCamera, "ndaa-889")}
	uk, _ := Parse("uk.yaml", []byte("profiles: [uk-nil-2022]\n"))
	if fs := uk.Apply(usOnly, time.Now()); len(fs) != 0 {
		t.Errorf("uk-nil-2022 flagged an ndaa-889-only device: %+v", fs)
	}
	us, _ := Parse("us.yaml", []byte("profiles: [us-ndaa-889]\n"))
	fs := us.Apply(usOnly, time.Now())
	if len(fs) != 1 || fs[0].Severity != SeverityMedium || !slices.Equal(fs[0].Profiles, []string{"us-ndaa-889"}) {
		t.Errorf("us-ndaa-889: %+v", fs)
	}
	// Under both profiles a Hikvision camera names both, with both bases.
	both, _ := Parse("both.yaml", []byte("profiles: [uk-nil-2022, us-ndaa-889]\n"))
	hik := []fingerprint.Device{dev("44:19:b6:00:00:01", "10.10.10.9", "Hikvision", "", fingerprint.KindCamera, prc...)}
	fs = both.Apply(hik, time.Now())
	if len(fs) != 1 || !slices.Equal(fs[0].Profiles, []string{"uk-nil-2022", "us-ndaa-889"}) || !slices.Equal(fs[0].Basis, []string{"prc-nil", "ndaa-889"}) ||
		!strings.Contains(fs[0].Reason, "under profiles uk-nil-2022, us-ndaa-889 (basis: PRC National Intelligence Law (2017); NDAA FY2019 §889)") {
		t.Errorf("both profiles: %+v", fs)
	}
}

func TestDefaultPolicy(t *testing.T) {
	devs := testDevices()
	fs := Default().Apply(devs, time.Now())
	restricted := 0
	for _, d := range devs {
		if d.Restricted {
			restricted++
		}
	}
	if len(fs) != restricted {
		t.Fatalf("default: %d findings for %d restricted devices", len(fs), restricted)
	}
	for _, f := range fs {
		if f.Severity != SeverityMedium || f.Zone != "" || !strings.Contains(f.Reason, f.Vendor) {
			t.Errorf("default finding %+v", f)
		}
	}
}

// reviewDevice is what the engine makes of a Huawei MAC block and nothing
// else (fingerprint.TestEngineOUINames): a restricted maker, product unclear.
func reviewDevice() fingerprint.Device {
	d := dev("30:49:9e:97:b5:d6", "10.10.10.70", "Huawei", "", "")
	d.Review, d.Basis = true, prc
	d.MACVendor = "HUAWEI TECHNOLOGIES CO.,LTD"
	d.Evidence = []fingerprint.Evidence{{Probe: "oui", Key: "mac.oui", Value: "30:49:9E HUAWEI TECHNOLOGIES CO.,LTD",
		Signature: "oui", Sets: "vendor=Huawei"}}
	return d
}

// TestVendorListKeepsHearsayReview: a Tapo camera known only by the cloud
// names it asked for is review in the catalogue (the engine's hearsay rule);
// a custom profile listing TP-Link by name must not turn it into restricted.
func TestVendorListKeepsHearsayReview(t *testing.T) {
	d := dev("5c:e9:31:00:00:01", "10.10.10.71", "TP-Link", "Tapo", fingerprint.KindCamera)
	d.Review, d.Basis = true, prc
	p, err := Parse("tp.yaml", []byte("custom_profiles: [{name: tp, vendors: [TP-Link]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	devs := []fingerprint.Device{d}
	fs := p.Apply(devs, time.Now())
	if devs[0].Verdict != fingerprint.VerdictReview || len(fs) != 1 || fs[0].Severity != SeverityReview {
		t.Fatalf("hearsay camera under a vendor list: verdict %q, findings %+v; want review", devs[0].Verdict, fs)
	}
}

func TestReviewVerdict(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, policy string
		want         fingerprint.Verdict
		profiles     []string
	}{
		{"default", "", fingerprint.VerdictReview, nil},
		{"uk", "profiles: [uk-nil-2022]\n", fingerprint.VerdictReview, []string{"uk-nil-2022"}},
		{"us", "profiles: [us-ndaa-889]\n", fingerprint.VerdictReview, []string{"us-ndaa-889"}},
		{"other maker listed", "custom_profiles: [{name: hik, vendors: [Hikvision]}]\n", fingerprint.VerdictClear, nil},
		{"maker listed", "custom_profiles: [{name: hw, vendors: [huawei]}]\n", fingerprint.VerdictReview, []string{"hw"}},
		{"basis not counted", "custom_profiles: [{name: fcc, bases: [fcc-covered]}]\n", fingerprint.VerdictReview, []string{"fcc"}},
	}
	for _, c := range cases {
		p := Default()
		if c.policy != "" {
			var err error
			if p, err = Parse(c.name+".yaml", []byte(c.policy)); err != nil {
				t.Fatal(err)
			}
		}
		devs := []fingerprint.Device{reviewDevice()}
		fs := p.Apply(devs, now)
		if devs[0].Verdict != c.want {
			t.Errorf("%s: verdict %q, want %q", c.name, devs[0].Verdict, c.want)
		}
		if c.want == fingerprint.VerdictClear {
			if len(fs) != 0 {
				t.Errorf("%s: findings %+v", c.name, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Severity != SeverityReview || fs[0].Verdict != fingerprint.VerdictReview ||
			!slices.Equal(fs[0].Profiles, c.profiles) || !FailsAt(fs, SeverityReview) || FailsAt(fs, SeverityMedium) {
			t.Fatalf("%s: %+v", c.name, fs)
		}
		for _, want := range []string{"made by Huawei, a restricted vendor", "does not show what the product is",
			"known: mac.oui=30:49:9E HUAWEI TECHNOLOGIES CO.,LTD", "record an exception"} {
			if !strings.Contains(fs[0].Reason, want) {
				t.Errorf("%s: reason %q lacks %q", c.name, fs[0].Reason, want)
			}
		}
	}
}

// TestHearsayReviewReasonDoesNotContradictItself: a camera tied to its maker
// only by hearsay (the engine gives it review) is not said to be "made by"
// the maker in a reason that goes on to say the evidence does not show what
// the product is. A Tapo C200 known only by the cloud name it asked for
// (testdata/realdata hidden-patterns, tapo-c200_boot.pcap) says what the
// names point to; a camera whose only word of Dahua is the ONVIF scope other
// firmware copies (signature dahua.wsd.scope-unique-identifier) says a
// mention does not show who made it. Both say what to check.
func TestHearsayReviewReasonDoesNotContradictItself(t *testing.T) {
	tapo := dev("02:10:18:00:00:71", "10.10.10.71", "TP-Link", "", fingerprint.KindCamera)
	tapo.Brand, tapo.Review, tapo.Restricted, tapo.Basis = "Tapo", true, false, []string{"prc-nil"}
	tapo.Evidence = []fingerprint.Evidence{{Probe: "pcap", Key: "dns.query", Value: "euw1-device-tapo-care.i.tplinknbu.com",
		Signature: "tplink.dns.tapo-care-device", Sets: "vendor=TP-Link brand=Tapo kind=camera"}}
	scope := dev("02:10:18:00:00:72", "10.10.10.72", "Dahua", "", fingerprint.KindCamera)
	scope.Review, scope.Restricted, scope.Basis = true, false, prc
	scope.Evidence = []fingerprint.Evidence{
		{Probe: "wsd", Key: "wsd.scope", Value: "onvif://www.onvif.org/type/video_encoder", Signature: "generic.wsd.type-video-encoder", Sets: "kind=camera"},
		{Probe: "wsd", Key: "wsd.scope", Value: "onvif://www.onvif.org/extension/unique_identifier", Signature: "dahua.wsd.scope-unique-identifier", Sets: "vendor=Dahua"},
	}
	devs := []fingerprint.Device{tapo, scope}
	fs := Default().Apply(devs, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if len(fs) != 2 {
		t.Fatalf("findings %+v", fs)
	}
	want := map[string][]string{
		"10.10.10.71": {"Device on a network outside every configured zone: only the names it asked for point to a TP-Link camera (sold as Tapo), and TP-Link is a restricted vendor",
			"does not show what the product is", "known: dns.query=euw1-device-tapo-care.i.tplinknbu.com",
			"if it is TP-Link's surveillance equipment it is restricted; if it is not, record an exception for it."},
		"10.10.10.72": {"Camera on a network outside every configured zone: only a mention points to Dahua, a restricted vendor",
			"does not show who made it", "known: wsd.scope=onvif://www.onvif.org/extension/unique_identifier",
			"if it is Dahua's surveillance equipment it is restricted; if it is not, record an exception for it."},
	}
	for _, f := range fs {
		if f.Verdict != fingerprint.VerdictReview || f.Severity != SeverityReview {
			t.Errorf("%s: %+v", f.IP, f)
		}
		if strings.Contains(f.Reason, "made by") {
			t.Errorf("%s: a maker named only by hearsay is said to have made it: %q", f.IP, f.Reason)
		}
		for _, w := range want[f.IP.String()] {
			if !strings.Contains(f.Reason, w) {
				t.Errorf("%s: reason %q lacks %q", f.IP, f.Reason, w)
			}
		}
	}
}

// A review finding is cleared by an exception like any other: kept, marked,
// and no longer failing --fail-on review.
func TestReviewClearedByException(t *testing.T) {
	p, err := Parse("x.yaml", []byte(`exceptions:
  - mac: 30:49:9e:97:b5:d6
    justification: "core router, asset HW-17"
    owner: netops
    expires: 2026-12-31
`))
	if err != nil {
		t.Fatal(err)
	}
	devs := []fingerprint.Device{reviewDevice()}
	fs := p.Apply(devs, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if len(fs) != 1 || !fs[0].Suppressed() || FailsAt(fs, SeverityReview) {
		t.Fatalf("%+v", fs)
	}
}

// Restricted wins over review, and a device both profiles count is
// restricted even when another profile would only review it.
func TestRestrictedBeatsReview(t *testing.T) {
	p, _ := Parse("x.yaml", []byte("custom_profiles: [{name: hw, vendors: [Huawei]}]\nprofiles: [uk-nil-2022]\n"))
	cam := dev("30:49:9e:97:b5:d6", "10.10.10.71", "Huawei", "", fingerprint.KindCamera, prc...)
	devs := []fingerprint.Device{cam}
	fs := p.Apply(devs, time.Now())
	if len(fs) != 1 || fs[0].Verdict != fingerprint.VerdictRestricted || devs[0].Verdict != fingerprint.VerdictRestricted ||
		!slices.Equal(fs[0].Profiles, []string{"uk-nil-2022", "hw"}) {
		t.Fatalf("%+v", fs)
	}
}

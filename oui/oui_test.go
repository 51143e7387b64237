package oui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustMAC(t testing.TB, s string) [6]byte {
	t.Helper()
	var m [6]byte
	h := strings.NewReplacer(":", "", "-", "").Replace(s)
	if len(h) != 12 {
		t.Fatalf("bad test MAC %q", s)
	}
	for i := range m {
		var v byte
		for _, c := range h[2*i : 2*i+2] {
			v = v<<4 | byte(strings.IndexRune("0123456789abcdef", c|0x20))
		}
		m[i] = v
	}
	return m
}

func embeddedRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEmbeddedHoldsWholeSnapshot(t *testing.T) {
	r := embeddedRegistry(t)
	// oui-data 2.1.9: 40,010 MA-L + 6,565 MA-M + 7,155 MA-S keys.
	if r.Len() != 53730 {
		t.Errorf("embedded registry has %d blocks, want 53730", r.Len())
	}
	if r.Date() != "2026-08-26" {
		t.Errorf("Date() = %q", r.Date())
	}
}

func TestLongestPrefix(t *testing.T) {
	r := embeddedRegistry(t)
	tests := []struct {
		mac, org string
		bits     int
	}{
		{"44:19:b6:12:34:56", "Hangzhou Hikvision Digital Technology Co.,Ltd.", 24},
		{"4c:11:bf:c2:0b:9d", "Zhejiang Dahua Technology Co., Ltd.", 24},
		// MA-M inside an "IEEE Registration Authority" MA-L: the owner, not the RA.
		{"40:2c:76:1a:bc:de", "Shanghai Dahua Scale Factory", 28},
		{"b0:b3:53:6f:00:01", "Hangzhou Hikrobot Technology Co., Ltd.", 28},
		// MA-S inside an RA MA-L.
		{"8c:1f:64:f4:b0:01", "JOREX LOREX INDIA PRIVATE LIMITED", 36},
		// Outside the MA-M block the MA-L holder (the RA itself) is the truthful answer.
		{"40:2c:76:f0:00:01", "IEEE Registration Authority", 24},
		// The HiSilicon U-Boot placeholder really is ABB's block; the engine, not
		// the registry, knows it is a placeholder.
		{"00:00:23:34:45:66", "ABB INDUSTRIAL SYSTEMS AB", 24},
	}
	for _, tt := range tests {
		e, ok := r.Lookup(mustMAC(t, tt.mac))
		if !ok || e.Org != tt.org || e.Bits != tt.bits {
			t.Errorf("Lookup(%s) = %+v, %v; want %q /%d", tt.mac, e, ok, tt.org, tt.bits)
		}
	}
}

func TestSpecialAddressesAreNotLookedUp(t *testing.T) {
	r := embeddedRegistry(t)
	for _, s := range []string{
		"02:11:22:33:44:55", // locally administered: Hikvision's OUI with the L bit would be a lie
		"46:19:b6:12:34:56", // 44:19:b6 with the local bit set
		"01:00:5e:7f:ff:fa", // IPv4 multicast
		"ff:ff:ff:ff:ff:ff",
		"00:00:00:00:00:00",
	} {
		m := mustMAC(t, s)
		if e, ok := r.Lookup(m); ok {
			t.Errorf("Lookup(%s) = %+v, want no lookup", s, e)
		}
		if Special(m) == "" {
			t.Errorf("Special(%s) is empty", s)
		}
	}
	if s := Special(mustMAC(t, "44:19:b6:12:34:56")); s != "" {
		t.Errorf("Special(global unicast) = %q", s)
	}
}

func TestUnregisteredPrefix(t *testing.T) {
	// 48:40:A9 appears in a third-party "Hikvision" list but is unassigned (signals.md §10).
	if e, ok := embeddedRegistry(t).Lookup(mustMAC(t, "48:40:a9:00:00:01")); ok {
		t.Errorf("unassigned prefix resolved to %+v", e)
	}
}

func TestLoadCSVDir(t *testing.T) {
	r, err := LoadCSVDir("testdata/ieee-csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 13 {
		t.Errorf("Len = %d, want 13", r.Len())
	}
	for mac, org := range map[string]string{
		"40:2c:76:1f:ff:ff": "Shanghai Dahua Scale Factory",
		"70:b3:d5:f2:f0:00": "TELEPLATFORMS",
		"00:50:c2:7d:50:00": "DEUTA-WERKE GmbH",
		"44:19:b6:00:00:01": "Hangzhou Hikvision Digital Technology Co.,Ltd.",
	} {
		if e, ok := r.Lookup(mustMAC(t, mac)); !ok || e.Org != org {
			t.Errorf("Lookup(%s) = %+v, want %q", mac, e, org)
		}
	}
	if r.Date() != "2022-08-27" {
		t.Errorf("Date() = %q, want the .lastupdate stamp 2022-08-27", r.Date())
	}
	if !strings.Contains(r.Source(), "oui.csv, mam.csv, oui36.csv, iab.csv") {
		t.Errorf("Source() = %q", r.Source())
	}
}

func TestLoadCSVDirRejectsMalformed(t *testing.T) {
	good, _ := os.ReadFile("testdata/ieee-csv/oui.csv")
	tests := map[string]struct {
		oui  string
		want string
	}{
		"bad hex":        {string(good) + "MA-L,44Z9B6,Somebody,Somewhere\n", "line 8"},
		"short":          {string(good) + "MA-L,4419B,Somebody,Somewhere\n", "line 8"},
		"wrong header":   {"Assignment,Organization\n4419B6,x\n", "line 1"},
		"wrong registry": {string(good) + "MA-M,4419B6,Somebody,Somewhere\n", "line 8"},
		"bad quote":      {string(good) + "MA-L,4419B7,\"Somebody,Somewhere\n", "line 8"},
		"no org":         {string(good) + "MA-L,4419B7,,Somewhere\n", "line 8"},
		"empty":          {"Registry,Assignment,Organization Name,Organization Address\n", "no assignments"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "oui.csv"), []byte(tt.oui), 0o644)
			_, err := LoadCSVDir(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "oui.csv") {
				t.Errorf("err = %v, want mention of oui.csv and %q", err, tt.want)
			}
		})
	}
	if _, err := LoadCSVDir(t.TempDir()); err == nil {
		t.Error("a directory without oui.csv was accepted")
	}
}

func TestTableRoundTrip(t *testing.T) {
	r, err := LoadCSVDir("testdata/ieee-csv")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTable(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != r.Len() || back.Date() != r.Date() || back.Source() != r.Source() {
		t.Errorf("round trip: %d %q %q, want %d %q %q", back.Len(), back.Date(), back.Source(), r.Len(), r.Date(), r.Source())
	}
	if _, err := ReadTable(strings.NewReader("not gzip")); err == nil {
		t.Error("garbage accepted as a table")
	}
}

func TestOverrideWriteKeepsPreviousOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "oui.txt.gz")
	t.Setenv(EnvFile, path)
	r, err := LoadCSVDir("testdata/ieee-csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.WriteOverride()
	if err != nil || got != path {
		t.Fatalf("WriteOverride = %q, %v", got, err)
	}
	before, _ := os.ReadFile(path)
	// A malformed update is refused before anything is written.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "oui.csv"), []byte("Registry,Assignment,Organization Name\nMA-L,XYZ,x\n"), 0o644)
	if _, err := LoadCSVDir(bad); err == nil {
		t.Fatal("malformed CSV accepted")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("override changed after a refused update")
	}
	f, _ := os.Open(path)
	defer f.Close()
	back, err := ReadTable(f)
	if err != nil || back.Len() != 13 {
		t.Errorf("override reads back as %v blocks, err %v", back, err)
	}
}

func BenchmarkLookup(b *testing.B) {
	r := embeddedRegistry(b)
	macs := [][6]byte{
		mustMAC(b, "8c:1f:64:f4:b0:01"), // MA-S hit
		mustMAC(b, "40:2c:76:1a:bc:de"), // MA-M hit
		mustMAC(b, "44:19:b6:12:34:56"), // MA-L hit
		mustMAC(b, "48:40:a9:00:00:01"), // miss
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Lookup(macs[i&3])
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	r := embeddedRegistry(t)
	m := mustMAC(t, "8c:1f:64:f4:b0:01")
	if n := testing.AllocsPerRun(100, func() { r.Lookup(m) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}

// BenchmarkEmbedded measures loading the embedded registry, which every
// report-producing command does once before its work.
func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}

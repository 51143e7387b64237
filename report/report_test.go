package report

import (
	"bytes"
	"encoding/csv"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/schematest"
	"github.com/camsweep/camsweep/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func mustMAC(t testing.TB, s string) fingerprint.MAC {
	t.Helper()
	m, err := fingerprint.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sampleResult is built from real device values: the Hikvision camera's model
// and firmware from realdata hikvision_next/ipc1.xml with the Hikvision OUI
// 28:57:be from agsh-onvif device.GetNetworkInterfaces.xml and the realm form
// from signals.md; the Dahua camera from realdata dhip-payloads (AMP-Research
// notifyDevInfo); the D-Link camera MAC and IPs from the iot-sentinel capture.
func sampleResult(t testing.TB) *Result {
	t.Helper()
	seen := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	devs := []fingerprint.Device{
		{
			MAC: mustMAC(t, "b0:c5:54:25:5b:0e"), IPs: []netip.Addr{netip.MustParseAddr("10.10.10.37"), netip.MustParseAddr("192.168.0.20")},
			MACVendor: "D-Link International", Vendor: "D-Link", Kind: fingerprint.KindCamera, Confidence: 0.6,
			Evidence: []fingerprint.Evidence{{Probe: "pcap", Key: "arp.mac", Value: "b0:c5:54:25:5b:0e"}},
		},
		{
			MAC: mustMAC(t, "28:57:be:65:7d:d5"), IPs: []netip.Addr{netip.MustParseAddr("192.168.68.111")},
			MACVendor: "Hangzhou Hikvision Digital Technology Co.,Ltd.", Vendor: "Hikvision", Brand: "Hikvision",
			Model: "DS-2CD2386G2-IU", Firmware: "V5.7.18 build 240826", Kind: fingerprint.KindCamera, Confidence: 0.97,
			Restricted: true, Basis: []string{"prc-nil", "ndaa-889"}, Ports: []uint16{80, 554}, Zone: "core",
			FirstSeen: seen, LastSeen: seen.Add(time.Minute),
			Evidence: []fingerprint.Evidence{
				{Probe: "pcap", Key: "link.ip", Value: "192.168.68.111"},
				{Probe: "pcap", Key: "http.www_authenticate", Value: `Digest qop="auth", realm="IP Camera(C2183)"`, Port: 80,
					Signature: "hikvision.http.realm-ipcamera", Sets: "vendor=Hikvision kind=camera"},
			},
		},
		{
			MAC: mustMAC(t, "4c:11:bf:c2:0b:9d"), IPs: []netip.Addr{netip.MustParseAddr("218.5.136.140")},
			MACVendor: "Zhejiang Dahua Technology Co., Ltd.", Vendor: "Dahua", Brand: "Dahua", Model: "IPC-HDW5421S",
			Firmware: "2.400.0.8", Serial: "1F006E4PAX00075", Kind: fingerprint.KindCamera, Confidence: 0.95,
			Restricted: true, Basis: []string{"prc-nil"}, Zone: "cctv", VLANs: []uint16{30},
			Evidence: []fingerprint.Evidence{{Probe: "dhip", Key: "dhip.model", Value: "IPC-HDW5421S",
				Signature: "dahua.dhip.model", Sets: "vendor=Dahua model=IPC-HDW5421S"}},
		},
	}
	zones := []policy.ZoneInfo{
		{Name: "core", Site: "hq", CIDRs: []string{"192.168.68.0/24"}, Core: true},
		{Name: "cctv", Site: "hq", CIDRs: []string{"218.5.136.0/24"}, VLANs: []int{30}},
	}
	findings := []policy.Finding{
		{Severity: policy.SeverityCritical, MAC: devs[1].MAC, IP: devs[1].IPs[0], Site: "hq", Zone: "core",
			Vendor: "Hikvision", Model: "DS-2CD2386G2-IU", Basis: devs[1].Basis, FirstSeen: devs[1].FirstSeen, LastSeen: devs[1].LastSeen,
			Reason: "Hikvision camera on core network zone core (PRC NIL, NDAA 889)"},
		{Severity: policy.SeverityMedium, MAC: devs[2].MAC, IP: devs[2].IPs[0], Site: "hq", Zone: "cctv",
			Vendor: "Dahua", Model: "IPC-HDW5421S", Reason: "Dahua camera (PRC NIL)", Exception: "cctv-replacement-2027"},
	}
	r := New(Tool{Name: "camsweep", Version: "test"}, seen, Source{Command: "pcap", Inputs: []string{"site.pcapng"}})
	r.OUIDate = "2026-11-01"
	r.Fill(devs, findings, zones)
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test ./report -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	renderers := map[string]func(*bytes.Buffer, *Result) error{
		"sample.table.txt": func(b *bytes.Buffer, r *Result) error { return WriteTable(b, r) },
		"sample.json":      func(b *bytes.Buffer, r *Result) error { return WriteJSON(b, r) },
		"sample.csv":       func(b *bytes.Buffer, r *Result) error { return WriteCSV(b, r) },
	}
	for name, render := range renderers {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := render(&b, sampleResult(t)); err != nil {
				t.Fatal(err)
			}
			golden(t, name, b.Bytes())
		})
	}
}

func TestGoldenPartialUnprivilegedNoFindings(t *testing.T) {
	r := sampleResult(t)
	r.Partial, r.Unprivileged = true, true
	r.Warnings = []string{"site.pcapng: packet 17: corrupt capture: truncated (file ends inside the record); results before it stand"}
	r.Fill(r.Devices[:1], nil, nil)
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "partial.table.txt", b.Bytes())
}

func TestInventoryCountsPerSiteAndVendor(t *testing.T) {
	r := sampleResult(t)
	if len(r.Inventory) != 2 {
		t.Fatalf("want 2 sites (hq and the unzoned D-Link), got %+v", r.Inventory)
	}
	// Sites sort by name: "" (no zone) before "hq".
	if r.Inventory[0].Site != "" || r.Inventory[0].Vendors[0] != (VendorCount{Vendor: "D-Link", Devices: 1}) {
		t.Errorf("unzoned site: %+v", r.Inventory[0])
	}
	hq := r.Inventory[1]
	want := []VendorCount{{Vendor: "Dahua", Devices: 1, Restricted: 1}, {Vendor: "Hikvision", Devices: 1, Restricted: 1}}
	if hq.Site != "hq" || len(hq.Vendors) != 2 || hq.Vendors[0] != want[0] || hq.Vendors[1] != want[1] {
		t.Errorf("hq: %+v, want %+v", hq, want)
	}
}

func TestJSONRoundTripKeepsSchemaAndDevices(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleResult(t)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema != Schema || len(got.Devices) != 3 || got.Devices[2].Serial != "1F006E4PAX00075" ||
		got.Devices[1].MAC.String() != "28:57:be:65:7d:d5" || got.Findings[0].Severity != policy.SeverityCritical {
		t.Errorf("round trip lost data: %+v", got)
	}
}

func TestEmptyResultHasListsNotNull(t *testing.T) {
	r := New(Tool{Name: "camsweep"}, time.Unix(0, 0), Source{Command: "pcap"})
	r.Fill(nil, nil, nil)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"devices": []`, `"findings": []`, `"inventory": []`} {
		if !strings.Contains(b.String(), field) {
			t.Errorf("missing %s in\n%s", field, b.String())
		}
	}
}

// hostile strings a device can send in a banner, model or hostname.
var hostile = []string{
	"\x1b[2J\x1b[H",                           // clear screen, cursor home
	"\x1b]0;owned\x07",                        // OSC: set window title
	"\x1b]8;;http://evil.example/\x1b\\click", // OSC 8 hyperlink
	"\u009b31mred",                            // C1 CSI
	"\u009d0;title\u009c",                     // C1 OSC ... ST
	"abc\u202edcba",                           // right-to-left override
	"\u2066isolate\u2069",                     // bidi isolate
	"back\bspace\x00nul\x7fdel",
	"line\r\nbreak\ttab",
	"\xff\xfe invalid utf-8",
	"\x1bP+q544e\x1b\\", // DCS request
}

func TestTableStripsTerminalEscapes(t *testing.T) {
	r := sampleResult(t)
	for i, h := range hostile {
		r.Devices[i%3].Model += h
		r.Devices[i%3].Firmware = h + r.Devices[i%3].Firmware
		r.Devices[i%3].Evidence[0].Value += h
		r.Findings[i%2].Reason += h
	}
	r.Warnings = hostile
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	assertTerminalSafe(t, b.String())
	if !strings.Contains(b.String(), "DS-2CD2386G2-IU") {
		t.Errorf("the legitimate part of a value must survive:\n%s", b.String())
	}
}

func assertTerminalSafe(t *testing.T, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("output is not valid UTF-8")
	}
	for i, r := range out {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
			t.Fatalf("control or bidi rune %U at byte %d in output:\n%q", r, i, out)
		}
	}
}

func TestCleanBoundsAndKeepsText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"App-webs/", "App-webs/"},
		{"  Thu, May 14 2020 16:45:35 GMT", "Thu, May 14 2020 16:45:35 GMT"},
		{"a\x1b[31mred\x1b[0m", "ared"},
		{"x\x1b]0;title\x07y", "xy"},
		{"x\x1b]0;unterminated", "x"},
		{"abc\u202edcba", "abc\uFFFDdcba"},
		{"a\x00b", "a\uFFFDb"},
		{"a\r\n\tb", "a b"},
		{"\xffz", "\uFFFDz"},
		{"海康威视", "海康威视"},
		{strings.Repeat("x", 100), strings.Repeat("x", 9) + "…"},
	}
	for _, c := range cases {
		max := 0
		if len(c.in) == 100 {
			max = 10
		}
		if got := Clean(c.in, max); got != c.want {
			t.Errorf("Clean(%q, %d) = %q, want %q", c.in, max, got, c.want)
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	r := sampleResult(t)
	r.Devices[0].Model = `=HYPERLINK("http://evil.example","x")`
	r.Devices[0].Firmware = "+cmd|' /C calc'!A0"
	r.Devices[0].Hostname = "@SUM(1+1)"
	r.Devices[0].Serial = "-2+3"
	r.Devices[0].Brand = "\tTAB"
	r.Devices[0].MACNote = "\rCR"
	r.Devices[1].Model = "＝1+1"       // full-width equals sign
	r.Devices[1].Firmware = " \t=1+1" // white space in front, which a spreadsheet may skip
	r.Devices[2].Model = "line\nbreak, \"quoted\""
	rows := csvRows(t, r)
	if len(rows) != 4 {
		t.Fatalf("want header + 3 rows, got %d", len(rows))
	}
	for _, row := range rows[1:] {
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r＝", []rune(c)[0]) {
				t.Errorf("column %s starts with a formula character: %q", CSVHeader[i], c)
			}
		}
	}
	if got := rows[1][col(t, "model")]; got != `'=HYPERLINK("http://evil.example","x")` {
		t.Errorf("model cell %q", got)
	}
	if got := rows[2][col(t, "firmware")]; got != "'=1+1" {
		t.Errorf("firmware cell %q", got)
	}
	// A line break is a control character: folded to a space as the table
	// folds it; the comma and quotes are quoted, not lost.
	if got := rows[3][col(t, "model")]; got != "line break, \"quoted\"" {
		t.Errorf("quoting lost data: %q", got)
	}
	if got := rows[2][col(t, "severity")]; got != "critical" {
		t.Errorf("Hikvision severity %q, want critical", got)
	}
	if got := rows[3][col(t, "severity")]; got != "" {
		t.Errorf("an excepted finding must not set severity, got %q", got)
	}
}

// TestCSVReasonIsTheWorstFindings: the last column is the reason of the
// finding whose severity the severity column gives (what to do about the
// device, which a spreadsheet of devices otherwise lacks); the columns
// before it are where they were.
func TestCSVReasonIsTheWorstFindings(t *testing.T) {
	r := sampleResult(t)
	rows := csvRows(t, r)
	if last := rows[0][len(rows[0])-1]; last != "reason" {
		t.Fatalf("last column %q, want reason", last)
	}
	if got := strings.Join(rows[0][:col(t, "imported_from")+1], ","); !strings.HasPrefix("mac,ips,vendor,brand,model,firmware,serial,kind,confidence,"+
		"restricted,verdict,basis,severity,site,zone,hostname,mac_vendor,mac_note,ports,vlans,first_seen,last_seen,why,imported_from", got) {
		t.Errorf("the columns before reason moved: %s", got)
	}
	reason := col(t, "reason")
	if got := rows[2][reason]; got != r.Findings[0].Reason {
		t.Errorf("Hikvision reason %q, want the critical finding's %q", got, r.Findings[0].Reason)
	}
	if rows[1][reason] != "" || rows[3][reason] != "" {
		t.Errorf("a device without a finding, or with an excepted one, has a reason: %q, %q", rows[1][reason], rows[3][reason])
	}
}

// TestCSVIsTerminalSafe: no control character a device sent reaches a CSV
// cell (or a terminal that shows the file): every string a device supplies
// carries each hostile form, and the file, read back, holds none of them;
// the rest of each value survives.
func TestCSVIsTerminalSafe(t *testing.T) {
	r := sampleResult(t)
	for i, h := range hostile {
		d := &r.Devices[i%3]
		d.Model += h
		d.Firmware = h + d.Firmware
		d.Brand += h
		d.Serial += h
		d.Hostname = h + "cam"
		d.MACNote = h
		d.MACVendor += h
		d.Evidence[len(d.Evidence)-1].Value += h
		d.ImportedFrom = []fingerprint.Origin{{Report: "s" + h + ".json", Host: h, Tool: "camsweep " + h}}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	assertTerminalSafe(t, b.String())
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	for _, row := range rows[1:] {
		for i, c := range row {
			if strings.ContainsAny(c, "\n\r") {
				t.Errorf("column %s holds a line break: %q", CSVHeader[i], c)
			}
		}
	}
	if got := rows[2][col(t, "model")]; !strings.HasPrefix(got, "DS-2CD2386G2-IU") {
		t.Errorf("the legitimate part of a value must survive: %q", got)
	}
}

// TestHostileModelInertInEveryFormat: a model string that is markup and a
// terminal escape at once is text in every format: the table and CSV show
// the markup as text without the escape, JSON and JSON Lines escape both
// and give the value back whole, HTML escapes the markup and drops the escape.
func TestHostileModelInertInEveryFormat(t *testing.T) {
	const model = "<script>alert(1)</script>\x1b[2J<img src=x onerror=alert(2)>"
	render := map[string]func(*bytes.Buffer, *Result) error{
		"table": func(b *bytes.Buffer, r *Result) error { return WriteTable(b, r) },
		"json":  func(b *bytes.Buffer, r *Result) error { return WriteJSON(b, r) },
		"jsonl": func(b *bytes.Buffer, r *Result) error { return WriteJSONL(b, r) },
		"csv":   func(b *bytes.Buffer, r *Result) error { return WriteCSV(b, r) },
		"html":  func(b *bytes.Buffer, r *Result) error { return WriteHTML(b, r) },
	}
	for name, write := range render {
		r := sampleResult(t)
		r.Devices[1].Model = model
		var b bytes.Buffer
		if err := write(&b, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.ContainsRune(out, 0x1b) {
			t.Errorf("%s: a raw ESC reached the output", name)
		}
		switch name {
		case "table", "csv":
			if !strings.Contains(out, "<script>alert(1)</script><img src=x onerror=alert(2)>") {
				t.Errorf("%s: the model is not shown as text without its escape:\n%s", name, out)
			}
		case "json", "jsonl":
			if !strings.Contains(out, `\u003cscript\u003ealert(1)\u003c/script\u003e\u001b[2J\u003cimg`) {
				t.Errorf("%s: the model is not escaped whole:\n%s", name, out)
			}
		case "html":
			if strings.Contains(out, "<script>alert") || strings.Contains(out, "<img src=x") {
				t.Errorf("html: the model's markup reached the page")
			}
			if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("html: the model is not shown escaped")
			}
		}
	}
}

// csvRows writes r as CSV and reads it back, header first.
func csvRows(t *testing.T, r *Result) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	return rows
}

func col(t *testing.T, name string) int {
	for i, h := range CSVHeader {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}

func TestTableListsOnlyIdentifiedDevicesAndCountsTheRest(t *testing.T) {
	r := sampleResult(t)
	// An ordinary host seen in the same capture: only an address and its OUI.
	plain := fingerprint.Device{MAC: mustMAC(t, "00:1b:21:3a:4b:5c"), IPs: []netip.Addr{netip.MustParseAddr("10.10.10.1")},
		MACVendor: "Intel Corporate", Evidence: []fingerprint.Evidence{{Probe: "pcap", Key: "link.ip", Value: "10.10.10.1"}}}
	r.Fill(append(r.Devices, plain), r.Findings, r.Zones)
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "00:1b:21:3a:4b:5c") || !strings.Contains(out, "DEVICES (3)") ||
		!strings.Contains(out, "1 other address seen but not identified") {
		t.Errorf("unidentified host handling:\n%s", out)
	}
	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), "00:1b:21:3a:4b:5c") {
		t.Errorf("CSV must keep every device")
	}
}

func TestWhyPrefersTheMostTellingSignature(t *testing.T) {
	// Evidence as the engine gives it for the site sample's Hikvision camera:
	// OUI first, bindings, then signatures of growing precision.
	d := fingerprint.Device{Evidence: []fingerprint.Evidence{
		{Probe: "pcap", Key: "mac.oui", Value: "4419B6 Hangzhou Hikvision Digital Technology Co.,Ltd.", Signature: "oui", Sets: "vendor=Hikvision"},
		{Probe: "pcap", Key: "sadp.mac", Value: "44:19:b6:3a:7c:21", Sets: "ip=10.20.0.11"},
		{Probe: "pcap", Key: "sadp.model", Value: "DS-2CD2146G2-ISU", Signature: "hikvision.sadp.model", Sets: "vendor=Hikvision model=DS-2CD2146G2-ISU"},
		{Probe: "pcap", Key: "sadp.model", Value: "DS-2CD2146G2-ISU", Signature: "hikvision.sadp.model-camera", Sets: "vendor=Hikvision brand=Hikvision kind=camera model=DS-2CD2146G2-ISU"},
		{Probe: "pcap", Key: "http.server", Value: "App-webs/", Signature: "hikvision.http.server-app-webs", Sets: "vendor=Hikvision"},
	}}
	if got := Why(d); got != "sadp.model=DS-2CD2146G2-ISU" {
		t.Errorf("Why = %q", got)
	}
	d.Evidence = d.Evidence[:2]
	if got := Why(d); !strings.HasPrefix(got, "mac.oui=4419B6") {
		t.Errorf("with only OUI and a binding, Why = %q", got)
	}
}

// A finding that a VLAN placed says so in the table and the HTML, next to
// its zone: the address shown did not put the device there.
func TestFindingPlacedByVLANShowsIt(t *testing.T) {
	r := sampleResult(t)
	r.Findings[1].VLAN = 30
	var table, page bytes.Buffer
	if err := WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "hq/cctv (vlan 30)") {
		t.Errorf("table does not name the VLAN:\n%s", table.String())
	}
	if !strings.Contains(page.String(), "cctv (VLAN 30)") || !strings.Contains(page.String(), "<dt>VLANs</dt><dd>30</dd>") {
		t.Error("HTML does not name the finding's VLAN and the device's VLANs")
	}
}

// TestCSVPlaceholderMACRowsAreConsistent: two boards share the HiSilicon
// U-Boot default MAC; one is a Dahua camera (the real "Dahua Rtsp Server"
// banner, signals.md), the other answers nothing telling, and a frame of the
// shared MAC without an address was also seen. The CSV has one row per real
// device, and only the restricted one carries a severity (it used to get a
// third, phantom row and both rows the Dahua camera's severity).
func TestCSVPlaceholderMACRowsAreConsistent(t *testing.T) {
	db, err := fingerprint.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng := fingerprint.NewEngine(db, nil)
	mac := mustMAC(t, "00:00:23:34:45:66")
	camera, other := netip.MustParseAddr("198.18.0.30"), netip.MustParseAddr("198.18.0.31")
	for _, o := range []fingerprint.Observation{
		{Probe: "arp", MAC: mac, IP: camera, Key: "arp.mac", Value: mac.String()},
		{Probe: "arp", MAC: mac, IP: other, Key: "arp.mac", Value: mac.String()},
		{Probe: "rtsp", IP: camera, Port: 554, Key: "rtsp.server", Value: "Dahua Rtsp Server"},
		{Probe: "dhcp", MAC: mac, Key: "dhcp.hostname", Value: "IPC"},
	} {
		eng.Add(o)
	}
	devs := eng.Devices()
	pol := policy.Default()
	r := New(Tool{Name: "camsweep", Version: "test"}, time.Now(), Source{Command: "pcap"})
	r.Fill(devs, pol.Apply(devs, r.Generated), pol.Zones())
	rows := csvRows(t, r)
	if len(rows) != 3 {
		t.Fatalf("want header + 2 rows (one per board), got %d:\n%q", len(rows), rows)
	}
	for _, row := range rows[1:] {
		ip, restricted, sev := row[col(t, "ips")], row[col(t, "restricted")], row[col(t, "severity")]
		if ip == "" {
			t.Errorf("row without an address: %q", row)
		}
		if (restricted == "true") != (sev != "") {
			t.Errorf("%s: restricted=%s but severity %q", ip, restricted, sev)
		}
		if (ip == camera.String()) != (restricted == "true") {
			t.Errorf("%s: restricted=%s", ip, restricted)
		}
	}
}

// TestJSONMatchesPublishedSchema: the report JSON validates against
// docs/schema/report.v1.json, with every optional part present (imported
// devices, warnings, zones, VLANs, an excepted finding) and with none; the
// validator rejects what the schema forbids (a string for ips, null lists).
func TestJSONMatchesPublishedSchema(t *testing.T) {
	full := sampleResult(t)
	full.Partial, full.Unprivileged = true, true
	full.Warnings = []string{"capture truncated"}
	full.Source.Host = "sensor-a"
	full.Devices[1].ImportedFrom = []fingerprint.Origin{{Report: "/var/lib/camsweep/sensor-a.json", Host: "sensor-a",
		Tool: "camsweep 0.3.0", Generated: full.Generated}}
	empty := New(Tool{Name: "camsweep", Version: "test"}, time.Now(), Source{Command: "identify"})
	for name, r := range map[string]*Result{"full": full, "empty": empty} {
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { schematest.Valid(t, schematest.Report, b.Bytes()) })
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, full); err != nil {
		t.Fatal(err)
	}
	for what, bad := range map[string]string{
		"ips as a string": strings.Replace(b.String(), `"ips": [`+"\n"+`        "10.10.10.37",`+"\n"+`        "192.168.0.20"`+"\n"+`      ]`, `"ips": "10.10.10.37,192.168.0.20"`, 1),
		"null findings":   strings.Replace(b.String(), `"findings": [`, `"findings": null, "x": [`, 1),
		"another schema":  strings.Replace(b.String(), Schema, "camsweep.report/v2", 1),
	} {
		if bad == b.String() {
			t.Fatalf("%s: the test's edit did not apply", what)
		}
		if schematest.Check(schematest.Report, []byte(bad)) == nil {
			t.Errorf("a report with %s validates", what)
		}
	}
}

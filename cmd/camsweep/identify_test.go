package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/importer"
	"github.com/camsweep/camsweep/observe"
)

func identifyData(name string) string { return filepath.Join(repo, "testdata", "identify", name) }

// collect reads a testdata file through readObservations and returns what
// was emitted and the bad lines reported.
func collect(t *testing.T, name string) ([]fingerprint.Observation, map[int]string) {
	t.Helper()
	f, err := os.Open(identifyData(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var obs []fingerprint.Observation
	bad := map[int]string{}
	n, err := readObservations(f, func(o fingerprint.Observation) { obs = append(obs, o) }, nil,
		func(line int, err error) { bad[line] = err.Error() })
	if err != nil {
		t.Fatal(err)
	}
	if n != len(bad) {
		t.Errorf("returned %d bad lines, reported %d", n, len(bad))
	}
	return obs, bad
}

func values(obs []fingerprint.Observation, key string) []string {
	var out []string
	for _, o := range obs {
		if o.Key == key {
			out = append(out, o.Value)
		}
	}
	return out
}

func TestIdentifyReportsBadLinesByNumber(t *testing.T) {
	obs, bad := collect(t, "bad-lines.jsonl")
	if len(obs) != 2 {
		t.Errorf("want the 2 good lines emitted, got %d: %+v", len(obs), obs)
	}
	for line, want := range map[int]string{2: "not an observation", 3: "not-an-ip", 4: `missing "key"`} {
		if !strings.Contains(bad[line], want) {
			t.Errorf("line %d: got %q, want it to mention %q", line, bad[line], want)
		}
	}
	if len(bad) != 3 {
		t.Errorf("want exactly lines 2-4 bad, got %v", bad)
	}
}

func TestIdentifyExpandsRawDHIPPayload(t *testing.T) {
	obs, bad := collect(t, "dahua-dhip.jsonl")
	if len(bad) != 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	// Values from the real reply (realdata dhip-payloads).
	for key, want := range map[string]string{
		"dhip.model": "IPC-HDW5421S", "dhip.firmware": "2.400.0.8", "dhip.serial": "1F006E4PAX00075", "dhip.mac": "4c:11:bf:c2:0b:9d",
	} {
		if got := values(obs, key); len(got) == 0 || got[0] != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	for _, o := range obs {
		if o.Key == "dhip.model" && o.IP.String() != "218.5.136.140" {
			t.Errorf("expanded observation lost the line's IP: %+v", o)
		}
	}
}

func TestIdentifyExpandsRawRTSPResponses(t *testing.T) {
	obs, bad := collect(t, "dahua-rtsp.jsonl")
	if len(bad) != 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	if got := values(obs, "rtsp.server"); len(got) != 1 || got[0] != "Rtsp Server/3.0" {
		t.Errorf("rtsp.server = %q", got)
	}
	if got := strings.Join(values(obs, "rtsp.sdp_attr"), "\n"); !strings.Contains(got, "packetization-supported:DH") {
		t.Errorf("SDP attributes not expanded: %q", got)
	}
}

func TestIdentifyPlainLinesPassThrough(t *testing.T) {
	obs, bad := collect(t, "hikvision-nmap.jsonl")
	if len(bad) != 0 || len(obs) != 4 {
		t.Fatalf("bad %v, %d observations", bad, len(obs))
	}
	if obs[1].Key != "http.server" || obs[1].Value != "App-webs/" || obs[1].Port != 80 || obs[1].Probe != "nmap" {
		t.Errorf("observation changed on the way: %+v", obs[1])
	}
	if obs[0].MAC.String() != "28:57:be:65:7d:d5" || obs[0].IP.String() != "192.168.68.111" {
		t.Errorf("binding lost: %+v", obs[0])
	}
}

func TestIdentifyOverlongLineIsBadNotFatal(t *testing.T) {
	long := fmt.Sprintf(`{"ip":"10.0.0.1","key":"http.body","value":"%s"}`, strings.Repeat("x", maxLine+10))
	in := long + "\n" + `{"ip":"10.0.0.1","key":"http.server","value":"App-webs/"}` + "\n"
	var obs []fingerprint.Observation
	var badLines []int
	n, err := readObservations(strings.NewReader(in), func(o fingerprint.Observation) { obs = append(obs, o) }, nil,
		func(line int, err error) { badLines = append(badLines, line) })
	if err != nil || n != 1 || len(badLines) != 1 || badLines[0] != 1 || len(obs) != 1 || obs[0].Value != "App-webs/" {
		t.Errorf("n=%d err=%v bad=%v obs=%+v", n, err, badLines, obs)
	}
}

func TestIdentifyBadLinesExitPartial(t *testing.T) {
	code, out, stderr := cli(t, "", "identify", "--format", "json", identifyData("bad-lines.jsonl"))
	if code != exitFindings && code != exitPartial {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "line 2:") || !strings.Contains(stderr, "3 bad lines skipped") {
		t.Errorf("stderr does not name the bad lines:\n%s", stderr)
	}
	if r := decodeJSON(t, out); !r.Partial {
		t.Errorf("report not marked partial")
	}
}

func TestIdentifyHikvisionFromNmapExport(t *testing.T) {
	code, out, stderr := cli(t, "", "identify", "--format", "json", identifyData("hikvision-nmap.jsonl"))
	if code != exitFindings {
		t.Errorf("a restricted camera must exit %d by default, got %d (%s)", exitFindings, code, stderr)
	}
	d := deviceByMAC(t, decodeJSON(t, out), "28:57:be:65:7d:d5")
	if d.Vendor != "Hikvision" || !d.Restricted || len(d.Evidence) == 0 {
		t.Errorf("device %+v", d)
	}
	code, _, _ = cli(t, "", "identify", "--fail-on", "none", "-q", identifyData("hikvision-nmap.jsonl"))
	if code != exitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
}

func TestIdentifyDahuaFromStdin(t *testing.T) {
	in, err := os.ReadFile(identifyData("dahua-dhip.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := cli(t, string(in), "identify", "--format", "json", "-")
	if code != exitFindings {
		t.Errorf("exit %d (%s)", code, stderr)
	}
	d := deviceByMAC(t, decodeJSON(t, out), "4c:11:bf:c2:0b:9d")
	if d.Vendor != "Dahua" || d.Model != "IPC-HDW5421S" || d.Firmware != "2.400.0.8" || d.Serial != "1F006E4PAX00075" {
		t.Errorf("device %+v", d)
	}
}

// TestIdentifySelfNamedDevices: a device seen only by IP that names its own
// MAC in an RTSP realm gets that MAC and its block's maker; an mDNS instance
// and SRV target give a Hikvision NVR its kind, model and serial.
func TestIdentifySelfNamedDevices(t *testing.T) {
	code, out, stderr := cli(t, "", "identify", "--format", "json", identifyData("self-named.jsonl"))
	if code != exitFindings {
		t.Errorf("exit %d (%s)", code, stderr)
	}
	rep := decodeJSON(t, out)
	unv := deviceByMAC(t, rep, "48:ea:63:c2:40:2b")
	if unv.Vendor != "Uniview" || !unv.Restricted || len(unv.IPs) != 1 || unv.IPs[0].String() != "198.18.0.40" {
		t.Errorf("Uniview device %+v", unv)
	}
	// Hikvision firmware names itself the same way (a real DS-2CD1148-I/B).
	hik := deviceByMAC(t, rep, "b4:a3:82:01:a7:3f")
	if hik.Vendor != "Hikvision" || !hik.Restricted || len(hik.IPs) != 1 || hik.IPs[0].String() != "198.18.0.42" {
		t.Errorf("Hikvision camera %+v", hik)
	}
	var nvr *fingerprint.Device
	for i := range rep.Devices {
		if d := &rep.Devices[i]; len(d.IPs) == 1 && d.IPs[0].String() == "198.18.0.41" {
			nvr = d
		}
	}
	if nvr == nil || nvr.Vendor != "Hikvision" || nvr.Kind != fingerprint.KindNVR || nvr.Model != "DS-7608NXI-I2/8P/S" ||
		nvr.Serial != "DS-7608NXI-I220210305CCWRJ12345678" || !nvr.Restricted {
		t.Errorf("Hikvision NVR %+v", nvr)
	}
}

// A Dahua NVR's configManager answer, as a capture of a VMS polling it
// holds it: no Server header, only Dahua's header style and its
// table.<Config>.<Field>= layout.
func TestIdentifyDahuaConfigTable(t *testing.T) {
	_, out, stderr := cli(t, "", "identify", "--format", "json", "-q", identifyData("dahua-config-table.jsonl"))
	rep := decodeJSON(t, out)
	if len(rep.Devices) != 1 || rep.Devices[0].Vendor != "Dahua" || !rep.Devices[0].Restricted {
		t.Fatalf("devices %+v (%s)", rep.Devices, stderr)
	}
	if !slices.ContainsFunc(rep.Devices[0].Evidence, func(e fingerprint.Evidence) bool { return e.Signature == "dahua.web.cgi-config-table" }) {
		t.Errorf("the config table is not evidence: %+v", rep.Devices[0].Evidence)
	}
}

func TestTerminalEscapesNeverReachStdout(t *testing.T) {
	file := identifyData("hostile.jsonl")
	// The hostile string must really reach the result, or this test proves
	// nothing. Signatures match the cleaned value, so the model comes out
	// clean; the evidence keeps the value as sent, and the table shows it.
	_, js, _ := cli(t, "", "identify", "-q", "--format", "json", file)
	d := deviceByMAC(t, decodeJSON(t, js), "28:57:be:65:7d:d5")
	if strings.ContainsAny(d.Model, "\x1b\x07") {
		t.Errorf("model %q carries control characters: signatures must read the cleaned value", d.Model)
	}
	if !slices.ContainsFunc(d.Evidence, func(e fingerprint.Evidence) bool { return strings.Contains(e.Value, "\x1b]0;owned") }) {
		t.Fatalf("the escape sequence did not reach the evidence (%+v): the test needs another carrier", d.Evidence)
	}
	// The table, and a CSV file shown by cat.
	for _, format := range []string{"table", "csv"} {
		code, out, stderr := cli(t, "", "identify", "--format", format, file)
		if code == exitError {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if !strings.Contains(out, "DS-2CD2042WD-I") {
			t.Errorf("%s: the legitimate part of the model is not in the output:\n%s", format, out)
		}
		for _, s := range []string{out, stderr} {
			for i, r := range s {
				if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e) {
					t.Fatalf("%s: control rune %U at %d reached the terminal:\n%q", format, r, i, s)
				}
			}
		}
	}
}

// TestIdentifyReadsPastedToolLines: values pasted with the line curl -v or
// nmap printed them on (scanner/service TestPastedToolLines has the
// sources) name the devices they name without the prefix.
func TestIdentifyReadsPastedToolLines(t *testing.T) {
	in := `{"ip":"10.0.0.5","port":80,"key":"http.server","value":"< Server: DNVRS-Webs"}
{"ip":"10.0.0.6","port":80,"key":"http.title","value":"|_http-title: NETSurveillance WEB"}
`
	code, out, stderr := cli(t, in, "identify", "-q", "--format", "json")
	if code == exitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := decodeJSON(t, out)
	want := map[string]string{"10.0.0.5": "Hikvision", "10.0.0.6": "Xiongmai"}
	for _, d := range rep.Devices {
		if len(d.IPs) != 1 || want[d.IPs[0].String()] != d.Vendor || !d.Restricted {
			t.Errorf("device %v: %s, restricted %v", d.IPs, d.Vendor, d.Restricted)
		}
		delete(want, d.IPs[0].String())
	}
	if len(want) > 0 {
		t.Errorf("not named: %v", want)
	}
}

func TestCSVFromIdentifyIsInjectionSafe(t *testing.T) {
	in := `{"ip":"10.0.0.9","mac":"28:57:be:00:00:09","key":"arp.mac","value":"28:57:be:00:00:09"}
{"ip":"10.0.0.9","port":80,"key":"http.server","value":"App-webs/"}
{"ip":"10.0.0.9","key":"dhcp.hostname","value":"=HYPERLINK(\"http://evil.example\",\"x\")"}
`
	code, out, stderr := cli(t, in, "identify", "--format", "csv")
	if code == exitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("want header and one device row, got %d rows (%v):\n%s", len(rows), err, out)
	}
	for i, c := range rows[1] {
		if strings.HasPrefix(c, "=") {
			t.Errorf("column %s starts a formula: %q", rows[0][i], c)
		}
		if rows[0][i] == "hostname" && c != `'=HYPERLINK("http://evil.example","x")` {
			t.Errorf("hostname cell %q", c)
		}
	}
}

// FuzzReadObservations: whatever the input, reading never panics, every
// emitted observation names a key and a device, and bad lines are counted.
func FuzzReadObservations(f *testing.F) {
	for _, name := range []string{"hikvision-nmap.jsonl", "dahua-dhip.jsonl", "dahua-rtsp.jsonl", "bad-lines.jsonl", "hostile.jsonl"} {
		b, err := os.ReadFile(identifyData(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"IP":"10.0.0.2:80","Port":"80","ts":"2021-03-04 10:11:12","key":"http.server","value":8000,"source":1}`))
	f.Add([]byte(`{"ip":"[fe80::1]:80","ts":1617659476,"key":"tcp.banner","value":"HTTP/1.0 200 OK\\x0d\\x0a"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		reported := 0
		n, err := readObservations(bytes.NewReader(in), func(o fingerprint.Observation) {
			if o.Key == "" {
				t.Fatalf("emitted an observation without a key: %+v", o)
			}
		}, nil, func(int, error) { reported++ })
		if err != nil {
			t.Fatalf("reading from memory cannot fail: %v", err)
		}
		if n != reported || n > bytes.Count(in, []byte("\n"))+1 {
			t.Fatalf("%d bad lines returned, %d reported", n, reported)
		}
	})
}

func TestIdentifyRTSPResponsesByVendor(t *testing.T) {
	// Real RTSP replies (retina-rtsp): Hikvision sends no Server header and is
	// known by its stream path and SDP; Dahua by its server and packetization.
	for file, want := range map[string]string{"hikvision-rtsp.jsonl": "Hikvision", "dahua-rtsp.jsonl": "Dahua"} {
		code, out, stderr := cli(t, "", "identify", "-q", "--format", "json", identifyData(file))
		if code != exitFindings {
			t.Errorf("%s: exit %d (%s)", file, code, stderr)
		}
		r := decodeJSON(t, out)
		if len(r.Devices) != 1 || r.Devices[0].Vendor != want || !r.Devices[0].Restricted {
			t.Errorf("%s: devices %+v, want one restricted %s", file, r.Devices, want)
		}
	}
}

func TestIdentifyNotesKeysNoSignatureReads(t *testing.T) {
	in := `{"ip":"10.0.0.5","port":80,"key":"http.sever","value":"App-webs/"}
{"ip":"10.0.0.5","port":80,"key":"http.server","value":"App-webs/"}
`
	_, _, stderr := cli(t, in, "identify", "--format", "json")
	if !strings.Contains(stderr, `key "http.sever" (1 line) is not an observation key, so it identifies nothing (did you mean "http.server"?)`) {
		t.Errorf("typo not noted with its correction:\n%s", stderr)
	}
	if strings.Contains(stderr, `key "http.server"`) {
		t.Errorf("a key signatures read was noted:\n%s", stderr)
	}
	_, _, stderr = cli(t, in, "identify", "-q", "--format", "json")
	if strings.Contains(stderr, "note:") {
		t.Errorf("-q must silence notes:\n%s", stderr)
	}
}

// A key written with capitals or white space around it is the key it
// spells (keys are lower case); a bare name gets the key it ends.
func TestIdentifyReadsKeySpellings(t *testing.T) {
	in := `{"ip":"10.0.0.5","port":80,"key":"HTTP.Server","value":"DNVRS-Webs"}
{"ip":"10.0.0.6","port":80,"key":" http.server ","value":"DNVRS-Webs"}
{"ip":"10.0.0.7","port":80,"key":"banner","value":"HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\n\r\n"}
`
	code, out, stderr := cli(t, in, "identify", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := decodeJSON(t, out)
	var hik []string
	for _, d := range r.Devices {
		if d.Vendor == "Hikvision" {
			for _, ip := range d.IPs {
				hik = append(hik, ip.String())
			}
		}
	}
	slices.Sort(hik)
	if !slices.Equal(hik, []string{"10.0.0.5", "10.0.0.6"}) {
		t.Errorf("Hikvision devices at %v, want 10.0.0.5 and 10.0.0.6", hik)
	}
	if !strings.Contains(stderr, `key "banner" (1 line) is not an observation key, so it identifies nothing (did you mean "tcp.banner"?)`) {
		t.Errorf("bare name not pointed to its key:\n%s", stderr)
	}
}

// nmap's XML against the camsim lab (testdata/import/SOURCES.md): every
// restricted device is named from nmap's evidence, judged by this
// installation's signatures and policy, with its MAC and address.
func TestIdentifyFromNmapXML(t *testing.T) {
	xml := filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml")
	code, out, stderr := cli(t, "", "identify", "--from", "nmap-xml", "--format", "json", "-q", xml)
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	r := decodeJSON(t, out)
	for mac, vendor := range map[string]string{
		"58:50:ed:1f:e3:85": "Hikvision", // hikvision-ipc: realm and App-webs from the service fingerprint
		"bc:ad:28:4a:81:10": "Hikvision", // hikvision-nvr: the ssl-cert subject
		"4c:11:bf:c2:0b:9d": "Dahua",
		"9c:8e:cd:0e:42:17": "Dahua", // Amcrest-branded
		"20:98:ed:5c:19:a3": "Xiongmai",
		"00:40:8c:ef:08:1c": "Axis",
	} {
		d := deviceByMAC(t, r, mac)
		if d.Vendor != vendor || len(d.IPs) == 0 || len(d.Evidence) == 0 {
			t.Errorf("%s: vendor %q, IPs %v, %d evidence; want %s", mac, d.Vendor, d.IPs, len(d.Evidence), vendor)
		}
	}
	if r.Partial {
		t.Error("a complete nmap file was marked partial")
	}
	if !strings.Contains(r.Source.Inputs[0], "nmap-xml:") {
		t.Errorf("source %v does not say it was an nmap import", r.Source)
	}
}

// masscan's output names the lab's restricted devices from their banners in
// each of its formats: the XML through --from nmap too (it was read as
// nmap's, banners dropped), and given without --from, each is refused with
// the --from that reads it.
func TestIdentifyFromMasscan(t *testing.T) {
	for _, c := range []struct{ from, file string }{
		{"masscan", "camsim-lab.json"}, {"masscan", "camsim-lab.list"}, {"masscan", "camsim-lab.xml"}, {"nmap", "camsim-lab.xml"},
		{"masscan", "camsim-lab.ndjson"}, {"masscan", "camsim-lab.grep"},
	} {
		file := filepath.Join(repo, "testdata", "import", "masscan", c.file)
		code, out, stderr := cli(t, "", "identify", "--from", c.from, "--format", "json", "-q", file)
		if code != exitFindings {
			t.Fatalf("--from %s %s: exit %d, stderr %s", c.from, c.file, code, stderr)
		}
		r := decodeJSON(t, out)
		byIP := map[string]string{}
		for _, d := range r.Devices {
			for _, ip := range d.IPs {
				byIP[ip.String()] = d.Vendor + "/" + string(d.Verdict)
			}
		}
		for ip, want := range map[string]string{
			"198.18.2.2": "Dahua/restricted", "198.18.2.4": "Dahua/restricted", // Amcrest and Dahua: header style, title, ETag
			"198.18.2.5": "Hikvision/restricted", // the EZVIZ camera: its port-8000 greeting alone
			"198.18.2.6": "Hikvision/restricted", "198.18.2.7": "Hikvision/restricted",
			"198.18.2.10": "Xiongmai/restricted", "198.18.2.3": "Axis/clear",
		} {
			if byIP[ip] != want {
				t.Errorf("--from %s %s: %s is %q, want %s", c.from, c.file, ip, byIP[ip], want)
			}
		}
		if r.Partial {
			t.Errorf("--from %s %s: a complete file was marked partial", c.from, c.file)
		}
		code, _, stderr = cli(t, "", "identify", file)
		if code != exitError {
			t.Errorf("%s without --from: exit %d", c.file, code)
		}
		oneLine(t, stderr, "it is masscan's output: camsweep identify --from masscan")
	}
}

// A Nessus export of the lab's devices (their answers in Nessus's plugin
// output formats) names every restricted maker, and the look-alikes (the
// Axis camera, the HP printer, the Linux host) come out clear; without the
// MACs Nessus learnt, the plugin outputs alone still name every camera
// that said who made it. Without --from it is refused with the --from that
// reads it; cut inside a host, the hosts before are judged (exit 3 where
// no finding sets exit 2).
func TestIdentifyFromNessus(t *testing.T) {
	file := filepath.Join(repo, "testdata", "import", "nessus", "camsim-lab.nessus")
	lab, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	noMAC := filepath.Join(t.TempDir(), "no-mac.nessus")
	if err := os.WriteFile(noMAC, regexp.MustCompile(`<tag name="mac-address">[^<]*</tag>`).ReplaceAll(lab, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		want map[string]string
	}{
		{file, map[string]string{
			"198.18.0.2": "Dahua/restricted", "198.18.0.4": "Dahua/restricted",
			"198.18.0.5": "Hikvision/restricted", // the EZVIZ camera: its MAC alone
			"198.18.0.6": "Hikvision/restricted", "198.18.0.7": "Hikvision/restricted",
			"198.18.0.10": "Xiongmai/restricted", "198.18.0.3": "Axis/clear", "198.18.0.9": "HP/clear", "198.18.0.8": "/clear",
		}},
		{noMAC, map[string]string{
			"198.18.0.2": "Dahua/restricted", "198.18.0.4": "Dahua/restricted", // the headers' style
			"198.18.0.6": "Hikvision/restricted", "198.18.0.7": "Hikvision/restricted", // App-webs/; DNVRS-Webs and the certificate
			"198.18.0.10": "Xiongmai/restricted", "198.18.0.5": "/clear", "198.18.0.3": "/clear", "198.18.0.9": "HP/clear",
		}},
	} {
		code, out, stderr := cli(t, "", "identify", "--from", "nessus", "--format", "json", "-q", c.file)
		if code != exitFindings {
			t.Fatalf("%s: exit %d, stderr %s", c.file, code, stderr)
		}
		r := decodeJSON(t, out)
		byIP := map[string]string{}
		for _, d := range r.Devices {
			for _, ip := range d.IPs {
				byIP[ip.String()] = d.Vendor + "/" + string(d.Verdict)
			}
		}
		for ip, want := range c.want {
			if byIP[ip] != want {
				t.Errorf("%s: %s is %q, want %s", filepath.Base(c.file), ip, byIP[ip], want)
			}
		}
		if r.Partial {
			t.Errorf("%s: a complete file was marked partial", c.file)
		}
	}

	code, _, stderr := cli(t, "", "identify", file)
	if code != exitError {
		t.Errorf("without --from: exit %d", code)
	}
	oneLine(t, stderr, "it is a Nessus export: camsweep identify --from nessus")

	second := bytes.Index(lab, []byte(`<ReportHost name="198.18.0.4"`))
	code, out, stderr := cli(t, string(lab[:second+200]), "identify", "--from", "nessus", "--fail-on", "none", "--format", "json", "-")
	if code != exitPartial || !strings.Contains(stderr, "read in part") {
		t.Fatalf("cut short: exit %d, stderr %s", code, stderr)
	}
	if r := decodeJSON(t, out); len(r.Devices) != 2 || !r.Partial {
		t.Errorf("cut short: %d devices, partial %v; want the two hosts before the cut", len(r.Devices), r.Partial)
	}

	nmapXML := filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml")
	if code, _, stderr := cli(t, "", "identify", "--from", "nessus", nmapXML); code != exitError || !strings.Contains(stderr, "not a Nessus export") {
		t.Errorf("nmap's XML given as Nessus: exit %d, stderr %s", code, stderr)
	}
}

// masscan's binary output (-oB) is refused, with or without --from
// masscan, with the masscan command that writes it as JSON.
func TestIdentifyMasscanBinary(t *testing.T) {
	file := filepath.Join(t.TempDir(), "scan.bin")
	if err := os.WriteFile(file, append([]byte("masscan/1.1\ns:1\n"), make([]byte, 83)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"identify", file}, {"identify", "--from", "masscan", file}} {
		code, _, stderr := cli(t, "", args...)
		if code != exitError {
			t.Errorf("%v: exit %d", args, code)
		}
		oneLine(t, stderr, "masscan --readscan")
	}
}

// masscan's -oJ laid out again by jq -c (no spaces) is still told apart.
func TestIdentifyHintsCompactedMasscanJSON(t *testing.T) {
	compact := `[{"ip":"198.18.2.6","timestamp":"1796686676","ports":[{"port":80,"proto":"tcp","service":{"name":"http.server","banner":"App-webs/"}}]}]` + "\n"
	code, _, stderr := cli(t, compact, "identify", "-")
	if code != exitError {
		t.Errorf("exit %d", code)
	}
	oneLine(t, stderr, "it is masscan's output: camsweep identify --from masscan -")
}

// An nmap -sV scan from another subnet carries no MAC, and without NSE
// scripts no raw answer: what nmap's version detection concluded is all
// there is. Its product names and CPEs (fingerprint/data/signatures/nmap.yaml)
// still name every restricted maker of the lab, and nothing else.
func TestIdentifyFromNmapServiceOnly(t *testing.T) {
	lab, err := os.ReadFile(filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml"))
	if err != nil {
		t.Fatal(err)
	}
	bare := regexp.MustCompile(`(?s)<script .*?(?:/>|</script>)|<address addr="[^"]*" addrtype="mac"[^>]*/>| servicefp="[^"]*"|<hostnames>.*?</hostnames>`).
		ReplaceAll(lab, nil)
	if bytes.Contains(bare, []byte("<script")) || bytes.Contains(bare, []byte(`addrtype="mac"`)) || bytes.Contains(bare, []byte("servicefp")) {
		t.Fatal("the stripped XML still carries raw evidence")
	}
	file := filepath.Join(t.TempDir(), "service-only.xml")
	if err := os.WriteFile(file, bare, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := cli(t, "", "identify", "--from", "nmap-xml", "--format", "json", "-q", file)
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	want := map[string]string{
		"198.18.0.2": "Dahua", "198.18.0.4": "Dahua", // Dahua webcam httpd
		"198.18.0.5": "Hikvision", "198.18.0.6": "Hikvision", "198.18.0.7": "Hikvision", // IPCam control port, App-webs/, DNVRS-Webs
		"198.18.0.10": "Xiongmai", // uc-httpd, H264DVR rtspd, xiongmai_technologies CPE
	}
	for _, d := range decodeJSON(t, out).Devices {
		if len(d.IPs) != 1 {
			t.Errorf("device %+v", d)
			continue
		}
		ip := d.IPs[0].String()
		if d.Vendor != want[ip] || d.Restricted != (want[ip] != "") {
			t.Errorf("%s: vendor %q restricted %v; want %q", ip, d.Vendor, d.Restricted, want[ip])
		}
		delete(want, ip)
	}
	for ip := range want {
		t.Errorf("%s: not reported", ip)
	}
}

// nmap's normal output as people publish it (testdata/import/nmap-text,
// SOURCES.md there): --from nmap tells it from the XML by its content and
// judges each host again; a scan that names a restricted maker is
// restricted, one whose strings name none (an unnamed TAS-Tech camera,
// feng's RTSP server, nmap's loose D-Link guess for a BusyBox FTP
// greeting) names no maker.
func TestIdentifyFromNmapText(t *testing.T) {
	dir := filepath.Join(repo, "testdata", "import", "nmap-text")
	for file, vendor := range map[string]string{
		"hikvision-nvr-writeup.txt":        "Hikvision", // nmap.product Hikvision IPCam control port
		"besder-xiongmai-xm530.txt":        "Xiongmai",  // NETSurveillance WEB in the rebuilt answer
		"dahua-hi3518-camera-writeup.txt":  "Dahua",     // the MediaServer3.0 realm of the SF fingerprint
		"hisilicon-ipcam-writeup.txt":      "HiSilicon", // the SDK's RTSP Server headers (testdata/corpus/banners, same source)
		"zsgx1hacks-35-gibssi.txt":         "",
		"zsgx1hacks-119-dlink-dcs932l.txt": "",
		"cameradar-181-ali-feng.txt":       "",
		"intelbras-37777-blog.txt":         "", // an Intelbras MAC block names no maker (fingerprint/data/vendors.yaml)
	} {
		code, out, stderr := cli(t, "", "identify", "--from", "nmap", "--format", "json", "-q", filepath.Join(dir, file))
		if want := map[bool]int{true: exitFindings, false: exitOK}[vendor != ""]; code != want {
			t.Errorf("%s: exit %d, want %d; stderr %s", file, code, want, stderr)
			continue
		}
		r := decodeJSON(t, out)
		if len(r.Devices) != 1 || r.Devices[0].Vendor != vendor || r.Devices[0].Restricted != (vendor != "") {
			t.Errorf("%s: devices %+v; want one of %q", file, r.Devices, vendor)
		}
		if !strings.Contains(r.Source.Inputs[0], "nmap:") {
			t.Errorf("%s: source %v", file, r.Source)
		}
	}
	// A port table pasted without its host line: refused, named as such.
	code, out, stderr := cli(t, "", "identify", "--from", "nmap", filepath.Join(dir, "hisilicon-dvr-telnet-3-dvr163.txt"))
	if code != exitError || out != "" {
		t.Errorf("port table without host: exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "nmap's port table without its host")
	// Neither form: one line naming both.
	code, _, stderr = cli(t, "", "identify", "--from", "nmap", identifyData("hikvision-nmap.jsonl"))
	if code != exitError {
		t.Errorf("observation lines given as nmap: exit %d", code)
	}
	oneLine(t, stderr, "not nmap output: neither its XML")
}

func TestIdentifyFromChecksItsOptions(t *testing.T) {
	code, out, stderr := cli(t, "", "identify", "--from", "openvas", "x.xml")
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, `unknown --from "openvas"`)
	// Not nmap XML: one line, exit 1, nothing half-reported.
	code, out, stderr = cli(t, "", "identify", "--from", "nmap-xml", identifyData("hikvision-nmap.jsonl"))
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "not nmap XML output")
}

// Zeek's JSON log examples (testdata/import/SOURCES.md): the DHCP client is
// one device with its address, MAC and host name.
func TestIdentifyFromZeekLogs(t *testing.T) {
	dir := filepath.Join(repo, "testdata", "import", "zeek", "json")
	code, out, stderr := cli(t, "", "identify", "--from", "zeek", "--format", "json", "-q", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	d := deviceByMAC(t, decodeJSON(t, out), "3c:58:c2:2f:91:21")
	if d.Hostname != "3071N0098017422" || len(d.IPs) != 1 || d.IPs[0].String() != "192.168.4.152" {
		t.Errorf("DHCP client %+v", d)
	}
	code, out, stderr = cli(t, "", "identify", "--from", "zeek", "-")
	if code != exitError || out != "" {
		t.Errorf("zeek from stdin: exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "not standard input")
}

// A search engine's host data: a real record of 8.8.8.8 (Shodan's as
// shodan download writes it, Censys's as the Search API v2 gives it),
// gzipped, gives one clear host; real camera answers (testdata/identify: a
// Hikvision DESCRIBE, a Dahua NVR's CGI answer) as the engine's records of
// them, on standard input, give their makers; the record given without
// --from is named for what it is.
func TestIdentifyFromSearchEngines(t *testing.T) {
	for _, c := range []struct {
		from, record string
		ports        []uint16
		answer       func(ip string, port int, value string) any // the engine's record of one answer
		join         func(records []string) string
		hint         string
	}{
		{
			from: "shodan", record: filepath.Join(repo, "testdata", "import", "shodan", "download-8.8.8.8.json"), ports: []uint16{53, 443},
			answer: func(ip string, port int, value string) any {
				return map[string]any{"ip_str": ip, "port": port, "transport": "tcp", "data": value}
			},
			join: func(records []string) string { return strings.Join(records, "\n") },
			hint: "it is Shodan's banner JSON: camsweep identify --from shodan",
		},
		{
			from: "censys", record: filepath.Join(repo, "testdata", "import", "censys", "view-8.8.8.8.json"), ports: []uint16{443, 853},
			answer: func(ip string, port int, value string) any {
				return map[string]any{"ip": ip, "services": []any{map[string]any{
					"port": port, "transport_protocol": "TCP", "banner_hex": hex.EncodeToString([]byte(value)),
				}}}
			},
			join: func(records []string) string { return "[" + strings.Join(records, ",\n") + "]" }, // as censys search writes
			hint: "it is Censys's host data: camsweep identify --from censys",
		},
	} {
		record, err := os.ReadFile(c.record)
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(record)
		w.Close()
		file := filepath.Join(t.TempDir(), "site.json.gz")
		if err := os.WriteFile(file, gz.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, stderr := cli(t, "", "identify", "--from", c.from, "--format", "json", "-q", file)
		if code != exitOK {
			t.Fatalf("%s: exit %d, stderr %s", c.from, code, stderr)
		}
		if r := decodeJSON(t, out); len(r.Devices) != 1 || r.Devices[0].Restricted || !slices.Equal(r.Devices[0].Ports, c.ports) {
			t.Errorf("%s: 8.8.8.8: %+v", c.from, r.Devices)
		}

		var records []string
		for _, name := range []string{"hikvision-rtsp.jsonl", "dahua-config-table.jsonl"} {
			b, err := os.ReadFile(identifyData(name))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				var o struct {
					IP, Value string
					Port      int
				}
				if strings.HasPrefix(line, "#") || json.Unmarshal([]byte(line), &o) != nil {
					continue
				}
				rec, _ := json.Marshal(c.answer(o.IP, o.Port, o.Value))
				records = append(records, string(rec))
			}
		}
		if len(records) != 2 {
			t.Fatalf("%d answers read", len(records))
		}
		code, out, stderr = cli(t, c.join(records), "identify", "--from", c.from, "--format", "json", "-q", "-")
		if code != exitFindings {
			t.Fatalf("%s: exit %d, stderr %s", c.from, code, stderr)
		}
		vendors := map[string]bool{}
		for _, d := range decodeJSON(t, out).Devices {
			vendors[d.Vendor] = d.Restricted
		}
		if !vendors["Hikvision"] || !vendors["Dahua"] {
			t.Errorf("%s: makers %v", c.from, vendors)
		}
		code, _, stderr = cli(t, "", "identify", c.record)
		if code != exitError {
			t.Errorf("%s without --from: exit %d", c.from, code)
		}
		oneLine(t, stderr, c.hint)
	}
}

// --fact-memory bounds what devices say and names itself when it is spent:
// 3,000 hosts each answering as the real Hikvision DESCRIBE does (the
// retina record of testdata/identify, as Shodan banners) fit the default;
// in 1 MiB the later ones lose their answers and the warning says which
// bound to raise. A bound below 1 is refused before anything is read.
func TestFactMemoryBound(t *testing.T) {
	b, err := os.ReadFile(identifyData("hikvision-rtsp.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ Value string }
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "#") && json.Unmarshal([]byte(line), &answer) == nil {
			break
		}
	}
	var lines strings.Builder
	for i := range 3000 {
		banner, _ := json.Marshal(map[string]any{"ip_str": fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), "port": 554, "transport": "tcp", "data": answer.Value})
		lines.Write(append(banner, '\n'))
	}
	hikvision := func(out string) int {
		n := 0
		for _, d := range decodeJSON(t, out).Devices {
			if d.Vendor == "Hikvision" && d.Restricted {
				n++
			}
		}
		return n
	}
	code, out, stderr := cli(t, lines.String(), "identify", "--from", "shodan", "--format", "json", "-q", "-")
	if code != exitFindings || stderr != "" || hikvision(out) != 3000 {
		t.Errorf("default: exit %d, %d Hikvision, stderr %q", code, hikvision(out), stderr)
	}
	code, out, stderr = cli(t, lines.String(), "identify", "--from", "shodan", "--format", "json", "-q", "--fact-memory", "1", "-")
	if code != exitFindings || hikvision(out) == 0 || hikvision(out) >= 3000 {
		t.Errorf("1 MiB: exit %d, %d Hikvision", code, hikvision(out))
	}
	oneLine(t, stderr, "its memory for what devices say (--fact-memory)")
	code, _, stderr = cli(t, "", "identify", "--fact-memory", "0", identifyData("hikvision-nmap.jsonl"))
	if code != exitError {
		t.Errorf("--fact-memory 0: exit %d", code)
	}
	oneLine(t, stderr, "--fact-memory must be at least 1")
}

// A wsd.scopes line counts as every scope in it: the Hikvision scope list
// alone names maker, model and kind as the decoded wsd.scope lines do.
func TestIdentifyWSDScopesListCountsEveryScope(t *testing.T) {
	code, out, stderr := cli(t, "", "identify", "--format", "json", identifyData("hikvision-wsd-scopes.jsonl"))
	if code != exitFindings || strings.Contains(stderr, "note:") {
		t.Errorf("exit %d (%s)", code, stderr)
	}
	r := decodeJSON(t, out)
	if len(r.Devices) != 1 {
		t.Fatalf("devices %+v", r.Devices)
	}
	d := r.Devices[0]
	if d.Vendor != "Hikvision" || d.Model != "DS-2CD2146G2-ISU" || d.Kind != fingerprint.KindCamera || d.Verdict != fingerprint.VerdictRestricted {
		t.Errorf("device %+v", d)
	}
	// The percent-encoded name scope is read decoded, as the WS-Discovery decoder emits it.
	if !slices.ContainsFunc(d.Evidence, func(e fingerprint.Evidence) bool {
		return e.Key == "wsd.scope" && e.Value == "onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2-ISU"
	}) {
		t.Errorf("evidence %+v", d.Evidence)
	}
}

// A server answering HTTP on its RTSP port is an observation, not a bad line:
// the Hikvision 401 of testdata/service given as an rtsp.response.
func TestIdentifyHTTPAnswerOnRTSPPort(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repo, "testdata", "service", "constructed", "signals_app_webs_401.http"))
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(map[string]any{"ip": "10.20.0.11", "port": 554, "key": "rtsp.response", "value": string(raw)})
	code, out, stderr := cli(t, string(line)+"\n", "identify", "--format", "json")
	if code != exitFindings || strings.Contains(stderr, "bad line") {
		t.Errorf("exit %d (%s)", code, stderr)
	}
	r := decodeJSON(t, out)
	if r.Partial || len(r.Devices) != 1 || r.Devices[0].Vendor != "Hikvision" || !slices.Contains(r.Devices[0].Ports, 554) {
		t.Errorf("partial %v, devices %+v", r.Partial, r.Devices)
	}
}

// identify gives the review verdict too: a Kedacom block (a maker that also
// makes video conferencing) bound by ARP and nothing else is a review
// finding, which --fail-on review fails on and the default does not.
func TestIdentifyReviewVerdict(t *testing.T) {
	in := `{"probe":"arp","mac":"00:14:10:3b:9a:11","ip":"10.20.0.90","key":"arp.mac","value":"00:14:10:3b:9a:11"}` + "\n"
	code, out, stderr := cli(t, in, "identify", "--format", "json")
	if code != exitOK {
		t.Errorf("default --fail-on medium: exit %d (%s)", code, stderr)
	}
	r := decodeJSON(t, out)
	d := deviceByMAC(t, r, "00:14:10:3b:9a:11")
	if d.Vendor != "Kedacom" || d.Verdict != fingerprint.VerdictReview || d.Restricted ||
		len(r.Findings) != 1 || r.Findings[0].Verdict != fingerprint.VerdictReview || !strings.Contains(r.Findings[0].Reason, "known: mac.oui=001410") {
		t.Errorf("device %+v, findings %+v", d, r.Findings)
	}
	if code, _, _ := cli(t, in, "identify", "-q", "--fail-on", "review"); code != exitFindings {
		t.Errorf("--fail-on review: exit %d", code)
	}
}

// TestIdentifyReviewSaysTheNetworkName: an access point of a restricted
// maker's block with a network name no signature reads (a home network in
// pytapo issue #24's scan) is review, and the finding and the evidence say
// its network name: the auditor looks for that, not for a BSSID.
func TestIdentifyReviewSaysTheNetworkName(t *testing.T) {
	in := `{"probe":"wifi","mac":"50:c7:bf:11:22:33","key":"wifi.ssid","value":"IOT-ROUTEUR-5246"}` + "\n"
	_, out, stderr := cli(t, in, "identify", "--format", "json", "--fail-on", "none")
	r := decodeJSON(t, out)
	d := deviceByMAC(t, r, "50:c7:bf:11:22:33")
	if d.Verdict != fingerprint.VerdictReview || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Reason, "wifi.ssid=IOT-ROUTEUR-5246") {
		t.Fatalf("device %+v, findings %+v (%s)", d, r.Findings, stderr)
	}
	if !slices.ContainsFunc(d.Evidence, func(e fingerprint.Evidence) bool { return e.Key == "wifi.ssid" && e.Value == "IOT-ROUTEUR-5246" }) {
		t.Errorf("the network name is not in the evidence: %+v", d.Evidence)
	}
}

// TestIdentifyModelsInOtherKeys: a model is read in whichever key carries
// it, made canonical (the maker's name, an escaped space and Dahua's DH-
// prefix dropped), and a brand's model names its maker through the brand.
func TestIdentifyModelsInOtherKeys(t *testing.T) {
	_, out, stderr := cli(t, "", "identify", "--format", "json", "-q", identifyData("models-in-other-keys.jsonl"))
	rep := decodeJSON(t, out)
	want := map[string]struct {
		vendor, brand, model string
		kind                 fingerprint.Kind
	}{
		"198.18.0.50": {"Hikvision", "Hikvision", "DS-7608NXI-I2/8P/S", fingerprint.KindNVR},
		"198.18.0.51": {"Hikvision", "", "DS-2CD2146G2-ISU", fingerprint.KindCamera},
		"198.18.0.52": {"Dahua", "", "IPC-HDW1230T2", fingerprint.KindCamera},
		"198.18.0.53": {"Dahua", "Amcrest", "IP4M-1041B", fingerprint.KindCamera},
	}
	if len(rep.Devices) != len(want) {
		t.Fatalf("%d devices, want %d (%s)", len(rep.Devices), len(want), stderr)
	}
	for _, d := range rep.Devices {
		w := want[d.IPs[0].String()]
		if d.Vendor != w.vendor || d.Brand != w.brand || d.Model != w.model || d.Kind != w.kind || !d.Restricted {
			t.Errorf("%s: got vendor %q brand %q model %q kind %q restricted %v, want %+v", d.IPs[0], d.Vendor, d.Brand, d.Model, d.Kind, d.Restricted, w)
		}
	}
}

// TestIdentifyONVIFDeviceInformation: ONVIF GetDeviceInformation answers, a
// whole saved HTTP answer of a Besder (Xiongmai) camera and a Hikvision
// camera's fields as a VMS exported them, name maker, model, firmware and
// serial; the Xiongmai board name gives the maker.
func TestIdentifyONVIFDeviceInformation(t *testing.T) {
	_, out, stderr := cli(t, "", "identify", "--format", "json", "-q", identifyData("onvif-device-information.jsonl"))
	rep := decodeJSON(t, out)
	want := map[string]struct{ vendor, model, firmware, serial string }{
		"198.18.0.60": {"Xiongmai", "XM530_50X50-WG_8M", "V5.00.R02.00030747.10010.349f17..ONVIF 16.12", ""},
		"198.18.0.61": {"Hikvision", "DS-2CD1343G2-LIUF", "V5.8.4", "DS-2CD1343G2-LIUF20240823AAWRFM5354993"},
		"198.18.0.62": {"Dahua", "IPC-HFW2228M-I1-V2", "", ""}, // GetScopes: the same scopes WS-Discovery carries
	}
	if len(rep.Devices) != len(want) {
		t.Fatalf("%d devices, want %d (%s)", len(rep.Devices), len(want), stderr)
	}
	for _, d := range rep.Devices {
		w := want[d.IPs[0].String()]
		if d.Vendor != w.vendor || d.Model != w.model || d.Firmware != w.firmware || d.Serial != w.serial || !d.Restricted {
			t.Errorf("%s: got vendor %q model %q firmware %q serial %q restricted %v, want %+v", d.IPs[0], d.Vendor, d.Model, d.Firmware, d.Serial, d.Restricted, w)
		}
	}
}

// TestIdentifyDVRIP: DVRIP answers as recorded (JSON bodies, no header)
// expand through the decoder the capture path uses: the Besder camera's
// login and SystemInfo answers give maker, board, firmware, serial and kind;
// an HVR's login answer alone gives the maker and that it is a recorder.
func TestIdentifyDVRIP(t *testing.T) {
	_, out, stderr := cli(t, "", "identify", "--format", "json", "-q", identifyData("xiongmai-dvrip.jsonl"))
	rep := decodeJSON(t, out)
	want := map[string]struct{ model, firmware, serial, kind string }{
		"198.18.0.70": {"XM530_50X50-WG_8M", "V5.00.R02.00030747.10010.349f17.0000000", "09d53d540f99b818", "camera"},
		"198.18.0.71": {"", "", "", "dvr"},
	}
	if len(rep.Devices) != len(want) {
		t.Fatalf("%d devices, want %d (%s)", len(rep.Devices), len(want), stderr)
	}
	for _, d := range rep.Devices {
		w := want[d.IPs[0].String()]
		if d.Vendor != "Xiongmai" || d.Model != w.model || d.Firmware != w.firmware || d.Serial != w.serial || string(d.Kind) != w.kind || !d.Restricted {
			t.Errorf("%s: got vendor %q model %q firmware %q serial %q kind %q restricted %v, want Xiongmai %+v",
				d.IPs[0], d.Vendor, d.Model, d.Firmware, d.Serial, d.Kind, d.Restricted, w)
		}
	}
}

// TestIdentifyRecordedForms: real device strings recorded the way other
// tools write them (a header's name in front, CRLFs, a <title> element, a
// whole page, OpenSSL's spellings of a certificate subject, a trailing root
// dot, spaced hex) identify as their wire forms do.
func TestIdentifyRecordedForms(t *testing.T) {
	_, out, stderr := cli(t, "", "identify", "--format", "json", "-q", identifyData("recorded-forms.jsonl"))
	rep := decodeJSON(t, out)
	want := map[string]struct{ vendor, model string }{
		"198.18.0.70": {"Hikvision", ""},
		"198.18.0.71": {"Xiongmai", ""},
		"198.18.0.72": {"Xiongmai", ""},
		"198.18.0.73": {"Hikvision", ""},
		"198.18.0.74": {"Hikvision", ""},
		"198.18.0.75": {"Hikvision", "DS-7608NXI-I2/8P/S"},
		"198.18.0.76": {"Hikvision", "DS-7608NXI-I2/8P/S"},
		"198.18.0.77": {"", ""}, // a HiSilicon reference camera: kind only
		"198.18.0.78": {"Hikvision", ""},
		"198.18.0.79": {"Hikvision", ""},
	}
	got := map[string]bool{}
	for _, d := range rep.Devices {
		if len(d.IPs) == 0 {
			continue
		}
		ip := d.IPs[0].String()
		w, ok := want[ip]
		if !ok {
			continue
		}
		got[ip] = true
		if d.Vendor != w.vendor || d.Model != w.model || d.Restricted != (w.vendor != "") {
			t.Errorf("%s: got vendor %q model %q restricted %v, want %+v", ip, d.Vendor, d.Model, d.Restricted, w)
		}
		if w.vendor == "" && d.Kind != fingerprint.KindCamera {
			t.Errorf("%s: kind %q, want camera", ip, d.Kind)
		}
	}
	for ip := range want {
		if !got[ip] {
			t.Errorf("%s: not identified (%s)", ip, stderr)
		}
	}
}

// TestIdentifyPayloadAtAnotherAddressIsOneDevice: the real DHIP reply of
// dahua-dhip.jsonl given for an address other than the one it reports (a
// NAT, or a reply recorded elsewhere) is one device with the payload's MAC
// and both addresses, not a named device and a MAC-only one.
func TestIdentifyPayloadAtAnotherAddressIsOneDevice(t *testing.T) {
	raw, err := os.ReadFile(identifyData("dahua-dhip.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.ReplaceAll(string(raw), `"ip": "218.5.136.140"`, `"ip": "198.18.0.80"`)
	if moved == string(raw) {
		t.Fatal("line address not found in dahua-dhip.jsonl")
	}
	_, out, stderr := cli(t, moved, "identify", "--format", "json", "-q", "-")
	rep := decodeJSON(t, out)
	if len(rep.Devices) != 1 {
		t.Fatalf("%d devices, want 1 (%s)", len(rep.Devices), stderr)
	}
	d := rep.Devices[0]
	if d.MAC.String() != "4c:11:bf:c2:0b:9d" || d.Model != "IPC-HDW5421S" || !strings.Contains(fmt.Sprint(d.IPs), "198.18.0.80") {
		t.Errorf("got MAC %s model %q IPs %v", d.MAC, d.Model, d.IPs)
	}
}

// TestIdentifyMACOnlyLines: a MAC table (a switch's, a lease list) has MACs
// and nothing else; each line is a device whose maker its IEEE block gives.
// Hikvision's 44:19:b6 block is a surveillance maker's: restricted; Huawei's
// (00:e0:fc, a maker of much else) goes to review.
func TestIdentifyMACOnlyLines(t *testing.T) {
	in := `{"mac":"44:19:b6:00:00:01"}` + "\n" +
		`{"ip":"10.0.0.9","key":"mac","value":"00-E0-FC-00-00-02"}` + "\n" +
		`{"key":"mac","value":"zz"}` + "\n" +
		`{"mac":"00:11:22:33:44:55","key":"mac","value":"44:19:b6:00:00:02"}` + "\n"
	code, out, stderr := cli(t, in, "identify", "--format", "json", "--fail-on", "none")
	if code != exitPartial || !strings.Contains(stderr, `line 3: key "mac": invalid MAC`) || !strings.Contains(stderr, "line 4: key \"mac\" gives") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	r := decodeJSON(t, out)
	if d := deviceByMAC(t, r, "44:19:b6:00:00:01"); d.Vendor != "Hikvision" || d.Verdict != fingerprint.VerdictRestricted {
		t.Errorf("Hikvision MAC alone: %+v", d)
	}
	if d := deviceByMAC(t, r, "00:e0:fc:00:00:02"); d.Vendor != "Huawei" || d.Verdict != fingerprint.VerdictReview || len(d.IPs) != 1 {
		t.Errorf("Huawei MAC at 10.0.0.9: %+v", d)
	}
	if len(r.Devices) != 2 {
		t.Errorf("%d devices, want 2", len(r.Devices))
	}
}

// TestIdentifyShowsBadLinesDeepInTheFile: the first bad lines are shown
// wherever they are (the limit counts messages, not line numbers), and all
// are counted.
func TestIdentifyShowsBadLinesDeepInTheFile(t *testing.T) {
	var in strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&in, `{"ip":"10.0.0.%d","key":"http.server","value":"App-webs/"}`+"\n", i)
	}
	in.WriteString("{not json\n")
	for i := 0; i < maxBadLines+5; i++ {
		in.WriteString(`{"ip":"10.0.1.1"}` + "\n")
	}
	code, _, stderr := cli(t, in.String(), "identify", "--format", "json", "--fail-on", "none")
	if code != exitPartial || !strings.Contains(stderr, "line 101: not an observation") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if n := strings.Count(stderr, `missing "key"`); n != maxBadLines-1 {
		t.Errorf("%d missing-key messages, want %d (the first %d bad lines)", n, maxBadLines-1, maxBadLines)
	}
	if !strings.Contains(stderr, fmt.Sprintf("%d bad lines skipped", maxBadLines+6)) {
		t.Errorf("count: %s", stderr)
	}
}

// An SNMP message given as hex goes through the wire decoder: the community
// it carries is never an observation.
func TestIdentifySNMP(t *testing.T) {
	obs, bad := collect(t, "snmp.jsonl")
	if len(bad) != 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	for key, want := range map[string]string{
		"snmp.sys_descr": "DH-NVR4108HS-8P-4KS2", "snmp.sys_object_id": "1.3.6.1.4.1.1004849.3.2.10", "snmp.sys_name": "NVR-LAB",
	} {
		if got := values(obs, key); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	for _, o := range obs {
		if strings.Contains(o.Value, "labcommunity") || o.Key == "snmp.payload_hex" {
			t.Errorf("kept %s = %q", o.Key, o.Value)
		}
	}
	code, out, _ := cli(t, "", "identify", "--format", "json", "--fail-on", "none", identifyData("snmp.jsonl"))
	if code != 0 || !strings.Contains(out, `"model": "NVR4108HS-8P-4KS2"`) || !strings.Contains(out, `"model": "DS-2CD2185FWD-I"`) || !strings.Contains(out, `"firmware": "V5.5.3 build 171025"`) {
		t.Errorf("exit %d, report %s", code, out)
	}
}

// TestIdentifyHelpListsEveryRawKey: --help names each raw key the registry
// has (a decoder added without its name here is one a user cannot find).
func TestIdentifyHelpListsEveryRawKey(t *testing.T) {
	for _, k := range observe.Keys() {
		if k.Role == observe.Raw && !strings.Contains(identifyLong, k.Name) {
			t.Errorf("identify --help does not name the raw key %s", k.Name)
		}
	}
}

// TestIdentifyRefusesWhatIsNotObservationLines: the mistakes a new user makes
// with identify's input (a capture, a program, a gzipped or UTF-16 file, a
// pretty-printed JSON document or array, camsweep's own report) each fail at
// once with one line saying what to do, exit 1, instead of a screen of
// bad-line messages and exit 3 as if they were partial observations.
func TestIdentifyRefusesWhatIsNotObservationLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	capture := filepath.Join(repo, "testdata", "realdata", "2ic80", "dahua-sd_web_CUT.pcapng")
	code, reportJSON, stderr := cli(t, "", "pcap", "-q", "--format", "json", capture)
	if code != exitFindings {
		t.Fatalf("pcap --format json: exit %d: %s", code, stderr)
	}
	_, reportLines, _ := cli(t, "", "pcap", "-q", "--format", "jsonl", capture)
	utf16 := []byte{0xff, 0xfe}
	for _, r := range `{"mac":"44:19:b6:00:00:01"}` + "\n" {
		utf16 = append(utf16, byte(r), 0)
	}
	cases := []struct{ name, path, want string }{
		{"capture", capture, "is a packet capture, not observation lines: read it with camsweep pcap"},
		{"binary", write("tool.bin", []byte("\x7fELF\x02\x01\x01\x00\x00\x00")), "is binary data, not observation lines"},
		{"gzip", write("obs.jsonl.gz", []byte{0x1f, 0x8b, 0x08, 0x00}), "zcat"},
		{"utf16", write("obs-ps.jsonl", utf16), "is UTF-16 text"},
		{"array", write("obs.json", []byte(`[{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}]`)), "jq -c '.[]'"},
		{"pretty", write("obs-pretty.json", []byte("# exported\n{\n  \"ip\": \"10.0.0.5\",\n  \"key\": \"http.server\",\n  \"value\": \"App-webs/\"\n}\n")), "jq -c ."},
		{"report", write("report.json", []byte(reportJSON)), "is a camsweep report (camsweep.report/v1)"},
		{"report lines", write("report.jsonl", []byte(reportLines)), "is a camsweep report (camsweep.report/v1)"},
		{"nmap xml", filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml"), "it is nmap's XML: camsweep identify --from nmap"},
		{"nmap text", filepath.Join(repo, "testdata", "import", "nmap-text", "hikvision-nvr-writeup.txt"), "it is nmap's normal output: camsweep identify --from nmap"},
		{"zeek tsv", filepath.Join(repo, "testdata", "import", "zeek", "tsv", "dns.log"), "it is a Zeek log: camsweep identify --from zeek"},
		{"zeek json", filepath.Join(repo, "testdata", "import", "zeek", "json", "dns.log"), "it is a Zeek log: camsweep identify --from zeek"},
	}
	for _, c := range cases {
		code, out, stderr := cli(t, "", "identify", c.path)
		if code != exitError || out != "" {
			t.Errorf("%s: exit %d, stdout %q; want exit %d and no report", c.name, code, out, exitError)
		}
		oneLine(t, stderr, c.want)
	}
	// The same from standard input names it so.
	code, _, stderr = cli(t, `[{"ip":"10.0.0.5"}]`, "identify")
	if code != exitError {
		t.Errorf("array on stdin: exit %d", code)
	}
	oneLine(t, stderr, "standard input holds a JSON array")
	// A value that merely mentions a schema, and a UTF-8 byte order mark
	// (Notepad's), are ordinary observation lines.
	code, out, stderr := cli(t, "\xef\xbb\xbf"+`{"ip":"10.0.0.5","key":"http.title","value":"{\"schema\": \"camsweep.report/v1\"}"}`+"\n"+
		`{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}`+"\n", "identify", "-q", "--format", "json")
	if code != exitFindings || stderr != "" || len(decodeJSON(t, out).Devices) != 1 {
		t.Errorf("ordinary lines after a BOM: exit %d, stderr %q", code, stderr)
	}
}

// TestIdentifyEmptyInputSaysSo: an empty input (a grep that matched nothing,
// a wrong file in a script) is not silently a clean report of no devices.
func TestIdentifyEmptyInputSaysSo(t *testing.T) {
	for _, in := range []string{"", "\n# nothing here\n\n"} {
		code, out, stderr := cli(t, in, "identify", "-q", "--format", "json")
		if code != exitOK {
			t.Errorf("%q: exit %d", in, code)
		}
		oneLine(t, stderr, "standard input: no observations")
		if r := decodeJSON(t, out); len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "no observations") {
			t.Errorf("%q: the report's warnings %q do not say the input was empty", in, r.Warnings)
		}
	}
}

// TestIdentifyReadsLooselyWrittenLines: a line whose meaning is plain but
// whose form is a spreadsheet's or a script's (a port as text, the port on
// the address, a time without T or zone, Unix seconds, field names in
// capitals, a number as value, an extra column) is read as meant, and each
// column no field reads is named once; a line that says two things at once
// (the port on the address and another as "port") stays a bad line.
func TestIdentifyReadsLooselyWrittenLines(t *testing.T) {
	in := `{"ip":"10.0.0.1","port":"80","key":"http.server","value":"DNVRS-Webs"}
{"ip":"10.0.0.2:80","key":"http.server","value":"DNVRS-Webs","source":"export 2021"}
{"IP":"10.0.0.3","Port":80,"Key":"http.server","Value":"DNVRS-Webs","ts":"2021-03-04 10:11:12"}
{"ip":"[fe80::1]:80","key":"http.server","value":"DNVRS-Webs","ts":1617659476,"source":"x"}
{"ip":"10.0.0.4","port":8000,"key":"http.server","value":8000,"vaule":"DNVRS-Webs"}
{"ip":"10.0.0.5:80","port":81,"key":"http.server","value":"DNVRS-Webs"}
`
	code, out, stderr := cli(t, in, "identify", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, stderr)
	}
	for _, want := range []string{
		"line 6: not an observation: field \"ip\" \"10.0.0.5:80\" is not an IP address",
		"1 bad line skipped",
		`field "source" (2 lines) is not an observation field and was not read`,
		`field "vaule" (1 line) is not an observation field and was not read (did you mean "value"?)`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	seen := map[string]string{}
	for _, d := range decodeJSON(t, out).Devices {
		for _, ip := range d.IPs {
			seen[ip.String()] = d.Vendor
			if ip.String() == "10.0.0.3" && !d.FirstSeen.Equal(time.Date(2021, 3, 4, 10, 11, 12, 0, time.UTC)) {
				t.Errorf("10.0.0.3 first seen %v, want 2021-03-04 10:11:12 UTC", d.FirstSeen)
			}
			if ip.String() == "fe80::1" && !d.FirstSeen.Equal(time.Unix(1617659476, 0)) {
				t.Errorf("fe80::1 first seen %v, want Unix 1617659476", d.FirstSeen)
			}
		}
	}
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "fe80::1"} {
		if seen[ip] != "Hikvision" {
			t.Errorf("%s: vendor %q, want Hikvision (devices %v)", ip, seen[ip], seen)
		}
	}
	if _, ok := seen["10.0.0.4"]; !ok || seen["10.0.0.4"] != "" {
		t.Errorf("10.0.0.4 (value 8000, the misspelt column not read): vendor %q, want a device with none", seen["10.0.0.4"])
	}
}

// TestIdentifyReadsPrintedAnswers: answers as clients print them in logs (a
// UPnP description as a dict given as upnp.description, Home Assistant's
// SSDP dump line as ssdp.payload, python-onvif-zeep's device information as
// a body; wsdiscover's scope listing as wsd.payload, a DHIP answer as a
// Python dict, python-zeroconf's ServiceInfo as mdns.payload_hex) are read
// as the answers themselves.
func TestIdentifyReadsPrintedAnswers(t *testing.T) {
	in := `{"ip":"10.0.3.1","key":"upnp.description","value":"{'deviceType': 'urn:schemas-upnp-org:device:Basic:1', 'friendlyName': 'IPC', 'manufacturer': 'Dahua', 'modelName': 'IPC-HFW2431S-S-S2', 'UDN': 'uuid:x'}"}
{"ip":"10.0.4.1","key":"ssdp.payload","value":"{\"LOCATION\": \"http://192.168.1.20:49152/upnp_device_desc.xml\", \"SERVER\": \"Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK\", \"USN\": \"uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037\"}"}
{"ip":"10.0.5.1","key":"http.body","value":"{'Manufacturer': 'HIKVISION', 'Model': 'DS-2DE2204IW-D3', 'FirmwareVersion': 'V5.6.11 build 190426', 'SerialNumber': 'DS-2DE2204IW-D320170316CCCH731956144W', 'HardwareId': '88'}"}
{"ip":"10.0.6.1","key":"upnp.description","value":"not a description at all"}
{"ip": "10.0.7.1", "key": "wsd.payload", "value": "Discovered:\n\n address: 192.168.202.92:2020\n  - onvif://www.onvif.org/name/VIGI-C350\n  - onvif://www.onvif.org/hardware/VIGI-C350\n  - onvif://www.onvif.org/Profile/Streaming\n  - onvif://www.onvif.org/location/Hong Kong\n  - onvif://www.onvif.org/type/NetworkVideoTransmitter\n"}
{"ip": "10.0.8.1", "key": "dhip.payload", "value": "{u'session': u'528b1ab7bb23f2877010495', u'params': {u'type': u'IPC-D2B20-ZS'}, u'result': True, u'id': 6}"}
{"ip": "10.0.9.1", "key": "mdns.payload_hex", "value": "ServiceInfo(type='_CGI._tcp.local.', name='HIKVISION DS-2CD2722FWD-IZS - 733050127._CGI._tcp.local.', addresses=[b'\\n\\x00\\x01\\xa6'], port=80, weight=0, priority=0, server=None, properties={})"}
`
	code, out, stderr := cli(t, in, "identify", "-q", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "line 4: upnp.description:") {
		t.Errorf("a value that is neither XML nor a printed answer is not a bad line:\n%s", stderr)
	}
	want := map[string][2]string{
		"10.0.3.1": {"Dahua", "IPC-HFW2431S-S-S2"},
		"10.0.4.1": {"Dahua", ""},
		"10.0.5.1": {"Hikvision", "DS-2DE2204IW-D3"},
		// python-ws-discovery issue #56's wsdiscover listing, mcw0/Tools
		// issue #8's Python 2 DHIP answer, a python-zeroconf ServiceInfo of
		// the instance name in code index file 46554257206.
		"10.0.7.1": {"TP-Link", "VIGI-C350"},
		"10.0.8.1": {"Dahua", "IPC-D2B20-ZS"},
		"10.0.9.1": {"Hikvision", "DS-2CD2722FWD-IZS"},
	}
	for _, d := range decodeJSON(t, out).Devices {
		for _, ip := range d.IPs {
			if w, ok := want[ip.String()]; ok {
				if d.Vendor != w[0] || d.Model != w[1] || !d.Restricted {
					t.Errorf("%s: %s %q restricted=%v, want restricted %s %q", ip, d.Vendor, d.Model, d.Restricted, w[0], w[1])
				}
				delete(want, ip.String())
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("not identified: %v", want)
	}
}

// TestIdentifyBadLineSaysWhatTheFieldWants: a bad line's message names the
// field and what it wants, in a user's terms, not encoding/json's or netip's
// (field "" has the wrong type, ParseAddr("…"), Go's time layout).
func TestIdentifyBadLineSaysWhatTheFieldWants(t *testing.T) {
	lines := []struct{ line, want string }{
		{`{"ip":"192.168.1.5","ts":"26/11/2026 05:00","key":"http.server","value":"App-webs/"}`, `field "ts" "26/11/2026 05:00" is not an RFC 3339 time (want e.g. 2026-11-26T05:00:00Z)`},
		{`{"ip":"192.168.1.5","port":"http","key":"http.server","value":"App-webs/"}`, `field "port" has the wrong type (string): want a number from 0 to 65535`},
		{`{"ip":5,"key":"http.server","value":"App-webs/"}`, `field "ip" has the wrong type (number): want a string`},
		{`{"ip":"10.0.0.5","ts":1774911641.78917,"key":"http.server","value":"App-webs/"}`, `field "ts" is not an RFC 3339 time string (want e.g. "2026-11-26T05:00:00Z")`},
		{`42`, `the line is a JSON number, not an object like {"ip":…,"key":…,"value":…}`},
		{`{"ip":"192.168.1.5/24","key":"http.server","value":"App-webs/"}`, `field "ip" "192.168.1.5/24" is not an IP address: give the host's own address, without a /prefix`},
		{`{"ip":"192.168.1.5:80","port":8080,"key":"http.server","value":"App-webs/"}`, `field "ip" "192.168.1.5:80" is not an IP address: give the address alone, and its port as "port"`},
		{`{"ip":"300.1.1.1","key":"http.server","value":"App-webs/"}`, `field "ip" "300.1.1.1" is not an IP address`},
	}
	for _, c := range lines {
		code, _, stderr := cli(t, c.line+"\n", "identify", "-q")
		if code != exitPartial || !strings.Contains(stderr, "camsweep: standard input: line 1: not an observation: "+c.want+"\n") {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant it to say: %s", c.line, code, stderr, c.want)
		}
		if strings.Contains(stderr, "ParseAddr") || strings.Contains(stderr, "2006-01-02") {
			t.Errorf("%s: a Go name reached the user:\n%s", c.line, stderr)
		}
	}
	// vlan is a field of the line, as docs/observation-keys.md says.
	code, out, stderr := cli(t, `{"mac":"44:19:b6:00:00:01","ip":"10.10.10.5","vlan":10}`+"\n", "identify", "-q", "--format", "json")
	if code != exitFindings || stderr != "" || !slices.Equal(decodeJSON(t, out).Devices[0].VLANs, []uint16{10}) {
		t.Errorf("a line with vlan: exit %d, stderr %q, %s", code, stderr, out)
	}
}

// TestIdentifyCountsInEnglish: one bad line is "1 bad line", one line of an
// unread key "(1 line)".
func TestIdentifyCountsInEnglish(t *testing.T) {
	_, _, stderr := cli(t, "42\n"+`{"ip":"10.0.0.5","key":"http.sever","value":"App-webs/"}`+"\n", "identify")
	for _, want := range []string{"standard input: 1 bad line skipped\n", `key "http.sever" (1 line) is not`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// An import that cannot be read to its end (a Shodan download cut short,
// a Zeek log whose .gz lost its end, nmap's XML cut inside a host) reports
// the devices read before the cut, says where it ends, and is partial.
func TestIdentifyFromCutInput(t *testing.T) {
	dir := t.TempDir()
	gzipped := func(name string, b []byte) string {
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(b)
		w.Close()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, gz.Bytes()[:gz.Len()*2/3], 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	lines, err := os.ReadFile(filepath.Join(repo, "testdata", "import", "shodan", "download-8.8.8.8.json"))
	if err != nil {
		t.Fatal(err)
	}
	shodan := gzipped("site.json.gz", bytes.Repeat(lines, 50))

	var dns strings.Builder
	dns.WriteString("#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\n")
	for i := range 20000 {
		fmt.Fprintf(&dns, "1700000000.%06d\tC%d\t10.1.%d.%d\t5353\t224.0.0.251\t5353\tudp\thost-%d.example\n", i, i, i>>8&255, i&255, i)
	}
	zeek := gzipped("dns.log.gz", []byte(dns.String()))

	xml, err := os.ReadFile(filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml"))
	if err != nil {
		t.Fatal(err)
	}
	nmap := filepath.Join(dir, "scan.xml")
	if err := os.WriteFile(nmap, xml[:bytes.LastIndex(xml, []byte("<host "))+40], 0o600); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ from, file, stopped string }{
		{"shodan", shodan, "the input cannot be read further"},
		{"zeek", zeek, "the log cannot be read further"},
		{"nmap-xml", nmap, "XML ends early"},
	} {
		code, out, stderr := cli(t, "", "identify", "--from", c.from, "--format", "json", "-q", c.file)
		if code != exitPartial && code != exitFindings {
			t.Errorf("%s: exit %d, stderr %s", c.from, code, stderr)
			continue
		}
		r := decodeJSON(t, out)
		if !r.Partial || len(r.Devices) == 0 {
			t.Errorf("%s: partial %v, %d devices", c.from, r.Partial, len(r.Devices))
		}
		if !strings.Contains(stderr, c.stopped) || !strings.Contains(stderr, ": read in part: ") || strings.Count(stderr, c.file) != strings.Count(stderr, "\n") {
			t.Errorf("%s: stderr\n%s", c.from, stderr)
		}
	}
}

// An importer's error after it read something keeps what it read: the
// devices are reported, the error named, the run partial. An error before
// anything was read (an input of another format, an unreadable one) fails
// at once, with no report.
func TestIdentifyFromLateError(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.7")
	importFormats["test-late"] = func(_ string, _ io.Reader, emit importer.Emit) (importer.Stats, error) {
		emit(fingerprint.Observation{IP: ip, Port: 80, Key: "tcp.open", Value: "80"})
		return importer.Stats{Records: 1}, errors.New("record 2: the disk is on fire")
	}
	importFormats["test-early"] = func(_ string, _ io.Reader, _ importer.Emit) (importer.Stats, error) {
		return importer.Stats{}, errors.New("not this tool's output")
	}
	defer delete(importFormats, "test-late")
	defer delete(importFormats, "test-early")

	code, out, stderr := cli(t, "", "identify", "--from", "test-late", "--format", "json", "-q", "-")
	if code != exitPartial {
		t.Errorf("late: exit %d, stderr %s", code, stderr)
	}
	if r := decodeJSON(t, out); !r.Partial || len(r.Devices) != 1 || r.Devices[0].IPs[0] != ip {
		t.Errorf("late: partial %v, devices %+v", r.Partial, r.Devices)
	}
	oneLine(t, stderr, "-: read in part: record 2: the disk is on fire")

	code, out, stderr = cli(t, "", "identify", "--from", "test-early", "--format", "json", "-q", "-")
	if code != exitError || out != "" {
		t.Errorf("early: exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "-: not this tool's output")
}

// TestIdentifyFromErrorsReadOnce: an unknown --from lists the choices as a
// sentence, and an importer's error that names the input is not prefixed
// with it a second time ("DIR: DIR: no Zeek ... logs").
func TestIdentifyFromErrorsReadOnce(t *testing.T) {
	code, _, stderr := cli(t, "", "identify", "--from", "openvas", "x.json")
	if code != exitError {
		t.Errorf("--from openvas: exit %d", code)
	}
	oneLine(t, stderr, `unknown --from "openvas" (want jsonl, censys, masscan, nessus, nmap, nmap-xml, shodan or zeek)`)
	dir := t.TempDir()
	code, _, stderr = cli(t, "", "identify", "--from", "zeek", dir)
	if code != exitError || strings.Count(stderr, dir) != 1 {
		t.Errorf("--from zeek on a directory without logs: exit %d, stderr %q names it more than once", code, stderr)
	}
}

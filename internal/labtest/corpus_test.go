//go:build linux

package labtest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/internal/labreq"
	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
	"github.com/goccy/go-yaml"
)

// TestSweepAgreesWithIdentifyOnTheCorpus serves the regression corpus's
// device strings from simulated devices (a Server header and a page on
// every path of port 80, a realm in a 401, an RTSP answer on 554, a telnet
// greeting, a certificate on 443, a recorded answer to one of the sweep's
// discovery requests: SADP, DHIP, WS-Discovery, mDNS, TP-Link's TDP and
// the MO_I, DH and SEARCHIPC camera searches), sweeps them, and checks that the sweep
// names each device as `camsweep identify` names the same strings: same
// verdict, maker and model. The corpus cases are the public sources'
// (testdata/corpus/*/cases.jsonl) and every rule-set entry describing a
// catalogued maker's device, plus a sample of the other devices' entries.
func TestSweepAgreesWithIdentifyOnTheCorpus(t *testing.T) {
	if raceEnabled {
		// Its own code is sequential and the camsweep it runs is built
		// without the detector: under -race it would only run again.
		t.Skip("runs in the plain test pass")
	}
	cases := sweepableCorpus(t)
	if len(cases) < 300 && os.Getenv("CAMSWEEP_CORPUS_ONLY") == "" {
		t.Fatalf("only %d corpus cases a sweep can see", len(cases))
	}
	want := identifyCases(t, cases)
	const perLab = 240 // a /24 lab, its scanner and some room
	differ := 0
	for n, picked := range labBatches(want, perLab) {
		batch, wanted := make([]corpusCase, len(picked)), make([]fingerprint.Device, len(picked))
		for j, i := range picked {
			batch[j], wanted[j] = cases[i], want[i]
		}
		got := sweepCases(t, batch, wanted)
		if silent := silentDisagreeing(got, wanted); len(silent) > 0 {
			// A loaded machine (the other packages' tests run beside this
			// one) can keep a simulated device from answering within
			// --timeout. Such a device said nothing, so it neither agrees
			// nor disagrees: the lab is swept once more and the second
			// sweep decides for it.
			t.Logf("lab %d: %d devices answered nothing but ARP (first %s); sweeping the lab again", n+1, len(silent), batch[silent[0]].where)
			again := sweepCases(t, batch, wanted)
			for _, j := range silent {
				got[j] = again[j]
			}
		}
		missing := 0
		for _, d := range got {
			if d.MAC == (fingerprint.MAC{}) {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("lab %d: %d devices not in the sweep's report", n+1, missing)
		}
		for j, c := range batch {
			w, g := wanted[j], got[j]
			if g.Vendor != w.Vendor || g.Model != w.Model || g.Verdict != w.Verdict {
				differ++
				t.Errorf("%s %v:\n\tswept    %s %v\n\tidentify %s", c.where, c.obs, summary(g), g.Evidence, summary(w))
			}
		}
	}
	byKey := map[string]int{}
	for _, c := range cases {
		for _, o := range c.obs {
			byKey[o.Key]++
		}
	}
	t.Logf("%d corpus cases swept, %d differ from identify (observations by key: %v)", len(cases), differ, byKey)
}

// silentDisagreeing lists the swept devices that differ from identify and
// showed nothing but their MAC: no port answered, no evidence beyond ARP.
func silentDisagreeing(got, want []fingerprint.Device) []int {
	var out []int
	for j, g := range got {
		w := want[j]
		if g.Vendor == w.Vendor && g.Model == w.Model && g.Verdict == w.Verdict {
			continue
		}
		if len(g.Ports) > 0 || slices.ContainsFunc(g.Evidence, func(e fingerprint.Evidence) bool { return e.Probe != "arp" }) {
			continue
		}
		out = append(out, j)
	}
	return out
}

// labBatches splits the cases, in order, into labs of at most perLab
// devices, no two of which name the same MAC of their own: public fixtures
// mask the MACs in discovery answers alike (python-kasa's A8-6E-84-00-00-00
// for a hub and a camera), and two simulated devices answering with one MAC
// in one lab would be one device to the sweep, as to any scanner. A case
// whose MAC its lab already has waits for the next lab.
func labBatches(want []fingerprint.Device, perLab int) [][]int {
	var batches [][]int
	pending := make([]int, len(want))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		var batch, later []int
		macs := map[fingerprint.MAC]bool{}
		for _, i := range pending {
			mac := want[i].MAC
			if len(batch) == perLab || mac != (fingerprint.MAC{}) && macs[mac] {
				later = append(later, i)
				continue
			}
			macs[mac] = true
			batch = append(batch, i)
		}
		batches, pending = append(batches, batch), later
	}
	return batches
}

type corpusKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Port  uint16 `json:"port"`
}

type corpusCase struct {
	where string
	obs   []corpusKV
}

func summary(d fingerprint.Device) string {
	return fmt.Sprintf("vendor=%q model=%q verdict=%q", d.Vendor, d.Model, d.Verdict)
}

// sweepableCorpus reads the corpus cases whose every observation a swept
// device can show.
func sweepableCorpus(t *testing.T) []corpusCase {
	t.Helper()
	root := filepath.Join("..", "..", "testdata", "corpus")
	var out []corpusCase
	add := func(where string, obs []corpusKV) {
		rtspAnswers, rtspHeaders, httpAnswers, httpFacts := 0, 0, 0, 0
		for _, o := range obs {
			if !sweepable(o) {
				return
			}
			switch {
			case o.Key == "rtsp.response":
				rtspAnswers++
			case o.Key == "rtsp.server", o.Key == "rtsp.www_authenticate":
				rtspHeaders = 1
			case o.Key == "http.headers":
				httpAnswers++
			case strings.HasPrefix(o.Key, "http."), strings.HasPrefix(o.Key, "onvif."):
				httpFacts = 1
			}
		}
		if httpAnswers+httpFacts > 1 {
			// A recorded HTTP answer beside another one, or beside facts
			// that make a page of their own: port 80 serves one.
			return
		}
		if rtspAnswers+rtspHeaders > 2 {
			// More recorded RTSP answers (SETUP, PLAY, a 401 and its
			// retry) than the sweep's two requests, OPTIONS and DESCRIBE,
			// can be answered with.
			return
		}
		out = append(out, corpusCase{where: where, obs: obs})
	}
	files, _ := filepath.Glob(filepath.Join(root, "*", "cases.jsonl"))
	for _, path := range files {
		readLines(t, path, func(line []byte) {
			var e struct {
				ID  string     `json:"id"`
				Obs []corpusKV `json:"obs"`
			}
			if err := json.Unmarshal(line, &e); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			add(filepath.Base(filepath.Dir(path))+" "+e.ID, e.Obs)
		})
	}
	for _, r := range recogSweepable {
		for i, v := range recogExamples(t, filepath.Join(root, "recog", r.file)) {
			add(fmt.Sprintf("recog %s example %d", r.file, i+1), []corpusKV{{Key: r.key, Value: v}})
		}
	}
	files, _ = filepath.Glob(filepath.Join(root, "*", "entries.jsonl.gz"))
	others := 0
	for _, path := range files {
		readLines(t, path, func(line []byte) {
			var e struct {
				Rule, Maker, Scope string
				corpusKV
			}
			if err := json.Unmarshal(line, &e); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if e.Scope != "device" {
				return
			}
			if e.Maker == "" { // other makers' devices: a sample guards precision
				if others++; others%12 != 0 {
					return
				}
			}
			if f := os.Getenv("CAMSWEEP_CORPUS_ONLY"); f != "" && !strings.Contains(e.Rule, f) {
				return
			}
			add(e.Rule, []corpusKV{e.corpusKV})
		})
	}
	return out
}

// recogSweepable maps each recog database whose examples a swept device
// sends to their observation key (favicon hashes and DHCP vendor classes
// are not what a device answers).
var recogSweepable = []struct{ file, key string }{
	{"http_servers.xml", "http.server"}, {"http_wwwauth.xml", "http.www_authenticate"}, {"html_title.xml", "http.title"},
	{"rtsp_servers.xml", "rtsp.server"}, {"x509_subjects.xml", "tls.subject"}, {"telnet_banners.xml", "telnet.banner"},
}

// recogExamples returns a recog database's examples, trimmed as decoders
// trim values, base64 ones decoded.
func recogExamples(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var db struct {
		Fingerprints []struct {
			Examples []struct {
				Text     string `xml:",chardata"`
				Encoding string `xml:"_encoding,attr"`
			} `xml:"example"`
		} `xml:"fingerprint"`
	}
	if err := xml.Unmarshal(raw, &db); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, fp := range db.Fingerprints {
		for _, ex := range fp.Examples {
			v := ex.Text
			if ex.Encoding == "base64" {
				b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				v = string(b)
			}
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// sweepable: a swept device can show this observation on a port the sweep
// asks by default.
func sweepable(o corpusKV) bool {
	if service.Printed(o.Key, o.Value) {
		return false // a client's print of an answer: identify reads it, no device sends it
	}
	if _, _, ok := service.LoggedExchange(o.Key, o.Value); ok {
		// A viewer's requests and the device's answers as a client's log
		// printed them: the answers are to the viewer's paths (a stream
		// path the device served), which a sweep asking its own does not
		// reproduce.
		return false
	}
	if decode, raw := service.ByRawKey(o.Key); raw {
		// A rule set's constructed answer that is no answer (nmap's "HTTP/1.0 ÿû..."):
		// identify refuses it as a bad line, and a device could not send it either.
		if decode(nil, []byte(o.Value), scanner.Meta{}, func(fingerprint.Observation) {}) != nil {
			return false
		}
	}
	switch o.Key {
	case "http.path": // the sweep asks the root and what it links, not every path a device serves
		return o.Value == "/"
	case "http.server", "http.www_authenticate", "http.title", "http.body", "http.status", "http.headers",
		"rtsp.server", "rtsp.www_authenticate", "rtsp.response", "telnet.banner":
		return o.Port == 0 || o.Port == 80 || o.Port == 554 || o.Port == 23
	case "tcp.banner_hex":
		switch o.Port {
		case 23, 8000, 37777, 34567:
			return true
		}
	case "tls.subject":
		_, ok := subjectOf(o.Value)
		return ok
	case "sadp.payload", "dhip.payload", "wsd.scopes", "mdns.instance",
		"tdp.payload", "moi.payload_hex", "dhs.payload_hex", "searchipc.payload",
		"onvif.manufacturer", "onvif.model", "onvif.firmware", "onvif.serial", "onvif.hardware_id":
		return true
	}
	return false
}

func readLines(t *testing.T, path string, each func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		each(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// identifyCases runs `camsweep identify` on every case, each at its own
// address, and returns the device of each. A discovery answer names its
// device's own MAC, and public fixtures reuse made-up ones
// (44-19-b6-aa-bb-cc): cases that one identify run merged into one device
// are identified again one by one, as the sweep sees each alone.
func identifyCases(t *testing.T, cases []corpusCase) []fingerprint.Device {
	t.Helper()
	all := make([]int, len(cases))
	for i := range all {
		all[i] = i
	}
	devs := make([]fingerprint.Device, len(cases))
	for _, i := range identifyBatch(t, cases, all, devs) {
		identifyBatch(t, cases, []int{i}, devs)
	}
	return devs
}

// identifyBatch identifies the cases picked in one run, writes each one's
// device into devs, and returns the picked cases whose device holds another
// picked case's address too.
func identifyBatch(t *testing.T, cases []corpusCase, picked []int, devs []fingerprint.Device) (merged []int) {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	enc.SetEscapeHTML(false)
	for _, i := range picked {
		for _, o := range cases[i].obs {
			port := o.Port
			if port == 0 {
				port = defaultPort(o.Key)
			}
			enc.Encode(map[string]any{"ip": caseIP(i).String(), "port": port, "key": o.Key, "value": o.Value})
		}
	}
	cmd := exec.Command(binary, "identify", "--format", "json", "--fail-on", "none", "-")
	cmd.Stdin = bytes.NewReader(in.Bytes()) // in stays whole, to quote a bad line
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		lines := strings.Split(in.String(), "\n")
		for _, m := range regexp.MustCompile(`line (\d+):`).FindAllStringSubmatch(stderr.String(), 5) {
			if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(lines) {
				t.Logf("input line %s: %s", m[1], lines[n-1])
			}
		}
		t.Fatalf("identify: %v\n%s", err, stderr.Bytes())
	}
	byIP := map[netip.Addr]fingerprint.Device{}
	for _, d := range parseReport(t, out).Devices {
		for _, ip := range d.IPs {
			byIP[ip] = d
		}
	}
	for _, i := range picked {
		d := byIP[caseIP(i)]
		devs[i] = d
		if len(picked) > 1 && len(d.IPs) > 1 {
			merged = append(merged, i)
		}
	}
	return merged
}

func caseIP(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 77, byte(i >> 8), byte(i)}) }

func defaultPort(key string) uint16 {
	switch {
	case strings.HasPrefix(key, "rtsp."):
		return 554
	case key == "telnet.banner":
		return 23
	case key == "tls.subject":
		return 443
	}
	return 80
}

// sweepCases starts one simulated device per case in a new lab, sweeps it,
// and returns each case's device from the report.
func sweepCases(t *testing.T, cases []corpusCase, want []fingerprint.Device) []fingerprint.Device {
	t.Helper()
	// Each batch's lab goes before the next starts: a sweep test's labs
	// live until the test ends, and a dozen at once exhaust the machine.
	labreq.Require(t)
	l, err := lab.New(labOptions())
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Errorf("closing the lab: %v", err)
		}
	}()
	fsys := fstest.MapFS{}
	const dateTime = "constructed/onvif_system_date_and_time.txt" // camsim's, for the ONVIF cases
	b, err := fs.ReadFile(camsim.Data(), dateTime)
	if err != nil {
		t.Fatal(err)
	}
	fsys[dateTime] = &fstest.MapFile{Data: b}
	var profiles []camsim.Profile
	usedMACs := map[fingerprint.MAC]bool{}
	for i, c := range cases {
		name := "case" + strconv.Itoa(i)
		// A device whose strings name its own MAC (a realm) sends from it.
		mac := fmt.Sprintf("02:00:5e:02:%02x:%02x", byte(i>>8), byte(i))
		if m := want[i].MAC; m != (fingerprint.MAC{}) && !usedMACs[m] {
			mac, usedMACs[m] = m.String(), true
		}
		p := profileFor(name, mac, c, fsys)
		b, err := yaml.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: b}
		prof, err := camsim.LoadProfile(fsys, name+".yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.where, err)
		}
		profiles = append(profiles, prof)
	}
	devs, err := StartDevices(context.Background(), l, profiles)
	defer func() {
		for _, d := range devs {
			d.Close()
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"sweep", "-i", l.Scanner().Interface, "--timeout", sweepTimeout.String(), "-q", "--fail-on", "none", "--format", "json"}
	run := sweep(t, l, 3*sweepBound(len(devs)), nil, args...)
	byMAC := devicesByMAC(parseReport(t, run.stdout))
	out := make([]fingerprint.Device, len(cases))
	for i, d := range devs {
		out[i] = byMAC[strings.ToLower(d.Profile.MAC)]
	}
	return out
}

// profileFor is a camsim profile showing the case's observations; its
// response files go into fsys.
func profileFor(name, mac string, c corpusCase, fsys fstest.MapFS) map[string]any {
	var services []map[string]any
	file := func(suffix string, b []byte) string {
		n := name + "-" + suffix
		fsys[n] = &fstest.MapFile{Data: b}
		return n
	}
	http := map[string]string{}
	onvif := map[string]string{} // one GetDeviceInformation answer carries every onvif.* value
	var rtspHead []string        // one answer carries every RTSP header the case gives
	var rtspAnswers []string     // recorded answers, one to each of the sweep's two requests
	rtspStatus := "200 OK"
	for _, o := range c.obs {
		switch o.Key {
		case "http.headers":
			services = append(services, map[string]any{"proto": "http", "port": 80, "routes": map[string]string{"*": file("http", []byte(o.Value))}})
		case "rtsp.server":
			rtspHead = append(rtspHead, "Server: "+o.Value)
		case "rtsp.www_authenticate":
			rtspHead = append(rtspHead, "WWW-Authenticate: "+o.Value)
			rtspStatus = "401 Unauthorized"
		case "rtsp.response":
			rtspAnswers = append(rtspAnswers, o.Value)
		case "telnet.banner":
			services = append(services, map[string]any{"proto": "banner", "port": 23, "response": file("telnet", []byte(o.Value))})
		case "tcp.banner_hex":
			b, _ := hex.DecodeString(o.Value)
			services = append(services, map[string]any{"proto": "banner", "port": int(o.Port), "response": file("banner", b)})
		case "tls.subject":
			subject, _ := subjectOf(o.Value)
			services = append(services, map[string]any{"proto": "https", "port": 443, "subject": subject,
				"routes": map[string]string{"*": file("https", []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))}})
		case "sadp.payload":
			services = append(services, map[string]any{"proto": "sadp", "response": file("sadp", []byte(o.Value))})
		case "dhip.payload":
			body := []byte(o.Value)
			if b, ok := discovery.DHIPUnframe(body); ok {
				body = b
			}
			services = append(services, map[string]any{"proto": "dhip", "response": file("dhip", body)})
		case "tdp.payload", "moi.payload_hex", "dhs.payload_hex", "searchipc.payload":
			// camsim answers the sweep's search with it, its address written in.
			proto, _, _ := strings.Cut(o.Key, ".")
			services = append(services, map[string]any{"proto": proto, "response": file(proto, []byte(o.Value))})
		case "wsd.scopes":
			services = append(services, map[string]any{"proto": "wsd", "response": file("wsd", probeMatchWith(o.Value))})
		case "mdns.instance":
			services = append(services, map[string]any{"proto": "mdns", "mdns": mdnsServiceOf(o.Value)})
		case "onvif.manufacturer", "onvif.model", "onvif.firmware", "onvif.serial", "onvif.hardware_id":
			onvif[o.Key] = o.Value
		default:
			http[o.Key] = o.Value
		}
	}
	if len(rtspHead) > 0 {
		rtspAnswers = append(rtspAnswers, "RTSP/1.0 "+rtspStatus+"\r\nCSeq: 1\r\n"+strings.Join(rtspHead, "\r\n")+"\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n")
	}
	if len(rtspAnswers) > 0 {
		services = append(services, rtspService(rtspMethods(rtspAnswers, func(i int, b []byte) string { return file("rtsp"+strconv.Itoa(i), b) })))
	}
	if len(http) > 0 || len(onvif) > 0 {
		web := map[string]any{"proto": "http", "port": 80, "routes": map[string]string{"*": file("page", pcapgen.HTTPAnswer(http))}}
		if len(onvif) > 0 {
			// The sweep asks GetDeviceInformation once GetSystemDateAndTime answered.
			body := pcapgen.ONVIFDeviceInformation(onvif)
			info := "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n"
			web["soap"] = map[string]string{"GetSystemDateAndTime": "constructed/onvif_system_date_and_time.txt", "GetDeviceInformation": file("onvif", append([]byte(info), body...))}
			if len(http) == 0 {
				web["routes"] = map[string]string{"*": file("404", []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))}
			}
		}
		services = append(services, web)
	}
	return map[string]any{
		"name": name, "description": c.where,
		"mac":      mac,
		"services": services,
	}
}

func rtspService(methods map[string]string) map[string]any {
	return map[string]any{"proto": "rtsp", "port": 554, "methods": methods}
}

// rtspMethods gives each recorded answer (at most two) to the request the
// sweep sends that it answers: one carrying a Public list to OPTIONS, the
// other to DESCRIBE; a single answer answers both.
func rtspMethods(answers []string, file func(int, []byte) string) map[string]string {
	if len(answers) == 1 {
		return map[string]string{"*": file(0, []byte(answers[0]))}
	}
	options, describe := answers[0], answers[1]
	hasPublic := func(a string) bool { return strings.Contains(strings.ToLower(a), "\npublic:") }
	if !hasPublic(options) && hasPublic(describe) {
		options, describe = describe, options
	}
	return map[string]string{"OPTIONS": file(0, []byte(options)), "*": file(1, []byte(describe))}
}

// subjectOf reads an RFC 2253 subject into camsim's Subject attributes;
// false when it holds another attribute, a repeated one, or an escape.
func subjectOf(dn string) (map[string]string, bool) {
	out := map[string]string{}
	if strings.ContainsAny(dn, `\+"#`) {
		return nil, false
	}
	for _, part := range strings.Split(dn, ",") {
		typ, value, ok := strings.Cut(part, "=")
		typ = strings.ToUpper(strings.TrimSpace(typ))
		switch typ {
		case "CN", "OU", "O", "L", "ST", "C":
		default:
			return nil, false
		}
		if _, dup := out[typ]; dup || !ok || value == "" || typ == "C" && !isCountryCode(value) {
			return nil, false
		}
		out[typ] = value
	}
	return out, len(out) > 0
}

func isCountryCode(s string) bool {
	return len(s) == 2 && strings.ToUpper(s) != strings.ToLower(s) && strings.Trim(strings.ToUpper(s), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// probeMatchWith is camsim's WS-Discovery ProbeMatch carrying the scopes;
// camsim fills in the message ids and the device's address.
func probeMatchWith(scopes string) []byte {
	b, err := fs.ReadFile(camsim.Data(), "constructed/wsd_probematch.xml")
	if err != nil {
		panic(err)
	}
	var esc strings.Builder
	xml.EscapeText(&esc, []byte(scopes))
	return []byte(strings.NewReplacer("{{WSD_SCOPES}}", esc.String(), "{{WSD_EPR}}", "urn:uuid:"+discovery.NewUUID(),
		"{{WSD_PORT}}", "", "{{WSD_METADATA}}", "1").Replace(string(b)))
}

// mdnsServiceOf is the DNS-SD service an instance name announces: its
// first label is the instance, the rest its service type.
func mdnsServiceOf(instance string) map[string]any {
	name := strings.TrimSuffix(strings.TrimSuffix(instance, "."), ".local")
	label, typ := name, "_http._tcp"
	if n, ok := discovery.SplitDNSSDName(name); ok && n.Instance != "" {
		label, typ = n.Instance, n.TypeName()
	}
	return map[string]any{"type": typ, "instance": label, "target": "device", "port": 80}
}

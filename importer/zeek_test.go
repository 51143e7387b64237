package importer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// Real Zeek logs (testdata/import/SOURCES.md): tsv/ are Zeek's own test
// baselines, json/ the JSON examples of Zeek's log documentation.
const (
	zeekTSV  = "../testdata/import/zeek/tsv"
	zeekJSON = "../testdata/import/zeek/json"
)

func readZeek(t *testing.T, path string) ([]observe.Observation, Stats) {
	t.Helper()
	var obs []observe.Observation
	st, err := Zeek(path, func(o observe.Observation) { obs = append(obs, o) })
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, o := range obs {
		if !observe.Known(o.Key) {
			t.Errorf("key %q is not in the registry", o.Key)
		}
	}
	return obs, st
}

func TestZeekTSVLogs(t *testing.T) {
	obs, st := readZeek(t, zeekTSV)
	if st.Skipped != 0 || st.Records != 10 {
		t.Errorf("stats %+v", st)
	}
	for _, w := range []want{
		// The leaf certificate, found through ssl.log's cert_chain_fps; its
		// subject has commas, which are not the set separator here.
		{"74.125.224.79", "", 443, "tls.subject", "CN=*.gstatic.com,O=Google Inc,L=Mountain View,ST=California,C=US"},
		{"74.125.224.79", "", 443, "tls.issuer", "CN=Google Internet Authority,O=Google Inc,C=US"},
		{"208.85.41.42", "", 80, "http.server", "Apache"},
		{"128.2.6.189", "90:b1:1c:99:49:29", 0, "dhcp.lease", "128.2.6.189"},
		{"128.2.6.97", "90:b1:1c:99:49:29", 0, "dhcp.hostname", "btest.is.cool"},
		{"192.150.187.50", "", 0, "dns.query", "flkr._domainkey.flickr.com"},
		// What the client asked for is the client's.
		{"192.168.1.105", "", 0, "tls.sni", "ssl.gstatic.com"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		switch {
		case o.Key == "tls.subject" && strings.HasPrefix(o.Value, "CN=Google Internet Authority"):
			t.Errorf("the intermediate CA's subject was taken for the server's: %+v", o)
		case o.IP.String() == "192.168.2.76":
			t.Errorf("a browser (HTTP::BROWSER) was imported as a device fact: %+v", o)
		}
	}
}

func TestZeekJSONLogs(t *testing.T) {
	obs, st := readZeek(t, zeekJSON)
	if st.Skipped != 0 || st.Records == 0 {
		t.Errorf("stats %+v", st)
	}
	for _, w := range []want{
		// x509.log linked by the older cert_chain_fuids (file IDs).
		{"13.32.202.10", "", 443, "tls.subject", "CN=www.taosecurity.com"},
		{"192.168.4.152", "3c:58:c2:2f:91:21", 0, "dhcp.lease", "192.168.4.152"},
		{"192.168.4.152", "3c:58:c2:2f:91:21", 0, "dhcp.hostname", "3071N0098017422"},
		{"192.168.4.152", "3c:58:c2:2f:91:21", 0, "dhcp.fqdn", "3071N0098017422.fcps.edu"},
		{"31.3.245.133", "", 80, "http.status", "200"},
		{"31.3.245.133", "", 80, "http.path", "/"},
		{"172.17.0.2", "", 0, "dns.query", "zeek.org"},
		{"192.168.4.49", "", 0, "tls.sni", "www.taosecurity.com"},
		{"192.168.4.76", "", 0, "http.request_host", "testmyids.com"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		if o.Key == "tls.subject" && strings.Contains(o.Value, "Amazon Root") {
			t.Errorf("a CA certificate was taken for the server's: %+v", o)
		}
		// Timestamps as epoch seconds and as ISO 8601 both read.
		if o.Key == "dhcp.lease" && !o.Time.Equal(time.Date(2020, 10, 2, 4, 14, 39, 135304000, time.UTC)) {
			t.Errorf("dhcp time %v", o.Time)
		}
		if o.Key == "dns.query" && o.Time.Year() != 2026 {
			t.Errorf("dns time %v", o.Time)
		}
	}
}

// A gzipped log (Zeek's archive form) reads as the plain one.
func TestZeekGzip(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join(zeekTSV, "dhcp.log"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	gz.Write(plain)
	gz.Close()
	path := filepath.Join(dir, "dhcp.04:00:00-05:00:00.log.gz")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := readZeek(t, path)
	want, _ := readZeek(t, filepath.Join(zeekTSV, "dhcp.log"))
	if len(got) == 0 || len(got) != len(want) {
		t.Errorf("gzipped: %d observations, plain: %d", len(got), len(want))
	}
}

// A damaged line is skipped with its number; the rest of the log still counts.
func TestZeekAskedNames(t *testing.T) {
	for in, want := range map[string]string{
		"Bridge.MeetHue.com:80": "bridge.meethue.com", "zeek.org.": "zeek.org", "testmyids.com": "testmyids.com",
		"192.168.1.64": "", "192.168.1.64:8080": "", "[fe80::1]:80": "", "fe80::1": "", "": "",
	} {
		if got := askedName(in); got != want {
			t.Errorf("askedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZeekBadLinesAreSkipped(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join(zeekTSV, "dns.log"))
	if err != nil {
		t.Fatal(err)
	}
	damaged := strings.Replace(string(plain), "#close", "a\tline\twith three columns\n{\"not\": json\n#close", 1)
	path := filepath.Join(t.TempDir(), "dns.log")
	if err := os.WriteFile(path, []byte(damaged), 0o644); err != nil {
		t.Fatal(err)
	}
	obs, st := readZeek(t, path)
	if st.Skipped != 2 || !strings.Contains(strings.Join(st.Problems, "\n"), "dns.log:11: 3 columns") || len(obs) != 1 {
		t.Errorf("stats %+v, %d observations", st, len(obs))
	}
}

// A log is read to its end, line by line, whatever its length (only a
// line's is bounded): here 40,000 lines, three times the bound of one. A gzipped log cut short
// (its writer stopped) keeps the lines before the cut and says where it
// ends; so does each log of a directory.
func TestZeekReadToItsEnd(t *testing.T) {
	var b strings.Builder
	b.WriteString("#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\n")
	for i := range 40000 {
		fmt.Fprintf(&b, "1700000000.%06d\tC%d\t10.1.%d.%d\t5353\t224.0.0.251\t5353\tudp\thost-%d.example\n", i, i, i>>8&255, i&255, i)
	}
	if b.Len() < 3*maxZeekLine {
		t.Fatalf("only %d bytes", b.Len())
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dns.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	obs, st := readZeek(t, path)
	if st.Records != 40000 || st.Skipped != 0 || len(st.Stopped) != 0 || !has(obs, want{"10.1.156.63", "", 0, "dns.query", "host-39999.example"}) {
		t.Errorf("stats %d records, %d skipped, stopped %v", st.Records, st.Skipped, st.Stopped)
	}

	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(b.String()))
	w.Close()
	cut := filepath.Join(dir, "dns.00:00:00-01:00:00.log.gz")
	if err := os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{cut, dir} {
		obs, st = readZeek(t, in)
		if st.Records == 0 || len(obs) == 0 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "dns.00:00:00-01:00:00.log.gz:") || !strings.Contains(st.Stopped[0], "cannot be read further") {
			t.Errorf("%s: %d records, stopped %q", in, st.Records, st.Stopped)
		}
	}
}

func TestZeekRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte("hello\n"), 0o644)
	if _, err := Zeek(other, func(observe.Observation) {}); !errors.Is(err, ErrNotZeekLog) {
		t.Errorf("notes.txt: %v", err)
	}
	if _, err := Zeek(dir, func(observe.Observation) {}); err == nil {
		t.Error("a directory with no Zeek logs was accepted")
	}
	if _, err := Zeek(filepath.Join(zeekTSV, "x509.log"), func(observe.Observation) {}); err == nil || !strings.Contains(err.Error(), "ssl.log") {
		t.Errorf("x509.log alone: %v", err)
	}
}

func FuzzZeekLog(f *testing.F) {
	for _, dir := range []string{zeekTSV, zeekJSON} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(zeekKindOfName(e.Name()), b)
		}
	}
	f.Add("ssl", []byte("#separator \\x\n#fields\tid.resp_h\n\\x4"))
	f.Fuzz(func(t *testing.T, kind string, in []byte) {
		z := &zeekState{certs: map[string]certSite{}, emit: func(o observe.Observation) {
			if o.Key == "" || (!o.IP.IsValid() && o.MAC.IsZero()) || len(o.Value) > observe.MaxValueLen {
				t.Fatalf("bad observation %+v", o)
			}
		}}
		var st Stats
		z.read("fuzz.log", kind, bytes.NewReader(in), &st)
	})
}

// A client's request to a host it names gives the target it asked for and
// its User-Agent, as on the wire: the Amcrest camera's check-in with its cloud (realdata §20's
// request, written as Zeek's http.log would hold it), a password redacted;
// a browser asking a camera by address gives no target of the browser's.
func TestZeekHTTPRequestTarget(t *testing.T) {
	dir := t.TempDir()
	log := `{"ts":1591367999.5,"id.orig_h":"192.168.10.201","id.orig_p":40561,"id.resp_h":"34.227.6.54","id.resp_p":12366,"method":"GET","host":"amcrestview.com","uri":"/p2pdev/update?oemid=0&type=IPC&version=2.520&devid=AMC020SC43PJ749D66&privPort=37777&httpPort=80&rtspPort=554&server=dhp2p&webver=2.420.0&manufacturer=Amcrest&webSpec=IPC2.420&webSubVer=0","status_code":200}
{"ts":1591368000.5,"id.orig_h":"192.168.10.5","id.orig_p":40562,"id.resp_h":"34.227.6.55","id.resp_p":80,"method":"GET","host":"cloud.example.com","uri":"/cgi?usr=admin&pwd=secret","status_code":200}
{"ts":1591368001.5,"id.orig_h":"192.168.10.6","id.orig_p":40563,"id.resp_h":"192.168.10.201","id.resp_p":80,"method":"GET","host":"192.168.10.201","uri":"/web_caps/webCapsConfig?version=2.400","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","status_code":200}
{"ts":1591368002.5,"id.orig_h":"192.168.1.161","id.orig_p":40564,"id.resp_h":"120.92.96.1","id.resp_p":80,"method":"GET","host":"dns.io.mi.com","uri":"/gslb?tver=2","user_agent":"MIoT","status_code":200}
`
	if err := os.WriteFile(filepath.Join(dir, "http.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	obs, _ := readZeek(t, dir)
	for _, w := range []want{
		{"192.168.10.201", "", 0, "http.request_target", "/p2pdev/update?oemid=0&type=IPC&version=2.520&devid=AMC020SC43PJ749D66&privPort=37777&httpPort=80&rtspPort=554&server=dhp2p&webver=2.420.0&manufacturer=Amcrest&webSpec=IPC2.420&webSubVer=0"},
		{"192.168.10.5", "", 0, "http.request_target", "/cgi?usr=REDACTED&pwd=REDACTED"},
		{"192.168.1.161", "", 0, "http.request_user_agent", "MIoT"}, // the Xiaomi camera's (realdata §13)
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		if (o.Key == "http.request_target" || o.Key == "http.request_user_agent") && o.IP.String() == "192.168.10.6" {
			t.Errorf("a request to an address read as the client's: %+v", o)
		}
	}
}

package importer

import (
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// Real masscan 1.3.2 output of --banners scans of the camsim lab in its
// text formats (-oJ, -oL and -oX of one scan, -oD and -oG of later ones) (internal/labtest/masscan_test.go makes and checks it;
// the devices answer with their profiles' recorded strings).
const masscanDir = "../testdata/import/masscan/"

// masscanFacts reads masscan output and returns what it emitted, one
// "ip:port key=value" a fact, with the stats.
func masscanFacts(t *testing.T, b []byte) (map[string]bool, Stats) {
	t.Helper()
	facts := map[string]bool{}
	st, err := Masscan(bytes.NewReader(b), func(o observe.Observation) {
		if o.Probe != "masscan" {
			t.Errorf("%s=%s: probe %q, want masscan", o.Key, o.Value, o.Probe)
		}
		facts[fmt.Sprintf("%s:%d %s=%s", o.IP, o.Port, o.Key, o.Value)] = true
	})
	if err != nil {
		t.Fatal(err)
	}
	return facts, st
}

func TestMasscanFormatsAgree(t *testing.T) {
	var first map[string]bool
	for _, file := range []string{"camsim-lab.json", "camsim-lab.list", "camsim-lab.xml", "camsim-lab.ndjson", "camsim-lab.grep"} {
		b, err := os.ReadFile(masscanDir + file)
		if err != nil {
			t.Fatal(err)
		}
		facts, st := masscanFacts(t, b)
		if st.Skipped != 0 || len(st.Stopped) != 0 {
			t.Errorf("%s: skipped %d %v, stopped %v", file, st.Skipped, st.Problems, st.Stopped)
		}
		for _, want := range []string{
			"198.18.2.6:80 http.server=App-webs/",                             // Hikvision's web server, from the http banner
			"198.18.2.5:8000 tcp.banner_hex=000000100000001e0000001e00000000", // Hikvision's port-8000 greeting
			"198.18.2.10:80 http.title=NETSurveillance WEB",                   // Xiongmai's page title, masscan's "title"
			"198.18.2.10:80 http.server=uc-httpd 1.0.0",                       // its HTTP/1.0 answer
			`198.18.2.2:80 http.etag="1722917735:2002"`,                       // Dahua's ETag, read through \x22 escapes
			"198.18.2.2:80 http.header_names=CONNECTION,Date,Last-Modified,Etag,CONTENT-LENGTH,P3P,CACHE-CONTROL,CONTENT-TYPE",
			"198.18.2.8:22 tcp.banner_hex=5353482d322e302d4f70656e5353485f392e3270312044656269616e2d322b64656231327533", // an SSH greeting, kept as the banner decoder keeps one
			"198.18.2.2:37777 tcp.open=37777",                                                                           // a port with no banner
		} {
			if !facts[want] {
				t.Errorf("%s: no %s in %v", file, want, slices.Sorted(maps.Keys(facts)))
			}
		}
		if first == nil {
			first = facts
		} else if !maps.Equal(facts, first) {
			t.Errorf("%s and camsim-lab.json differ:\n%v\n%v", file, slices.Sorted(maps.Keys(facts)), slices.Sorted(maps.Keys(first)))
		}
	}
}

// TestMasscanOtherStatuses: the lines masscan writes for a closed port
// (--show closed), a host a ping or ARP found (ICMP and ARP, port 0) and a
// UDP port are its output too, read as saying nothing of a TCP port, not
// skipped as unreadable.
func TestMasscanOtherStatuses(t *testing.T) {
	for name, in := range map[string]string{
		"list": "#masscan\nclosed tcp 81 198.18.2.6 1796686669\nup arp 0 198.18.2.6 1796686669\nopen icmp 0 198.18.2.6 1796686669\n" +
			"open udp 161 198.18.2.6 1796686669\nopen tcp 80 198.18.2.6 1796686669\n# end\n",
		"json": "[\n" + `{   "ip": "198.18.2.6",   "timestamp": "1796686659", "ports": [ {"port": 0, "proto": "icmp", "status": "open", "reason": "none", "ttl": 63} ] }` +
			"\n,\n" + `{   "ip": "198.18.2.6",   "timestamp": "1796686659", "ports": [ {"port": 80, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 63} ] }` + "\n]\n",
		"ndjson": `{"ip":"198.18.2.6","timestamp":"1796688631","port":0,"proto":"arp","rec_type":"status","data":{"status":"up","reason":"none","ttl":0}}` + "\n" +
			`{"ip":"198.18.2.6","timestamp":"1796688631","port":80,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":63}}` + "\n",
		"grepable": "# Masscan 1.3.2 scan initiated Tue Dec  8 00:09:53 2026\nTimestamp: 1796688593\tHost: 198.18.2.6 ()\tPorts: 0/open/icmp//ping//\n" +
			"Timestamp: 1796688593\tHost: 198.18.2.6 ()\tPorts: 80/open/tcp//http//\n",
	} {
		facts, st := masscanFacts(t, []byte(in))
		if st.Skipped != 0 {
			t.Errorf("%s: skipped %d: %v", name, st.Skipped, st.Problems)
		}
		if want := map[string]bool{"198.18.2.6:80 tcp.open=80": true}; !maps.Equal(facts, want) {
			t.Errorf("%s: %v, want %v", name, facts, want)
		}
	}
}

// TestMasscanIPv6: masscan prints an IPv6 address as ipaddress_fmt writes
// it in every form, and its XML calls it addrtype="ipv4" whatever it is.
func TestMasscanIPv6(t *testing.T) {
	for name, in := range map[string]string{
		"list":     "#masscan\nbanner tcp 22 2001:db8::6 1796686669 ssh SSH-2.0-dropbear\n",
		"json":     "[\n" + `{   "ip": "2001:db8::6",   "timestamp": "1796686659", "ports": [ {"port": 22, "proto": "tcp", "service": {"name": "ssh", "banner": "SSH-2.0-dropbear"} } ] }` + "\n]\n",
		"ndjson":   `{"ip":"2001:db8::6","timestamp":"1796688631","port":22,"proto":"tcp","rec_type":"banner","data":{"service_name":"ssh","banner":"SSH-2.0-dropbear"}}` + "\n",
		"grepable": "# Masscan 1.3.2 scan initiated\nHost: 2001:db8::6 ()\tPort: 22\tService: ssh\tBanner: SSH-2.0-dropbear\n",
		"xml": `<?xml version="1.0"?>` + "\r\n" + `<nmaprun scanner="masscan" start="1796686676" version="1.0-BETA"  xmloutputversion="1.03">` + "\r\n" +
			`<host endtime="1796686676"><address addr="2001:db8::6" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="63" /><service name="ssh" banner="SSH-2.0-dropbear"></service></port></ports></host>` + "\r\n</nmaprun>\r\n",
	} {
		facts, st := masscanFacts(t, []byte(in))
		if want := "2001:db8::6:22 tcp.banner_hex=5353482d322e302d64726f7062656172"; !facts[want] || st.Skipped != 0 {
			t.Errorf("%s: no %s in %v (skipped %v)", name, want, slices.Sorted(maps.Keys(facts)), st.Problems)
		}
	}
}

// TestMasscanJSONLaidOutAgain: masscan's JSON passed through jq (pretty
// printed, or compacted to one line) is read as masscan wrote it.
func TestMasscanJSONLaidOutAgain(t *testing.T) {
	for _, file := range []string{"camsim-lab.json", "camsim-lab.ndjson"} {
		b, err := os.ReadFile(masscanDir + file)
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if file == "camsim-lab.json" {
			if err := json.Unmarshal(b, &recs); err != nil {
				t.Fatal(err)
			}
		} else {
			for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
				recs = append(recs, l)
			}
		}
		pretty, _ := json.MarshalIndent(recs, "", "  ")
		compact, _ := json.Marshal(recs)
		plain, _ := masscanFacts(t, b)
		for name, in := range map[string][]byte{"pretty": pretty, "compact": compact} {
			facts, st := masscanFacts(t, in)
			if st.Records != len(recs) || st.Skipped != 0 || !maps.Equal(facts, plain) {
				t.Errorf("%s %s: %d records of %d, skipped %v; %v, want %v", file, name, st.Records, len(recs), st.Problems,
					slices.Sorted(maps.Keys(facts)), slices.Sorted(maps.Keys(plain)))
			}
		}
	}
}

// TestMasscanGzipped: a large scan's output kept gzipped is read as the
// plain file is, in each format.
func TestMasscanGzipped(t *testing.T) {
	for _, file := range []string{"camsim-lab.json", "camsim-lab.list", "camsim-lab.xml", "camsim-lab.ndjson", "camsim-lab.grep"} {
		b, err := os.ReadFile(masscanDir + file)
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(b)
		w.Close()
		plain, _ := masscanFacts(t, b)
		if zipped, _ := masscanFacts(t, gz.Bytes()); !maps.Equal(plain, zipped) {
			t.Errorf("%s gzipped: %v, plain %v", file, slices.Sorted(maps.Keys(zipped)), slices.Sorted(maps.Keys(plain)))
		}
	}
}

// TestMasscanOlderJSON reads the JSON older masscan versions write: a
// record a line with a comma after it, no brackets, and "{finished: 1}" at
// the end (as a scan-ingesting tool's README quotes it, code index file
// 23243612072); the banner is the lab's.
func TestMasscanOlderJSON(t *testing.T) {
	const banner = `{ "ip": "198.18.2.6", "timestamp": "1796686676", "ports": [ {"port": 80, "proto": "tcp", "service": {"name": "http", "banner": "HTTP/1.1 200 OK\u000d\u000aServer: App-webs/\u000d\u000a\u000d"} } ] }`
	in := `{ "ip": "192.168.0.1", "ports": [ {"port": 80, "proto": "tcp", "status": "open"} ] },` + "\n" + banner + ",\n{finished: 1}\n"
	facts, st := masscanFacts(t, []byte(in))
	if st.Records != 2 || st.Skipped != 0 {
		t.Errorf("%d records, %d skipped %v", st.Records, st.Skipped, st.Problems)
	}
	for _, want := range []string{"192.168.0.1:80 tcp.open=80", "198.18.2.6:80 http.server=App-webs/"} {
		if !facts[want] {
			t.Errorf("no %s in %v", want, facts)
		}
	}
}

// TestMasscanServices: the banners masscan names pop and imap are the
// server's greeting (proto-pop3.c and proto-imap4.c keep its bytes, and
// masscan-app.c names them so), and --capture html keeps the page as
// "html"; masscan's own summaries (ssl, vuln) are not the device's words.
func TestMasscanServices(t *testing.T) {
	in := "#masscan\n" +
		`banner tcp 110 198.18.2.9 1796686676 pop +OK Dovecot ready.\x0d\x0a` + "\n" +
		`banner tcp 143 198.18.2.9 1796686676 imap * OK IMAP4rev1 ready\x0d\x0a` + "\n" +
		`banner tcp 80 198.18.2.6 1796686676 html \x3cscript src=\x22/doc/script/lib/seajs/sea.js\x22\x3e\x3c/script\x3e` + "\n" +
		`banner tcp 443 198.18.2.6 1796686676 ssl TLS/1.2 cipher:0xc02f, www.hikvision.com` + "\n"
	facts, _ := masscanFacts(t, []byte(in))
	for _, want := range []string{
		"198.18.2.9:110 tcp.banner_hex=2b4f4b20446f7665636f742072656164792e0d0a",
		"198.18.2.9:143 tcp.banner_hex=2a204f4b20494d415034726576312072656164790d0a",
		`198.18.2.6:80 http.body=<script src="/doc/script/lib/seajs/sea.js"></script>`,
	} {
		if !facts[want] {
			t.Errorf("no %s in %v", want, slices.Sorted(maps.Keys(facts)))
		}
	}
	for f := range facts {
		if strings.HasPrefix(f, "198.18.2.6:443 ") && f != "198.18.2.6:443 tcp.open=443" {
			t.Errorf("masscan's ssl summary read as the device's: %s", f)
		}
	}
}

// TestMasscanGrepableBanners: -oG's banner lines name no protocol, so a UDP
// service's banner gives no open TCP port; a line of neither form is named
// and skipped.
func TestMasscanGrepableBanners(t *testing.T) {
	in := "# Masscan 1.3.2 scan initiated Tue Dec  8 00:09:53 2026\n" +
		"Timestamp: 1796688593\tHost: 198.18.2.10 ()\tPorts: 554/open/tcp//rtsp//\n" +
		"Timestamp: 1796688593\tHost: 198.18.2.10 ()\tPorts: 161/open/udp//snmp//\n" +
		"Host: 198.18.2.10 ()\tPort: 161\tService: snmp\tBanner: sysDescr:Linux\n" +
		"Host: 198.18.2.10 ()\tPort: 22\tService: ssh\tBanner: SSH-2.0-dropbear\n" +
		"Host: 198.18.2.10 ()\tStatus: Up\n" +
		"# Masscan done at Tue Dec  8 00:10:53 2026\n"
	facts, st := masscanFacts(t, []byte(in))
	if st.Records != 4 || st.Skipped != 1 || !strings.Contains(st.Problems[0], "line 6") {
		t.Errorf("records %d, skipped %d %v", st.Records, st.Skipped, st.Problems)
	}
	want := []string{"198.18.2.10:22 tcp.banner_hex=5353482d322e302d64726f7062656172", "198.18.2.10:22 tcp.open=22", "198.18.2.10:554 tcp.open=554"}
	for _, w := range want {
		if !facts[w] {
			t.Errorf("no %s in %v", w, slices.Sorted(maps.Keys(facts)))
		}
	}
	if facts["198.18.2.10:161 tcp.open=161"] {
		t.Errorf("a UDP banner read as an open TCP port: %v", slices.Sorted(maps.Keys(facts)))
	}
}

// TestMasscanKeepsWhatItCanRead: a line that is no record is named and
// skipped, the others read; a binary banner's bytes come back whole from
// each escaping.
func TestMasscanKeepsWhatItCanRead(t *testing.T) {
	in := "#masscan\nopen tcp 80 198.18.2.6 1796686669\nHost: 198.18.2.6 ()\tPorts: 80/open/tcp////\n" +
		`banner tcp 8000 198.18.2.5 1796686676 unknown \x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00` + "\n# end\n"
	facts, st := masscanFacts(t, []byte(in))
	if st.Records != 2 || st.Skipped != 1 || !strings.Contains(st.Problems[0], "line 3") {
		t.Errorf("records %d, skipped %d %v", st.Records, st.Skipped, st.Problems)
	}
	if !facts["198.18.2.5:8000 tcp.banner_hex=000000100000001e0000001e00000000"] || !facts["198.18.2.6:80 tcp.open=80"] {
		t.Errorf("got %v", facts)
	}
	for in, want := range map[string]string{`a\x5cb\x22`: `a\b"`, `\x4`: `\x4`, `\xzz`: `\xzz`, `\x80\xff`: "\x80\xff"} {
		if got := string(unescapeMasscan(in)); got != want {
			t.Errorf("unescapeMasscan(%q) = %q, want %q", in, got, want)
		}
	}
	if got := jsonBytes("\u0000\u0080\u00ff\u4e2d"); !bytes.Equal(got, []byte("\x00\x80\xff中")) {
		t.Errorf("jsonBytes: %q", got)
	}
}

func TestMasscanRefusesOtherInput(t *testing.T) {
	for name, in := range map[string]string{
		"observation lines": `{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}` + "\n",
		"a Shodan banner":   `{"ip_str":"10.0.0.5","port":80,"data":"HTTP/1.1 200 OK\r\n"}` + "\n",
		"text":              "hello\n",
		"empty":             "",
	} {
		if _, err := Masscan(strings.NewReader(in), func(observe.Observation) {}); !errors.Is(err, ErrNotMasscan) {
			t.Errorf("%s: err %v, want ErrNotMasscan", name, err)
		}
	}
	// -oB's first record, as out-binary.c writes it (a 99-byte record
	// padded with zeros): refused with the command that converts it.
	binary := "masscan/1.1\ns:1\n" + strings.Repeat("\x00", 85)
	if _, err := Masscan(strings.NewReader(binary), func(observe.Observation) {}); !errors.Is(err, ErrMasscanBinary) {
		t.Errorf("binary output: err %v, want ErrMasscanBinary", err)
	}
}

func FuzzMasscan(f *testing.F) {
	for _, file := range []string{"camsim-lab.json", "camsim-lab.list", "camsim-lab.xml", "camsim-lab.ndjson", "camsim-lab.grep"} {
		b, err := os.ReadFile(masscanDir + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("#masscan\nbanner tcp 80 10.0.0.1 1 http HTTP/1.0 200 OK\\x0d\\x0aServer: x\\x0d\\x0a\\x0d\n"))
	w.Close()
	f.Add(gz.Bytes())
	f.Add([]byte("masscan/1.1\ns:1\n"))
	f.Add([]byte("# Masscan 1.3.2\nHost: ::1 ()\tPort: 22\tService: ssh\tBanner: SSH-2.0-x\n"))
	f.Add([]byte(`{"ip":"::1","timestamp":"1","port":80,"proto":"tcp","rec_type":"banner","data":{"service_name":"html","banner":"\u003ctitle\u003ex"}}` + "\n"))
	f.Add([]byte("{finished: 1}\n"))
	f.Add([]byte(`banner tcp 443 10.0.0.1 1 X509 MIIB` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Masscan(bytes.NewReader(b), func(observe.Observation) {})
	})
}

// BenchmarkMasscanList reads the lab scan's list output repeated for 4,096
// scans' worth of lines, as a /16's banner scan is.
func BenchmarkMasscanList(b *testing.B) {
	one, err := os.ReadFile(masscanDir + "camsim-lab.list")
	if err != nil {
		b.Fatal(err)
	}
	in := bytes.Repeat(one, 4096)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Masscan(bytes.NewReader(in), func(observe.Observation) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMasscanCertificate: masscan prints the certificate a TLS port sent
// as its DER in base64 under "X509"; its subject is read as a scan reads
// it. (The lab's devices answer masscan's older TLS hello with a protocol_version alert, so the recorded
// output holds none.) The certificate is made here with the default subject
// of Hikvision recorders (recog x509_subjects.xml "HIKVISION DVR").
func TestMasscanCertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	subject := pkix.Name{CommonName: "www.hikvision.com", OrganizationalUnit: []string{"DVRNVR"}, Organization: []string{"HIKVISION"},
		Locality: []string{"HangZhou"}, Province: []string{"ZheJiang"}, Country: []string{"CN"}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: subject, Issuer: subject, NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	line := "banner tcp 443 198.18.2.7 1796686676 X509 " + base64.StdEncoding.EncodeToString(der) + "\n"
	facts, _ := masscanFacts(t, []byte(line))
	want := "198.18.2.7:443 tls.subject=CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"
	if !facts[want] {
		t.Errorf("no %s in %v", want, facts)
	}
}

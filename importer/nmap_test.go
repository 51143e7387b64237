package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// labXML is real nmap 7.93 output against the camsim devices of a namespace
// lab (testdata/import/SOURCES.md says how it was made).
const labXML = "../testdata/import/nmap/camsim-lab.xml"

// readStream runs an importer of one stream over b and keeps what it emits.
func readStream(read func(io.Reader, Emit) (Stats, error), b []byte) ([]observe.Observation, Stats, error) {
	var obs []observe.Observation
	st, err := read(bytes.NewReader(b), func(o observe.Observation) { obs = append(obs, o) })
	return obs, st, err
}

func readNmap(t testing.TB, b []byte) ([]observe.Observation, Stats, error) {
	return readStream(NmapXML, b)
}

func labObservations(t *testing.T) []observe.Observation {
	t.Helper()
	b, err := os.ReadFile(labXML)
	if err != nil {
		t.Fatal(err)
	}
	obs, st, err := readNmap(t, b)
	if err != nil || st.Skipped != 0 || st.Records == 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	return obs
}

type want struct {
	ip, mac string
	port    uint16
	key     string
	value   string // a prefix of the value
}

func has(obs []observe.Observation, w want) bool {
	for _, o := range obs {
		if o.IP.String() == w.ip && o.Port == w.port && o.Key == w.key && strings.HasPrefix(o.Value, w.value) &&
			(w.mac == "" || o.MAC.String() == w.mac) {
			return true
		}
	}
	return false
}

func TestNmapXMLFromTheLab(t *testing.T) {
	obs := labObservations(t)
	for _, w := range []want{
		// The MAC nmap learnt by ARP binds the address.
		{"198.18.0.6", "58:50:ed:1f:e3:85", 0, "arp.mac", "58:50:ed:1f:e3:85"},
		{"198.18.0.6", "58:50:ed:1f:e3:85", 80, "tcp.open", "80"},
		// The service fingerprint's raw 401 answer, through the HTTP decoder, MAC attached.
		{"198.18.0.6", "58:50:ed:1f:e3:85", 80, "http.www_authenticate", `Digest qop="auth", realm="IP Camera(52914)"`},
		{"198.18.0.6", "58:50:ed:1f:e3:85", 80, "http.server", "App-webs/"},
		// http-headers output (no status line) through the same decoder.
		{"198.18.0.4", "4c:11:bf:c2:0b:9d", 80, "http.header_names", "CONNECTION,Date,Last-Modified,Etag,CONTENT-LENGTH,P3P,CACHE-CONTROL,CONTENT-TYPE"},
		{"198.18.0.4", "4c:11:bf:c2:0b:9d", 80, "http.title", "WEB SERVICE"},
		{"198.18.0.10", "", 80, "http.title", "NETSurveillance WEB"},
		// rtsp-methods is the Public header of the OPTIONS answer.
		{"198.18.0.4", "", 554, "rtsp.public", "OPTIONS, DESCRIBE, ANNOUNCE"},
		// ssl-cert's PEM through the certificate decoder.
		{"198.18.0.7", "bc:ad:28:4a:81:10", 443, "tls.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION"},
		// nmap's own service guess keeps its own keys.
		{"198.18.0.5", "", 8000, "nmap.product", "Hikvision IPCam control port"},
		{"198.18.0.10", "", 80, "nmap.cpe", "cpe:/a:xiongmai_technologies:uc-httpd:1.0.0"},
		// An answer no decoder knows becomes a banner.
		{"198.18.0.10", "", 34567, "tcp.banner_hex", "ff010000"},
		// Broadcast scripts: replies keyed by the multicast group, device from the content.
		{"198.18.0.2", "", 0, "wsd.xaddrs", "http://198.18.0.2/onvif/device_service"},
		{"198.18.0.2", "", 0, "wsd.types", "n:NetworkVideoTransmitter tds:Device"},
		{"198.18.0.6", "", 0, "mdns.service", "_CGI._tcp"},
		{"198.18.0.3", "", 0, "mdns.service", "_axis-video._tcp"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		switch {
		case !observe.Known(o.Key):
			t.Errorf("key %q is not in the registry (observe/keys.go)", o.Key)
		case o.IP.IsMulticast():
			t.Errorf("observation about a multicast group: %+v", o)
		case o.Key == "nmap.service" && o.Value == "dhanalakshmi":
			t.Errorf("a service name nmap only guessed from the port table was imported: %+v", o)
		case o.Key == "http.status" && o.Port == 80 && o.IP.String() == "198.18.0.4":
			t.Errorf("http-headers has no status line, yet a status was emitted: %+v", o)
		}
	}
}

func TestNmapXMLRefusesOtherInput(t *testing.T) {
	for _, in := range []string{"", "not xml", `<?xml version="1.0"?><html></html>`, `{"ip":"10.0.0.1"}`} {
		if _, _, err := readNmap(t, []byte(in)); !errors.Is(err, ErrNotNmapXML) {
			t.Errorf("%q: err %v", in, err)
		}
	}
}

// A scan cut short still gives the hosts before the cut, and says it was cut.
func TestNmapXMLCutShort(t *testing.T) {
	b, err := os.ReadFile(labXML)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(b, []byte(`<host starttime=`))
	cut = bytes.Index(b[cut+1:], []byte(`<host starttime=`)) + cut + 1 + 40 // inside the second host
	obs, st, err := readNmap(t, b[:cut])
	if err != nil || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "XML ends early") {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	if !has(obs, want{"198.18.0.2", "9c:8e:cd:0e:42:17", 554, "rtsp.server", "Rtsp Server/3.0"}) {
		t.Error("the host before the cut was lost")
	}
}

func TestServiceResponsesUnescape(t *testing.T) {
	fp := `SF-Port80-TCP:V=7.93%I=7%r(GetRequest,1A,"HTTP/1\.1\x20200\x20OK\r\n\r\n\0")%r(NULL,2,"\xff\"");`
	got := serviceResponses(fp)
	if len(got) != 2 || string(got[0]) != "HTTP/1.1 200 OK\r\n\r\n\x00" || string(got[1]) != "\xff\"" {
		t.Errorf("got %q", got)
	}
	// Unterminated: nothing invented.
	if got := serviceResponses(`%r(GetRequest,5,"HTTP/`); len(got) != 0 {
		t.Errorf("unterminated string gave %q", got)
	}
}

func FuzzNmapXML(f *testing.F) {
	b, err := os.ReadFile(labXML)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/3])
	f.Add([]byte(`<nmaprun><prescript><script id="broadcast-wsdd-discover" output="&#xa;  Devices&#xa;    10.0.0.1&#xa;        Address: http://[::1&#xa;"/></prescript></nmaprun>`))
	f.Add([]byte(`<nmaprun><host><address addr="10.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="80"><state state="open"/><service servicefp="%r(X,1,&quot;\x" method="probed"/></port></ports></host></nmaprun>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		NmapXML(bytes.NewReader(in), func(o observe.Observation) {
			if o.Key == "" || !o.IP.IsValid() {
				t.Fatalf("observation without key or address: %+v", o)
			}
		})
	})
}

// nmap's snmp-sysdescr script against a net-snmp agent answering a
// Hikvision recorder's sysDescr (testdata/import/SOURCES.md): the sysDescr
// is kept, the uptime line nmap appends is not.
func TestNmapXMLSNMPSysDescr(t *testing.T) {
	b, err := os.ReadFile("../testdata/import/nmap/snmp-sysdescr-lab.xml")
	if err != nil {
		t.Fatal(err)
	}
	obs, st, err := readNmap(t, b)
	if err != nil || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	var got []string
	for _, o := range obs {
		if o.Key == "snmp.sys_descr" {
			if o.IP.String() != "127.0.0.1" || o.Port != 161 {
				t.Errorf("sysDescr about %v port %d", o.IP, o.Port)
			}
			got = append(got, o.Value)
		}
	}
	if len(got) != 1 || got[0] != "Hikvision company products" {
		t.Fatalf("snmp.sys_descr = %q", got)
	}
	// A sysDescr of several lines keeps them; only nmap's last uptime line goes.
	multi := bytes.Replace(b, []byte(`output="Hikvision company products&#xa;`), []byte(`output="Cisco IOS Software&#xa;Technical Support: http://www.cisco.com/techsupport&#xa;`), 1)
	obs, _, err = readNmap(t, multi)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.Key == "snmp.sys_descr" && o.Value != "Cisco IOS Software\nTechnical Support: http://www.cisco.com/techsupport" {
			t.Errorf("multi-line sysDescr read as %q", o.Value)
		}
	}
}

// nmapRun writes a run of hosts, each with ports open ports.
func nmapRun(first, hosts, ports int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<nmaprun scanner="nmap" start="1700000000">` + "\n")
	for h := range hosts {
		b.WriteString(nmapHostXML(first+h, ports))
	}
	b.WriteString(`<runstats><finished time="1700000100"/></runstats></nmaprun>` + "\n")
	return b.String()
}

// nmapHostXML writes host n (10.0.0.n for n < 256) with ports open ports.
func nmapHostXML(n, ports int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<host starttime="1700000001"><status state="up"/><address addr="10.%d.%d.%d" addrtype="ipv4"/><ports>`, n>>16&255, n>>8&255, n&255)
	for p := range ports {
		fmt.Fprintf(&b, `<port protocol="tcp" portid="%d"><state state="open"/><service name="http" product="App-webs" method="probed"/></port>`, 1+p)
	}
	b.WriteString("</ports></host>\n")
	return b.String()
}

// The file is read to its end, host by host, whatever its length: here
// some hundred times the bound of one element (lowered for the test), and
// two runs written one after the other. A host over the bound, or elements
// nested deeper than nmap writes, end the reading there, and say so; the
// hosts before stand.
func TestNmapXMLReadToItsEnd(t *testing.T) {
	defer func(n int64) { maxNmapElement = n }(maxNmapElement)
	maxNmapElement = 16 << 10
	long := nmapRun(1, 6000, 2) + nmapRun(6001, 10, 2)
	if len(long) < 100*int(maxNmapElement) {
		t.Fatalf("only %d bytes", len(long))
	}
	obs, st, err := readNmap(t, []byte(long))
	if err != nil || st.Records != 6010 || st.Skipped != 0 || len(st.Stopped) != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	if !has(obs, want{"10.0.23.122", "", 2, "nmap.product", "App-webs"}) { // host 6010, the second run's last
		t.Error("the last host was not read")
	}

	// The second host has 1,000 ports, far over the bound.
	over := strings.Replace(nmapRun(1, 3, 2), nmapHostXML(2, 2), nmapHostXML(2, 1000), 1)
	obs, st, err = readNmap(t, []byte(over))
	if err != nil || st.Records == 0 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "the input was cut there: an element longer than 16 KiB") {
		t.Fatalf("over the bound: err %v, stats %+v", err, st)
	}
	if !has(obs, want{"10.0.0.1", "", 1, "tcp.open", "1"}) || has(obs, want{"10.0.0.3", "", 1, "tcp.open", "1"}) {
		t.Error("want the first host, and none after the cut")
	}

	deep := strings.Replace(nmapRun(1, 2, 1), "<status", strings.Repeat("<x>", 100)+strings.Repeat("</x>", 100)+"<status", 1)
	obs, st, err = readNmap(t, []byte(deep))
	if err != nil || len(obs) != 0 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "nested more than 64 deep") {
		t.Errorf("nested: err %v, stats %+v", err, st)
	}

	// A host nmap would not write (a start time that is no number) is
	// skipped, and the next one read.
	bad := strings.Replace(nmapRun(1, 2, 1), `starttime="1700000001"`, `starttime="soon"`, 1)
	obs, st, err = readNmap(t, []byte(bad))
	if err != nil || st.Skipped != 1 || len(st.Stopped) != 0 || !has(obs, want{"10.0.0.2", "", 1, "tcp.open", "1"}) {
		t.Errorf("bad host: err %v, stats %+v", err, st)
	}
}

package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// nessusDir holds real public Nessus exports, cut (DefectDojo's test
// files), and the camsim lab's answers in Nessus's output formats
// (testdata/import/SOURCES.md).
const nessusDir = "../testdata/import/nessus/"

func readNessusFile(t testing.TB, name string) ([]observe.Observation, Stats) {
	t.Helper()
	b, err := os.ReadFile(nessusDir + name)
	if err != nil {
		t.Fatal(err)
	}
	obs, st, err := readStream(Nessus, b)
	if err != nil || st.Skipped != 0 || st.Records == 0 || len(st.Stopped) != 0 {
		t.Fatalf("%s: err %v, stats %+v", name, err, st)
	}
	return obs, st
}

// nessusKeys are the keys a Nessus export may give: what the devices said,
// never Nessus's conclusions (operating system, CPEs, findings).
var nessusKeys = map[string]bool{"arp.mac": true, "tcp.open": true, "http.server": true, "http.header_names": true,
	"http.body": true, "http.title": true, "tls.subject": true, "tls.issuer": true, "tcp.banner_hex": true,
	"telnet.banner": true, "snmp.sys_descr": true}

func onlyDeviceKeys(t *testing.T, obs []observe.Observation) {
	t.Helper()
	for _, o := range obs {
		if !nessusKeys[o.Key] && !strings.HasPrefix(o.Key, "http.") {
			t.Errorf("key %s from a Nessus export: %+v", o.Key, o)
		}
		if o.Probe != "nessus" || !o.IP.IsValid() {
			t.Errorf("observation %+v", o)
		}
	}
}

// Real exports (DefectDojo's test files, cut to a few hosts): the address
// from host-ip (the ReportHost is named by its host name), the MAC, the
// Server header from 10107 and the headers of 24260, in the older layout
// and in a newer one laid out again with every line indented.
func TestNessusRealExports(t *testing.T) {
	obs, st := readNessusFile(t, "defectdojo-v-unknown-cut.nessus")
	if st.Records != 3 {
		t.Errorf("records %d, want 3", st.Records)
	}
	onlyDeviceKeys(t, obs)
	for _, w := range []want{
		{"10.31.112.29", "00:50:56:81:01:e3", 0, "arp.mac", "00:50:56:81:01:e3"},
		{"10.31.112.29", "00:50:56:81:01:e3", 80, "tcp.open", "80"},
		{"10.31.112.29", "00:50:56:81:01:e3", 80, "http.server", "Microsoft-IIS/7.5"},
		{"10.31.112.29", "", 80, "http.header_names", "Content-Type,Last-Modified,Accept-Ranges,ETag,Server,X-Powered-By,Date,Content-Length"},
		{"10.31.112.22", "", 10002, "http.server", "Microsoft-HTTPAPI/2.0"},
	} {
		if !has(obs, w) {
			t.Errorf("missing %+v", w)
		}
	}
	if at := obs[0].Time; !at.Equal(time.Date(2013, 7, 1, 11, 33, 11, 0, time.UTC)) {
		t.Errorf("time %v, want HOST_START", at)
	}

	obs, _ = readNessusFile(t, "defectdojo-cvssv3-cut.nessus")
	onlyDeviceKeys(t, obs)
	for _, w := range []want{
		{"44.228.249.3", "", 80, "http.server", "nginx/1.19.0"},
		{"44.228.249.3", "", 80, "http.header_names", "Server,Date,Content-Type,Transfer-Encoding,Connection,X-Powered-By"},
	} {
		if !has(obs, w) {
			t.Errorf("missing %+v", w)
		}
	}
}

// The lab's devices in Nessus's formats: the certificate names as the
// certificate decoder writes them, the headers through the HTTP decoder.
func TestNessusCamsimLab(t *testing.T) {
	obs, st := readNessusFile(t, "camsim-lab.nessus")
	if st.Records != 9 {
		t.Errorf("records %d, want the lab's 9 hosts", st.Records)
	}
	onlyDeviceKeys(t, obs)
	for _, w := range []want{
		{"198.18.0.7", "bc:ad:28:4a:81:10", 443, "tls.subject", "CN=www.hikvision.com,O=HIKVISION,ST=ZheJiang,C=CN"},
		{"198.18.0.7", "bc:ad:28:4a:81:10", 443, "tls.issuer", "CN=www.hikvision.com,O=HIKVISION,ST=ZheJiang,C=CN"},
		{"198.18.0.6", "58:50:ed:1f:e3:85", 80, "http.server", "App-webs/"},
		{"198.18.0.4", "4c:11:bf:c2:0b:9d", 80, "http.header_names", "CONNECTION,Date,Last-Modified,Etag,CONTENT-LENGTH,P3P,CACHE-CONTROL,CONTENT-TYPE"},
		{"198.18.0.10", "", 80, "http.server", "uc-httpd 1.0.0"},
		{"198.18.0.5", "58:8f:cf:3a:11:07", 8000, "tcp.open", "8000"},
	} {
		if !has(obs, w) {
			t.Errorf("missing %+v", w)
		}
	}
}

// nessusDoc wraps ReportHosts in an export's root and Report.
func nessusDoc(hosts ...string) string {
	return `<?xml version="1.0" ?>` + "\n<NessusClientData_v2>\n<Policy><policyName>p</policyName></Policy>\n<Report name=\"r\">\n" +
		strings.Join(hosts, "\n") + "\n</Report>\n</NessusClientData_v2>\n"
}

// nessusHostXML is one ReportHost with the given tags and items.
func nessusHostXML(ip string, tags map[string]string, items ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<ReportHost name="%s"><HostProperties><tag name="host-ip">%s</tag>`, ip, ip)
	for k, v := range tags {
		fmt.Fprintf(&b, `<tag name="%s">%s</tag>`, k, v)
	}
	b.WriteString("</HostProperties>\n" + strings.Join(items, "\n") + "\n</ReportHost>")
	return b.String()
}

func nessusItemXML(port int, proto, plugin, output string) string {
	var esc bytes.Buffer
	xml.EscapeText(&esc, []byte(output))
	return fmt.Sprintf(`<ReportItem port="%d" svc_name="x" protocol="%s" severity="0" pluginID="%s" pluginName="n"><plugin_output>%s</plugin_output></ReportItem>`,
		port, proto, plugin, esc.String())
}

// The banner plugins, in the formats Tenable's plugins write (telnet.nasl's
// snip lines, ftpserver_detect_type_nd_version.nasl's "The remote FTP banner
// is :"; 10267's and 10800's from published outputs, SOURCES.md): each read
// as the greeting or answer a scan reads. The MAC list's zero MAC is no
// device's, and Nessus's own conclusions give nothing.
func TestNessusBannersAndSNMP(t *testing.T) {
	snip := strings.Repeat("-", 30) + " snip " + strings.Repeat("-", 30)
	doc := nessusDoc(nessusHostXML("192.0.2.7", map[string]string{"mac-address": "00:00:00:00:00:00\n9c:8e:cd:0e:42:17", "operating-system": "Linux Kernel 2.6"},
		nessusItemXML(23, "tcp", "10281", "Here is the banner from the remote Telnet server :\n\n"+snip+"\n(none) login: \n"+snip+"\n"),
		nessusItemXML(21, "tcp", "10092", "\nThe remote FTP banner is :\n\n220 ProFTPD Server ready."),
		nessusItemXML(22, "tcp", "10267", "SSH version : SSH-2.0-Cisco-1.25\nSSH supported authentication : keyboard-interactive,password\n"),
		nessusItemXML(161, "udp", "10800", "System information :\n sysDescr     : Lantronix UDS 0628162 V5.8.0.1 (041102)\n sysObjectID  : \n sysUptime    : 0d 0h 0m 3s\n"),
		nessusItemXML(8443, "tcp", "10863", "\nSubject Name: \n\nCountry: US\nOrganization: Example, Inc.\nOrganization Unit: R+D\nCommon Name: cam.example.com\n\nIssuer Name: \n\nCountry: US\nCommon Name: Example CA\n\nSerial Number: 01 \n"),
		nessusItemXML(0, "tcp", "11936", "Remote operating system : Linux Kernel 2.6\nConfidence level : 65"),
		nessusItemXML(80, "tcp", "97833", "The remote web server type is :\n\nApp-webs/"), // a finding, not 10107
	))
	obs, st, err := readStream(Nessus, []byte(doc))
	if err != nil || st.Records != 1 || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	onlyDeviceKeys(t, obs)
	hexOf := func(s string) string { return fmt.Sprintf("%x", s) }
	for _, w := range []want{
		{"192.0.2.7", "9c:8e:cd:0e:42:17", 0, "arp.mac", "9c:8e:cd:0e:42:17"},
		{"192.0.2.7", "9c:8e:cd:0e:42:17", 23, "telnet.banner", "(none) login:"},
		{"192.0.2.7", "", 21, "tcp.banner_hex", hexOf("220 ProFTPD Server ready.\r\n")},
		{"192.0.2.7", "", 22, "tcp.banner_hex", hexOf("SSH-2.0-Cisco-1.25\r\n")},
		{"192.0.2.7", "", 161, "snmp.sys_descr", "Lantronix UDS 0628162 V5.8.0.1 (041102)"},
		{"192.0.2.7", "", 80, "tcp.open", "80"},
		// A comma or plus inside a value is escaped, not read as a separator.
		{"192.0.2.7", "", 8443, "tls.subject", `CN=cam.example.com,OU=R\+D,O=Example\, Inc.,C=US`},
		{"192.0.2.7", "", 8443, "tls.issuer", "CN=Example CA,C=US"},
	} {
		if !has(obs, w) {
			t.Errorf("missing %+v", w)
		}
	}
	for _, o := range obs {
		if o.Key == "arp.mac" && o.Value == "00:00:00:00:00:00" || o.Key == "http.server" || o.Port == 161 && o.Key == "tcp.open" {
			t.Errorf("unwanted %+v", o)
		}
	}
}

func TestNessusRefusesOtherInput(t *testing.T) {
	lab, err := os.ReadFile(labXML)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"", "not xml", `<?xml version="1.0"?><html></html>`, `{"ip":"10.0.0.1"}`, string(lab),
		`<NessusClientData><Report/></NessusClientData>`} {
		if _, _, err := readStream(Nessus, []byte(in)); !errors.Is(err, ErrNotNessus) {
			t.Errorf("%.40q: err %v", in, err)
		}
	}
}

// An export cut inside a host keeps the hosts before, and says where.
func TestNessusCutShort(t *testing.T) {
	b, err := os.ReadFile(nessusDir + "camsim-lab.nessus")
	if err != nil {
		t.Fatal(err)
	}
	first := bytes.Index(b, []byte("<ReportHost "))
	cut := bytes.Index(b[first+1:], []byte("<ReportHost ")) + first + 1 + 80
	obs, st, err := readStream(Nessus, b[:cut])
	if err != nil || st.Records != 1 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "XML ends early") {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	if !has(obs, want{"198.18.0.2", "9c:8e:cd:0e:42:17", 80, "http.header_names", "CONNECTION"}) {
		t.Error("the host before the cut was lost")
	}
}

// Hostile XML: a DTD's entities are never expanded (an unknown entity ends
// the reading, the hosts before kept), an element over the bound or nested
// too deep ends it too, and a host without an address is skipped.
func TestNessusHostile(t *testing.T) {
	good := nessusHostXML("10.0.0.1", nil, nessusItemXML(80, "tcp", "10107", "The remote web server type is :\n\nApp-webs/"))
	entity := nessusHostXML("10.0.0.2", nil, `<ReportItem port="80" protocol="tcp" pluginID="10107"><plugin_output>The remote web server type is :&#10;&#10;&xxe;</plugin_output></ReportItem>`)
	for name, dtd := range map[string]string{
		"internal": `<!DOCTYPE NessusClientData_v2 [<!ENTITY xxe "DNVRS-Webs">]>`,
		"external": `<!DOCTYPE NessusClientData_v2 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
		"laughs":   `<!DOCTYPE NessusClientData_v2 [<!ENTITY a "aaaaaaaaaa"><!ENTITY xxe "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`,
	} {
		doc := strings.Replace(nessusDoc(good, entity), "<NessusClientData_v2>", dtd+"\n<NessusClientData_v2>", 1)
		obs, st, err := readStream(Nessus, []byte(doc))
		if err != nil || st.Records != 1 || len(st.Stopped) != 1 {
			t.Errorf("%s: err %v, stats %+v", name, err, st)
		}
		if !has(obs, want{"10.0.0.1", "", 80, "http.server", "App-webs/"}) {
			t.Errorf("%s: the host before the entity was lost", name)
		}
		for _, o := range obs {
			if o.IP.String() == "10.0.0.2" || strings.Contains(o.Value, "DNVRS") || strings.Contains(o.Value, "root:") || strings.Contains(o.Value, "aaaa") {
				t.Errorf("%s: entity expanded: %+v", name, o)
			}
		}
	}

	defer func(n int64) { maxNmapElement = n }(maxNmapElement)
	maxNmapElement = 16 << 10
	big := nessusHostXML("10.0.0.3", nil, nessusItemXML(80, "tcp", "24260", strings.Repeat("x", 20<<10)))
	obs, st, err := readStream(Nessus, []byte(nessusDoc(good, big, good)))
	if err != nil || st.Records != 1 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "an element longer than 16 KiB, which Nessus does not write") {
		t.Errorf("over the bound: err %v, stats %+v", err, st)
	}
	if !has(obs, want{"10.0.0.1", "", 80, "http.server", "App-webs/"}) {
		t.Error("over the bound: the host before was lost")
	}
	deep := strings.Replace(good, "<HostProperties>", strings.Repeat("<x>", 100)+strings.Repeat("</x>", 100)+"<HostProperties>", 1)
	if _, st, err := readStream(Nessus, []byte(nessusDoc(deep))); err != nil || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "nested more than 64 deep") {
		t.Errorf("nested: err %v, stats %+v", err, st)
	}
	noAddr := strings.Replace(good, `<tag name="host-ip">10.0.0.1</tag>`, "", 1)
	noAddr = strings.Replace(noAddr, `name="10.0.0.1"`, `name="web01"`, 1)
	obs, st, err = readStream(Nessus, []byte(nessusDoc(noAddr, nessusHostXML("10.0.0.4", nil))))
	if err != nil || st.Skipped != 1 || st.Records != 2 || len(obs) != 0 {
		t.Errorf("no address: err %v, stats %+v, %d observations", err, st, len(obs))
	}
}

func FuzzNessus(f *testing.F) {
	for _, name := range []string{"camsim-lab.nessus", "defectdojo-cvssv3-cut.nessus"} {
		b, err := os.ReadFile(nessusDir + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Add([]byte(nessusDoc(nessusHostXML("10.0.0.1", map[string]string{"mac-address": "x\n00:11:22:33:44:55"},
		nessusItemXML(443, "tcp", "10863", "Subject Name: \n\nCommon Name: a, b+c\n\nIssuer Name:"),
		nessusItemXML(80, "tcp", "24260", "Headers :\n\n  Server: x\nResponse Body :\n\n<title>t</title>"),
		nessusItemXML(23, "tcp", "10281", strings.Repeat("-", 30)+" snip ")))))
	f.Fuzz(func(t *testing.T, in []byte) {
		Nessus(bytes.NewReader(in), func(o observe.Observation) {
			if o.Key == "" || !o.IP.IsValid() {
				t.Fatalf("observation without key or address: %+v", o)
			}
		})
	})
}

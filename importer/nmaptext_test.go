package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/observe"
)

// Real nmap normal output as published (testdata/import/nmap-text/SOURCES.md).
const textDir = "../testdata/import/nmap-text/"

func readText(t testing.TB, b []byte) ([]observe.Observation, Stats, error) {
	t.Helper()
	var obs []observe.Observation
	st, err := Nmap(bytes.NewReader(b), func(o observe.Observation) { obs = append(obs, o) }, signedProduct)
	return obs, st, err
}

// signedProduct is camsweep's isProduct: a product an nmap.product
// signature reads.
func signedProduct(text string) bool {
	db, err := fingerprint.Default()
	return err == nil && db.Reads("nmap.product", text)
}

func textFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(textDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Each published scan gives what a reader of it sees: the ports, the
// services nmap named, the answers its scripts and fingerprints hold, and
// nothing nmap only guessed.
func TestNmapTextRealFiles(t *testing.T) {
	for _, c := range []struct {
		file    string
		skipped int
		want    []want
		not     []want // prefix "" matches any value
	}{{
		// A Hikvision NVR in a write-up: nmap's product for port 8000, the
		// HiSilicon kernel in the UPnP server's extra information.
		file: "hikvision-nvr-writeup.txt",
		want: []want{
			{"192.168.2.109", "", 8000, "tcp.open", "8000"},
			{"192.168.2.109", "", 8000, "nmap.service", "ipcam"},
			{"192.168.2.109", "", 8000, "nmap.product", "Hikvision IPCam control port"},
			{"192.168.2.109", "", 49152, "nmap.extrainfo", "Linux 3.10.0_hi3536; UPnP 1.0"},
		},
		// "Webs", "Apple AirTunes rtspd", "Portable SDK for UPnP devices 1.6.18":
		// products the column cannot be split at; none is made up.
		not: []want{{"192.168.2.109", "", 80, "nmap.product", ""}, {"192.168.2.109", "", 554, "nmap.product", ""},
			{"192.168.2.109", "", 49152, "nmap.product", ""}, {"192.168.2.109", "", 49152, "nmap.version", ""}},
	}, {
		// A Xiongmai XM530 camera (Besder), -oN as written: fingerprint-strings
		// and the SF fingerprint of port 80, H264DVR rtspd 1.0 on 554.
		file: "besder-xiongmai-xm530.txt",
		want: []want{
			{"192.168.0.102", "", 80, "http.title", "NETSurveillance WEB"},
			{"192.168.0.102", "", 80, "http.status", "200"},
			{"192.168.0.102", "", 80, "http.header_names", "Content-type,Expires"},
			{"192.168.0.102", "", 554, "nmap.product", "H264DVR rtspd"},
			{"192.168.0.102", "", 554, "nmap.version", "1.0"},
			{"192.168.0.102", "", 554, "rtsp.public", "OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER"},
			{"192.168.0.102", "", 34567, "tcp.open", "34567"},
			{"192.168.0.102", "", 0, "nmap.devicetype", "storage-misc"},
		},
		// dhanalakshmi? and ospf-lite? are nmap's guesses from the port number.
		not: []want{{"192.168.0.102", "", 34567, "nmap.service", ""}, {"192.168.0.102", "", 8899, "nmap.service", ""}},
	}, {
		// A GIBSSI camera: fingerprint-strings rebuilt into the answers they
		// came from, the telnet greeting as a banner; the paste ends inside
		// the last block, which keeps what it had.
		file: "zsgx1hacks-35-gibssi.txt",
		want: []want{
			{"192.168.2.3", "", 8001, "http.server", "TAS-Tech IPCam"},
			{"192.168.2.3", "", 8001, "http.status", "404"},
			{"192.168.2.3", "", 23, "telnet.banner", "CAMERA login:"},
			{"192.168.2.3", "", 7103, "nmap.service", "tcpwrapped"},
		},
		not: []want{{"192.168.2.3", "", 5050, "nmap.service", ""}, {"192.168.2.3", "", 843, "nmap.service", ""}},
	}, {
		// A Dahua-made camera (HiSilicon Hi3518, Dahua's sonia) in a write-up,
		// -oN: the SF fingerprint's realm, the MAC after it binding both; a
		// failed rtsp-methods says nothing of the device.
		file: "dahua-hi3518-camera-writeup.txt",
		want: []want{
			{"192.168.8.236", "e0:50:8b:35:74:02", 554, "rtsp.www_authenticate", `Basic realm="MediaServer3.0"`},
			{"192.168.8.236", "e0:50:8b:35:74:02", 0, "arp.mac", "e0:50:8b:35:74:02"},
			{"192.168.8.236", "e0:50:8b:35:74:02", 23, "nmap.extrainfo", "many brands"},
		},
		not: []want{{"192.168.8.236", "", 554, "rtsp.public", ""}, {"192.168.8.236", "", 5000, "nmap.service", ""}},
	}, {
		// A HiSilicon-SDK camera's notes: the SF fingerprint stands in its own
		// code block after a line of prose, and still belongs to port 554 of
		// the host reported above it.
		file: "hisilicon-ipcam-writeup.txt",
		want: []want{
			{"192.168.42.24", "", 554, "rtsp.server", "Hisilicon Ipcam"},
			{"192.168.42.24", "", 554, "rtsp.server", "HiIpcam/V100R003 VodServer/1.0.0"},
			{"192.168.42.24", "", 23, "nmap.service", "telnet"},
		},
		not: []want{{"192.168.42.24", "", 554, "nmap.service", ""}, {"192.168.42.24", "", 80, "nmap.product", ""}},
	}, {
		// nmap 6.47 names a generic BusyBox FTP greeting a D-Link DCS-932L;
		// the camera (a zsgx1 board) is no D-Link: the guess is kept as
		// nmap's extra information, BusyBox ftpd is no product split.
		file: "zsgx1hacks-119-dlink-dcs932l.txt",
		want: []want{
			{"192.168.1.26", "", 21, "nmap.service", "ftp"},
			{"192.168.1.26", "", 21, "nmap.extrainfo", "D-Link DCS-932L IP-Cam camera"},
		},
		not: []want{{"192.168.1.26", "", 21, "nmap.product", ""}},
	}, {
		// feng's RTSP answers, one per probe, through the RTSP decoder.
		file: "cameradar-181-ali-feng.txt",
		want: []want{
			{"192.168.100.64", "", 554, "rtsp.server", "ALi feng/2.1.0_rc1"},
			{"192.168.100.64", "", 554, "rtsp.status", "505"},
			{"192.168.100.64", "", 554, "rtsp.public", "OPTIONS,DESCRIBE,SETUP,PLAY,PAUSE,TEARDOWN"},
		},
		not: []want{{"192.168.100.64", "", 8554, "tcp.open", ""}},
	}, {
		// An Intelbras (Dahua OEM) camera in a blog post, the output indented
		// as a Markdown code block: the MAC binds the address; nmap's vendor
		// name after it is not read.
		file: "intelbras-37777-blog.txt",
		want: []want{
			{"10.10.5.107", "58:10:8c:3b:38:35", 0, "arp.mac", "58:10:8c:3b:38:35"},
			{"10.10.5.107", "58:10:8c:3b:38:35", 37777, "tcp.open", "37777"},
		},
		not: []want{{"10.10.5.107", "", 37777, "nmap.service", ""}},
	}, {
		// Blank lines between every line, as pasted; the fingerprint ends
		// where the paste does, and says so.
		file:    "nmap-2431-sf.txt",
		skipped: 1,
		want:    []want{{"125.221.2.112", "", 80, "tcp.open", "80"}, {"125.221.2.112", "", 443, "tcp.open", "443"}},
		not:     []want{{"125.221.2.112", "", 80, "nmap.service", ""}, {"125.221.2.112", "", 443, "nmap.service", ""}},
	}} {
		t.Run(c.file, func(t *testing.T) {
			obs, st, err := readText(t, textFile(t, c.file))
			if err != nil || st.Records != 1 || st.Skipped != c.skipped {
				t.Fatalf("err %v, stats %+v", err, st)
			}
			for _, w := range c.want {
				if !has(obs, w) {
					t.Errorf("no %+v", w)
				}
			}
			for _, w := range c.not {
				if has(obs, w) {
					t.Errorf("has %+v", w)
				}
			}
			for _, o := range obs {
				if !observe.Known(o.Key) {
					t.Errorf("key %q is not in the registry (observe/keys.go)", o.Key)
				}
			}
		})
	}
}

// The MAC nmap prints after the port table binds every observation of the
// host, as in the XML; the vendor nmap guessed for it is not read.
func TestNmapTextMAC(t *testing.T) {
	in := "Nmap scan report for cam.lan (10.0.0.5)\nHost is up.\nPORT   STATE SERVICE VERSION\n" +
		"80/tcp open  http    Hikvision IP camera httpd\n|_http-title: Site doesn't have a title (text/html).\n" +
		"MAC Address: 58:50:ED:1F:E3:85 (Hangzhou Hikvision Digital Technology)\n" +
		"Service Info: Device: webcam; CPE: cpe:/h:hikvision:camera\n"
	obs, _, err := readText(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{"10.0.0.5", "58:50:ed:1f:e3:85", 0, "arp.mac", "58:50:ed:1f:e3:85"},
		{"10.0.0.5", "58:50:ed:1f:e3:85", 80, "nmap.product", "Hikvision IP camera httpd"},
		{"10.0.0.5", "58:50:ed:1f:e3:85", 0, "nmap.devicetype", "webcam"},
		{"10.0.0.5", "58:50:ed:1f:e3:85", 0, "nmap.cpe", "cpe:/h:hikvision:camera"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		if o.Key == "http.title" || strings.Contains(o.Value, "Hangzhou") {
			t.Errorf("read %s=%q", o.Key, o.Value)
		}
	}
}

// Scripts as nmap prints them: ssl-cert's subject without -v, its PEM with
// it (through the certificate decoder), http-headers, banner, and a REASON
// column before VERSION.
func TestNmapTextScripts(t *testing.T) {
	lab, err := os.ReadFile(labXML)
	if err != nil {
		t.Fatal(err)
	}
	// The lab's real certificate, as ssl-cert prints it with -v.
	pem := string(lab[bytes.Index(lab, []byte(`key="pem">`))+len(`key="pem">`):])
	pem = strings.NewReplacer("&#45;", "-", "&#xa;", "\n").Replace(pem[:strings.Index(pem, "</elem>")])
	pem = strings.TrimSpace(pem)
	in := "Nmap scan report for 10.0.0.7\nPORT    STATE SERVICE  REASON         VERSION\n" +
		"443/tcp open  ssl/http syn-ack ttl 64 Hikvision-Webs\n" +
		"| ssl-cert: Subject: commonName=10.0.0.7/organizationName=HIKVISION/countryName=CN\n" +
		"| Issuer: commonName=10.0.0.7/organizationName=HIKVISION/countryName=CN\n" +
		"|_Not valid after:  2030-01-01T00:00:00\n" +
		"8443/tcp open  ssl/http syn-ack ttl 64\n| ssl-cert: Subject: commonName=x\n| " +
		strings.ReplaceAll(pem, "\n", "\n| ") + "\n|_\n" +
		"80/tcp  open  http     syn-ack ttl 64 Dahua webcam httpd\n| http-headers: \n|   Server: DNVRS-Webs\n|   Connection: close\n|   \n|_  (Request type: GET)\n" +
		"|_http-server-header: DNVRS-Webs\n" +
		"23/tcp  open  telnet   syn-ack ttl 64\n|_banner: \\xFF\\xFD\\x01\\xFF\\xFD\\x1F\\xFF\\xFB\\x01\\xFF\\xFB\\x03LocalHost login: \n"
	obs, st, err := readText(t, []byte(in))
	if err != nil || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	for _, w := range []want{
		{"10.0.0.7", "", 443, "tls.subject", "CN=10.0.0.7,O=HIKVISION,C=CN"},
		{"10.0.0.7", "", 443, "tls.issuer", "CN=10.0.0.7,O=HIKVISION,C=CN"},
		{"10.0.0.7", "", 443, "nmap.product", "Hikvision-Webs"},
		{"10.0.0.7", "", 8443, "tls.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION"},
		{"10.0.0.7", "", 80, "http.server", "DNVRS-Webs"},
		{"10.0.0.7", "", 80, "http.header_names", "Server,Connection"},
		{"10.0.0.7", "", 80, "nmap.product", "Dahua webcam httpd"},
		// banner's escaped bytes: a telnet negotiation, then the prompt.
		{"10.0.0.7", "", 23, "telnet.banner", "LocalHost login:"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	n := 0
	for _, o := range obs {
		if o.Key == "http.server" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("http.server %d times; http-headers already gives it", n)
	}
}

// A text that is not nmap's is refused with a clear error; a port table
// pasted without its host line is named as such.
func TestNmapTextRefusesOtherInput(t *testing.T) {
	for _, in := range []string{"", "hello\n", `{"ip":"10.0.0.1"}`, "<html><body>Nmap</body></html>", "Starting Nmap 7.94 ( https://nmap.org ) at 2024-01-01 10:00 UTC\n"} {
		if _, _, err := readText(t, []byte(in)); !errors.Is(err, ErrNotNmap) {
			t.Errorf("%q: err %v", in, err)
		}
	}
	if _, _, err := readText(t, textFile(t, "hisilicon-dvr-telnet-3-dvr163.txt")); !errors.Is(err, ErrNmapNoHost) {
		t.Errorf("port table without host: err %v", err)
	}
	// XML goes to the XML reader, with its own error.
	if _, _, err := readText(t, []byte(`<?xml version="1.0"?><html></html>`)); !errors.Is(err, ErrNotNmapXML) {
		t.Errorf("other XML: err %v", err)
	}
	obs, _, err := readText(t, func() []byte { b, _ := os.ReadFile(labXML); return b }())
	if err != nil || !has(obs, want{"198.18.0.5", "", 8000, "nmap.product", "Hikvision IPCam control port"}) {
		t.Errorf("nmap XML through Nmap: err %v, %d observations", err, len(obs))
	}
}

// A file cut anywhere keeps the hosts and ports before the cut; a
// fingerprint cut inside is counted as skipped.
func TestNmapTextCutShort(t *testing.T) {
	b := textFile(t, "besder-xiongmai-xm530.txt")
	for _, cut := range []string{"SF:pires", "|_http-title", "Warning: OSScan"} {
		i := bytes.Index(b, []byte(cut))
		obs, st, err := readText(t, b[:i+3])
		if err != nil || st.Records != 1 {
			t.Fatalf("cut at %q: err %v stats %+v", cut, err, st)
		}
		if !has(obs, want{"192.168.0.102", "", 80, "tcp.open", "80"}) {
			t.Errorf("cut at %q: the port before the cut was lost", cut)
		}
		if cut == "SF:pires" && (st.Skipped != 1 || !has(obs, want{"192.168.0.102", "", 554, "nmap.product", "H264DVR rtspd"})) {
			t.Errorf("cut inside the fingerprint: stats %+v", st)
		}
	}
	// Two hosts, the second cut in its table: the first is whole.
	two := "Nmap scan report for 10.0.0.1\nPORT   STATE SERVICE VERSION\n8000/tcp open  ipcam   Hikvision IPCam control port\nMAC Address: 58:50:ED:00:00:01 (Hikvision)\n\n" +
		"Nmap scan report for 10.0.0.2\nPORT   STATE SERVICE VERSION\n80/tcp open  http    uc-htt"
	obs, st, err := readText(t, []byte(two))
	if err != nil || st.Records != 2 || !has(obs, want{"10.0.0.1", "58:50:ed:00:00:01", 8000, "nmap.product", "Hikvision IPCam control port"}) {
		t.Errorf("err %v stats %+v", err, st)
	}
	if has(obs, want{"10.0.0.2", "", 80, "nmap.product", ""}) {
		t.Error("a cut product was read as one")
	}
}

func TestSplitVersionColumn(t *testing.T) {
	for _, c := range []struct{ in, product, version, extra string }{
		{"Hikvision IPCam control port", "Hikvision IPCam control port", "", ""},
		{"uc-httpd 1.0.0", "uc-httpd", "1.0.0", ""},
		{"H264DVR rtspd 1.0", "H264DVR rtspd", "1.0", ""},
		{"Apache httpd 2.4.41 ((Ubuntu))", "", "", "(Ubuntu)"},
		{"Portable SDK for UPnP devices 1.6.18 (Linux 3.10.0_hi3536; UPnP 1.0)", "", "", "Linux 3.10.0_hi3536; UPnP 1.0"},
		{"Hikvision DVR rtspd (x)", "Hikvision DVR rtspd", "", "x"},
		{"uc-httpdx 1.0", "", "", ""}, // a known product only as a whole word
		{"lighttpd 1.4.35", "", "", ""},
		{"f(x)", "", "", ""}, // a group not after a space is no extra information
		{"", "", "", ""},
	} {
		p, v, e := splitVersionColumn(c.in, signedProduct)
		if p != c.product || v != c.version || e != c.extra {
			t.Errorf("%q: %q %q %q", c.in, p, v, e)
		}
	}
}

func FuzzNmapText(f *testing.F) {
	for _, name := range []string{"besder-xiongmai-xm530.txt", "zsgx1hacks-35-gibssi.txt", "nmap-2431-sf.txt"} {
		b, err := os.ReadFile(textDir + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte("Nmap scan report for 10.0.0.1\nPORT STATE SERVICE REASON VERSION\n80/tcp open http\n| fingerprint-strings: \n|   NULL: \n|_    HTTP/1.0\nSF-Port80-TCP:V=1%r(NULL,1,\"\\x\nSF:\n"))
	f.Add([]byte("Pre-scan script results:\n| broadcast-wsdd-discover: \n|   Devices\n|     10.0.0.1\n|_        Address: http://[::1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		NmapText(bytes.NewReader(in), func(o observe.Observation) {
			if o.Key == "" || !o.IP.IsValid() {
				t.Fatalf("observation without key or address: %+v", o)
			}
		}, signedProduct)
	})
}

// The lab's real XML, printed as nmap prints its normal output (output.cc:
// the port table with the service name and VERSION column of
// getNmapServiceName and populateFullVersionString, each script's output
// through formatScriptOutput, the service fingerprints wrapped in "SF:"
// lines, the MAC, Service Info's device types and the pre-scan scripts),
// gives the same observations as the XML, but for what only the XML holds:
// the version, the application CPEs, a product the column cannot be split
// at, and each port's own device type (normal output gives it for the host).
// ssl-cert is printed as with -v, its PEM after the text.
func TestNmapTextAgreesWithXML(t *testing.T) {
	// The lab gives 141 facts; the SNMP scan one, its sysDescr on UDP 161.
	for file, least := range map[string]int{labXML: 100, "../testdata/import/nmap/snmp-sysdescr-lab.xml": 1} {
		t.Run(file, func(t *testing.T) { agreesWithXML(t, file, least) })
	}
}

func agreesWithXML(t *testing.T, file string, least int) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Prescripts []nmapScript `xml:"prescript>script"`
		Hosts      []struct {
			Addresses []struct {
				Addr   string `xml:"addr,attr"`
				Type   string `xml:"addrtype,attr"`
				Vendor string `xml:"vendor,attr"`
			} `xml:"address"`
			Ports []struct {
				Protocol string `xml:"protocol,attr"`
				PortID   string `xml:"portid,attr"`
				State    struct {
					State string `xml:"state,attr"`
				} `xml:"state"`
				Service *struct {
					nmapService
					Tunnel string `xml:"tunnel,attr"`
				} `xml:"service"`
				Scripts []nmapScript `xml:"script"`
			} `xml:"ports>port"`
		} `xml:"host"`
	}
	if err := xml.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	script := func(w *strings.Builder, s nmapScript) {
		lines := strings.Split(s.Output, "\n")
		for i, l := range lines {
			if i < len(lines)-1 {
				w.WriteString("| ")
			} else {
				w.WriteString("|_")
			}
			if i == 0 {
				w.WriteString(s.ID + ": ")
			}
			w.WriteString(l + "\n")
		}
	}
	var w strings.Builder
	w.WriteString("Starting Nmap 7.93 ( https://nmap.org ) at 2026-12-06 12:00 UTC\nPre-scan script results:\n")
	for _, s := range run.Prescripts {
		script(&w, s)
	}
	for _, h := range run.Hosts {
		var mac string
		for _, a := range h.Addresses {
			switch a.Type {
			case "ipv4":
				w.WriteString("Nmap scan report for " + a.Addr + "\nHost is up (0.00020s latency).\n\nPORT      STATE  SERVICE VERSION\n")
			case "mac":
				mac = "MAC Address: " + a.Addr + " (" + a.Vendor + ")\n"
			}
		}
		var fps, devices []string
		for _, p := range h.Ports {
			name, column := "unknown", ""
			if s := p.Service; s != nil {
				if s.Name != "" && s.Name != "unknown" {
					name = s.Name
					if s.Method == "table" {
						name += "?"
					}
				}
				if s.Tunnel == "ssl" {
					name = "ssl/" + name
				}
				column = strings.Join(slices.DeleteFunc([]string{s.Product, s.Version}, func(v string) bool { return v == "" }), " ")
				if s.ExtraInfo != "" {
					column = strings.TrimSpace(column + " (" + s.ExtraInfo + ")")
				}
				if s.ServiceFP != "" {
					fp, wrapped := s.ServiceFP, ""
					for len(fp) > 74 {
						wrapped, fp = wrapped+fp[:74]+"\nSF:", fp[74:]
					}
					fps = append(fps, wrapped+fp)
				}
				if s.DeviceType != "" && !slices.Contains(devices, s.DeviceType) {
					devices = append(devices, s.DeviceType)
				}
			}
			w.WriteString(p.PortID + "/" + p.Protocol + " " + p.State.State + " " + name + " " + column + "\n")
			for _, s := range p.Scripts {
				if pem := s.elem("pem"); pem != "" {
					s.Output += "\n" + strings.TrimSpace(pem) // as ssl-cert prints it with -v
				}
				script(&w, s)
			}
		}
		if len(fps) > 0 {
			w.WriteString("1 service unrecognized despite returning data.\n")
			for _, fp := range fps {
				w.WriteString("==============NEXT SERVICE FINGERPRINT (SUBMIT INDIVIDUALLY)==============\n" + fp + "\n")
			}
		}
		w.WriteString(mac)
		if len(devices) > 0 {
			w.WriteString("Service Info: Device: " + strings.Join(devices, ", ") + "\n")
		}
		w.WriteString("\n")
	}
	w.WriteString("Nmap done: 9 IP addresses (9 hosts up) scanned in 20.00 seconds\n")

	fromXML, _, err := readNmap(t, b)
	if err != nil {
		t.Fatal(err)
	}
	fromText, st, err := readText(t, []byte(w.String()))
	if err != nil || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v\n%s", err, st, w.String())
	}
	type fact struct {
		ip, mac, key, value string
		port                uint16
	}
	set := func(obs []observe.Observation) map[fact]bool {
		m := map[fact]bool{}
		for _, o := range obs {
			switch {
			case o.Key == "nmap.version", o.Key == "nmap.cpe",
				o.Key == "nmap.product" && !signedProduct(o.Value):
				continue // only the XML has them whole
			case o.Key == "nmap.devicetype":
				o.Port = 0 // normal output gives it for the host
			}
			m[fact{o.IP.String(), o.MAC.String(), o.Key, o.Value, o.Port}] = true
		}
		return m
	}
	x, txt := set(fromXML), set(fromText)
	for f := range x {
		if !txt[f] {
			t.Errorf("the XML gives %+v, the text does not", f)
		}
	}
	for f := range txt {
		if !x[f] {
			t.Errorf("the text gives %+v, the XML does not", f)
		}
	}
	if len(x) < least {
		t.Errorf("only %d facts compared", len(x))
	}
}

// BenchmarkNmapTextSweep reads the besder write-up's scan (port table,
// script output and an SF fingerprint) repeated for 4,096 hosts, each with
// its own address: the shape of a /16's -oN output, a sixteenth of it.
func BenchmarkNmapTextSweep(b *testing.B) {
	one, err := os.ReadFile(textDir + "besder-xiongmai-xm530.txt")
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	for i := range 4096 {
		out.Write(bytes.ReplaceAll(one, []byte("192.168.0.102"), fmt.Appendf(nil, "198.18.%d.%d", i/256, i%256)))
	}
	b.SetBytes(int64(out.Len()))
	for b.Loop() {
		if _, err := NmapText(bytes.NewReader(out.Bytes()), func(observe.Observation) {}, signedProduct); err != nil {
			b.Fatal(err)
		}
	}
}

//go:build linux

package camsim

// Real clients (curl, nmap, the npm onvif library) run in the scanner
// namespace against the simulated devices, so the simulation is checked by
// code that was written against real cameras, not only by our own parsers.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// tool skips the test when a client is not installed, naming it.
func tool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (apt-get install -y %s): real-client check skipped", name, name)
	}
}

func run(t *testing.T, w *world, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := w.scanner().Run(ctx, name, args...)
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s: output lacks %q:\n%s", what, want, out)
		}
	}
}

func TestCurlSeesVendorHeaders(t *testing.T) {
	tool(t, "curl")
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "xiongmai-dvr")
	hik := run(t, w, 10*time.Second, "curl", "-sv", "--max-time", "5", "http://"+w.ipOf("hikvision-ipc")+"/ISAPI/System/deviceInfo")
	mustContain(t, "curl hikvision", hik, "< HTTP/1.1 401 Unauthorized", "< Server: App-webs/", `realm="IP Camera(52914)"`)
	dahua := run(t, w, 10*time.Second, "curl", "-sv", "--max-time", "5", "http://"+w.ipOf("dahua-ipc")+"/")
	mustContain(t, "curl dahua", dahua, "< CONNECTION: close", "< CONTENT-TYPE: text/html", "<title>WEB SERVICE</title>")
	if strings.Contains(dahua, "< Server:") {
		t.Errorf("curl dahua: a Server header was sent:\n%s", dahua)
	}
	xm := run(t, w, 10*time.Second, "curl", "-sv", "--max-time", "5", "http://"+w.ipOf("xiongmai-dvr")+"/")
	mustContain(t, "curl xiongmai", xm, "< HTTP/1.0 200 OK", "< Server: uc-httpd 1.0.0", "<title>NETSurveillance WEB</title>")
}

// TestCurlAndNmapReadHikvisionCertificate checks the NVR's https service
// with OpenSSL (through curl) and nmap's own TLS code (ssl-cert).
func TestCurlAndNmapReadHikvisionCertificate(t *testing.T) {
	tool(t, "curl")
	w := newWorld(t, "hikvision-nvr")
	ip := w.ipOf("hikvision-nvr")
	out := run(t, w, 10*time.Second, "curl", "-skv", "--max-time", "5", "https://"+ip+"/")
	// OpenSSL prints the subject in encoded order: C first, as x509 encodes it.
	mustContain(t, "curl https hikvision-nvr", out,
		"*  subject: C=CN; ST=ZheJiang; L=HangZhou; O=HIKVISION; OU=DVRNVR; CN=www.hikvision.com\n",
		"*  issuer: C=CN; ST=ZheJiang; L=HangZhou; O=HIKVISION; OU=DVRNVR; CN=www.hikvision.com\n",
		"< HTTP/1.1 200 OK", "< Server: DNVRS-Webs", `window.location.href = "/doc/page/login.asp?_"`)
	t.Logf("curl -skv https://%s/:\n%s", ip, out)

	tool(t, "nmap")
	// -v: without it ssl-cert names only CN, O, ST and C; with it the other
	// attributes follow, in no fixed order.
	out = run(t, w, 60*time.Second, "nmap", "-v", "-n", "-Pn", "-p", "443", "--script", "ssl-cert", ip)
	mustContain(t, "nmap ssl-cert hikvision-nvr", out, "443/tcp open", "Public Key type: ec\n", "Public Key bits: 256\n")
	for _, field := range []string{"Subject", "Issuer"} {
		m := regexp.MustCompile(`\| (?:ssl-cert: )?` + field + `: (commonName=www\.hikvision\.com/organizationName=HIKVISION/stateOrProvinceName=ZheJiang/countryName=CN)((?:/\w+=[^/\n]*)*)\n`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("nmap ssl-cert: no %s line with the Hikvision CN, O, ST and C:\n%s", field, out)
			continue
		}
		rest := strings.Split(strings.TrimPrefix(m[2], "/"), "/")
		slices.Sort(rest)
		if !slices.Equal(rest, []string{"localityName=HangZhou", "organizationalUnitName=DVRNVR"}) {
			t.Errorf("nmap ssl-cert: %s has %q after the country, want L and OU only", field, m[2])
		}
	}
	t.Logf("nmap --script ssl-cert:\n%s", out)
}

func TestNmapRTSPMethods(t *testing.T) {
	tool(t, "nmap")
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "xiongmai-dvr")
	for name, want := range map[string]string{
		"hikvision-ipc": "rtsp-methods: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
		"dahua-ipc":     "rtsp-methods: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
		"xiongmai-dvr":  "rtsp-methods: OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE",
	} {
		out := run(t, w, 60*time.Second, "nmap", "-n", "-Pn", "-p", "554", "--script", "rtsp-methods", w.ipOf(name))
		mustContain(t, "nmap rtsp-methods "+name, out, want)
	}
}

// TestNmapServiceDetection checks the simulated services against the
// service fingerprints nmap ships (nmap-service-probes, written from real
// devices). The light intensity keeps each port to a few probes.
func TestNmapServiceDetection(t *testing.T) {
	tool(t, "nmap")
	if testing.Short() {
		t.Skip("-short: nmap -sV takes about a minute")
	}
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "xiongmai-dvr")
	cases := []struct {
		device, port, want string
	}{
		{"hikvision-ipc", "8000", "Hikvision IPCam control port"},
		{"dahua-ipc", "80", "Dahua webcam httpd"},
		{"xiongmai-dvr", "554", "H264DVR rtspd 1.0"},
	}
	for _, c := range cases {
		start := time.Now()
		out := run(t, w, 150*time.Second, "nmap", "-n", "-Pn", "-sV", "--version-light", "-p", c.port, w.ipOf(c.device))
		mustContain(t, "nmap -sV "+c.device+":"+c.port, out, c.want)
		t.Logf("nmap -sV %s:%s in %v", c.device, c.port, time.Since(start).Round(time.Second))
	}
}

func TestNmapWSDiscovery(t *testing.T) {
	tool(t, "nmap")
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "axis-camera", "printer")
	out := run(t, w, 60*time.Second, "nmap", "-n", "-e", "eth0", "--script", "broadcast-wsdd-discover", "--script-args", "broadcast-wsdd-discover.timeout=3s")
	// nmap lists each ProbeMatch under the group address; XAddrs name the device.
	for _, name := range []string{"hikvision-ipc", "dahua-ipc", "axis-camera"} {
		mustContain(t, "nmap broadcast-wsdd-discover", out, "Address: http://"+w.ipOf(name)+"/onvif/device_service")
	}
	if strings.Contains(out, w.ipOf("printer")) || strings.Contains(out, "Failed to decode") {
		t.Errorf("unexpected WS-Discovery answers:\n%s", out)
	}
	uni := run(t, w, 60*time.Second, "nmap", "-n", "-Pn", "-sU", "-p", "3702", "--script", "wsdd-discover", w.ipOf("hikvision-ipc"))
	mustContain(t, "nmap wsdd-discover", uni, "http://"+w.ipOf("hikvision-ipc")+"/onvif/device_service")
	t.Logf("broadcast-wsdd-discover:\n%s", out)
}

// onvifClientDir holds the npm onvif client (package.json, package-lock.json
// and discover.js); its node_modules is installed by npm ci, not committed.
const onvifClientDir = "testdata/onvif-client"

// npmOnvifClient skips the test when node or the npm onvif package is not
// installed, naming the fix, and returns the absolute path of discover.js.
func npmOnvifClient(t *testing.T) string {
	t.Helper()
	tool(t, "node")
	if _, err := os.Stat(filepath.Join(onvifClientDir, "node_modules", "onvif", "package.json")); err != nil {
		t.Skipf("npm onvif client not installed (npm ci --prefix internal/camsim/%s): real-client check skipped", onvifClientDir)
	}
	script, err := filepath.Abs(filepath.Join(onvifClientDir, "discover.js"))
	if err != nil {
		t.Fatal(err)
	}
	return script
}

// onvifLine is one JSON line printed by discover.js.
type onvifLine struct {
	Event     string   `json:"event"`
	From      string   `json:"from"`
	Endpoint  string   `json:"endpoint"`
	XAddrs    []string `json:"xaddrs"`
	Scopes    []string `json:"scopes"`
	Types     []string `json:"types"`
	RelatesTo string   `json:"relatesTo"`
	Message   string   `json:"message"`
	MessageID string   `json:"messageId"`
	Devices   int      `json:"devices"`
}

// TestNpmOnvifDiscovery runs the discovery of the npm onvif library (agsh/onvif,
// the one behind most Node camera tools) with resolve:false, so it returns the
// ProbeMatches as parsed, without connecting to the devices.
func TestNpmOnvifDiscovery(t *testing.T) {
	script := npmOnvifClient(t)
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "axis-camera", "printer")
	out := run(t, w, 60*time.Second, "node", script, "3000")
	t.Logf("node discover.js:\n%s", out)

	found := map[string][]onvifLine{} // by sender IP
	var done *onvifLine
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		var l onvifLine
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &l) != nil {
			continue // node's own warnings, if any; logged above
		}
		switch l.Event {
		case "device":
			found[l.From] = append(found[l.From], l)
		case "error":
			t.Errorf("onvif client rejected a reply (from %s): %s", l.From, l.Message)
		case "done":
			done = &l
		}
	}
	if done == nil {
		t.Fatalf("discover.js printed no done line:\n%s", out)
	}
	// Vendor-specific scopes of the profiles' WSD_SCOPES.
	want := map[string][]string{
		"hikvision-ipc": {"onvif://www.onvif.org/name/HIKVISION%20DS-2CD2386G2-IU", "onvif://www.onvif.org/hardware/DS-2CD2386G2-IU"},
		"dahua-ipc":     {"onvif://www.onvif.org/name/Dahua", "onvif://www.onvif.org/hardware/IPC-HDW5421S"},
		"axis-camera":   {"onvif://www.onvif.org/name/AXIS%20M5014", "onvif://www.onvif.org/hardware/M5014"},
	}
	for name, scopes := range want {
		ip := w.ipOf(name)
		got := found[ip]
		if len(got) != 1 {
			t.Errorf("%s (%s): onvif client reported %d devices, want 1", name, ip, len(got))
			continue
		}
		d := got[0]
		if xaddr := "http://" + ip + "/onvif/device_service"; !slices.Equal(d.XAddrs, []string{xaddr}) {
			t.Errorf("%s: XAddrs %q, want [%s]", name, d.XAddrs, xaddr)
		}
		for _, s := range scopes {
			if !slices.Contains(d.Scopes, s) {
				t.Errorf("%s: scopes lack %s: %q", name, s, d.Scopes)
			}
		}
		if !slices.Contains(d.Types, "dn:NetworkVideoTransmitter") {
			t.Errorf("%s: types %q lack dn:NetworkVideoTransmitter", name, d.Types)
		}
		if !strings.HasPrefix(d.Endpoint, "urn:uuid:") && !strings.HasPrefix(d.Endpoint, "uuid:") {
			t.Errorf("%s: endpoint reference %q is not a UUID URN", name, d.Endpoint)
		}
		if d.RelatesTo != done.MessageID {
			t.Errorf("%s: RelatesTo %q, want the probe's MessageID %q", name, d.RelatesTo, done.MessageID)
		}
	}
	if got := found[w.ipOf("printer")]; len(got) != 0 {
		t.Errorf("the printer was reported as an ONVIF device: %+v", got)
	}
	if done.Devices != len(want) {
		t.Errorf("onvif client found %d devices, want %d", done.Devices, len(want))
	}
}

func TestNmapDNSServiceDiscovery(t *testing.T) {
	tool(t, "nmap")
	w := newWorld(t, "hikvision-ipc", "axis-camera")
	out := run(t, w, 60*time.Second, "nmap", "-n", "-e", "eth0", "--script", "broadcast-dns-service-discovery", "--script-args", "broadcast-dns-service-discovery.timeout=3s")
	for service, device := range map[string]string{"CGI": "hikvision-ipc", "axis-video": "axis-camera"} {
		// nmap prints "80/tcp <service>" then "Address=<ip>", in any order of services.
		re := regexp.MustCompile(`80/tcp ` + service + `\n\|_?\s+Address=` + regexp.QuoteMeta(w.ipOf(device)) + `\n`)
		if !re.MatchString(out) {
			t.Errorf("nmap broadcast-dns-service-discovery lacks %s at %s:\n%s", service, w.ipOf(device), out)
		}
	}
	t.Logf("broadcast-dns-service-discovery:\n%s", out)
}

func TestNmapARPFindsEveryDevice(t *testing.T) {
	tool(t, "nmap")
	w := newWorld(t)
	out := run(t, w, 60*time.Second, "nmap", "-n", "-sn", "-PR", "-e", "eth0", w.lab.Prefix().String())
	for name, d := range w.devices {
		mustContain(t, "nmap -sn -PR "+name, out, "Nmap scan report for "+d.Host.IP.String()+"\n", "MAC Address: "+strings.ToUpper(d.Host.MAC.String()))
	}
	if got, want := strings.Count(out, "MAC Address:"), len(w.devices); got != want {
		t.Errorf("nmap found %d MACs, want %d:\n%s", got, want, out)
	}
}

// A real browser opening the Hikvision NVR's web root follows the root
// page's script to /doc/index.html and loads its two scripts: the pages the
// sweep follows (scanner/sweep TestFollowsRealHikvisionRootToItsPageAndScripts)
// are what a browser fetches.
func TestChromiumFollowsTheHikvisionWebRoot(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CAMSWEEP_REQUIRE_BROWSER") == "1" {
			t.Fatal("CAMSWEEP_REQUIRE_BROWSER=1 but no chromium found (apt-get install -y chromium)")
		}
		t.Skip("chromium not installed: real-browser check skipped")
	}
	w := newWorld(t, "hikvision-nvr-web")
	run(t, w, 90*time.Second, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=5000", "--dump-dom",
		"http://"+w.ipOf("hikvision-nvr-web")+"/")
	asked := w.devices["hikvision-nvr-web"].HTTPRequests()
	t.Logf("chromium asked %q", asked)
	for _, want := range []string{"GET /", "GET /doc/index.html", "GET /doc/js/chunk-vendors.47d47eb3.js", "GET /doc/js/index.76895487.js"} {
		if !slices.Contains(asked, want) {
			t.Errorf("chromium did not ask %q; it asked %q", want, asked)
		}
	}
}

package camsim

// Real clients (curl, nmap) run in the scanner namespace against the
// simulated devices, so the simulation is checked by code that was written
// against real cameras, not only by our own parsers.

import (
	"context"
	"os/exec"
	"regexp"
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

package service

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// realFirstSegments returns what each client sent first on port 443 in a
// real capture (realdata §1 and §13), cut to one segment's size.
func realFirstSegments(t testing.TB, capture string) [][]byte {
	t.Helper()
	var firsts [][]byte
	for _, f := range readFlows(t, realdataDir+capture, 443) {
		firsts = append(firsts, f.client[:min(len(f.client), 1460)])
	}
	if len(firsts) == 0 {
		t.Fatalf("%s: no TLS connection", capture)
	}
	return firsts
}

// realClientHellos returns the ClientHellos among them.
func realClientHellos(t testing.TB, capture string) [][]byte {
	t.Helper()
	var hellos [][]byte
	for _, b := range realFirstSegments(t, capture) {
		if IsClientHello(b) {
			hellos = append(hellos, b)
		}
	}
	return hellos
}

// clientMeta describes a hello as the pcap reader hands it over: the sender
// is the client, on an ephemeral port.
var clientMeta = scanner.Meta{Probe: "pcap", SrcPort: 37836, DstPort: 443}

func decodeHello(payload []byte) ([]observe.Observation, error) {
	var obs []observe.Observation
	err := ClientHello(payload, clientMeta, func(o observe.Observation) { obs = append(obs, o) })
	return obs, err
}

func TestClientHelloNamesTheServerAsked(t *testing.T) {
	// The Xiaomi camera's hellos ask for its camera cloud (one of its five
	// carries no server_name); the D-Link camera sends SSLv2-format hellos,
	// which have no extensions and are no TLS record.
	named := 0
	for _, h := range realClientHellos(t, "smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap") {
		obs, err := decodeHello(h)
		if err != nil || len(obs) > 1 || len(obs) == 1 && (obs[0].Key != "tls.sni" || obs[0].Value != "business.smartcamera.api.io.mi.com" || obs[0].Port != 0) {
			t.Errorf("Xiaomi hello: %+v, %v", obs, err)
		}
		named += len(obs)
		// Cut where the segment might end: the name is read while its
		// extension is whole, never half of it.
		for cut := 6; cut < len(h); cut += 7 {
			obs, _ := decodeHello(h[:cut])
			if len(obs) > 0 && obs[0].Value != "business.smartcamera.api.io.mi.com" {
				t.Fatalf("cut at %d: %q", cut, obs[0].Value)
			}
		}
	}
	if named != 4 {
		t.Errorf("%d of the Xiaomi camera's hellos named the server, want the 4 tshark shows", named)
	}
	for _, b := range realFirstSegments(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap") {
		if _, ok := ClientFirst(b); ok {
			t.Errorf("D-Link SSLv2-format hello taken for a TLS ClientHello: % x", b[:8])
		}
	}
}

func TestClientHelloRefusesWhatIsNotAHelloOrAName(t *testing.T) {
	var hello []byte
	for _, h := range realClientHellos(t, "smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap") {
		if obs, _ := decodeHello(h); len(obs) == 1 {
			hello = h
		}
	}
	for _, b := range [][]byte{nil, []byte("GET / HTTP/1.1\r\n"), {0x16, 3, 1, 0, 5, 2, 0, 0, 1, 0}} {
		if IsClientHello(b) {
			t.Errorf("%q taken for a ClientHello", b)
		}
	}
	name := []byte("business.smartcamera.api.io.mi.com")
	at := strings.Index(string(hello), string(name))
	for _, bad := range []string{"bad\x1b[31m.smartcamera.api.io.mi", "..................................", "businesssmartcameraapiiomicomxxxxx", "business.smartcamera.api.io.mi.co\xff"} {
		b := append([]byte(nil), hello...)
		copy(b[at:], bad)
		if obs, _ := decodeHello(b); len(obs) != 0 {
			t.Errorf("%q gave %+v", bad, obs)
		}
	}
	for _, literal := range []string{"192.168.1.161", "[fe80::1]", "fe80::1"} {
		if got := dnsName([]byte(literal)); got != "" {
			t.Errorf("address literal %q taken for a name %q", literal, got)
		}
	}
}

func FuzzClientHello(f *testing.F) {
	for _, capture := range []string{"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap", "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"} {
		for _, b := range realFirstSegments(f, capture) {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		obs, _ := decodeHello(b)
		if len(obs) > 1 {
			t.Fatalf("%d observations", len(obs))
		}
		for _, o := range obs {
			if o.Key != "tls.sni" || o.Port != 0 || !utf8.ValidString(o.Value) || len(o.Value) > maxSNIBytes || o.Value != strings.ToLower(o.Value) || !strings.Contains(o.Value, ".") {
				t.Fatalf("bad observation %+v", o)
			}
		}
	})
}

// realRequests returns what each client sent first on port 80 in a real
// capture: HTTP requests.
func realRequests(t testing.TB, capture string) [][]byte {
	t.Helper()
	var reqs [][]byte
	for _, f := range readFlows(t, realdataDir+capture, 80) {
		if len(f.client) > 0 {
			reqs = append(reqs, f.client[:min(len(f.client), 1460)])
		}
	}
	return reqs
}

func decodeRequest(payload []byte) ([]observe.Observation, error) {
	var obs []observe.Observation
	err := HTTPRequestHost(payload, clientMeta, func(o observe.Observation) { obs = append(obs, o) })
	return obs, err
}

func TestHTTPRequestHostIsTheNameAsked(t *testing.T) {
	// The Xiaomi camera asks Xiaomi's HTTP name service, the Hue bridge its
	// cloud with a port in the Host header (realdata §13, §1); the phone
	// setting up the D-Link camera addresses it by IP: no name.
	for _, c := range []struct {
		capture string
		want    map[string]bool
	}{
		{"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap", map[string]bool{"dns.io.mi.com": true}},
		{"iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", map[string]bool{"bridge.meethue.com": true, "dcp.cpp.philips.com": true, "www.ecdinterface.philips.com": true}},
		{"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", map[string]bool{}},
	} {
		got := map[string]bool{}
		reqs := realRequests(t, c.capture)
		if len(reqs) == 0 {
			t.Fatalf("%s: no HTTP request", c.capture)
		}
		for _, r := range reqs {
			if dec, ok := ClientFirst(r); !ok || dec == nil {
				continue
			}
			obs, err := decodeRequest(r)
			if err != nil {
				continue // a second request on the connection, or a body
			}
			for _, o := range obs {
				if o.Port != 0 {
					t.Errorf("%s: %+v", c.capture, o)
				}
				if o.Key == "http.request_host" {
					got[o.Value] = true
				}
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: names %v, want %v", c.capture, got, c.want)
		}
		for name := range c.want {
			if !got[name] {
				t.Errorf("%s: %s not read", c.capture, name)
			}
		}
	}
	for _, b := range []string{"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n", "GET / RTSP/1.0\r\nHost: cam.example.com\r\n\r\n", "GETX"} {
		if obs, _ := decodeRequest([]byte(b)); len(obs) != 0 {
			t.Errorf("%q gave %+v", b, obs)
		}
	}
	if got := withoutPort([]byte("[fe80::1]:80")); dnsName(got) != "" {
		t.Errorf("an IPv6 literal taken for a name: %q", got)
	}
}

func FuzzHTTPRequestHost(f *testing.F) {
	for _, capture := range []string{"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap", "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap"} {
		for _, r := range realRequests(f, capture) {
			f.Add(r)
		}
	}
	// The Amcrest camera's check-in with its cloud (realdata §20), a target
	// with a password to redact, and a proxy's absolute form.
	for _, r := range amcrestCheckIns(f) {
		f.Add(r)
	}
	f.Add([]byte("GET /cgi?user=admin&pwd=secret HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n"))
	f.Add([]byte("GET http://cloud.example.com/x?y=1 HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n"))
	f.Add([]byte("GET /x HTTP/1.1\r\nUser-Agent: Foscam\xff\r\nHost: cloud.example.com\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		obs, _ := decodeRequest(b)
		if len(obs) > 3 {
			t.Fatalf("%d observations", len(obs))
		}
		host := false
		for _, o := range obs {
			if o.Port != 0 || !utf8.ValidString(o.Value) {
				t.Fatalf("bad observation %+v", o)
			}
			switch o.Key {
			case "http.request_host":
				host = true
				if len(o.Value) > maxSNIBytes || o.Value != strings.ToLower(o.Value) || strings.Contains(o.Value, ":") {
					t.Fatalf("bad observation %+v", o)
				}
			case "http.request_target":
				if !host || !strings.HasPrefix(o.Value, "/") || len(o.Value) > observe.MaxLen("http.request_target") ||
					strings.Contains(o.Value, "secret") && strings.Contains(o.Value, "pwd=") {
					t.Fatalf("bad observation %+v", o)
				}
			case "http.request_user_agent":
				if !host || len(o.Value) > observe.MaxLen("http.request_user_agent") || strings.TrimSpace(o.Value) != o.Value {
					t.Fatalf("bad observation %+v", o)
				}
			default:
				t.Fatalf("bad observation %+v", o)
			}
		}
	})
}

// amcrestCheckIns returns the HTTP requests the Amcrest camera sent its
// cloud, amcrestview.com on TCP 12366, in a real capture (realdata §20).
func amcrestCheckIns(t testing.TB) [][]byte {
	t.Helper()
	var reqs [][]byte
	for _, f := range readFlows(t, realdataDir+"iotls/amcrest-cam-wired_CUT.pcap", 12366) {
		if len(f.client) > 0 {
			reqs = append(reqs, f.client[:min(len(f.client), 1460)])
		}
	}
	return reqs
}

// A device's HTTP request to a server it names is read as the target it
// asked for, about the client: the Amcrest camera's check-in names its
// class, serial, ports and brand. A request to an address (a viewer asking
// a camera) gives neither the host nor the target; a target with a
// password has it redacted; a proxy's absolute form and "/" give no target.
func TestHTTPRequestTargetIsTheClients(t *testing.T) {
	want := "/p2pdev/update?oemid=0&type=IPC&version=2.520&devid=AMC020SC43PJ749D66&privPort=37777&httpPort=80&rtspPort=554&server=dhp2p&webver=2.420.0&manufacturer=Amcrest&webSpec=IPC2.420&webSubVer=0"
	found := false
	reqs := amcrestCheckIns(t)
	if len(reqs) == 0 {
		t.Fatal("no HTTP request in the Amcrest capture")
	}
	for _, r := range reqs {
		obs, _ := decodeRequest(r)
		for _, o := range obs {
			if o.Key == "http.request_target" && o.Value == want && o.Port == 0 && o.IP == clientMeta.SrcIP {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the Amcrest camera's check-in is not read as http.request_target")
	}
	for _, c := range []struct{ req, want string }{
		{"GET /cgi-bin/a?user=admin&pwd=secret&x=1 HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n", "/cgi-bin/a?user=REDACTED&pwd=REDACTED&x=1"},
		{"GET /v2/ipc/sync_time?hmac=BIke7GBrJXU6Qe41glDqGUkYNp8%3D&seq=9 HTTP/1.1\nHost: api.us.xiaoyi.com\n\n", "/v2/ipc/sync_time?hmac=REDACTED&seq=9"},
		// the Hue bridge's poll of its cloud (realdata §1), its tokens shortened
		{"GET /queue/getmessage?duration=180000&interval=25&sso=91c2b44e0cc2&i=05876d6eb7f0&auth=ca7f5b0cf61f HTTP/1.1\r\nHost: bridge.meethue.com:80\r\n\r\n", "/queue/getmessage?duration=180000&interval=25&sso=REDACTED&i=05876d6eb7f0&auth=REDACTED"},
		{"GET /p2pdev/update?type=IPC HTTP/1.1\r\nHost: 192.168.1.108\r\n\r\n", ""},
		{"GET http://cloud.example.com/x?y=1 HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n", ""},
		{"GET / HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n", ""},
		{"OPTIONS * HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n", ""},
	} {
		obs, _ := decodeRequest([]byte(c.req))
		got := ""
		for _, o := range obs {
			if o.Key == "http.request_target" {
				got = o.Value
			}
		}
		if got != c.want {
			t.Errorf("%q: target %q, want %q", c.req, got, c.want)
		}
	}
	long := "GET /" + strings.Repeat("a", 3000) + " HTTP/1.1\r\nHost: cloud.example.com\r\n\r\n"
	if obs, _ := decodeRequest([]byte(long)); len(obs) != 2 || len(obs[1].Value) > 1024 {
		t.Errorf("a long target is not bounded: %d observations", len(obs))
	}
}

// A device's request to a server it names gives its User-Agent, about the
// client: the Xiaomi camera's MIoT to Xiaomi's name service (realdata §13).
// The phone setting up the D-Link camera asks it by address (its
// ksoap2-android agent is not read), and a request without the header gives
// none; a long or invalid value is bounded and made valid text.
func TestHTTPRequestUserAgentIsTheClients(t *testing.T) {
	agents := func(capture string) map[string]bool {
		got := map[string]bool{}
		for _, r := range realRequests(t, capture) {
			obs, _ := decodeRequest(r)
			for _, o := range obs {
				if o.Key == "http.request_user_agent" {
					if o.Port != 0 || o.IP != clientMeta.SrcIP {
						t.Errorf("%s: %+v", capture, o)
					}
					got[o.Value] = true
				}
			}
		}
		return got
	}
	if got := agents("smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap"); len(got) != 1 || !got["MIoT"] {
		t.Errorf("the Xiaomi camera's agents: %v, want MIoT", got)
	}
	if got := agents("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"); len(got) != 0 {
		t.Errorf("a phone asking a camera by address gave agents %v", got)
	}
	for _, c := range []struct{ req, want string }{
		{"GET /x HTTP/1.1\r\nHost: cloud.example.com\r\nuser-agent:  Foscam \r\n\r\n", "Foscam"},
		{"GET /x HTTP/1.1\r\nHost: cloud.example.com\r\n\r\nUser-Agent: body\r\n", ""},
		{"GET /x HTTP/1.1\r\nHost: 192.168.1.108\r\nUser-Agent: Foscam\r\n\r\n", ""},
		{"GET /x HTTP/1.1\r\nHost: cloud.example.com\r\nUser-Agent: \xffcam\r\n\r\n", "\uFFFDcam"},
	} {
		got := ""
		obs, _ := decodeRequest([]byte(c.req))
		for _, o := range obs {
			if o.Key == "http.request_user_agent" {
				got = o.Value
			}
		}
		if got != c.want {
			t.Errorf("%q: agent %q, want %q", c.req, got, c.want)
		}
	}
	long := "GET /x HTTP/1.1\r\nHost: cloud.example.com\r\nUser-Agent: " + strings.Repeat("a", 3000) + "\r\n\r\n"
	obs, _ := decodeRequest([]byte(long))
	if len(obs) != 3 || len(obs[2].Value) > observe.MaxLen("http.request_user_agent") {
		t.Errorf("a long agent is not bounded: %+v", obs)
	}
}

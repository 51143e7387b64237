package service

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

var webMeta = scanner.Meta{Probe: "http", SrcIP: netip.MustParseAddr("198.18.0.10"), SrcPort: 80}

// TestDLinkHNAP decodes the real HNAP exchanges of a D-Link camera: the
// model and firmware live only in the XML body, which spans two segments.
func TestDLinkHNAP(t *testing.T) {
	flows := readFlows(t, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80)
	if len(flows) == 0 {
		t.Fatal("no HTTP flows in the capture")
	}
	var bodies []string
	for _, f := range flows {
		d, ok := ForPort(f.server.Port())
		if !ok {
			t.Fatal("ForPort(80) refused")
		}
		m := scanner.Meta{Probe: "pcap", SrcIP: f.server.Addr(), SrcPort: f.server.Port()}
		obs, err := collect(t, d, f.client, f.served, m)
		if err != nil {
			t.Fatalf("%v: %v", f.server, err)
		}
		for _, want := range [][2]string{
			{"http.status", "200"},
			{"http.path", "/HNAP1/"},
			{"http.content_type", "text/xml; charset=UTF-8"},
			{"http.header_names", "Content-Type,Content-Length,Connection,Expires,Cache-Control,Pragma"},
		} {
			if !hasValue(obs, want[0], want[1]) {
				t.Errorf("%v: no %s=%q in %v", f.server, want[0], want[1], obs)
			}
		}
		if got := valuesOf(obs, "http.server"); got != nil {
			t.Errorf("camera sends no Server header, got %q", got)
		}
		bodies = append(bodies, valuesOf(obs, "http.body")...)
	}
	var settings string
	for _, b := range bodies {
		if strings.Contains(b, "GetDeviceSettingsResponse") {
			settings = b
		}
	}
	for _, want := range []string{"<VendorName>D-Link</VendorName>", "<ModelName>DCS-935L</ModelName>",
		"<FirmwareVersion>1.06</FirmwareVersion>", "<HardwareVersion>A1</HardwareVersion>"} {
		if !strings.Contains(settings, want) {
			t.Errorf("GetDeviceSettings body lacks %s", want)
		}
	}
	// The body spans two segments and is longer than the old 2 KiB bound:
	// it is kept whole, to its closing tag.
	if len(settings) < 2400 || !strings.HasSuffix(settings, "</soap:Envelope>") {
		t.Errorf("body text is %d bytes ending %q, want the whole 2424-byte body", len(settings), settings[max(0, len(settings)-20):])
	}
}

// TestConstructedResponses checks the recog and nmap strings survive
// decoding exactly as signatures will read them.
func TestConstructedResponses(t *testing.T) {
	cases := []struct {
		file string
		want [][2]string
	}{
		{"recog_hikvision_webs_401.http", [][2]string{{"http.status", "401"}, {"http.server", "Hikvision-Webs"}, {"http.www_authenticate", `Basic realm="hikvision"`}}},
		{"recog_dvrdvs_webs_401.http", [][2]string{{"http.server", "DVRDVS-Webs"}, {"http.www_authenticate", `Basic realm="hikvision"`}}},
		{"recog_dnvrs_webs_401.http", [][2]string{{"http.server", "DNVRS-Webs"}}},
		{"recog_uc_httpd_200.http", [][2]string{{"http.server", "uc-httpd 1.0.0"}, {"http.title", "NETSurveillance WEB"}}},
		{"nmap_cross_web_server_200.http", [][2]string{{"http.server", "Cross Web Server"}, {"http.server_raw", "Server:Cross Web Server"},
			{"http.title", "DVR Components Download"}, {"http.header_names", "Server,Content-Type,Content-Length"}}},
		{"signals_app_webs_401.http", [][2]string{{"http.server", "App-webs/"}, {"http.server_raw", "Server: App-webs/"},
			{"http.www_authenticate", `Digest qop="auth", realm="IP Camera(C2183)", nonce="4e5468694e7a42694e7a4d364f4449794e5451775a54513d", stale="FALSE"`},
			{"http.title", "Document Error: Unauthorized"}}},
		{"signals_uppercase_bom_200.http", [][2]string{{"http.header_names", "CONNECTION,CONTENT-LENGTH,CACHE-CONTROL,CONTENT-TYPE,Etag,P3P"},
			{"http.etag", `"1722917735:2002"`}, {"http.content_type", "text/html"}, {"http.title", "WEB SERVICE"},
			{"http.body", "<!DOCTYPE html><html><head><title>WEB SERVICE</title></head><body></body></html>"}}},
	}
	for _, c := range cases {
		data := readTestdata(t, "constructed/"+c.file)
		d, ok := Detect(nil, data)
		if !ok {
			t.Fatalf("%s: Detect refused", c.file)
		}
		obs, err := collect(t, d, nil, data, webMeta)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		for _, w := range c.want {
			if !hasValue(obs, w[0], w[1]) {
				t.Errorf("%s: no %s=%q; got %q", c.file, w[0], w[1], valuesOf(obs, w[0]))
			}
		}
		if strings.HasPrefix(c.file, "signals_uppercase") && valuesOf(obs, "http.server") != nil {
			t.Errorf("%s: no Server header was sent", c.file)
		}
	}
}

// TestKeepAlivePipelined pairs three pipelined requests with a 100
// Continue, a chunked page, a HEAD answer and a favicon.
func TestKeepAlivePipelined(t *testing.T) {
	icon := readTestdata(t, "constructed/favicon.ico")
	client := "POST /login HTTP/1.1\r\nHost: cam\r\nContent-Length: 5\r\n\r\nab=cd\r\n" +
		"HEAD /doc/page/login.asp HTTP/1.1\r\nHost: cam\r\n\r\n" +
		"GET /favicon.ico HTTP/1.1\r\nHost: cam\r\n\r\n"
	server := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n" +
		"7\r\n<title>\r\n6;ext=1\r\nLogin \r\n9\r\nPage</tit\r\n3\r\nle>\r\n0\r\nX-Trailer: 1\r\n\r\n" +
		"HTTP/1.1 401 Unauthorized\r\nContent-Length: 4242\r\nContent-Type: text/html\r\n\r\n" +
		fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\nContent-Length: %d\r\n\r\n", len(icon)) + string(icon)
	obs, err := collect(t, DecodeHTTP, []byte(client), []byte(server), webMeta)
	if err != nil {
		t.Fatal(err)
	}
	// Observations leave in response order (status, path, headers, favicon,
	// title, body), repeats dropped: the favicon response's 200 repeats the
	// page's, so its path follows the 401 directly.
	var seq []string
	for _, o := range obs {
		switch o.Key {
		case "http.status", "http.path", "http.favicon_md5", "http.title":
			seq = append(seq, o.Value)
		}
	}
	want := []string{"100", "200", "/login", "Login Page", "401", "/doc/page/login.asp", "/favicon.ico", "917ef6e0a49508cc05539eed38e9ace1"}
	if !slices.Equal(seq, want) {
		t.Errorf("response sequence %q\nwant %q", seq, want)
	}
	if !slices.Equal(valuesOf(obs, "http.favicon_md5"), []string{"917ef6e0a49508cc05539eed38e9ace1"}) ||
		!slices.Equal(valuesOf(obs, "http.favicon_mmh3"), []string{"576324410"}) {
		t.Errorf("favicon hashes %q %q", valuesOf(obs, "http.favicon_md5"), valuesOf(obs, "http.favicon_mmh3"))
	}
	if valuesOf(obs, "http.body")[0] != "<title>Login Page</title>" || len(valuesOf(obs, "http.body")) != 1 {
		t.Errorf("bodies %q: the HEAD answer has none and the icon is not text", valuesOf(obs, "http.body"))
	}
}

// TestHTTPReadsONVIFDeviceInformation: a Besder (Xiongmai XM530) camera's
// GetDeviceInformation answer, as its investigator published it (the XML
// block of testdata/discovery/README_excerpt_discovery_nmap_onvif.txt, real
// bytes), in a constructed HTTP 200 framing: the fields a VMS polls for.
func TestHTTPReadsONVIFDeviceInformation(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "testdata", "discovery", "README_excerpt_discovery_nmap_onvif.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(text), "```xml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 || !strings.Contains(block, "GetDeviceInformationResponse") {
		t.Fatal("the excerpt's ONVIF answer is missing")
	}
	client := "POST /onvif/device_service HTTP/1.1\r\nHost: 192.168.0.103:8899\r\nContent-Type: application/soap+xml\r\n\r\n"
	server := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(block), block)
	obs, err := collect(t, DecodeHTTP, []byte(client), []byte(server), webMeta)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"onvif.manufacturer": "H264",
		"onvif.model":        "XM530_50X50-WG_8M",
		"onvif.firmware":     "V5.00.R02.00030747.10010.349f17..ONVIF 16.12",
		"onvif.serial":       "Redacted",
		"onvif.hardware_id":  "00001",
	}
	for key, value := range want {
		if !hasValue(obs, key, value) {
			t.Errorf("no %s = %q in %v", key, value, obs)
		}
	}
	// A web page is not searched for it (a page about ONVIF may quote one).
	page := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(block), block)
	obs, _ = collect(t, DecodeHTTP, []byte(client), []byte(page), webMeta)
	if vs := valuesOf(obs, "onvif.model"); len(vs) > 0 {
		t.Errorf("read onvif.model %v from an HTML page", vs)
	}
	// A request for the same operation is not an answer.
	obs, _ = collect(t, DecodeHTTP, []byte(client), []byte("HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n<s:Body><tds:GetDeviceInformation/></s:Body><Model>x</Model>"), webMeta)
	for _, o := range obs {
		if strings.HasPrefix(o.Key, "onvif.") {
			t.Errorf("read %s from a body with no answer", o.Key)
		}
	}
}

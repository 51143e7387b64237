package service

import (
	"encoding/xml"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
)

var recordedMeta = scanner.Meta{Probe: "identify", SrcIP: netip.MustParseAddr("198.18.0.20"), SrcPort: 80}

// recorded returns key=value for every observation DecodeRecorded emits.
func recorded(t *testing.T, key, value string) []string {
	t.Helper()
	var out []string
	if !DecodeRecorded(key, value, recordedMeta, func(o fingerprint.Observation) {
		out = append(out, o.Key+"="+o.Value)
	}) {
		t.Fatalf("DecodeRecorded(%q) has no rule for the key", key)
	}
	return out
}

// recordedCase is a value given under a key and what DecodeRecorded emits for it.
type recordedCase struct {
	key, value string
	want       []string
}

func checkRecorded(t *testing.T, cases []recordedCase) {
	t.Helper()
	for _, c := range cases {
		if got := recorded(t, c.key, c.value); !slices.Equal(got, c.want) {
			t.Errorf("%s %q:\n got %q\nwant %q", c.key, c.value, got, c.want)
		}
	}
}

// TestRecordedValuesReadAsOnTheWire: each value is a real device string
// (source in the comment) as another tool records it; what comes out is
// what the wire decoders emit for the same device.
func TestRecordedValuesReadAsOnTheWire(t *testing.T) {
	checkRecorded(t, []recordedCase{
		// Server header of Hikvision web servers (recog http_servers.xml), with
		// the header's name and the line end a raw dump keeps.
		{"http.server", "Server: App-webs/\r\n", []string{"http.server=App-webs/"}},
		{"http.server", "  uc-httpd 1.0.0 ", []string{"http.server=uc-httpd 1.0.0"}},
		// A name that only starts like the header is the value itself.
		{"http.server", "Servertech/1.0", []string{"http.server=Servertech/1.0"}},
		// A Hikvision realm that is the camera's own MAC (go2rtc #2232): the
		// challenge also gives the MAC, as the RTSP decoder does.
		{"rtsp.www_authenticate", "WWW-Authenticate: Digest realm=\"bcbac271d47c\", nonce=\"x\"",
			[]string{"rtsp.www_authenticate=Digest realm=\"bcbac271d47c\", nonce=\"x\"", "rtsp.realm_mac=bc:ba:c2:71:d4:7c"}},
		// Xiongmai's title (recog html_title.xml) as an element and folded.
		{"http.title", "<title>NETSurveillance WEB</title>", []string{"http.title=NETSurveillance WEB"}},
		{"http.title", "\r\n  NETSurveillance\r\n WEB  ", []string{"http.title=NETSurveillance WEB"}},
		{"http.title", "Dahua &amp; Co", []string{"http.title=Dahua & Co"}},
		// A whole page given as a body also gives its title.
		{"http.body", "<html><head><title>NETSurveillance WEB</title></head></html>\n",
			[]string{"http.body=<html><head><title>NETSurveillance WEB</title></head></html>", "http.title=NETSurveillance WEB"}},
		// The telnet greeting of HiSilicon cameras (nmap-service-probes), with
		// its CRLFs and the prompt's trailing space.
		{"telnet.banner", "\r\nThe products of network camera\r\nUsername: ", []string{"telnet.banner=The products of network camera\nUsername:"}},
		// The same greeting with a busybox telnetd's negotiation (TestTelnet),
		// its bytes written as JSON text does (IAC 0xff as U+00FF).
		{"telnet.banner", "\u00ff\u00fd\u0001\u00ff\u00fb\u0001\u00ff\u00fb\u0003\r\nThe products of network camera\r\nUsername: ",
			[]string{"telnet.banner=The products of network camera\nUsername:"}},
		// Text beyond Latin-1 is text: ÿ stays (a word, not a command).
		{"telnet.banner", "\u00ff\u00fb \u4e2d login: ", []string{"telnet.banner=\u00ff\u00fb \u4e2d login:"}},
		// recog x509_subjects.xml's Hikvision DVR certificate, spelled by
		// OpenSSL's one-line and comma forms and by nmap.
		{"tls.subject", "/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com", []string{"tls.subject=" + recogHikvisionSubject}},
		{"tls.subject", "subject=C = CN, ST = ZheJiang, L = HangZhou, O = HIKVISION, OU = DVRNVR, CN = www.hikvision.com", []string{"tls.subject=" + recogHikvisionSubject}},
		{"tls.subject", "commonName=www.hikvision.com/organizationalUnitName=DVRNVR/organizationName=HIKVISION/localityName=HangZhou/stateOrProvinceName=ZheJiang/countryName=CN", []string{"tls.subject=" + recogHikvisionSubject}},
		{"tls.subject", "not a name", []string{"tls.subject=not a name"}},
		// Host names written fully qualified (hikvision-mdns test/cameras.json).
		// An instance name also gives its service, as its PTR record does on the wire.
		{"mdns.instance", "HIKVISION DS-2CD2142FWD-I - 733050075._CGI._tcp.local.", []string{"mdns.instance=HIKVISION DS-2CD2142FWD-I - 733050075._CGI._tcp.local", "mdns.service=_CGI._tcp"}},
		{"mdns.instance", "Doorstation - abc123._axis-video._tcp.local.", []string{"mdns.instance=Doorstation - abc123._axis-video._tcp.local", "mdns.service=_axis-video._tcp"}},
		{"mdns.instance", "Cam 1.2 - x._http._tcp.local", []string{"mdns.instance=Cam 1.2 - x._http._tcp.local", "mdns.service=_http._tcp"}},
		{"mdns.instance", "no service here.local", []string{"mdns.instance=no service here.local"}},
		// Shodan's signed favicon hash of Hikvision's iSecure Center, as a tool
		// that prints it unsigned writes it; Shodan's own spelling stays.
		{"http.favicon_mmh3", "3486530269", []string{"http.favicon_mmh3=-808437027"}},
		{"http.favicon_mmh3", "-808437027", []string{"http.favicon_mmh3=-808437027"}},
		{"http.favicon_mmh3", " 999357577\n", []string{"http.favicon_mmh3=999357577"}},
		{"http.favicon_mmh3", "4294967296", []string{"http.favicon_mmh3=4294967296"}},
		// The same instance as dig and avahi-browse print a name: spaces and
		// dots of the instance label escaped (\DDD, \X).
		{"mdns.instance", `HIKVISION\032DS-2CD2142FWD-I\032-\032733050075._CGI._tcp.local.`, []string{"mdns.instance=HIKVISION DS-2CD2142FWD-I - 733050075._CGI._tcp.local", "mdns.service=_CGI._tcp"}},
		{"mdns.instance", `HIKVISION\ DS-2CD2142FWD-I\ -\ 733050075._CGI._tcp.local`, []string{"mdns.instance=HIKVISION DS-2CD2142FWD-I - 733050075._CGI._tcp.local", "mdns.service=_CGI._tcp"}},
		{"mdns.instance", `Cam 1\.2 - x._http._tcp.local`, []string{"mdns.instance=Cam 1.2 - x._http._tcp.local", "mdns.service=_http._tcp"}},
		{"dns.query", "i.ys7.com.", []string{"dns.query=i.ys7.com"}},
		// A lab's table keeps a client's own case (IoT LifeCycle dns_info.xlsx,
		// testdata/corpus/iotdatasets): the wire gives asked names lower-case.
		{"dns.query", "CN-IOT-DeviceAPI.iot.360.cn", []string{"dns.query=cn-iot-deviceapi.iot.360.cn"}},
		{"tls.sni", "Ngw.DVR163.com.", []string{"tls.sni=ngw.dvr163.com"}},
		{"mdns.hostname", "DS-2CD2686G2T-IZS.local.", []string{"mdns.hostname=DS-2CD2686G2T-IZS.local"}},
		{"http.favicon_md5", " 89B932FCC47CF4CA3FAADB0CFDEF89CF ", []string{"http.favicon_md5=89b932fcc47cf4ca3faadb0cfdef89cf"}},
	})
	if DecodeRecorded("dhcp.vendor_class", "udhcp 1.22.1", recordedMeta, func(fingerprint.Observation) {}) {
		t.Error("a key without a rule must be left to the caller")
	}
}

// TestPastedToolLines: a value copied with the whole line another tool
// printed it on is read as the value alone. The line forms are real:
// curl -v's "< " answer lines (the transcript of eu-evops/homebridge-hikvision
// issue #2, TestCurlVerboseTranscript); nmap's script lines as output.cc
// formatScriptOutput writes them ("|_" before a last line, "| " before the
// others, the script's name before the first): "|_http-title:
// NETSurveillance WEB" and "|_rtsp-methods: OPTIONS, DESCRIBE, …" from a
// Besder 6024PB-XMA501 (Xiongmai) camera's scan (code index file
// 10886569620, a write-up), http-headers' "|   Server: …" lines (code index
// file 56885282738), ssl-cert's "| ssl-cert: Subject: …" and "| Issuer: …"
// (code index file 5393472342), rtsp-methods' older two-line form
// (nmap scripts/rtsp-methods.nse @output), snmp-sysdescr's first line. The
// values are real device strings: DNVRS-Webs and its ETag from the same
// homebridge-hikvision transcript, recog's Hikvision DVR certificate,
// librenms' Hikvision sysDescr.
func TestPastedToolLines(t *testing.T) {
	checkRecorded(t, []recordedCase{
		{"http.server", "< Server: DNVRS-Webs\r\n", []string{"http.server=DNVRS-Webs"}},
		{"http.etag", `< ETag: "0-5e0-1e0"`, []string{`http.etag="0-5e0-1e0"`}},
		{"http.title", "|_http-title: NETSurveillance WEB", []string{"http.title=NETSurveillance WEB"}},
		{"http.title", "| http-title: NETSurveillance WEB", []string{"http.title=NETSurveillance WEB"}},
		{"rtsp.public", "|_rtsp-methods: OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE",
			[]string{"rtsp.public=OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE"}},
		{"rtsp.public", "|_  DESCRIBE, SETUP, PLAY, TEARDOWN, OPTIONS", []string{"rtsp.public=DESCRIBE, SETUP, PLAY, TEARDOWN, OPTIONS"}},
		{"http.server", "|   Server: DNVRS-Webs", []string{"http.server=DNVRS-Webs"}},
		{"http.server", "|_http-server-header: DNVRS-Webs", []string{"http.server=DNVRS-Webs"}},
		{"http.server", "http-server-header: DNVRS-Webs", []string{"http.server=DNVRS-Webs"}},
		{"http.server", "|   DNVRS-Webs", []string{"http.server=DNVRS-Webs"}}, // http-server-header's second value
		{"tls.subject", "| ssl-cert: Subject: commonName=www.hikvision.com/organizationalUnitName=DVRNVR/organizationName=HIKVISION/localityName=HangZhou/stateOrProvinceName=ZheJiang/countryName=CN",
			[]string{"tls.subject=" + recogHikvisionSubject}},
		{"tls.issuer", "| Issuer: commonName=www.hikvision.com/organizationalUnitName=DVRNVR/organizationName=HIKVISION/localityName=HangZhou/stateOrProvinceName=ZheJiang/countryName=CN",
			[]string{"tls.issuer=" + recogHikvisionSubject}},
		{"snmp.sys_descr", "| snmp-sysdescr: Hikvision company products", []string{"snmp.sys_descr=Hikvision company products"}},
		// Kept as given: a prefix not followed by what the tool prints next
		// for the key is part of the value.
		{"http.title", "| Home", []string{"http.title=| Home"}},
		{"http.title", "|_Requested resource was login.php", []string{"http.title=|_Requested resource was login.php"}},
		{"http.server", "< DNVRS-Webs", []string{"http.server=< DNVRS-Webs"}},
		{"http.server", "| Server-X", []string{"http.server=| Server-X"}},
		{"tls.subject", "| Subject Alternative Name: DNS:x", []string{"tls.subject=| Subject Alternative Name: DNS:x"}},
	})
	// A key no tool's line form is known for is left to the caller, prefix and all.
	if DecodeRecorded("dhcp.vendor_class", "| udhcp 1.22.1", recordedMeta, func(fingerprint.Observation) {}) {
		t.Error("dhcp.vendor_class: a bar in front is not nmap's for this key")
	}
}

// TestRecordedDNRoundTripsRecog: every subject in recog's x509 database (the
// certificate decoder's spelling), written as OpenSSL's one-line form and as
// its spaced comma form in encoded order, reads back as recog wrote it.
func TestRecordedDNRoundTripsRecog(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "recog", "x509_subjects.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var db struct {
		Examples []string `xml:"fingerprint>example"`
	}
	if err := xml.Unmarshal(raw, &db); err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, subject := range db.Examples {
		parts := splitDN(subject)
		if !plainParts(parts) {
			continue
		}
		tried++
		encoded := slices.Clone(parts)
		slices.Reverse(encoded) // X.509 order: the country first
		oneline, spaced := make([]string, len(encoded)), make([]string, len(encoded))
		for i, p := range encoded {
			name, value, _ := strings.Cut(p, "=")
			oneline[i] = name + "=" + strings.ReplaceAll(value, `\,`, ",")
			spaced[i] = name + " = " + value
		}
		for _, form := range []string{"/" + strings.Join(oneline, "/"), "subject=" + strings.Join(spaced, ", ")} {
			if got := recordedDN(form); got != subject {
				t.Errorf("recordedDN(%q)\n got %q\nwant %q", form, got, subject)
			}
		}
	}
	if tried < 100 {
		t.Fatalf("only %d recog subjects tried", tried)
	}
}

// plainParts reports parts whose values the one-line form can carry as they
// are (no '/', no escapes other than "\,") and whose types are named.
func plainParts(parts []string) bool {
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		name, value, ok := strings.Cut(p, "=")
		_, known := longAttributeNames[strings.ToLower(name)]
		if !ok || !known || strings.Contains(value, "/") || strings.Contains(strings.ReplaceAll(value, `\,`, ""), `\`) || strings.Contains(value, "+") {
			return false
		}
	}
	return true
}

func FuzzDecodeRecorded(f *testing.F) {
	for _, s := range []string{"Server: App-webs/\r\n", "/C=CN/O=HIKVISION/CN=x", "subject=C = CN, O = A\\, B", "<title>x</title>", "\xff\xfb\x01login: ", "cam.local."} {
		f.Add("tls.subject", s)
		f.Add("http.server", s)
		f.Add("http.title", s)
		f.Add("telnet.banner", s)
		f.Add("http.body", s)
	}
	f.Add("mdns.instance", "Doorstation - abc123._axis-video._tcp.local.")
	f.Add("mdns.instance", "._._tcp")
	f.Fuzz(func(t *testing.T, key, value string) {
		DecodeRecorded(key, value, recordedMeta, func(o fingerprint.Observation) {
			if len(o.Value) > 1<<20 {
				t.Fatalf("%s: %d bytes", o.Key, len(o.Value))
			}
		})
		recordedDN(value)
	})
}

// TestHeaderBlockWithoutStatusLine: a header block recorded without its
// status line (nmap's http-headers output) is read as on the wire, and no
// status is made up for it.
func TestHeaderBlockWithoutStatusLine(t *testing.T) {
	for _, c := range []struct {
		key, value string
		want       []string
	}{
		{"http.headers", "Server: App-webs/\r\nContent-Type: text/html\r\n", []string{"http.server=App-webs/", "http.server_raw=Server: App-webs/"}},
		{"rtsp.response", "\r\nServer: H264DVR 1.0\r\nCSeq: 1\r\n", []string{"rtsp.server=H264DVR 1.0"}},
		// With a status line nothing changes.
		{"http.headers", "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\n\r\n", []string{"http.status=401", "http.server=App-webs/"}},
	} {
		decode, ok := ByRawKey(c.key)
		if !ok {
			t.Fatal(c.key)
		}
		var got []string
		decode(nil, []byte(c.value), recordedMeta, func(o fingerprint.Observation) {
			for _, w := range c.want {
				if o.Key+"="+o.Value == w {
					got = append(got, w)
				}
			}
			if o.Key == "http.status" || o.Key == "rtsp.status" || o.Key == "http.answer" {
				if !slices.Contains(c.want, o.Key+"="+o.Value) {
					t.Errorf("%q: made-up %s=%s", c.value, o.Key, o.Value)
				}
			}
		})
		if len(got) != len(c.want) {
			t.Errorf("%q: got %q of %q", c.value, got, c.want)
		}
	}
}

// TestCurlVerboseTranscript: an answer pasted as `curl -v` printed it is
// read as the wire carried it: the "< " lines are the answer, the "> "
// lines the request (its path), curl's "* " remarks nothing. The real
// transcript of eu-evops/homebridge-hikvision issue #2 (2021-04-08): a
// Hikvision recorder's answer to GET /ISAPI, then the reporter's prose and
// a second exchange, of which only the first answer is read. The same
// answers with their "< " removed are in testdata/corpus/ghissues.
func TestCurlVerboseTranscript(t *testing.T) {
	transcript := "* Expire in 0 ms for 6 (transfer 0xcf7880)\n*   Trying 192.168.*.*...\n* TCP_NODELAY set\n" +
		"* Expire in 200 ms for 4 (transfer 0xcf7880)\n* Connected to 192.168.*.* (192.168.*.*) port 80 (#0)\n" +
		"* Server auth using Basic with user 'admin'\n> GET /ISAPI HTTP/1.1\n> Host: 192.168.100.3\n" +
		"> Authorization: Basic authenticationString\n> User-Agent: curl/7.64.0\n> Accept: */*\n> \n" +
		"< HTTP/1.1 404 Not Found\n< Date: Thu, 08 Apr 2021 22:08:25 GMT\n< Server: DNVRS-Webs\n< Cache-Control: no-cache\n" +
		"< Content-Length: 20\n< Content-Type: text/html\n< Connection: keep-alive\n< Keep-Alive: timeout=60, max=99\n< \n" +
		"* Connection #0 to host 192.168.*.* left intact\n\nWhen I remove ISAPI ---> curl -v http://192.168.*.* -u admin\nI got this \n\n" +
		"Enter host password for user 'admin':\n* Expire in 0 ms for 6 (transfer 0x5f5880)\n> GET / HTTP/1.1\n> Host: 192.168.*.*\n> \n" +
		"< HTTP/1.1 200 OK\n< Date: Thu, 08 Apr 2021 22:15:21 GMT\n< Server: DNVRS-Webs\n< ETag: \"0-5e0-1e0\"\n"
	decode, _ := ByRawKey("http.headers")
	var got []string
	err := decode(nil, []byte(transcript), recordedMeta, func(o fingerprint.Observation) {
		if o.Key == "http.status" || o.Key == "http.server" || o.Key == "http.path" || o.Key == "http.etag" {
			got = append(got, o.Key+"="+o.Value)
		}
	})
	slices.Sort(got)
	want := []string{"http.path=/ISAPI", "http.server=DNVRS-Webs", "http.status=404"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q (%v), want %q", got, err, want)
	}
	// The first answer ends at its bare "< " line; the second exchange is not
	// part of it.
	_, answer, ok := fromCurlVerbose([]byte(transcript))
	if !ok || strings.Count(string(answer), "HTTP/1.1 ") != 1 || !strings.Contains(string(answer), "max=99\r\n\r\n") {
		t.Errorf("first answer: %q", answer)
	}
	for _, notCurl := range []string{"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", "* just a remark\n", "> GET / HTTP/1.1\n> \n"} {
		if _, _, ok := fromCurlVerbose([]byte(notCurl)); ok {
			t.Errorf("%q read as a curl transcript", notCurl)
		}
	}
}

// TestLoggedExchange: an exchange pasted as a client's debug log prints it
// (the request, then the answer, again and again) is read as the two sides
// of the connection, so an answer is paired with the request it answered and
// a path the server answered 2xx to a DESCRIBE or SETUP is a served one (an
// OPTIONS answer is not: TestRTSPOptionsServesNoPath). The exchanges are real:
// luisiam/homebridge-foscamcamera issue #6 (a Foscam C1's OPTIONS answer to
// /videoMain, re-printed by the maintainer as "we sent" and "And got", its
// CSeq 0 to a request with CSeq 1, so paired in order) and koush/scrypted
// issue #1987 (the Rebroadcast plugin's log, each start line indented by one
// space); a 401 names the path but proves nothing (google/ExoPlayer issue
// #9800, a Hikvision camera). Text that opens with an answer, or holds no
// answer, is not such an exchange.
func TestLoggedExchange(t *testing.T) {
	cases := []struct {
		value string
		want  []string
	}{
		{"OPTIONS rtsp://192.168.0.160:554/videoMain RTSP/1.0\nCSeq: 1\nUser-Agent: homebridge-foscam-stream/0.3.7\n\n" +
			"RTSP/1.0 200 OK\nServer: Hisilicon Streaming Media Server/1.0.0(Jul 30 2015)\nCseq: 0\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, SET_PARAMETER, GET_PARAMETER\n",
			[]string{"rtsp.server=Hisilicon Streaming Media Server/1.0.0(Jul 30 2015)", "rtsp.status=200", "rtsp.url=rtsp://192.168.0.160:554/videoMain"}},
		{" OPTIONS rtsp://192.168.111.41:443/videoMain RTSP/1.0\nCSeq: 0\nUser-Agent: Scrypted\n\n RTSP/1.0 200 OK\nCSeq: 0\nDate: Thu, Feb 19 2026 18:39:48 GMT\n" +
			"Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER\n",
			[]string{"rtsp.status=200", "rtsp.url=rtsp://192.168.111.41:443/videoMain"}},
		{"DESCRIBE rtsp://172.30.34.12:554/Streaming/channels/102 RTSP/1.0\r\nUser-Agent: ExoPlayerLib/2.16.1\r\nCSeq: 1\r\n\r\n" +
			"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm=\"IP Camera(C1214)\"\r\n\r\n",
			[]string{"rtsp.status=401", "rtsp.url=rtsp://172.30.34.12:554/Streaming/channels/102"}},
	}
	decode, _ := ByRawKey("rtsp.response")
	for _, c := range cases {
		var got []string
		err := decode(nil, []byte(c.value), recordedMeta, func(o fingerprint.Observation) {
			switch o.Key {
			case "rtsp.status", "rtsp.url", "rtsp.served_url", "rtsp.server":
				got = append(got, o.Key+"="+o.Value)
			}
		})
		slices.Sort(got)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q (%v), want %q", c.value, got, err, c.want)
		}
	}
	for _, notExchange := range []string{
		"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n",                       // an answer alone
		"OPTIONS rtsp://10.0.0.5/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",     // a request alone
		"GET / HTTP/1.1\r\nHost: x\r\n\r\nRTSP/1.0 200 OK\r\n\r\n", // another protocol's request
	} {
		if _, _, ok := fromLoggedExchange([]byte(notExchange), "RTSP/1.0"); ok {
			t.Errorf("%q read as a logged exchange", notExchange)
		}
	}
}

// TestONVIFScopesInBody: a GetScopes answer (ONVIF Core's element form, as
// in testdata/identify/onvif-device-information.jsonl) gives its scope items
// as one wsd.scopes list; a scope's inner white space cannot split it, and
// an empty item is skipped.
func TestONVIFScopesInBody(t *testing.T) {
	body := `<tds:GetScopesResponse><tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2</tt:ScopeItem></tds:Scopes>` +
		`<tds:Scopes><tt:ScopeItem/></tds:Scopes><tds:Scopes><tt:ScopeItem> onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2-ISU </tt:ScopeItem></tds:Scopes></tds:GetScopesResponse>`
	var got []string
	emitONVIFAnswers(newEmitter(recordedMeta, func(o fingerprint.Observation) { got = append(got, o.Key+"="+o.Value) }), []byte(body))
	want := []string{"wsd.scopes=onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 onvif://www.onvif.org/name/HIKVISION%20DS-2CD2146G2-ISU"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A certificate name a scanner's document prints one attribute a line, with
// its own attribute words and the bytes of a no-break space escaped as
// \xC2\xA0 (D4-project/Plum-Island issue #204, a Dahua NVR), or as JSON
// members (issue #41), reads as the decoder writes the certificate's name; a
// text of lines that are not all attributes stays as it is.
func TestRecordedDNLineForm(t *testing.T) {
	for in, want := range map[string]string{
		"CN: Dahua\\xC2\\xA0Device\\xC2\\xA0NVR\\xC2\\xA0CA\nOrg: Zhejiang\\xC2\\xA0Dahua\\xC2\\xA0Technology\\xC2\\xA0Co.,Ltd.\nState: Zhejiang\nLocality: Hangzhou\nCountry: CN": "CN=Dahua\u00a0Device\u00a0NVR\u00a0CA,O=Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.\\,Ltd.,ST=Zhejiang,L=Hangzhou,C=CN",
		"CN: 192.168.2.70\nCountry: CN": "CN=192.168.2.70,C=CN",
		"\"commonName\": \"Netskope Borderless SD-WAN Root\",\n\"countryName\": \"GB\",\n\"organizationName\": \"Netskope Inc.\"": "CN=Netskope Borderless SD-WAN Root,C=GB,O=Netskope Inc.",
		// the byte escapes in the comma form too
		"CN=Dahua\\xC2\\xA0Device\\xC2\\xA0XVR\\xC2\\xA0CA, C=CN": "CN=Dahua\u00a0Device\u00a0XVR\u00a0CA,C=CN",
		// escapes that are no UTF-8 text are kept as written
		"CN: a\\xFFb\nC: CN":         "CN=a\\\\xFFb,C=CN",
		"Server: nginx\nDate: today": "Server: nginx\nDate: today",
		"CN: only one line":          "CN: only one line",
	} {
		if got := recordedDN(in); got != want {
			t.Errorf("recordedDN(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// TestHeaderDict: a response's headers as a Python HTTP client's debug log
// prints them, a dict after the log line's "Headers:" (petrleocompel/
// hikaxpro_hacs issue #56, an AX Hybrid PRO panel's answer, the paste cut
// mid-name), or a dict alone, single- or double-quoted, are read as a header
// block in their order; a cut or non-string pair ends the block, and text
// that holds no such dict is not one.
func TestHeaderDict(t *testing.T) {
	cases := []struct {
		value string
		want  string
	}{
		{"2023-07-31 18:01:50.544 DEBUG (SyncWorker_0) [hikaxpro] Headers: {'Date': 'Mon, 31 Jul 2023 20:01:49 GMT', 'Server': 'Webs', 'X-Frame-Options': 'SAMEORIGIN', 'Cache-Control': 'no-cache', 'Conten",
			"Date: Mon, 31 Jul 2023 20:01:49 GMT\r\nServer: Webs\r\nX-Frame-Options: SAMEORIGIN\r\nCache-Control: no-cache\r\n"},
		{`{"Server": "App-webs/", "WWW-Authenticate": "Digest realm=\"IP Camera(C1214)\""}`,
			"Server: App-webs/\r\nWWW-Authenticate: Digest realm=\"IP Camera(C1214)\"\r\n"},
		{"response headers = {'Server': 'it\\'s', 'Content-Length': 42}", "Server: it's\r\n"},
	}
	for _, c := range cases {
		got, ok := fromHeaderDict([]byte(c.value))
		if !ok || string(got) != c.want {
			t.Errorf("%q: got %q (%v), want %q", c.value, got, ok, c.want)
		}
	}
	for _, not := range []string{
		"Server: Webs\r\n",                               // a header block already
		"X-Request-Headers: {'Server': 'x'}\r\n",         // a header whose value is a dict
		"HTTP/1.1 200 OK\r\nServer: Webs\r\n",            // an answer
		"Headers: none",                                  // no dict
		"{'Content-Length': 42}",                         // no string value
		"{'Bad Name': 'x'}",                              // no header name
		"the request headers were sent\n{'Server': 'x'}", // the dict is not on the first line
	} {
		if b, ok := fromHeaderDict([]byte(not)); ok {
			t.Errorf("%q read as a header dict: %q", not, b)
		}
	}
	decode, _ := ByRawKey("http.headers")
	var server string
	err := decode(nil, []byte(cases[0].value), recordedMeta, func(o fingerprint.Observation) {
		if o.Key == "http.server" {
			server = o.Value
		}
	})
	if err != nil || server != "Webs" {
		t.Errorf("logged dict: http.server %q (%v), want Webs", server, err)
	}
}

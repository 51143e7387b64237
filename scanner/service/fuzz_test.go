package service

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// decodedKeys is every key this package may emit.
var decodedKeys = map[string]bool{
	"http.status": true, "http.server": true, "http.server_raw": true, "http.www_authenticate": true,
	"http.etag": true, "http.location": true, "http.cookie_name": true, "http.content_type": true, "http.header_names": true,
	"http.title": true, "http.body": true, "http.path": true, "http.answer": true, "onvif.manufacturer": true, "onvif.model": true, "onvif.firmware": true, "onvif.serial": true, "onvif.hardware_id": true, "wsd.scopes": true, "http.favicon_md5": true, "http.favicon_mmh3": true,
	"rtsp.status": true, "rtsp.header_names": true, "rtsp.server": true, "rtsp.www_authenticate": true, "rtsp.public": true,
	"rtsp.date": true, "rtsp.content_base": true, "rtsp.url": true, "rtsp.served_url": true, "rtsp.realm_mac": true, "http.realm_mac": true, "rtsp.sdp_session": true, "rtsp.sdp_attr": true,
	"tls.subject": true, "tls.issuer": true, "tcp.banner_hex": true, "telnet.banner": true,
	"dvrip.answer": true, "dvrip.device_type": true, "dvrip.hardware": true, "dvrip.firmware": true, "dvrip.serial": true,
	"dvrip.model": true, "dvrip.build_time": true,
	// a DVRIP NetWork.NetCommon answer, read as the search reply is
	"xm.hostname": true, "xm.serial": true, "xm.device_type": true, "xm.firmware": true, "xm.build_date": true,
	"xm.tcp_port": true, "xm.mac": true,
	"dhip.answer": true, "dhip.notice": true, "dhip.model": true, "dhip.device_class": true, "dhip.serial": true, "dhip.firmware": true, "dhip.vendor": true,
	"dhip.machine_name": true, "dhip.realm": true, "dhip.challenge_mac": true,
	// a SIP message the server sent (DecodeSIPServer)
	"sip.user_agent": true, "sip.server": true, "gb28181.device_id": true, "gb28181.device_type": true,
	"gb28181.manufacturer": true, "gb28181.model": true, "gb28181.firmware": true, "gb28181.device_name": true,
}

// checkObservations holds for any input: known keys, bounded valid UTF-8
// values that are not blank, about the server, and a bounded count.
func checkObservations(t *testing.T, obs []observe.Observation) {
	t.Helper()
	if len(obs) > 2*maxEmits {
		t.Fatalf("%d observations", len(obs))
	}
	for _, o := range obs {
		if !decodedKeys[o.Key] {
			t.Fatalf("unknown key %q", o.Key)
		}
		limit := maxValueBytes
		switch o.Key {
		case "http.body":
			limit = maxBodyTextBytes
		case "tcp.banner_hex":
			limit = 2 * maxBannerBytes
		}
		if len(o.Value) > limit || !utf8.ValidString(o.Value) || strings.TrimSpace(o.Value) == "" {
			t.Fatalf("bad value for %s: %q", o.Key, o.Value)
		}
		if o.IP != fuzzMeta.SrcIP || o.Port != fuzzMeta.SrcPort {
			t.Fatalf("observation not about the server: %+v", o)
		}
	}
}

var fuzzMeta = cameraMeta

func fuzzStream(t *testing.T, d scanner.StreamDecoder, client, server []byte) {
	var obs []observe.Observation
	_ = d(client, server, fuzzMeta, func(o observe.Observation) { obs = append(obs, o) })
	checkObservations(t, obs)
}

// addFiles adds the files matching pattern, relative to the repository's
// testdata, as seeds.
func addFiles(f *testing.F, pattern string, withClient []byte) {
	files, _ := filepath.Glob("../../testdata/" + pattern)
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(withClient, b)
	}
}

func FuzzHTTP(f *testing.F) {
	addFiles(f, "service/constructed/*.http", []byte("GET /favicon.ico HTTP/1.1\r\n\r\n"))
	for _, flow := range readFlows(f, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80) {
		f.Add(flow.client, flow.served)
	}
	f.Add([]byte("GET / HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("<html><title>x</title></html>"))
	w.Close()
	f.Add([]byte(nil), append([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"), gz.Bytes()...))
	f.Add([]byte(nil), []byte("HTTP/1.1 200 OK\r\nSet-Cookie: _goaheadwebSessionId=1; path=/\r\nSet-Cookie: a b=\r\nContent-Length: 0\r\n\r\n"))
	rpcClient, rpcServer := rpc2Exchange(ezipRPC)
	f.Add(rpcClient, rpcServer)
	request, answer := multicallExchange(f, ezipRPC, false)
	f.Add([]byte("POST /RPC2 HTTP/1.1\r\nContent-Length: "+strconv.Itoa(len(request))+"\r\n\r\n"+request),
		[]byte("HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(answer))+"\r\n\r\n"+answer))
	f.Fuzz(func(t *testing.T, client, server []byte) {
		fuzzStream(t, DecodeHTTP, client, server)
	})
}

func FuzzRTSP(f *testing.F) {
	addFiles(f, "realdata/retina-rtsp/*.txt", []byte("DESCRIBE rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
	for _, flow := range readFlows(f, realdataDir+"uhctf2022/EyeP_rtsp_setup.pcapng", 554) {
		f.Add(flow.client, flow.served)
	}
	f.Fuzz(func(t *testing.T, client, server []byte) {
		fuzzStream(t, DecodeRTSP, client, server)
	})
}

func FuzzTLS(f *testing.F) {
	for _, flow := range readFlows(f, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 443) {
		f.Add(flow.served[:min(len(flow.served), 1500)])
	}
	f.Add(pcapgen.TLS12ServerFlight(selfSigned(f, hikvisionName(), 5), 100))
	f.Fuzz(func(t *testing.T, server []byte) {
		fuzzStream(t, DecodeTLS, nil, server)
		var obs []observe.Observation
		cert, _ := ByRawKey("tls.cert_pem")
		_ = cert(nil, server, fuzzMeta, func(o observe.Observation) { obs = append(obs, o) })
		checkObservations(t, obs)
	})
}

// FuzzBanner drives content dispatch, so every decoder sees every input.
func FuzzBanner(f *testing.F) {
	f.Add([]byte(nil), []byte(nmapHikvision8000))
	f.Add([]byte(nil), []byte("\xff\xfd\x01\xff\xfa\x18\x01\xff\xf0\x1b[1;32mlogin\x1b]0;t\x07: "))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), []byte("HTTP/1.1 200 OK\r\n\r\n"))
	f.Add([]byte(nil), []byte("Uniview login: "))
	f.Add([]byte(nil), []byte(`\0\0\0\x10\0\0\0\x1e\0\0\0\x1e\0\0\0\0`))
	f.Add([]byte(nil), []byte("0x00, 0x00, 0x00, 0x10"))
	f.Add([]byte(nil), []byte(`HTTP/1.0 200 OK\x0d\x0aServer: "x"\x0d\x0a`))
	f.Add([]byte(nil), []byte(`{ "Name" : "SystemInfo", "Ret" : 100, "SessionID" : "0x2", "SystemInfo" : { "HardWare" : "x" } }`))
	addFiles(f, "discovery/sip/platform-exosip-401.sip", []byte("REGISTER sip:34020000002000000010@192.168.6.106:5062 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.6.71:5060\r\n\r\n"))
	addFiles(f, "discovery/sip/dahua-sd-deviceinfo.sip", nil)
	f.Fuzz(func(t *testing.T, client, server []byte) {
		if d, ok := Detect(client, server); ok {
			fuzzStream(t, d, client, server)
		}
		d23, _ := ForPort(23)
		fuzzStream(t, d23, client, server)
		// The same bytes as a recorded banner (hex, 0x, nmap's escapes).
		recorded, _ := ByRawKey("tcp.banner_hex")
		fuzzStream(t, recorded, nil, server)
		// And as a scanner's text banner (escaped line ends allowed).
		text, _ := ByRawKey("tcp.banner")
		fuzzStream(t, text, nil, server)
	})
}

// FuzzCompleteResponses: any bytes, no panic, a bounded count, and never
// more responses complete in a prefix than in the whole.
func FuzzCompleteResponses(f *testing.F) {
	addFiles(f, "realdata/retina-rtsp/*.txt", nil)
	for _, flow := range readFlows(f, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80) {
		f.Add([]byte(nil), flow.served)
	}
	f.Fuzz(func(t *testing.T, _, server []byte) {
		for _, proto := range []string{"HTTP/", "RTSP/"} {
			n := CompleteResponses(server, proto)
			if n < 0 || n > maxMessages {
				t.Fatalf("%s: %d complete responses", proto, n)
			}
			if half := CompleteResponses(server[:len(server)/2], proto); half > n {
				t.Fatalf("%s: %d complete in the first half, %d in the whole", proto, half, n)
			}
		}
	})
}

// FuzzRealmMAC: any challenge yields either nothing or a canonical,
// unicast-or-not MAC string of 17 bytes; it never panics.
func FuzzRealmMAC(f *testing.F) {
	for _, s := range []string{
		`Digest realm="48ea63c2402b",nonce="08834db25099945d53645c8d458f37e0", stale="FALSE"`,
		`Basic realm=48-ea-63-c2-40-2b`, `Digest realm="AXIS_00408CEF081C"`, `realm=`, `realm="`,
		`Digest realm="4453c7aab6dbf00c"`, "realm=\"\xff\xfe\"", `REALM="0011.2233.4455"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, challenge string) {
		mac, ok := realmMAC(challenge)
		if !ok {
			if mac != "" {
				t.Fatalf("%q: not a MAC but returned %q", challenge, mac)
			}
			return
		}
		if len(mac) != 17 || strings.ToLower(mac) != mac || strings.Count(mac, ":") != 5 {
			t.Fatalf("%q: non-canonical MAC %q", challenge, mac)
		}
	})
}

// FuzzONVIFDeviceInfo feeds hostile bodies to the ONVIF answer reader.
func FuzzONVIFDeviceInfo(f *testing.F) {
	f.Add([]byte(`<s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>H264</tds:Manufacturer><tds:Model>XM530_50X50-WG_8M</tds:Model></tds:GetDeviceInformationResponse></s:Body>`))
	f.Add([]byte(`<GetDeviceInformationResponse><Model/><Manufacturer a="b">A&amp;B</Manufacturer>`))
	f.Add([]byte(`GetDeviceInformationResponse<:Model>`))
	f.Add([]byte(`<tds:GetScopesResponse><tds:Scopes><tt:ScopeItem>onvif://www.onvif.org/name/A B</tt:ScopeItem></tds:Scopes><tt:ScopeItem/><ScopeItem>x`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var obs []observe.Observation
		emitONVIFAnswers(newEmitter(fuzzMeta, func(o observe.Observation) { obs = append(obs, o) }), body)
		checkObservations(t, obs)
	})
}

// FuzzIndexASCIIFold checks the tag search against the rule written the slow
// way: bytes.Index in a same-length ASCII lower-casing.
func FuzzIndexASCIIFold(f *testing.F) {
	f.Add([]byte("\xe9\xe8<TiTlE>x</title>"), "<title")
	f.Add([]byte("<titl"), "<title")
	f.Add([]byte("<<title"), "</title")
	f.Fuzz(func(t *testing.T, b []byte, needle string) {
		if needle == "" || needle[0] != '<' || observe.ASCIILower(needle) != needle {
			return
		}
		want := bytes.Index([]byte(observe.ASCIILower(string(b))), []byte(needle))
		if got := indexASCIIFold(b, needle); got != want {
			t.Fatalf("indexASCIIFold(%q, %q) = %d, want %d", b, needle, got, want)
		}
	})
}

// FuzzOpens: Opens never panics, a segment it says opens a message is one
// Detect recognises from that side alone, and without requests it names
// only answers.
func FuzzOpens(f *testing.F) {
	for _, s := range []string{"HTTP/1.1 200 OK\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "DESCRIBE rtsp://x/ RTSP/1.0\r\n",
		"RTSP/1.0 401 Unauthorized\r\n", "GET  HTTP/1.1", "SSH-2.0-x", "\x16\x03\x01", "A B C"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fromServer, ok := Opens(b, true)
		if !ok {
			return
		}
		client, server := b, []byte(nil)
		if fromServer {
			client, server = nil, b
		}
		if s, ok := Opens(b, false); ok && (!s || !fromServer) {
			t.Errorf("Opens(%q, false) names a request", b)
		}
		if _, known := recognise(client, server); !known {
			t.Errorf("Opens(%q) = %v, true, but the bytes are not recognised from that side", b, fromServer)
		}
	})
}

// FuzzRecordedAnswers: a raw answer given to identify, as sent, as a bare
// header block or as a curl -v transcript.
func FuzzRecordedAnswers(f *testing.F) {
	f.Add([]byte("* Trying\n> GET / HTTP/1.1\n> \n< HTTP/1.1 200 OK\n< Server: DNVRS-Webs\n< \nbody\n"))
	f.Add([]byte("< RTSP/1.0 401 Unauthorized\n< WWW-Authenticate: Digest realm=\"IP Camera(C6496)\"\n<\n"))
	f.Add([]byte("Server: App-webs/\r\n"))
	f.Add([]byte("[hikaxpro] Headers: {'Date': 'Mon, 31 Jul 2023 20:01:49 GMT', 'Server': 'Webs', 'Conten"))
	f.Add([]byte(`{"Server": "x\"y", "A": 'b'}`))
	httpHeaders, _ := ByRawKey("http.headers")
	rtspResponse, _ := ByRawKey("rtsp.response")
	f.Fuzz(func(t *testing.T, value []byte) {
		fuzzStream(t, httpHeaders, nil, value)
		fuzzStream(t, rtspResponse, nil, value)
	})
}

// FuzzUnpaste: a value given under a plain key, with or without the prefix
// of a tool's line: what is removed is a prefix (the rest is the value's own
// text, never rewritten), and reading it under every key with a line form
// never panics.
func FuzzUnpaste(f *testing.F) {
	f.Add("< Server: DNVRS-Webs\r\n")
	f.Add("|_http-title: NETSurveillance WEB")
	f.Add("|   Server: x")
	f.Add("| Issuer: commonName=x")
	f.Add("|_  DESCRIBE, SETUP")
	keys := []string{"tls.subject", "tls.issuer"}
	for k := range headerOf {
		keys = append(keys, k)
	}
	for k := range nmapScriptOf {
		keys = append(keys, k)
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, key := range keys {
			got, ok := unpaste(key, value)
			if ok && (!strings.HasSuffix(strings.TrimSpace(value), got) || len(got) >= len(value)) {
				t.Fatalf("%s %q: %q is not what follows a removed prefix", key, value, got)
			}
			if !ok && got != value {
				t.Fatalf("%s %q changed to %q with nothing removed", key, value, got)
			}
			DecodeRecorded(key, value, recordedMeta, func(observe.Observation) {})
		}
	})
}

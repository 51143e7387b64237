package service

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// nmapHikvision8000 is the nmap-service-probes NULL-probe banner of the
// Hikvision SDK port (signals.md: nmap L1821).
const nmapHikvision8000 = "\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00"

func TestBannerPort8000(t *testing.T) {
	m := scanner.Meta{Probe: "sweep", SrcIP: netip.MustParseAddr("198.18.0.10"), SrcPort: 8000}
	for name, pick := range map[string]func() (scanner.StreamDecoder, bool){
		"ForPort": func() (scanner.StreamDecoder, bool) { return ForPort(8000) },
		"Detect":  func() (scanner.StreamDecoder, bool) { return Detect(nil, []byte(nmapHikvision8000)) },
	} {
		d, ok := pick()
		if !ok {
			t.Fatalf("%s refused", name)
		}
		obs, err := collect(t, d, nil, []byte(nmapHikvision8000), m)
		if err != nil {
			t.Fatal(err)
		}
		if got := valuesOf(obs, "tcp.banner_hex"); !slices.Equal(got, []string{"000000100000001e0000001e00000000"}) {
			t.Errorf("%s: tcp.banner_hex %q", name, got)
		}
	}
	// The same banner as tools record it: hex, spaced, with 0x, and in the
	// escaped form of nmap's probe file line and its fingerprints.
	raw, _ := ByRawKey("tcp.banner_hex")
	for _, recorded := range []string{
		"000000100000001e0000001e00000000\n",
		"00 00 00 10 00 00 00 1E 00 00 00 1E 00 00 00 00",
		"0x000000100000001e0000001e00000000",
		"0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x00",
		`\0\0\0\x10\0\0\0\x1e\0\0\0\x1e\0\0\0\0`,
		`\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00`,
	} {
		obs, err := collect(t, raw, nil, []byte(recorded), m)
		if err != nil || !hasValue(obs, "tcp.banner_hex", "000000100000001e0000001e00000000") {
			t.Errorf("raw key %q: %v %v", recorded, err, obs)
		}
	}
	// An escaped banner with a bare quote in it is no recorded banner.
	if _, err := collect(t, raw, nil, []byte(`\0\0"\0`), m); err == nil {
		t.Error(`raw key \0\0"\0: no error`)
	}
}

func TestBannerBounded(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 0xAB
	}
	obs, _ := collect(t, DecodeBanner, nil, long, cameraMeta)
	if got := valuesOf(obs, "tcp.banner_hex"); len(got) != 1 || len(got[0]) != 2*maxBannerBytes {
		t.Errorf("banner not cut to %d bytes: %q", maxBannerBytes, got)
	}
	if _, err := collect(t, DecodeBanner, nil, nil, cameraMeta); err == nil {
		t.Error("empty banner accepted")
	}
}

// TestTelnet strips negotiation from the generic HiSilicon DVR login
// prompts nmap records (signals.md: nmap L4888 and L4953), with the
// option negotiation and colour codes a busybox telnetd sends.
func TestTelnet(t *testing.T) {
	server := "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\xff\xfa\x18\x01\xff\xf0" +
		"\x1b[1;32mThe products of network camera\x1b[0m\r\n\r\n(none) login: "
	d, ok := Detect(nil, []byte(server))
	if !ok {
		t.Fatal("Detect refused")
	}
	obs, err := collect(t, d, nil, []byte(server), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got := valuesOf(obs, "telnet.banner"); !slices.Equal(got, []string{"The products of network camera\n\n(none) login:"}) {
		t.Errorf("telnet.banner %q", got)
	}
	// Without negotiation, a greeting that asks for a login is telnet's on
	// any port (a telnetd moved off 23, or a recorded banner with no port);
	// other text is telnet only on a telnet port.
	plain := []byte("(none) login: ")
	for _, port := range []uint16{23, 8000} {
		d, _ := ForPort(port)
		obs, _ = collect(t, d, nil, plain, cameraMeta)
		if !hasValue(obs, "telnet.banner", "(none) login:") {
			t.Errorf("port %d: %v", port, obs)
		}
	}
	if d, _ := Detect(nil, plain); reflect.ValueOf(d).Pointer() != reflect.ValueOf(DecodeTelnet).Pointer() {
		t.Error("Detect: a login prompt is not telnet")
	}
	greeting := []byte("Welcome to the recorder\r\n")
	d23, _ := ForPort(23)
	if obs, _ = collect(t, d23, nil, greeting, cameraMeta); !hasValue(obs, "telnet.banner", "Welcome to the recorder") {
		t.Errorf("port 23 greeting: %v", obs)
	}
	d8000, _ := ForPort(8000)
	if obs, _ = collect(t, d8000, nil, greeting, cameraMeta); valuesOf(obs, "telnet.banner") != nil {
		t.Errorf("port 8000 claimed a greeting without a prompt as telnet: %v", obs)
	}
	for _, notPrompt := range []string{"SSH-2.0-dropbear_2019.78\r\n", "220 FTP server ready\r\n", "\x00\x00\x00\x10login:"} {
		if d, _ := Detect(nil, []byte(notPrompt)); reflect.ValueOf(d).Pointer() == reflect.ValueOf(DecodeTelnet).Pointer() {
			t.Errorf("Detect took %q for telnet", notPrompt)
		}
	}
}

func TestDispatch(t *testing.T) {
	name := func(d scanner.StreamDecoder) uintptr { return reflect.ValueOf(d).Pointer() }
	cases := []struct {
		client, server string
		want           scanner.StreamDecoder
	}{
		{"", "HTTP/1.0 200 OK\r\n", DecodeHTTP},
		{"", "\xef\xbb\xbfHTTP/1.1 200 OK\r\n", DecodeHTTP},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "", DecodeHTTP},
		{"GET / HTTP/1.1\r\n", "garbage", DecodeHTTP},
		{"", "RTSP/1.0 401 Unauthorized\r\n", DecodeRTSP},
		{"OPTIONS rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", "", DecodeRTSP},
		{"\x16\x03\x01\x00\x10", "\x16\x03\x03\x00\x4a\x02", DecodeTLS},
		{"", "\xff\xfb\x01", DecodeTelnet},
		{"", "SSH-2.0-dropbear_2019.78\r\n", DecodeBanner},
		{"\x00\x01", nmapHikvision8000, DecodeBanner},
	}
	for _, c := range cases {
		d, ok := Detect([]byte(c.client), []byte(c.server))
		if !ok || name(d) != name(c.want) {
			t.Errorf("Detect(%q, %q) chose another decoder (ok %v)", c.client, c.server, ok)
		}
	}
	if _, ok := Detect([]byte("\x00\x01binary"), nil); ok {
		t.Error("Detect chose a decoder with nothing to decode")
	}
	for _, port := range []uint16{80, 443, 554, 8000, 23} {
		if _, ok := ForPort(port); !ok {
			t.Errorf("ForPort(%d) refused", port)
		}
	}
	if _, ok := ForPort(5353); ok {
		t.Error("ForPort(5353) accepted a UDP discovery port")
	}
	for _, key := range []string{"http.headers", "rtsp.response", "tcp.banner_hex", "tcp.banner", "tls.cert_pem", "tls.cert_der_hex"} {
		if _, ok := ByRawKey(key); !ok {
			t.Errorf("ByRawKey(%q) refused", key)
		}
	}
	if _, ok := ByRawKey("http.server"); ok {
		t.Error("ByRawKey accepted a decoded key")
	}
}

// TestRTSPOnHTTPPort: the bytes decide, not the port.
func TestRTSPOnHTTPPort(t *testing.T) {
	d, _ := ForPort(80)
	obs, err := collect(t, d, nil, readRealdata(t, "retina-rtsp/dahua_options.txt"), webMeta)
	if err != nil || !hasValue(obs, "rtsp.server", "Rtsp Server/3.0") {
		t.Errorf("err %v obs %v", err, obs)
	}
}

// TestTelnetStopsAtPrompt: a captured session goes on with the echoed user
// name and shell output, which telnet.banner must not carry.
func TestTelnetStopsAtPrompt(t *testing.T) {
	server := "\xff\xfb\x01\r\nWelcome\r\n\xc4 Login: admin\r\nPassword: \r\n# cat /etc/shadow\r\nroot:$1$x:0\r\n"
	obs, _ := collect(t, DecodeTelnet, nil, []byte(server), cameraMeta)
	if got := valuesOf(obs, "telnet.banner"); !slices.Equal(got, []string{"Welcome\n\u00c4 Login:"}) {
		t.Errorf("telnet.banner %q", got)
	}
}

// TestCredentialPromptsEndInAColon: isLoginPrompt looks back from each colon.
func TestCredentialPromptsEndInAColon(t *testing.T) {
	for _, p := range credentialPrompts {
		if !strings.HasSuffix(p, ":") || p != strings.ToLower(p) {
			t.Errorf("prompt %q: isLoginPrompt finds only lower-case prompts ending in ':'", p)
		}
	}
}

// TestBannerInPieces: a capture picks a flow's decoder on its first bytes. A
// ZTE gateway's greeting (rapid7/recog xml/telnet_banners.xml, ZXHN H298A)
// cut after 16 bytes shows no prompt yet, so Detect names the plain banner
// decoder; the whole greeting asks for a login and is read as telnet's.
func TestBannerInPieces(t *testing.T) {
	greeting := "ZXHN H298A V1.1\r\nLogin:\n"
	if d, ok := Detect(nil, []byte(greeting[:16])); !ok || reflect.ValueOf(d).Pointer() != reflect.ValueOf(DecodeBanner).Pointer() {
		t.Fatalf("Detect on the first 16 bytes: %v %v", d, ok)
	}
	obs, err := collect(t, DecodeBanner, nil, []byte(greeting), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got := valuesOf(obs, "telnet.banner"); !slices.Equal(got, []string{"ZXHN H298A V1.1\nLogin:"}) {
		t.Errorf("telnet.banner %q", got)
	}
	if got := valuesOf(obs, "tcp.banner_hex"); len(got) != 1 {
		t.Errorf("tcp.banner_hex %q", got)
	}
	// Not a greeting: a banner with no prompt, or a server answering a client, stays a banner.
	for _, c := range []struct{ client, server string }{{"", "SSH-2.0-dropbear_2019.78\r\n"}, {"GET / HTTP/1.0\r\n\r\n", "login:"}} {
		obs, _ := collect(t, DecodeBanner, []byte(c.client), []byte(c.server), cameraMeta)
		if got := valuesOf(obs, "telnet.banner"); len(got) != 0 {
			t.Errorf("%q: telnet.banner %q", c.server, got)
		}
	}
}

// TestBannerTextAsScannersRecordIt: a server's first bytes recorded as text
// by an internet scanner or banner grabber (key tcp.banner) are read by
// their content, as the same bytes in a capture: a Dahua camera's RTSP
// answer (retina's recording) as sent, with its line ends escaped as
// masscan writes them (\x0d\x0a) and as a twice-escaped JSON string has
// them (\r\n); the Hikvision SDK port's binary greeting in nmap's escapes; a
// telnet greeting.
func TestBannerTextAsScannersRecordIt(t *testing.T) {
	text, _ := ByRawKey("tcp.banner")
	options := string(readRealdata(t, "retina-rtsp/dahua_options.txt"))
	want, err := collect(t, DecodeRTSP, nil, []byte(options), cameraMeta)
	if err != nil || !hasValue(want, "rtsp.server", "Rtsp Server/3.0") {
		t.Fatalf("the recording itself: %v %v", err, want)
	}
	crlf := strings.ReplaceAll(strings.ReplaceAll(options, "\r\n", "\n"), "\n", "\r\n")
	for name, recorded := range map[string]string{
		"as sent":        options,
		"masscan":        strings.ReplaceAll(crlf, "\r\n", `\x0d\x0a`),
		"escaped twice":  strings.ReplaceAll(crlf, "\r\n", `\r\n`),
		"upper-case hex": strings.ReplaceAll(crlf, "\r\n", `\x0D\x0A`),
	} {
		got, err := collect(t, text, nil, []byte(recorded), cameraMeta)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v\n got %v\nwant %v", name, err, got, want)
		}
	}
	// Quotes inside an escaped banner (a realm, an HTML attribute) stay.
	got, _ := collect(t, text, nil, []byte(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="DVR"\r\n\r\n`), cameraMeta)
	if !hasValue(got, "http.www_authenticate", `Basic realm="DVR"`) {
		t.Errorf("escaped banner with quotes: %v", got)
	}
	got, _ = collect(t, text, nil, []byte(`\0\0\0\x10\0\0\0\x1e\0\0\0\x1e\0\0\0\0`), cameraMeta)
	if !hasValue(got, "tcp.banner_hex", "000000100000001e0000001e00000000") {
		t.Errorf("escaped binary banner: %v", got)
	}
	got, _ = collect(t, text, nil, []byte("\r\n(none) login: "), cameraMeta)
	if !hasValue(got, "telnet.banner", "(none) login:") {
		t.Errorf("telnet greeting: %v", got)
	}
	// Text with a real control byte is taken as it is: a backslash in it is
	// the server's own.
	got, _ = collect(t, text, nil, []byte("HTTP/1.1 200 OK\r\nServer: a\\nb\r\n\r\n"), cameraMeta)
	if !hasValue(got, "http.server", `a\nb`) {
		t.Errorf("a server's own backslash: %v", got)
	}
}

package service

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

var cameraMeta = scanner.Meta{Probe: "pcap", SrcIP: netip.MustParseAddr("198.18.0.10"), SrcPort: 554}

// TestRetinaAllFiles decodes every recorded response and checks the
// decoder against a naive line-by-line reading of the same file: status
// code, each Server, WWW-Authenticate, Public, Content-Base, Date (raw) and
// each SDP s= and a= line must come out, and nothing else under those keys.
func TestRetinaAllFiles(t *testing.T) {
	files, err := filepath.Glob(realdataDir + "retina-rtsp/*.txt")
	if err != nil || len(files) != 43 {
		t.Fatalf("want the 43 retina files, got %d (%v)", len(files), err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			obs, err := collect(t, DecodeRTSP, nil, data, cameraMeta)
			if err != nil {
				t.Fatal(err)
			}
			want := naiveRTSP(string(data))
			for key, values := range want {
				got := valuesOf(obs, key)
				if !slices.Equal(got, values) {
					t.Errorf("%s = %q, want %q", key, got, values)
				}
			}
			for _, o := range obs {
				if o.IP != cameraMeta.SrcIP || o.Port != 554 || o.Probe != "pcap" {
					t.Errorf("observation not about the server: %+v", o)
				}
			}
		})
	}
}

// naiveRTSP reads a single-response file the simplest way: header lines up
// to the first blank line, then every s= and a= line, first of each value.
func naiveRTSP(text string) map[string][]string {
	want := map[string][]string{}
	add := func(key, value string) {
		if strings.TrimSpace(value) != "" && !slices.Contains(want[key], value) {
			want[key] = append(want[key], value)
		}
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	inBody := strings.HasPrefix(text, "v=0")
	if !inBody {
		add("rtsp.status", strings.Fields(lines[0])[1])
	}
	headerKeys := map[string]string{"server": "rtsp.server", "www-authenticate": "rtsp.www_authenticate",
		"public": "rtsp.public", "content-base": "rtsp.content_base"}
	for _, line := range lines[1:] {
		if !inBody {
			if line == "" {
				inBody = true
				continue
			}
			name, value, _ := strings.Cut(line, ":")
			if key, ok := headerKeys[strings.ToLower(name)]; ok {
				add(key, strings.TrimSpace(value))
			}
			if strings.EqualFold(name, "date") {
				add("rtsp.date", strings.TrimRight(value, " "))
			}
			continue
		}
		if s, ok := strings.CutPrefix(line, "s="); ok {
			add("rtsp.sdp_session", strings.TrimSpace(s))
		}
		if a, ok := strings.CutPrefix(line, "a="); ok {
			add("rtsp.sdp_attr", strings.TrimSpace(a))
		}
	}
	for _, key := range []string{"rtsp.server", "rtsp.www_authenticate", "rtsp.public", "rtsp.content_base", "rtsp.date", "rtsp.sdp_session"} {
		if _, ok := want[key]; !ok {
			want[key] = nil // absent in the file: the decoder must not invent one
		}
	}
	return want
}

// TestRetinaFingerprints pins what signatures will rely on, per family.
func TestRetinaFingerprints(t *testing.T) {
	cases := []struct {
		file, key, value string
	}{
		{"hikvision_describe.txt", "rtsp.content_base", "rtsp://192.168.5.106:554/Streaming/Channels/101/"},
		{"hikvision_describe.txt", "rtsp.sdp_session", "Media Presentation"},
		{"hikvision_describe.txt", "rtsp.sdp_attr", "Media_header:MEDIAINFO=494D4B48010100000400010000000000000000000000000000000000000000000000000000000000;"},
		{"hikvision_describe.txt", "rtsp.sdp_attr", "appversion:1.0"},
		{"hikvision_setup.txt", "rtsp.date", "  Wed, May 05 2021 21:51:17 GMT"},
		{"dahua_options.txt", "rtsp.server", "Rtsp Server/3.0"},
		{"dahua_options.txt", "rtsp.public", "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER"},
		{"dahua_describe_h264_aac_onvif.txt", "rtsp.content_base", "rtsp://192.168.5.111:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/"},
		{"dahua_describe_h264_aac_onvif.txt", "rtsp.sdp_attr", "packetization-supported:DH"},
		{"dahua_describe_h264_aac_onvif.txt", "rtsp.sdp_session", "Media Server"},
		{"h264dvr_describe.txt", "rtsp.server", "H264DVR 1.0"},
		{"h264dvr_describe.txt", "rtsp.sdp_session", "RTSP Session"},
		{"longse_unauthorized.txt", "rtsp.status", "401"},
		{"longse_unauthorized.txt", "rtsp.www_authenticate", `Digest realm="Surveillance Server", nonce="98481030"`},
		{"bunny_describe.txt", "rtsp.server", "Wowza Streaming Engine 4.8.10 build20210217143515"},
		{"bunny_describe.txt", "rtsp.date", " Sat, 8 May 2021 04:35:51 UTC"},
		{"tplink_sdp.txt", "rtsp.sdp_session", `Session streamed by "TP-LINK RTSP Server"`},
	}
	for _, c := range cases {
		obs, err := collect(t, DecodeRTSP, nil, readRealdata(t, "retina-rtsp/"+c.file), cameraMeta)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if !hasValue(obs, c.key, c.value) {
			t.Errorf("%s: no %s=%q; got %q", c.file, c.key, c.value, valuesOf(obs, c.key))
		}
	}
	for _, file := range []string{"hikvision_describe.txt", "hikvision_setup.txt", "hikvision_play.txt"} {
		obs, _ := collect(t, DecodeRTSP, nil, readRealdata(t, "retina-rtsp/"+file), cameraMeta)
		if got := valuesOf(obs, "rtsp.server"); got != nil {
			t.Errorf("%s sends no Server header, decoder says %q", file, got)
		}
	}
}

// TestUHCTFCapture feeds the TCP payloads of a real VLC-to-camera session.
func TestUHCTFCapture(t *testing.T) {
	flows := readFlows(t, realdataDir+"uhctf2022/EyeP_rtsp_setup.pcapng", 554)
	if len(flows) != 2 {
		t.Fatalf("want 2 RTSP connections, got %d", len(flows))
	}
	var all [][]string
	for _, f := range flows {
		d, ok := Detect(f.client, f.served)
		if !ok {
			t.Fatal("Detect refused an RTSP flow")
		}
		m := scanner.Meta{Probe: "pcap", SrcIP: f.server.Addr(), SrcPort: f.server.Port()}
		obs, err := collect(t, d, f.client, f.served, m)
		if err != nil {
			t.Fatal(err)
		}
		if f.server != netip.MustParseAddrPort("10.66.130.2:554") {
			t.Errorf("server %v", f.server)
		}
		if got := valuesOf(obs, "rtsp.server"); got != nil {
			t.Errorf("camera sends no Server header, got %q", got)
		}
		if !hasValue(obs, "rtsp.www_authenticate", `Digest realm="RTSP", nonce="0000040dY892418598785d2a2304a74adf22f6098f2792", stale=FALSE`) {
			t.Errorf("digest challenge missing: %q", valuesOf(obs, "rtsp.www_authenticate"))
		}
		var seq []string
		for _, o := range obs {
			if o.Key == "rtsp.status" || o.Key == "rtsp.url" {
				seq = append(seq, o.Value)
			}
		}
		all = append(all, seq)
		if len(all) == 2 {
			for _, want := range []string{"RTSP/RTP stream from HDIPCam"} {
				if !hasValue(obs, "rtsp.sdp_session", want) {
					t.Errorf("no sdp_session %q", want)
				}
			}
			if !hasValue(obs, "rtsp.sdp_attr", "x-qt-text-nam:RTSP/RTP stream from HDIPCam") || !hasValue(obs, "rtsp.content_base", "rtsp://10.66.130.2:554/stream0/") {
				t.Errorf("SDP attributes or Content-Base missing: %v", obs)
			}
		}
	}
	// Each status is paired with the URL it answered; the emitter drops
	// repeats, so the first connection (three 401s for one URL) shows once.
	want := [][]string{
		{"401", "rtsp://10.66.130.2:554/stream0"},
		{"401", "rtsp://10.66.130.2:554/stream0", "200", "rtsp://10.66.130.2:554/stream0/track1", "rtsp://10.66.130.2:554/stream0/"},
	}
	if !slices.EqualFunc(all, want, slices.Equal) {
		t.Errorf("status/url sequence %q, want %q", all, want)
	}
}

// TestRTSPCSeqPairing answers requests out of order and interleaves an RTP
// frame: each response must be paired by CSeq, not position.
func TestRTSPCSeqPairing(t *testing.T) {
	client := "OPTIONS rtsp://cam/a RTSP/1.0\r\nCSeq: 1\r\n\r\nDESCRIBE rtsp://cam/b RTSP/1.0\r\nCSeq: 2\r\n\r\n"
	server := "RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n$\x00\x00\x04abcd" +
		"RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS\r\n\r\n"
	obs, err := collect(t, DecodeRTSP, []byte(client), []byte(server), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range obs {
		if o.Key == "rtsp.status" || o.Key == "rtsp.url" {
			got = append(got, o.Value)
		}
	}
	want := []string{"404", "rtsp://cam/b", "200", "rtsp://cam/a"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRTSPOptionsServesNoPath: servers answer OPTIONS 200 whatever the path
// (ffmpeg's "method DESCRIBE failed: 404" after the OPTIONS passed, for a
// doorbell asked for a misspelt Reolink path, blakeblackshear/frigate issue
// #8978, and for go2rtc asked for a stream it lacks, issue #7716), so a
// viewer's wrong guess of another maker's path must not become a served one;
// the DESCRIBE the server answers 2xx is.
func TestRTSPOptionsServesNoPath(t *testing.T) {
	client := "OPTIONS rtsp://cam/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: 1\r\n\r\n" +
		"DESCRIBE rtsp://cam/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: 2\r\n\r\n" +
		"OPTIONS rtsp://cam/onvif1 RTSP/1.0\r\nCSeq: 3\r\n\r\n" +
		"DESCRIBE rtsp://cam/onvif1 RTSP/1.0\r\nCSeq: 4\r\n\r\n"
	server := "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n" +
		"RTSP/1.0 404 Stream Not Found\r\nCSeq: 2\r\n\r\n" +
		"RTSP/1.0 200 OK\r\nCSeq: 3\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n" +
		"RTSP/1.0 200 OK\r\nCSeq: 4\r\nContent-Length: 0\r\n\r\n"
	obs, err := collect(t, DecodeRTSP, []byte(client), []byte(server), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := valuesOf(obs, "rtsp.served_url"), []string{"rtsp://cam/onvif1"}; !slices.Equal(got, want) {
		t.Errorf("rtsp.served_url %q, want %q", got, want)
	}
}

func TestRTSPRejectsOtherProtocols(t *testing.T) {
	for _, server := range []string{"", "\x16\x03\x01\x00\x05", "SSH-2.0-OpenSSH_8.9\r\n"} {
		if _, err := collect(t, DecodeRTSP, nil, []byte(server), cameraMeta); err == nil {
			t.Errorf("%q: no error", server)
		}
	}
}

// A server that answers HTTP on the RTSP port is an HTTP observation on that
// port, not a decoding error: the Hikvision 401 of testdata/service (Server
// App-webs/, realm IP Camera(C2183)) answered to an RTSP OPTIONS on 554.
func TestRTSPPortAnsweringHTTP(t *testing.T) {
	server := readTestdata(t, "constructed/signals_app_webs_401.http")
	client := []byte("OPTIONS rtsp://198.18.0.10:554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n")
	m := cameraMeta
	m.SrcPort = 554
	obs, err := collect(t, DecodeRTSP, client, server, m)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range obs {
		got[o.Key] = o.Value
		if o.Port != 554 || strings.HasPrefix(o.Key, "rtsp.") {
			t.Errorf("%+v", o)
		}
	}
	if got["http.status"] != "401" || got["http.server"] != "App-webs/" || !strings.Contains(got["http.www_authenticate"], `realm="IP Camera(C2183)"`) {
		t.Errorf("observations %v", got)
	}
}

// TestRTSPRealmMAC: a Digest realm that is a MAC (a Uniview camera's
// challenge, as quoted in a public RTSP client) is also emitted as a MAC;
// realms that merely contain hex are not.
func TestRTSPRealmMAC(t *testing.T) {
	cases := []struct{ challenge, mac string }{
		{`Digest realm="48ea63c2402b",nonce="08834db25099945d53645c8d458f37e0", stale="FALSE"`, "48:ea:63:c2:40:2b"},
		{`Digest realm="48:EA:63:C2:40:2B", nonce="1"`, "48:ea:63:c2:40:2b"},
		{`Basic realm=48-ea-63-c2-40-2b`, "48:ea:63:c2:40:2b"},
		{`Digest realm="4453c7aab6dbf00c",nonce="1"`, ""}, // Xiongmai: 16 hex digits, not a MAC
		{`Digest realm="AXIS_00408CEF081C", nonce="1"`, ""},
		{`Digest realm="Login to ND021811019863"`, ""},
		{`Digest realm="48ea63c2402b`, ""}, // unterminated
		{`Digest nonce="48ea63c2402b"`, ""},
	}
	for _, c := range cases {
		server := "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: " + c.challenge + "\r\n\r\n"
		obs, err := collect(t, DecodeRTSP, []byte("DESCRIBE rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"), []byte(server), cameraMeta)
		if err != nil {
			t.Fatal(err)
		}
		got := valuesOf(obs, "rtsp.realm_mac")
		if (c.mac == "" && got != nil) || (c.mac != "" && !slices.Equal(got, []string{c.mac})) {
			t.Errorf("%s: rtsp.realm_mac %q, want %q", c.challenge, got, c.mac)
		}
	}
}

// TestRTSPServedURL: only a request the server answered 2xx names a path the
// server has; a 401 or 404 to a guessed vendor path says nothing about it.
func TestRTSPServedURL(t *testing.T) {
	client := "DESCRIBE rtsp://cam/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 1\r\n\r\n" +
		"DESCRIBE rtsp://cam/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: 2\r\n\r\n" +
		"DESCRIBE rtsp://admin:secret@cam/unicast/c1/s0/live RTSP/1.0\r\nCSeq: 3\r\n\r\n"
	server := "RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n" +
		"RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n\r\n" +
		"RTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n"
	obs, err := collect(t, DecodeRTSP, []byte(client), []byte(server), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := valuesOf(obs, "rtsp.served_url"), []string{"rtsp://cam/unicast/c1/s0/live"}; !slices.Equal(got, want) {
		t.Errorf("rtsp.served_url %q, want %q", got, want)
	}
}

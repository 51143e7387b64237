package discovery

import (
	"bytes"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// readSIP reads a recorded SIP message (testdata/discovery/sip, see
// testdata/discovery/SOURCES.md) with the CRLF line ends SIP puts on the
// wire (the public logs print them as LF).
func readSIP(t testing.TB, name string) []byte {
	t.Helper()
	b := readTestdata(t, "sip/"+name)
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

var sipSender = scanner.Meta{Probe: "pcap", SrcIP: netip.MustParseAddr("198.18.0.71"), SrcPort: 5060}

// decodeSIP runs the decoder the pcap path picks for the message (by its
// start line, on a port no protocol owns).
func decodeSIP(t *testing.T, payload []byte) map[string][]string {
	t.Helper()
	dec, ok := Sniff(payload)
	if !ok || !sameFunc(dec, SIP) {
		t.Fatalf("not sniffed as SIP: %.40q", payload)
	}
	obs, err := decode(dec, payload, sipSender)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, o := range obs {
		if o.IP != sipSender.SrcIP || o.Port != sipSender.SrcPort {
			t.Errorf("%s about %v:%d, not the sender", o.Key, o.IP, o.Port)
		}
		out[o.Key] = append(out[o.Key], o.Value)
	}
	return out
}

func TestSIPRecordedMessages(t *testing.T) {
	cases := []struct {
		file string
		want map[string][]string
	}{
		{"dahua-ipc-keepalive.sip", map[string][]string{
			"sip.user_agent":      {"DH SIP UAS V1.0"},
			"gb28181.device_id":   {"34020000001320000001"},
			"gb28181.device_type": {"IP camera"},
		}},
		{"dahua-nvr-register.sip", map[string][]string{
			"sip.user_agent":      {"SIP UAS V3.0.0.1208500"},
			"gb28181.device_id":   {"34020000001180000001"},
			"gb28181.device_type": {"NVR"},
		}},
		{"dahua-sd-deviceinfo.sip", map[string][]string{
			"sip.user_agent":       {"SIP UAS V3.0.0.675168"},
			"gb28181.device_id":    {"34020000001320000002"},
			"gb28181.device_type":  {"IP camera"},
			"gb28181.manufacturer": {"Dahua"},
			"gb28181.model":        {"DH-SD-6C3230UE-HN"},
			"gb28181.firmware":     {"2.623.0000000.17.R,2019-01-19"},
			"gb28181.device_name":  {"DH-SD-6C3230UE-HN"},
		}},
		// A catalog item that is not the sender (the dome's channel, 131)
		// gives no maker or model.
		{"dahua-sd-catalog.sip", map[string][]string{
			"sip.user_agent":      {"SIP UAS V3.0.0.675168"},
			"gb28181.device_id":   {"34020000001320000002"},
			"gb28181.device_type": {"IP camera"},
		}},
		// The item that is the sender itself names its maker.
		{"hikvision-ipc-catalog.sip", map[string][]string{
			"sip.user_agent":       {"IP Camera"},
			"gb28181.device_id":    {"62010201001320000393"},
			"gb28181.device_type":  {"IP camera"},
			"gb28181.manufacturer": {"Hikvision"},
			"gb28181.model":        {"IP Camera"},
		}},
		// A record list's items are channels: only the sender's own code.
		{"hikvision-dvr-recordinfo.sip", map[string][]string{
			"sip.user_agent":      {"Embedded Net DVR/NVR/DVS"},
			"gb28181.device_id":   {"34020000001110000001"},
			"gb28181.device_type": {"DVR"},
		}},
		// The platform's answer and query describe the platform: its
		// User-Agent and its own code (From), never the code it asks about.
		{"platform-exosip-401.sip", map[string][]string{
			"sip.user_agent": {"eXosip/4.1.0"},
		}},
		{"platform-exosip-query.sip", map[string][]string{
			"sip.user_agent":      {"eXosip/4.1.0"},
			"gb28181.device_id":   {"34020000002000000010"},
			"gb28181.device_type": {"signalling server"},
		}},
	}
	for _, c := range cases {
		got := decodeSIP(t, readSIP(t, c.file))
		if !sameKeys(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.file, got, c.want)
		}
		// Devices and logs alike use bare LF; the reading is the same.
		if lf := decodeSIP(t, readTestdata(t, "sip/"+c.file)); !sameKeys(lf, c.want) {
			t.Errorf("%s with LF line ends: %v", c.file, lf)
		}
	}
}

func sameKeys(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// A request a proxy forwarded (two Vias) carries its originator's
// User-Agent and body; nothing of it is about the proxy that sent it on.
func TestSIPForwardedRequestNotAttributed(t *testing.T) {
	msg := readSIP(t, "dahua-sd-deviceinfo.sip")
	forwarded := bytes.Replace(msg, []byte("Via: "), []byte("Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKproxy\r\nVia: "), 1)
	if got := decodeSIP(t, forwarded); len(got) != 0 {
		t.Errorf("forwarded request attributed to the proxy: %v", got)
	}
	compact := bytes.Replace(msg, []byte("Via: SIP/2.0/UDP 192.168.6.71"), []byte("v: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKp, SIP/2.0/UDP 192.168.6.71"), 1)
	if got := decodeSIP(t, compact); len(got) != 0 {
		t.Errorf("forwarded request (compact, comma-joined Via) attributed to the proxy: %v", got)
	}
}

// An answer about another code than the sender's own (a recorder answering
// DeviceInfo for a camera on its channel, a platform relaying a device's
// answer upward) is not the sender's: its fields are not read. The dome's
// real answer, with the code of its channel put in.
func TestSIPAnswerForAnotherCode(t *testing.T) {
	msg := bytes.Replace(readSIP(t, "dahua-sd-deviceinfo.sip"), []byte("<DeviceID>34020000001320000002<"), []byte("<DeviceID>34020000001310000001<"), 1)
	got := decodeSIP(t, msg)
	want := map[string][]string{
		"sip.user_agent":      {"SIP UAS V3.0.0.675168"},
		"gb28181.device_id":   {"34020000001320000002"},
		"gb28181.device_type": {"IP camera"},
	}
	if !sameKeys(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestSIPStartLine(t *testing.T) {
	for _, s := range []string{
		"REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n",
		"SIP/2.0 200 OK\r\n\r\n",
		"OPTIONS sip:100@192.168.1.2 SIP/2.0\n",
	} {
		if !IsSIP([]byte(s)) {
			t.Errorf("%q not recognised", s)
		}
	}
	for _, s := range []string{
		"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n", // SSDP
		"OPTIONS rtsp://198.18.0.2/ RTSP/1.0\r\nCSeq: 1\r\n",  // RTSP
		"GET / HTTP/1.1\r\n",
		"SIP/2.0 2xx\r\n",
		"REGISTER sip:a@b SIP/2.0", // no line end in the datagram
		"\x80\x60\x00\x01 RTP",
	} {
		if IsSIP([]byte(s)) {
			t.Errorf("%q taken for SIP", s)
		}
	}
	long := "REGISTER sip:" + strings.Repeat("1", maxSIPStartLine) + "@x SIP/2.0\r\n"
	if IsSIP([]byte(long)) {
		t.Error("start line beyond the bound accepted")
	}
}

func TestSIPRawKey(t *testing.T) {
	dec, ok := ByRawKey("sip.message")
	if !ok || !sameFunc(dec, SIP) {
		t.Fatal("sip.message is not read by the SIP decoder")
	}
}

// A TCP segment may hold two messages: Content-Length says where the first
// one's body ends, and the next message's body is not read as the first's.
func TestSIPContentLengthBoundsBody(t *testing.T) {
	keepalive := readSIP(t, "dahua-ipc-keepalive.sip")
	head, body, _ := bytes.Cut(keepalive, []byte("\r\n\r\n"))
	head = bytes.Replace(head, []byte("Content-Length:   178"), []byte("Content-Length: "+strconv.Itoa(len(body))), 1)
	two := slices.Concat(head, []byte("\r\n\r\n"), body, readSIP(t, "dahua-sd-deviceinfo.sip"))
	got := decodeSIP(t, two)
	if _, ok := got["gb28181.manufacturer"]; ok || got["gb28181.device_id"][0] != "34020000001320000001" {
		t.Errorf("the next message's body was read as the first's: %v", got)
	}
}

func FuzzSIP(f *testing.F) {
	for _, name := range []string{"dahua-ipc-keepalive.sip", "dahua-nvr-register.sip", "dahua-sd-deviceinfo.sip",
		"hikvision-ipc-catalog.sip", "hikvision-dvr-recordinfo.sip", "platform-exosip-401.sip"} {
		f.Add(readSIP(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []scanner.Meta{fuzzMeta, {}} {
			var obs []observe.Observation
			_ = SIP(b, m, func(o observe.Observation) { obs = append(obs, o) })
			checkObservations(t, "", obs)
			for _, o := range obs {
				if !strings.HasPrefix(o.Key, "sip.") && !strings.HasPrefix(o.Key, "gb28181.") {
					t.Fatalf("key %q outside sip./gb28181.", o.Key)
				}
			}
		}
	})
}

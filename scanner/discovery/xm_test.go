package discovery

import (
	"encoding/binary"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// besderSearchReply returns the NetWork.NetCommon JSON of the Besder
// XM530 camera (realdata §7, README excerpt): the author's "# ..."
// comments are stripped and the redacted MAC is replaced by a chosen one.
func besderSearchReply(t *testing.T) []byte {
	t.Helper()
	text := string(readTestdata(t, "README_excerpt_discovery_nmap_onvif.txt"))
	_, rest, ok := strings.Cut(text, "```json\n")
	if !ok {
		t.Fatal("no JSON block in the README excerpt")
	}
	block, _, _ := strings.Cut(rest, "```")
	block = regexp.MustCompile(`,\s*#[^\n]*`).ReplaceAllString(block, ",")
	block = regexp.MustCompile(`"MAC": "[^"]*"`).ReplaceAllString(block, `"MAC": "00:12:41:aa:bb:cc"`)
	return []byte(block)
}

// withXMHeader frames a body with the "\n\0" the firmware appends.
func withXMHeader(id uint16, body []byte) []byte {
	return XMFrame(id, append(append([]byte(nil), body...), '\n', 0))
}

// XMUnframe reads what XMFrame writes and refuses a length past the end.
func TestXMFrameRoundTrip(t *testing.T) {
	body := besderSearchReply(t)
	frame := XMFrame(xmSearchReply, body)
	if id, got, ok := XMUnframe(frame); !ok || id != xmSearchReply || string(got) != string(body) {
		t.Fatalf("XMUnframe(XMFrame) = %d, %d bytes, %v", id, len(got), ok)
	}
	if _, _, ok := XMUnframe(frame[:len(frame)-1]); ok {
		t.Error("a truncated body was accepted")
	}
	if s := XMSearch(); len(s) != xmHeaderLen || s[0] != 0xff || binary.LittleEndian.Uint16(s[14:]) != 1530 {
		t.Errorf("XMSearch = % x", s)
	}
}

func TestXMSearchReply(t *testing.T) {
	body := besderSearchReply(t)
	for name, payload := range map[string][]byte{"with header": withXMHeader(xmSearchReply, body), "bare": body} {
		obs, err := decode(XM, payload, scanner.Meta{Probe: "xm"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// HostIP "0x6700A8C0" is 192.168.0.103; without socket metadata the
		// observations are about that address.
		camera := netip.MustParseAddr("192.168.0.103")
		wantValue(t, obs, camera, "xm.device_type", "24")
		wantValue(t, obs, camera, "xm.tcp_port", "34567")
		wantValue(t, obs, camera, "xm.firmware", "V5.00.R02.00030747.10010.349f17.0000000")
		wantValue(t, obs, camera, "xm.build_date", "2020-11-24 16:47:14")
		b := single(t, obs, "xm.mac")
		if b.MAC != mustMAC(t, "00:12:41:aa:bb:cc") || b.IP != camera {
			t.Errorf("%s: binding %+v", name, b)
		}
	}
}

func TestXMHostIPForms(t *testing.T) {
	for in, want := range map[string]string{
		"0x6700A8C0":   "192.168.0.103",
		"0x6700a8c0":   "192.168.0.103",
		"192.168.0.7":  "192.168.0.7",
		"0xZZ":         "invalid IP",
		"0x1122334455": "invalid IP",
	} {
		if got := xmHostIP(in).String(); got != want {
			t.Errorf("xmHostIP(%q) = %s, want %s", in, got, want)
		}
	}
}

// A search request (id 1530) is a client; other ids and bad lengths are
// rejected.
func TestXMFraming(t *testing.T) {
	obs, err := decode(XM, withXMHeader(xmSearch, nil), scanner.Meta{})
	if err != nil || len(obs) != 0 {
		t.Errorf("search request: err %v, %+v", err, obs)
	}
	body := besderSearchReply(t)
	long := withXMHeader(xmSearchReply, body)
	binary.LittleEndian.PutUint32(long[xmOffLength:], 0xfffffff0)
	for name, b := range map[string][]byte{
		"login id":        withXMHeader(1000, body),
		"length past end": long,
		"no NetCommon":    withXMHeader(xmSearchReply, []byte(`{"Ret":100}`)),
	} {
		if obs, err := decode(XM, b, scanner.Meta{}); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
}

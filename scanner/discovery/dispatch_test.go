package discovery

import (
	"encoding/hex"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

func sameFunc(a, b scanner.Decoder) bool {
	return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

func TestByPort(t *testing.T) {
	cases := []struct {
		src, dst uint16
		want     scanner.Decoder
	}{
		{68, 67, DHCP}, {67, 68, DHCP},
		{51786, 53, DNS}, {53, 51786, DNS},
		{5353, 5353, MDNS},
		{3084, 1900, SSDP}, {1900, 40000, SSDP},
		{3702, 50000, WSD}, {50000, 3702, WSD},
		{37020, 37020, SADP},
		{37810, 5555, DHIP},
		{34569, 34569, XM},
		{25508, 32100, PPPP}, {25508, 32108, PPPP},
	}
	for _, c := range cases {
		got, ok := ByPort(c.src, c.dst)
		if !ok || !sameFunc(got, c.want) {
			t.Errorf("ByPort(%d, %d) wrong decoder (ok=%v)", c.src, c.dst, ok)
		}
	}
	if _, ok := ByPort(23949, 17916); ok {
		t.Error("unknown ports matched")
	}
}

func TestSniffDHIPHeader(t *testing.T) {
	dec, ok := Sniff(DHIPFrame(readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")))
	if !ok || !sameFunc(dec, DHIP) {
		t.Error("DHIP header not sniffed")
	}
	if _, ok := Sniff([]byte("NOTIFY * HTTP/1.1\r\n")); ok {
		t.Error("SSDP text sniffed as a binary protocol")
	}
}

// Every raw key of docs/observation-keys.md that this package owns expands
// through the wire decoder; hex keys accept pasted dumps.
func TestByRawKey(t *testing.T) {
	dhcp := firstDHCP(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	var mdns []byte
	for _, d := range readUDP(t, "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap") {
		if d.meta.SrcPort == 5353 {
			mdns = d.payload
			break
		}
	}
	spaced := strings.ToUpper(hex.EncodeToString(mdns[:6])) + " \n" + hex.EncodeToString(mdns[6:])
	cases := []struct {
		key, value, wantKey string
	}{
		{"sadp.payload", string(readTestdata(t, "sadp_probematch_constructed.xml")), "sadp.model"},
		{"dhip.payload", string(readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")), "dhip.model"},
		{"xm.payload", string(besderSearchReply(t)), "xm.firmware"},
		{"wsd.payload", string(readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml")), "wsd.scope"},
		{"ssdp.payload", "NOTIFY * HTTP/1.1\r\nSERVER: Embedded UPnP/1.0\r\n\r\n", "ssdp.server"},
		{"upnp.description", string(readTestdata(t, "upnp_description_constructed.xml")), "upnp.model_name"},
		{"mdns.payload_hex", spaced, "mdns.txt"},
		{"dhcp.payload_hex", "0x" + hex.EncodeToString(dhcp), "dhcp.hostname"},
	}
	for _, c := range cases {
		dec, ok := ByRawKey(c.key)
		if !ok {
			t.Errorf("%s: unknown", c.key)
			continue
		}
		obs, err := decode(dec, []byte(c.value), scanner.Meta{Probe: "identify", SrcIP: netip.MustParseAddr("198.18.0.30")})
		if err != nil || len(values(obs, noAddr, c.wantKey)) == 0 {
			t.Errorf("%s: err %v, no %s in %+v", c.key, err, c.wantKey, obs)
		}
	}
	if _, ok := ByRawKey("http.headers"); ok {
		t.Error("a key of another package was claimed")
	}
	dec, _ := ByRawKey("dhcp.payload_hex")
	if _, err := decode(dec, []byte("zz"), scanner.Meta{}); err == nil {
		t.Error("bad hex accepted")
	}
}

func TestClipBoundsValues(t *testing.T) {
	long := strings.Repeat("é", maxValue) // 2 bytes each
	got := clip("  " + long)
	if len(got) > maxValue || !strings.HasPrefix(long, got) || len(got) < maxValue-1 {
		t.Errorf("clip: %d bytes", len(got))
	}
	if clip(" \tDS-2CD2042WD-I \r\n") != "DS-2CD2042WD-I" {
		t.Error("surrounding white space kept")
	}
	if clip("a\x00b") != "a\x00b" {
		t.Error("inner control characters must be kept as sent")
	}
}

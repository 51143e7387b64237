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
		if _, ok := ClientFirst(b); ok {
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

package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// TestTuyaAnnouncementsOfRealCaptures reads the UDP 6667 announcements of
// two real captures (ndpi tuya_lp.pcap: two Tuya modules; iotls
// smartlife-bulb.pcap: a Smart Life bulb): each decrypts under the shared
// key to JSON naming the sender's address, gateway id, product key and
// protocol version.
func TestTuyaAnnouncementsOfRealCaptures(t *testing.T) {
	var obs []observe.Observation
	var n int
	for _, name := range []string{"ndpi/tuya_lp.pcap", "iotls/smartlife-bulb.pcap"} {
		for _, d := range readUDP(t, name) {
			if d.meta.DstPort != tuyaPortCipher {
				continue
			}
			dec, ok := ByPort(d.meta.SrcPort, d.meta.DstPort)
			if !ok {
				t.Fatal("UDP 6667 has no decoder")
			}
			n++
			if err := dec(d.payload, d.meta, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no UDP 6667 datagram in the captures")
	}
	module := netip.MustParseAddr("192.168.242.181")
	wantValue(t, obs, module, "tuya.product_key", "keyvtdmgqcsh5hug")
	wantValue(t, obs, module, "tuya.gw_id", "50650122dc4f22bd40a1")
	wantValue(t, obs, module, "tuya.version", "3.3")
	wantValue(t, obs, netip.MustParseAddr("192.168.242.174"), "tuya.product_key", "keyxfhf7ryk8ftcx")
	wantValue(t, obs, netip.MustParseAddr("192.168.10.158"), "tuya.product_key", "key4fv3xs8twchhy")
}

// TestTuyaPlainAndCut: a protocol 3.1 frame's plain JSON is read as is
// (constructed: the real module's JSON of tuya_lp.pcap, version and address
// changed, in a frame built here); a cut frame, a frame without its suffix
// and other bytes emit nothing.
func TestTuyaPlainAndCut(t *testing.T) {
	json := `{"ip":"192.168.1.50","gwId":"50650122dc4f22bd40a1","active":2,"ability":0,"mode":0,"encrypt":false,"productKey":"keyvtdmgqcsh5hug","version":"3.1"}`
	frame := []byte{0, 0, 0x55, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0x13, 0, 0, 0, byte(4 + len(json) + 8), 0, 0, 0, 0}
	frame = append(frame, json...)
	frame = append(frame, 0, 0, 0, 0, 0, 0, 0xaa, 0x55)
	obs, err := decode(Tuya, frame, scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, netip.MustParseAddr("192.168.1.50"), "tuya.version", "3.1")
	for _, bad := range [][]byte{frame[:30], frame[:len(frame)-1], {0, 0, 0x55, 0xaa}, []byte("{}"), {}} {
		got, _ := decode(Tuya, bad, scanner.Meta{Probe: "identify"})
		if len(got) != 0 {
			t.Errorf("%x: %+v, want nothing", bad, got)
		}
	}
}

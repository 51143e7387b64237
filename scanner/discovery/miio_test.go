package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// The real captures of a Xiaomi (Imilab) camera, 192.168.1.161, watched
// from the Mi Home app (testdata/realdata SOURCES.md §13, §16, §29b): phones
// send the hello (all ff) and encrypted commands to UDP 54321; the camera
// answers from 54321 with its device id 0x1601c881 (369215617), the same in
// captures of 2022, 2024 and 2025. The camera's own packets to its cloud
// (from 54321 to 8053, id all ff) and the cloud's answers name no device;
// a capture with the phone's hello alone (the 150-byte snap length one) and
// the Xiaobai camera's cloud packets give nothing.
func TestMiIOAnswersOfRealCaptures(t *testing.T) {
	camera := netip.MustParseAddr("192.168.1.161")
	for _, name := range []string{
		"iot-firewall/xiaomi-cam_open-app-local.pcap",
		"hidden-patterns/xiaomi-cam_app-stream.pcap",
		"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap",
		"smart-home-firewall/xiaomi-cam_my-firewall_lan.pcap",
		"lifecycle/xiaobai-y2-camera_idle-local.pcap",
	} {
		obs, _ := decodeCapture(t, name)
		var ids []observeAbout
		for _, o := range obs {
			if o.Key == "miio.device_id" {
				ids = append(ids, observeAbout{o.IP, o.Value})
			}
		}
		switch name {
		case "iot-firewall/xiaomi-cam_open-app-local.pcap", "hidden-patterns/xiaomi-cam_app-stream.pcap",
			"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap":
			if len(ids) == 0 {
				t.Errorf("%s: no miio.device_id", name)
			}
			for _, id := range ids {
				if id.ip != camera || id.value != "369215617" {
					t.Errorf("%s: miio.device_id %q about %v, want 369215617 about the camera", name, id.value, id.ip)
				}
			}
		default: // the phone's hello alone, or cloud packets
			if len(ids) != 0 {
				t.Errorf("%s: %v, want no miio.device_id", name, ids)
			}
		}
	}
}

type observeAbout struct {
	ip    netip.Addr
	value string
}

// TestMiIOIdentify: the camera's real hello answer as an identify raw key
// (from hidden-patterns/xiaomi-cam_app-stream.pcap) gives its id; the
// hello, the camera's time request to its cloud (smart-home-firewall), an
// encrypted command without its ports, a packet whose length field is not
// its length and a cut header give nothing.
func TestMiIOIdentify(t *testing.T) {
	raw, ok := ByRawKey("miio.payload_hex")
	if !ok {
		t.Fatal("miio.payload_hex is no raw key")
	}
	camera := netip.MustParseAddr("192.168.1.161")
	answer := "21310020000000001601c88100000385ffffffffffffffffffffffffffffffff"
	obs, err := decode(raw, []byte(answer), scanner.Meta{Probe: "identify", SrcIP: camera})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, camera, "miio.device_id", "369215617")
	for _, quiet := range []string{
		"21310020ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"21310020ffffffffffffffff65cc77a62f52a27a3cdbbd1b7aeaf77cb4e4691a",
		"21310030000000001601c88100000385ffffffffffffffffffffffffffffffff00000000000000000000000000000000",
		"21310040000000001601c88100000385ffffffffffffffffffffffffffffffff",
		"21310020000000001601c88100000385ffff",
		"21310020000000000000000000000385ffffffffffffffffffffffffffffffff",
	} {
		if got, err := decode(raw, []byte(quiet), scanner.Meta{Probe: "identify", SrcIP: camera}); err != nil || len(got) != 0 {
			t.Errorf("%s: %+v %v, want nothing", quiet, got, err)
		}
	}
	// A 32-byte header sent to 54321 is a request, whoever's id it holds.
	m := scanner.Meta{Probe: "pcap", SrcIP: netip.MustParseAddr("192.168.1.110"), SrcPort: 37419, DstPort: miioPort}
	if got, _ := decode(MiIO, mustHex(t, answer), m); len(got) != 0 {
		t.Errorf("request: %+v, want nothing", got)
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := HexDump(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMiIOIdIsTheMDNSId: the hello answers a Mi Home app's handshake
// handler quotes (code index file 33875461599) carry the ids the same
// devices announce in decimal in their _miio mDNS instances
// (roborock-vacuum-s5_miio260426251, lumi-acpartner-v1_miio57948646): the
// decimal form is the devices' own.
func TestMiIOIdIsTheMDNSId(t *testing.T) {
	for answer, id := range map[string]string{
		"21310020000000000F85CA0B5F183C88FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF": "260426251",
		"2131002000000000037439E600013E6A00000000000000000000000000000000": "57948646",
	} {
		obs, err := decode(MiIO, mustHex(t, answer), scanner.Meta{Probe: "identify"})
		if err != nil {
			t.Fatal(err)
		}
		wantValue(t, obs, netip.Addr{}, "miio.device_id", id)
	}
}

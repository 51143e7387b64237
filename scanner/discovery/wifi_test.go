package discovery

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// wifiCapture is a real monitor-mode capture (testdata/realdata SOURCES.md
// §25): radiotap headers, every frame with its 4-byte FCS.
const wifiCapture = "airodump-wifi/80211-icmp_CUT.pcap"

// wifiElementsOf returns the information elements of the first management
// frame of this subtype that transmitter ta sent in the capture.
func wifiElementsOf(t testing.TB, subtype byte, ta string) []byte {
	t.Helper()
	var out []byte
	eachFrame(t, realdataDir+"/"+wifiCapture, func(data []byte, link layers.LinkType, _ time.Time) bool {
		if link != layers.LinkTypeIEEE80211Radio || len(data) < 4 {
			return true
		}
		f := data[binary.LittleEndian.Uint16(data[2:4]):]
		if len(f) < 28 || f[0]&0x0c != 0 || f[0]>>4 != subtype || observe.MAC(f[10:16]).String() != ta {
			return true
		}
		fixed := map[byte]int{4: 0, 5: 12, 8: 12}[subtype]
		out = f[24+fixed : len(f)-4]
		return false
	})
	if out == nil {
		t.Fatalf("no frame of subtype %d from %s in %s", subtype, ta, wifiCapture)
	}
	return out
}

// A real probe request's WPS element describes the station; a real beacon
// names the access point's network and, with Realtek's reference firmware,
// describes it in WPS. What tshark shows of the same frames.
func TestWiFiElementsOfRealFrames(t *testing.T) {
	station := observe.MAC{0xbc, 0x14, 0xef, 0xdf, 0xe1, 0x74}
	obs, err := decode(WiFiRequest, wifiElementsOf(t, 4, station.String()), scanner.Meta{SrcMAC: station})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"wps.device_type=10.5", "wps.manufacturer=Kaonmedia", "wps.model_name=CT1100",
		"wps.model_number=CT1100", "wps.device_name=Hi3798CV200"} // in the element's order
	if got := keyValues(obs); !slices.Equal(got, want) {
		t.Errorf("probe request: %q, want %q", got, want)
	}
	for _, o := range obs {
		if o.MAC != station {
			t.Errorf("%s about %v, not the transmitter", o.Key, o.MAC)
		}
	}
	ap := observe.MAC{0x90, 0x9f, 0x33, 0x9a, 0x47, 0x36}
	obs, err = decode(WiFiAnnouncement, wifiElementsOf(t, 8, ap.String()), scanner.Meta{SrcMAC: ap})
	if err != nil {
		t.Fatal(err)
	}
	if got := keyValues(obs); !slices.Contains(got, "wifi.ssid=BoBMil") {
		t.Errorf("beacon: %q", got)
	}
}

// A WPS element split over two vendor-specific elements is one attribute
// list; a hidden network's NUL name, an element that runs past the frame
// and a vendor element of another OUI say nothing.
func TestWiFiElementEdges(t *testing.T) {
	wps := func(body []byte) []byte {
		return append([]byte{221, byte(4 + len(body)), 0x00, 0x50, 0xf2, 4}, body...)
	}
	attr := []byte{0x10, 0x21, 0, 9, 'H', 'i', 'k', 'v', 'i', 's', 'i', 'o', 'n'}
	split := append(wps(attr[:6]), wps(attr[6:])...)
	mac := observe.MAC{0x02, 0, 0, 0, 0, 1}
	for name, tc := range map[string]struct {
		elements []byte
		want     []string
		err      bool
	}{
		"split WPS":       {split, []string{"wps.manufacturer=Hikvision"}, false},
		"hidden network":  {[]byte{0, 4, 0, 0, 0, 0}, nil, false},
		"named network":   {[]byte{0, 3, 'c', 'a', 'm'}, []string{"wifi.ssid=cam"}, false},
		"truncated":       {[]byte{0, 3, 'c', 'a', 'm', 221, 40, 0x00}, []string{"wifi.ssid=cam"}, true},
		"other OUI":       {append([]byte{221, byte(4 + len(attr)), 0x00, 0x10, 0x18, 4}, attr...), nil, false},
		"attribute short": {wps([]byte{0x10, 0x21, 0, 40, 'H'}), nil, false},
	} {
		obs, err := decode(WiFiAnnouncement, tc.elements, scanner.Meta{SrcMAC: mac})
		if got := keyValues(obs); !slices.Equal(got, tc.want) || (err != nil) != tc.err {
			t.Errorf("%s: %q, %v; want %q (error %v)", name, got, err, tc.want, tc.err)
		}
	}
}

func keyValues(obs []observe.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, o.Key+"="+o.Value)
	}
	return out
}

func FuzzWiFi(f *testing.F) {
	f.Add(wifiElementsOf(f, 4, "bc:14:ef:df:e1:74"))
	f.Add(wifiElementsOf(f, 8, "90:9f:33:9a:47:36"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []scanner.Decoder{WiFiAnnouncement, WiFiRequest} {
			var obs []observe.Observation
			_ = d(b, scanner.Meta{Probe: "fuzz", SrcMAC: observe.MAC{0x02, 0, 0, 0, 0, 1}}, func(o observe.Observation) { obs = append(obs, o) })
			checkObservations(t, "w", obs)
		}
	})
}

package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

func dhsAnswer(t testing.TB) []byte { return readHexTestdata(t, "dhs_search_resp_writeup.hex") }

// TestDHSAnswerOfARealCamera reads a real camera's answer to the search
// broadcast to UDP 8600 as a discovery write-up printed it
// (testdata/discovery/dhs_search_resp_writeup.hex; the author masked the
// UID's digits and the firmware's, kept here as the letter X): the camera
// at 192.168.1.51 names its UID, its name, its DDNS host and its HTTP port,
// and binds its own MAC to its address.
func TestDHSAnswerOfARealCamera(t *testing.T) {
	camera := netip.MustParseAddr("192.168.1.51")
	dec, ok := ByPort(dhsPort, dhsAnswerPort)
	if !ok {
		t.Fatal("UDP 8600 has no decoder")
	}
	for _, m := range []scanner.Meta{
		{Probe: "pcap", SrcIP: camera, SrcPort: dhsPort, DstIP: netip.MustParseAddr("192.168.1.10"), DstPort: dhsAnswerPort},
		{Probe: "identify"},
	} {
		obs, err := decode(dec, dhsAnswer(t), m)
		if err != nil {
			t.Fatal(err)
		}
		for key, value := range map[string]string{
			"dhs.uid":       "VSTAXXXXXXXXXXX",
			"dhs.name":      "IPCAM",
			"dhs.firmware":  "XX.XX.XX.XX",
			"dhs.ddns_host": "user2.gocam.so",
			"dhs.http_port": "85",
		} {
			wantValue(t, obs, camera, key, value)
		}
		b := single(t, obs, "dhs.mac")
		if b.MAC != mustMAC(t, "48:02:2d:01:5c:e9") || b.IP != camera {
			t.Errorf("dhs.mac binds %v to %v", b.MAC, b.IP)
		}
	}
	// Two records in one datagram are read one after the other.
	two := append(dhsAnswer(t), dhsAnswer(t)...)
	obs, err := decode(DHS, two, scanner.Meta{Probe: "identify"})
	if err != nil || len(values(obs, camera, "dhs.uid")) != 2 {
		t.Errorf("two records: %v, %q", err, values(obs, camera, "dhs.uid"))
	}
}

// TestDHSRequestsAndCuts: the tool's search, a cut record and other bytes
// describe nothing; no field is read past the datagram.
func TestDHSRequestsAndCuts(t *testing.T) {
	full := dhsAnswer(t)
	for _, bad := range [][]byte{{0x44, 0x48, 0x01, 0x01}, full[:dhsMinLen-1], {}, []byte("DH"), []byte("DHIP")} {
		var got []observe.Observation
		_ = DHS(bad, scanner.Meta{Probe: "identify"}, func(o observe.Observation) { got = append(got, o) })
		if len(got) != 0 {
			t.Errorf("%x: %+v, want nothing", bad, got)
		}
	}
	// Through the firmware only: no DDNS host, the rest read.
	obs, err := decode(DHS, full[:dhsMinLen], scanner.Meta{Probe: "identify"})
	if err != nil || len(values(obs, noAddr, "dhs.ddns_host")) != 0 || len(values(obs, noAddr, "dhs.name")) != 1 {
		t.Errorf("record cut after the firmware: %v %+v", err, obs)
	}
}

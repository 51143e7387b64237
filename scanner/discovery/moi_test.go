package discovery

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

func moiAnswer(t testing.TB) []byte { return readHexTestdata(t, "moi_search_resp_smartthings.hex") }

// TestMOIAnswerOfARealCamera reads the answer a real camera sent to the
// MO_I search on UDP 10000, as SmartThings' Foscam (Connect) SmartApp
// quotes it (testdata/discovery/moi_search_resp_smartthings.hex): the
// camera at 10.1.101.44 names its ID (its MAC in hex), its owner's name for
// it, its system and application firmware and its HTTP port 88.
func TestMOIAnswerOfARealCamera(t *testing.T) {
	client := netip.MustParseAddr("10.1.101.9")
	camera := netip.MustParseAddr("10.1.101.44")
	dec, ok := ByPort(moiPort, 50000)
	if !ok {
		t.Fatal("UDP 10000 has no decoder")
	}
	for _, m := range []scanner.Meta{
		{Probe: "pcap", SrcIP: camera, SrcPort: moiPort, DstIP: client, DstPort: moiPort},
		{Probe: "identify"}, // no socket: the answer's own address
	} {
		obs, err := decode(dec, moiAnswer(t), m)
		if err != nil {
			t.Fatal(err)
		}
		for key, value := range map[string]string{
			"moi.protocol":    "MO_I",
			"moi.camera_id":   "00626E4D0B4B",
			"moi.name":        "Foscam_DarthMaul",
			"moi.sys_version": "1.4.1.8",
			"moi.app_version": "2.11.1.6",
			"moi.http_port":   "88",
		} {
			wantValue(t, obs, camera, key, value)
		}
		b := single(t, obs, "moi.mac")
		if b.MAC != mustMAC(t, "00:62:6e:4d:0b:4b") || b.IP != camera {
			t.Errorf("moi.mac binds %v to %v", b.MAC, b.IP)
		}
	}
}

// TestMOIXORAndRequests: a body XORed with the header's key reads as the
// plain one; the tool's search (operation 0), a cut answer and datagrams
// without the magic describe nothing.
func TestMOIXORAndRequests(t *testing.T) {
	plain := moiAnswer(t)
	xored := bytes.Clone(plain)
	key := []byte("_Foscam_")
	xored[moiOffXOR] = 1
	copy(xored[moiOffKey:], key)
	for i := moiHeaderLen; i < len(xored); i++ {
		xored[i] ^= key[(i-moiHeaderLen)%moiKeyLen]
	}
	obs, err := decode(MOI, xored, scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, netip.MustParseAddr("10.1.101.44"), "moi.name", "Foscam_DarthMaul")

	search, _ := hex.DecodeString("4d4f5f490000000000000000000000040000000400000000000001") // the SmartApp's own search
	for _, bad := range [][]byte{search, plain[:60], []byte("MO_"), {}, []byte("MO_V\x01\x00")} {
		var got []observe.Observation
		_ = MOI(bad, scanner.Meta{Probe: "identify"}, func(o observe.Observation) { got = append(got, o) })
		if len(got) != 0 {
			t.Errorf("%x: %+v, want nothing", bad, got)
		}
	}
}

// TestMOIPortSharedWithP2P: a CS2 PPPP datagram leaving UDP 10000 (a Yi
// camera's, testdata/realdata/mudproject) still reaches the PPPP decoder.
func TestMOIPortSharedWithP2P(t *testing.T) {
	var n int
	for _, d := range readUDP(t, "mudproject/yi-camera_CUT.pcap") {
		if d.meta.SrcPort != moiPort && d.meta.DstPort != moiPort {
			continue
		}
		dec, ok := ByPort(d.meta.SrcPort, d.meta.DstPort)
		if !ok {
			t.Fatal("no decoder")
		}
		obs, _ := decode(dec, d.payload, d.meta)
		for _, o := range obs {
			if len(o.Key) > 4 && o.Key[:4] == "moi." {
				t.Errorf("a P2P datagram read as MO_I: %+v", o)
			}
			if len(o.Key) > 4 && o.Key[:4] == "p2p." {
				n++
			}
		}
	}
	if n == 0 {
		t.Error("no p2p.* observation from the Yi camera's PPPP on UDP 10000")
	}
}

package discovery

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
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

// tuya35Frame builds a 6699 frame the way tinytuya's pack_message does for
// protocol 3.5 (PROTOCOL.md "Packet Format (6699, v3.5)"): constructed, for
// frames no public capture holds.
func tuya35Frame(t testing.TB, cmd uint32, plain []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(tuyaUDPKey[:])
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	head := []byte{0, 0, 0x66, 0x99, 0, 0, 0, 0, 0, 1}
	head = binary.BigEndian.AppendUint32(head, cmd)
	head = binary.BigEndian.AppendUint32(head, uint32(tuya35NonceLen+len(plain)+tuya35TagLen))
	nonce := []byte("0123456789ab")
	frame := append(append([]byte(nil), head...), nonce...)
	frame = gcm.Seal(frame, nonce, plain, head[4:])
	return append(frame, tuya35Footer...)
}

// TestTuya35AnnouncementOfARealBulb: the 6699 frame a Globe bulb on
// protocol 3.5 broadcast (tinytuya issue #247, testdata/discovery/SOURCES.md)
// opens under the shared key, its return code is skipped, and its JSON
// gives the same keys as a 55AA announcement, about the address it names.
func TestTuya35AnnouncementOfARealBulb(t *testing.T) {
	frame := readHexTestdata(t, "tuya35_announcement_globe_bulb_tinytuya247.hex")
	bulb := netip.MustParseAddr("192.168.2.46")
	for _, port := range []uint16{tuyaPortCipher, tuyaPortApp} {
		dec, ok := ByPort(57749, port)
		if !ok {
			t.Fatalf("UDP %d has no decoder", port)
		}
		m := scanner.Meta{Probe: "pcap", SrcIP: bulb, SrcPort: 57749, DstPort: port}
		obs, err := decode(dec, frame, m)
		if err != nil {
			t.Fatal(err)
		}
		wantValue(t, obs, bulb, "tuya.product_key", "key8u54q9dtru5jw")
		wantValue(t, obs, bulb, "tuya.gw_id", "ebf310edb88d15f0edyr5i")
		wantValue(t, obs, bulb, "tuya.version", "3.5")
	}
	// As identify reads it: the address is the one the JSON names.
	raw, _ := ByRawKey("tuya.payload_hex")
	obs, err := decode(raw, []byte(hex.EncodeToString(frame)), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, bulb, "tuya.product_key", "key8u54q9dtru5jw")
	// One flipped bit anywhere (header, nonce, ciphertext, tag) fails the tag.
	for _, i := range []int{9, 20, 100, len(frame) - 6} {
		bad := append([]byte(nil), frame...)
		bad[i] ^= 0x01
		if got, _ := decode(Tuya, bad, scanner.Meta{Probe: "identify"}); len(got) != 0 {
			t.Errorf("bit %d flipped: %+v, want nothing", i, got)
		}
	}
}

// TestTuya35FramesThatSayNothing (constructed frames, built with the
// documented layout): a frame without the return code is read as well; an
// app's request for announcements (command 0x25, {"from":"app","ip":...},
// tinytuya scanner.py) names no device; a cut frame, one whose length runs
// past the datagram, one without its footer and one too short emit nothing.
func TestTuya35FramesThatSayNothing(t *testing.T) {
	noRetcode := tuya35Frame(t, 0x13, []byte(`{"ip":"192.0.2.9","gwId":"bf0000000000000000abcd","productKey":"keyconstructed01","version":"3.5"}`+"\x00\x00"))
	obs, err := decode(Tuya, noRetcode, scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, netip.MustParseAddr("192.0.2.9"), "tuya.product_key", "keyconstructed01")

	app := tuya35Frame(t, 0x25, []byte(`{"from":"app","ip":"192.0.2.20"}`))
	if got, err := decode(Tuya, app, scanner.Meta{Probe: "pcap", SrcIP: netip.MustParseAddr("192.0.2.20"), SrcPort: 40000, DstPort: tuyaPortApp}); err != nil || len(got) != 0 {
		t.Errorf("app request: %+v %v, want nothing", got, err)
	}
	long := append([]byte(nil), noRetcode...)
	binary.BigEndian.PutUint32(long[14:18], uint32(len(long)))
	if _, err := decode(Tuya, long, scanner.Meta{}); err == nil {
		t.Error("a length past the datagram is not an error")
	}
	for _, bad := range [][]byte{noRetcode[:40], noRetcode[:len(noRetcode)-1], noRetcode[:len(noRetcode)-4], tuya35Prefix, append(append([]byte(nil), tuya35Prefix...), make([]byte, 60)...)} {
		if got, _ := decode(Tuya, bad, scanner.Meta{Probe: "identify"}); len(got) != 0 {
			t.Errorf("%x: %+v, want nothing", bad, got)
		}
	}
}

// TestTuyaPlainRealFrames: two protocol 3.1 devices' 55AA announcements
// with plain JSON, as their owners quoted them (each frame's CRC32 verifies,
// so the bytes are the devices'): a smart plug printed by tuyapower's
// scanner (GitHub jasonacox/tuyapower issue #3, 2020-02-04, from
// 192.168.178.71) and a device logged in hex by openHAB's SmartHomeJ Tuya
// binding (GitHub smarthomej/addons issue #306, 2022-01-31, 192.168.1.247).
func TestTuyaPlainRealFrames(t *testing.T) {
	for _, c := range []struct{ frame, ip, key, gw string }{
		{"000055aa0000000000000000000000a0000000007b226970223a223139322e3136382e3137382e3731222c2267774964223a223738333435303034383430643865396137643836222c22616374697665223a322c226162696c697479223a302c226d6f6465223a302c22656e6372797074223a747275652c2270726f647563744b6579223a2256447938537941786136513833767672222c2276657273696f6e223a22332e31227daa19e9ce0000aa55",
			"192.168.178.71", "VDy8SyAxa6Q83vvr", "78345004840d8e9a7d86"},
		{"000055AA00000000000000000000009F000000007B226970223A223139322E3136382E312E323437222C2267774964223A223336383032353538383430643865393566336334222C22616374697665223A322C226162696C697479223A302C226D6F6465223A302C22656E6372797074223A747275652C2270726F647563744B6579223A22704A6E70543058634D354654526A4F64222C2276657273696F6E223A22332E31227D157010A20000AA55",
			"192.168.1.247", "pJnpT0XcM5FTRjOd", "36802558840d8e95f3c4"},
	} {
		obs, err := decode(fromHex(Tuya), []byte(c.frame), scanner.Meta{Probe: "identify"})
		if err != nil {
			t.Fatal(err)
		}
		ip := netip.MustParseAddr(c.ip)
		wantValue(t, obs, ip, "tuya.product_key", c.key)
		wantValue(t, obs, ip, "tuya.gw_id", c.gw)
		wantValue(t, obs, ip, "tuya.version", "3.1")
	}
}

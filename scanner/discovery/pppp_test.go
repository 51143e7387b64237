package discovery

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// Yi camera (realdata §2): the camera's LAN_NOTIFY broadcast names its own
// DID; the phone's PUNCH_PKT names the camera's DID too and must not make
// the phone that device.
func TestPPPPFromCapture(t *testing.T) {
	obs, rejected := decodeCapture(t, "neu-intl-iot/yi_camera_sample.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	camera := netip.MustParseAddr("192.168.10.204")
	phone := netip.MustParseAddr("192.168.10.248")
	wantValue(t, obs, camera, "p2p.did", "TNPUSAE-227402-DSELD")
	wantValue(t, obs, camera, "p2p.protocol", "cs2-pppp")
	if got := values(obs, phone, "p2p.did"); len(got) != 0 {
		t.Errorf("phone given the camera's DID: %q", got)
	}
	if got := values(obs, noAddr, "p2p.did"); len(got) == 0 || len(values(obs, camera, "p2p.did")) != len(got) {
		t.Errorf("p2p.did about other hosts: %d of %d", len(got)-len(values(obs, camera, "p2p.did")), len(got))
	}
}

// A Xiaobai Y2 camera (realdata lifecycle) logs in to three P2P servers with
// DEV_LGN_CRC (0x12), whose encrypted body hides its DID: the message still
// says the sender is a device. The servers' answers (HELLO_ACK 0x01,
// DEV_LGN_ACK_CRC 0x13) come from servers, never devices.
func TestPPPPEncryptedLoginNamesADevice(t *testing.T) {
	obs, rejected := decodeCapture(t, "lifecycle/xiaobai-y2-camera_update_CUT.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	camera := netip.MustParseAddr("192.168.1.165")
	wantValue(t, obs, camera, "p2p.role", "device")
	if got := values(obs, camera, "p2p.did"); len(got) != 0 {
		t.Errorf("a DID read from an encrypted login: %q", got)
	}
	for _, o := range obs {
		if o.IP == camera && o.Port != 0 {
			t.Errorf("the camera's random P2P socket port kept as a service: %d", o.Port)
		}
	}
	for _, server := range []string{"110.43.68.16", "42.157.163.171", "110.43.39.65"} {
		ip := netip.MustParseAddr(server)
		wantValue(t, obs, ip, "p2p.protocol", "cs2-pppp")
		if got := values(obs, ip, "p2p.role"); len(got) != 0 {
			t.Errorf("server %s given p2p.role %q", server, got)
		}
	}
}

// Video between camera and phone runs on random ports: only Sniff finds it.
func TestPPPPSniffedOnRandomPorts(t *testing.T) {
	found := 0
	for _, d := range readUDP(t, "neu-intl-iot/yi_camera_sample.pcap") {
		if d.meta.SrcPort != 23949 || d.meta.DstPort != 17916 {
			continue
		}
		if _, ok := ByPort(d.meta.SrcPort, d.meta.DstPort); ok {
			t.Fatal("random ports matched the port table")
		}
		dec, ok := Sniff(d.payload)
		if !ok {
			t.Fatalf("PPPP not sniffed: % x", d.payload[:min(8, len(d.payload))])
		}
		obs, err := decode(dec, d.payload, d.meta)
		if err != nil {
			t.Fatal(err)
		}
		wantValue(t, obs, netip.MustParseAddr("192.168.10.204"), "p2p.protocol", "cs2-pppp")
		found++
	}
	if found == 0 {
		t.Fatal("no camera-to-phone datagrams")
	}
}

// yiDID is the 20-byte device ID of the Yi camera: "TNPUSAE", serial
// 0x0003784a, "DSELD", NUL padded (realdata §2).
const yiDID = "544e505553414500" + "0003784a" + "4453454c44000000"

func TestPPPPRejectsBadFraming(t *testing.T) {
	// The camera's LAN_NOTIFY as captured (frame 195 of the Yi capture).
	notify, _ := hex.DecodeString("f1310014" + yiDID)
	for name, b := range map[string][]byte{
		"length one short": notify[:len(notify)-1],
		"wrong magic":      append([]byte{0xf2}, notify[1:]...),
		"three bytes":      notify[:3],
	} {
		if _, ok := Sniff(b); ok {
			t.Errorf("%s: sniffed as a known protocol", name)
		}
		if obs, err := decode(PPPP, b, scanner.Meta{}); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
	obs, err := decode(PPPP, notify, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "p2p.did", "TNPUSAE-227402-DSELD")
}

func TestPPPPDeviceIDValidation(t *testing.T) {
	good, _ := hex.DecodeString(yiDID)
	if did, ok := parseDID(good); !ok || did != "TNPUSAE-227402-DSELD" {
		t.Fatalf("parseDID = %q %v", did, ok)
	}
	lower := append([]byte(nil), good...)
	lower[0] = 't'
	gap := append([]byte(nil), good...)
	gap[19] = 'X' // text after the NUL padding
	empty := append(make([]byte, 8), good[8:]...)
	for name, b := range map[string][]byte{"lower case": lower, "text after padding": gap, "empty prefix": empty, "short": good[:19]} {
		if did, ok := parseDID(b); ok {
			t.Errorf("%s: accepted as %q", name, did)
		}
	}
}

// An A9 mini camera's answer to a LAN search (DavidVentura/cam-reverse
// tests/fn.test.js, "parses PunchPkt"; code index 16904920295) is a
// PUNCH_PKT carrying its DID in the same 20-byte layout as LAN_NOTIFY. The
// app sends the same message with the same DID, so on its own it names no
// sender: the decoder reports the protocol and no DID.
func TestPPPPPunchPacketNamesNoSender(t *testing.T) {
	punch, _ := hex.DecodeString("f14100144241544400000000000262ca574f4e4a4d000000")
	if did, ok := parseDID(punch[ppppHeaderLen:]); !ok || did != "BATD-156362-WONJM" {
		t.Fatalf("parseDID = %q %v, want the camera's DID in the shared layout", did, ok)
	}
	obs, err := decode(PPPP, punch, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "p2p.protocol", "cs2-pppp")
	if got := values(obs, noAddr, "p2p.did"); len(got) != 0 {
		t.Errorf("PUNCH_PKT gave p2p.did %q", got)
	}
	if got := values(obs, noAddr, "p2p.role"); len(got) != 0 {
		t.Errorf("PUNCH_PKT gave p2p.role %q", got)
	}
}

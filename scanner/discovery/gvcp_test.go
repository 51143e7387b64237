package discovery

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// pcapplusplusGVCPAck is the UDP payload of PcapPlusPlus's GVCP test frame
// (testdata/discovery/gvcp_discovery_ack_pcapplusplus.hex: Ethernet, IPv4
// without options and UDP headers, 42 bytes, then GVCP), a DISCOVERY_ACK
// laid out by a GigE Vision device library other than ours.
func pcapplusplusGVCPAck(t testing.TB) []byte {
	t.Helper()
	frame, err := hex.DecodeString(string(bytes.TrimSpace(readTestdata(t, "gvcp_discovery_ack_pcapplusplus.hex"))))
	if err != nil {
		t.Fatal(err)
	}
	return frame[42:]
}

func TestGVCPDiscoveryAck(t *testing.T) {
	m := scanner.Meta{Probe: "gvcp", SrcIP: netip.MustParseAddr("172.28.60.100"), SrcPort: 3956}
	obs, err := decode(GVCP, pcapplusplusGVCPAck(t), m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"gvcp.spec_version":   "2.1",
		"gvcp.manufacturer":   "Vendor01",
		"gvcp.model":          "ABCDE 3D Scanner (TW)",
		"gvcp.device_version": "XL",
		"gvcp.serial":         "XXX-005",
	}
	for key, value := range want {
		if o := single(t, obs, key); o.Value != value || o.IP != m.SrcIP || !o.MAC.IsZero() {
			t.Errorf("%s = %+v, want %q about %v", key, o, value, m.SrcIP)
		}
	}
	b := single(t, obs, "gvcp.mac")
	if b.MAC != mustMAC(t, "00:04:4b:ea:b0:b4") || b.IP != m.SrcIP {
		t.Errorf("binding = %+v", b)
	}
	if len(obs) != len(want)+1 { // empty manufacturer info and user name give nothing
		t.Errorf("want %d observations, got %d: %+v", len(want)+1, len(obs), obs)
	}
}

// Given as hex to identify, the acknowledge is about the address it names.
func TestGVCPRawKeyUsesOwnAddress(t *testing.T) {
	dec, ok := ByRawKey("gvcp.payload_hex")
	if !ok {
		t.Fatal("gvcp.payload_hex unknown")
	}
	obs, err := decode(dec, []byte(hex.EncodeToString(pcapplusplusGVCPAck(t))), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	if o := single(t, obs, "gvcp.model"); o.IP != netip.MustParseAddr("172.28.60.100") {
		t.Errorf("model about %v", o.IP)
	}
}

// The acknowledge GVCPDiscoveryAck builds reads back field by field, and a
// text as long as its field is cut to leave the closing NUL.
func TestGVCPDiscoveryAckRoundTrip(t *testing.T) {
	d := GVCPDevice{MAC: mustMAC(t, "34:bd:20:6c:6f:e7"), IP: netip.MustParseAddr("169.254.232.111"),
		Manufacturer: "Hikrobot", Model: "MV-CS020-10GC", DeviceVersion: "V4.0.12 240528 1284824",
		Serial: "DA7171596", UserName: "0123456789abcdefXYZ"}
	ack := GVCPDiscoveryAck(d, 7)
	obs, err := decode(GVCP, ack, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for key, value := range map[string]string{"gvcp.manufacturer": "Hikrobot", "gvcp.model": "MV-CS020-10GC",
		"gvcp.device_version": "V4.0.12 240528 1284824", "gvcp.serial": "DA7171596", "gvcp.user_name": "0123456789abcde"} {
		if o := single(t, obs, key); o.Value != value || o.IP != d.IP {
			t.Errorf("%s = %+v, want %q about %v", key, o, value, d.IP)
		}
	}
	if b := single(t, obs, "gvcp.mac"); b.MAC != d.MAC {
		t.Errorf("binding = %+v", b)
	}
}

// A discovery command names no device; its sender runs GigE Vision software.
// Register reads and their acknowledges on the same port say nothing.
func TestGVCPCommandsAreHintsOrNothing(t *testing.T) {
	m := scanner.Meta{Probe: "pcap", SrcIP: netip.MustParseAddr("198.18.0.20"), SrcPort: 50000}
	obs, err := decode(GVCP, GVCPDiscovery(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1 || obs[0].Key != "gvcp.role" || obs[0].Value != "client" {
		t.Errorf("discovery command gave %+v", obs)
	}
	readReg := []byte{0x42, 0x01, 0x00, 0x80, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x0a, 0x00}
	readAck := []byte{0x00, 0x00, 0x00, 0x81, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03}
	for _, b := range [][]byte{readReg, readAck} {
		if obs, err := decode(GVCP, b, m); err != nil || len(obs) != 0 {
			t.Errorf("% x: err %v, observations %+v", b, err, obs)
		}
	}
}

func TestGVCPRejectsShortAndTruncated(t *testing.T) {
	ack := pcapplusplusGVCPAck(t)
	for _, b := range [][]byte{nil, ack[:7], ack[:8+247]} {
		if obs, err := decode(GVCP, b, scanner.Meta{}); err == nil || len(obs) != 0 {
			t.Errorf("%d bytes: err %v, observations %+v", len(b), err, obs)
		}
	}
}

func TestGVCPDispatchedOnItsPort(t *testing.T) {
	for _, ports := range [][2]uint16{{3956, 50000}, {50000, 3956}} {
		if _, ok := ByPort(ports[0], ports[1]); !ok {
			t.Errorf("ports %v not dispatched", ports)
		}
	}
}

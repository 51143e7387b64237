package discovery

import (
	"encoding/binary"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/gopacket/gopacket/layers"
)

// lldpFrameOf returns the first LLDP frame's source MAC and payload (after
// the EtherType) of a real capture in testdata/realdata.
func lldpFrameOf(t testing.TB, name string) (mac observe.MAC, payload []byte) {
	t.Helper()
	eachFrame(t, filepath.Join(realdataDir, name), func(data []byte, _ layers.LinkType, _ time.Time) bool {
		if len(data) > 14 && binary.BigEndian.Uint16(data[12:14]) == EtherTypeLLDP {
			mac, payload = observe.MAC(data[6:12]), data[14:]
			return false
		}
		return true
	})
	if payload == nil {
		t.Fatalf("no LLDP frame in %s", name)
	}
	return mac, payload
}

func lldpFacts(t *testing.T, payload []byte, m scanner.Meta) ([]observe.Observation, map[string]string) {
	t.Helper()
	obs, err := decode(LLDP, payload, m)
	if err != nil {
		t.Fatalf("LLDP: %v", err)
	}
	facts := map[string]string{}
	for _, o := range obs {
		facts[o.Key] = o.Value
	}
	return obs, facts
}

// TestLLDPRealSwitch decodes the LLDP frame of a real SMC GS8P smart switch
// (Zeek's test trace lldp.pcap, realdata SOURCES.md §23): its name,
// description and enabled capabilities, keyed by its MAC, and its
// management address bound to that MAC.
func TestLLDPRealSwitch(t *testing.T) {
	mac, payload := lldpFrameOf(t, "zeek/lldp.pcap")
	obs, facts := lldpFacts(t, payload, scanner.Meta{Probe: "pcap", SrcMAC: mac})
	want := map[string]string{
		"lldp.system_name":        "SMCGS8P-Smart",
		"lldp.system_description": "SMCGS8P-Smart - SMCGS8P-Smart v3.20",
		"lldp.capabilities":       "bridge",
		"lldp.mac":                "00:22:2d:81:db:10",
	}
	for k, v := range want {
		if facts[k] != v {
			t.Errorf("%s = %q, want %q", k, facts[k], v)
		}
	}
	for _, o := range obs {
		if o.MAC != mac || o.IP.String() != "192.168.2.10" {
			t.Errorf("%s about %v %v, want the switch's MAC and management address", o.Key, o.MAC, o.IP)
		}
	}
	// Without link addresses (identify's lldp.payload_hex), the chassis ID
	// is the device.
	obs, _ = lldpFacts(t, payload, scanner.Meta{Probe: "identify"})
	if len(obs) != len(want) || obs[0].MAC.String() != "00:22:2d:81:db:10" {
		t.Errorf("from the chassis ID: %v", obs)
	}
}

// lldpTLV builds one TLV.
func lldpTLVBytes(kind byte, value []byte) []byte {
	h := uint16(kind)<<9 | uint16(len(value))
	return append(binary.BigEndian.AppendUint16(nil, h), value...)
}

// TestLLDPMEDInventory decodes a constructed frame laid out as ANSI/TIA-1057
// and IEEE 802.1AB say (no real LLDP-MED frame of a camera is in the public
// record): the inventory TLVs, a phone's capabilities, an IPv6 management
// address, NUL padding and a line break trimmed, other organisations' TLVs
// passed by.
func TestLLDPMEDInventory(t *testing.T) {
	src := observe.MAC{0x02, 0, 0x5e, 0x10, 0, 1}
	med := func(subtype byte, text string) []byte {
		return lldpTLVBytes(lldpOrgSpecific, append([]byte{0x00, 0x12, 0xbb, subtype}, text...))
	}
	mgmt := append([]byte{17, 2}, netip6("2001:db8::7")...)
	mgmt = append(mgmt, 2, 0, 0, 0, 1, 0) // interface numbering, OID length 0
	var f []byte
	f = append(f, lldpTLVBytes(lldpChassisID, append([]byte{lldpChassisMAC}, src[:]...))...)
	f = append(f, lldpTLVBytes(2, []byte{7, '1'})...) // port ID
	f = append(f, lldpTLVBytes(3, []byte{0, 120})...) // TTL
	f = append(f, lldpTLVBytes(lldpSystemName, []byte("desk-7\x00\x00"))...)
	f = append(f, lldpTLVBytes(lldpSystemDescr, []byte("Example phone 1.0\r\n"))...)
	f = append(f, lldpTLVBytes(lldpCapabilities, []byte{0, 0x24, 0, 0x24})...) // bridge, telephone
	f = append(f, lldpTLVBytes(lldpMgmtAddress, mgmt)...)
	f = append(f, lldpTLVBytes(lldpOrgSpecific, []byte{0x00, 0x80, 0xc2, 1, 0, 1})...) // IEEE 802.1 port VLAN
	f = append(f, med(5, "rev A")...)
	f = append(f, med(6, "fw 2.1")...)
	f = append(f, med(7, "sw 3.4")...)
	f = append(f, med(8, "SN123")...)
	f = append(f, med(9, "ExampleCorp")...)
	f = append(f, med(10, "Model-1")...)
	f = append(f, 0, 0) // end
	obs, facts := lldpFacts(t, f, scanner.Meta{Probe: "pcap", SrcMAC: src})
	want := map[string]string{
		"lldp.system_name": "desk-7", "lldp.system_description": "Example phone 1.0",
		"lldp.capabilities": "bridge,telephone", "lldp.med_hardware": "rev A", "lldp.med_firmware": "fw 2.1",
		"lldp.med_software": "sw 3.4", "lldp.med_serial": "SN123", "lldp.med_manufacturer": "ExampleCorp",
		"lldp.med_model": "Model-1", "lldp.mac": src.String(),
	}
	if len(facts) != len(want) {
		t.Errorf("facts %v, want %v", facts, want)
	}
	for k, v := range want {
		if facts[k] != v {
			t.Errorf("%s = %q, want %q", k, facts[k], v)
		}
	}
	if !slices.ContainsFunc(obs, func(o observe.Observation) bool { return o.Key == "lldp.mac" && o.IP.String() == "2001:db8::7" }) {
		t.Error("the IPv6 management address is not bound")
	}

	// Cut inside the inventory (a short snap length): what came before stands.
	cut, err := decode(LLDP, f[:len(f)-20], scanner.Meta{SrcMAC: src})
	if err == nil || len(cut) < 6 {
		t.Errorf("cut frame: %d observations, err %v", len(cut), err)
	}
	// A loopback management address is no address of the device's.
	loop := append(lldpTLVBytes(lldpChassisID, append([]byte{lldpChassisMAC}, src[:]...)),
		lldpTLVBytes(lldpMgmtAddress, []byte{5, 1, 127, 0, 0, 1, 2, 0, 0, 0, 1, 0})...)
	obs, _ = lldpFacts(t, loop, scanner.Meta{SrcMAC: src})
	if len(obs) != 0 {
		t.Errorf("a loopback management address: %v", obs)
	}
	// A frame with no sender MAC names no device.
	if empty, err := decode(LLDP, f[len(f)-2:], scanner.Meta{}); err == nil || len(empty) != 0 {
		t.Errorf("an empty frame: %v, err %v", empty, err)
	}
}

func netip6(s string) []byte {
	a := netip.MustParseAddr(s).As16()
	return a[:]
}

package discovery

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// LLDP (IEEE 802.1AB), EtherType 0x88cc: every switch, access point and IP
// phone, and many cameras, announce themselves to the port they are on every
// 30 s, unasked. A frame is a list of TLVs: 7 bits of type, 9 bits of length,
// the value. The ones read here say what the device is (system name and
// description, the capabilities it has enabled), where it is managed (its
// management address, bound to its MAC) and, with LLDP-MED (ANSI/TIA-1057),
// its inventory: manufacturer, model, firmware.
const (
	EtherTypeLLDP = 0x88cc

	lldpEnd          = 0
	lldpChassisID    = 1
	lldpSystemName   = 5
	lldpSystemDescr  = 6
	lldpCapabilities = 7
	lldpMgmtAddress  = 8
	lldpOrgSpecific  = 127

	lldpChassisMAC = 4 // chassis ID subtype: a MAC address

	// maxLLDPTLVs bounds the TLVs read from one frame (a frame holds a
	// few dozen at most; a hostile one could hold hundreds of empty ones).
	maxLLDPTLVs = 128
)

// lldpMEDOUI is TIA's organisationally unique identifier: its TLVs are
// LLDP-MED's. Subtypes 5 to 10 are the inventory.
var lldpMEDOUI = [3]byte{0x00, 0x12, 0xbb}

// lldpMEDInventory maps LLDP-MED inventory subtypes to observation keys.
var lldpMEDInventory = map[byte]string{
	5:  "lldp.med_hardware",
	6:  "lldp.med_firmware",
	7:  "lldp.med_software",
	8:  "lldp.med_serial",
	9:  "lldp.med_manufacturer",
	10: "lldp.med_model",
}

// lldpCapabilityNames are the system capability bits (802.1AB 8.5.8), as
// lldp.capabilities lists the enabled ones.
var lldpCapabilityNames = []string{"other", "repeater", "bridge", "wlan-access-point", "router", "telephone", "docsis-cable-device", "station-only", "c-vlan", "s-vlan", "tpmr"}

var errLLDPShort = errors.New("lldp: a TLV runs past the frame")

// LLDP decodes one LLDP frame (the payload after the EtherType). The device
// is the frame's sender: m.SrcMAC, or the chassis ID when the frame came
// without link addresses (identify input). Its facts carry that MAC; its
// management address, when it gives an IPv4 or IPv6 one, is bound to it
// (lldp.mac) and the facts carry the address too.
func LLDP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	tlvs, err := lldpTLVs(payload)
	if err != nil && len(tlvs) == 0 {
		return err
	}
	mac := m.SrcMAC
	if mac.IsZero() {
		mac = lldpChassisMACOf(tlvs)
	}
	if mac.IsZero() || mac.Multicast() {
		return errors.New("lldp: no sender MAC")
	}
	own := lldpManagementAddress(tlvs)
	s := newSink(aboutSelf(m, own), func(o observe.Observation) {
		o.MAC = mac // LLDP is link-local: the sender is the device
		emit(o)
	})
	for _, t := range tlvs {
		switch t.kind {
		case lldpSystemName:
			s.field("lldp.system_name", lldpText(t.value))
		case lldpSystemDescr:
			s.field("lldp.system_description", lldpText(t.value))
		case lldpCapabilities:
			if len(t.value) >= 4 {
				s.field("lldp.capabilities", lldpCapabilities16(binary.BigEndian.Uint16(t.value[2:4])))
			}
		case lldpOrgSpecific:
			if len(t.value) >= 4 && [3]byte(t.value[0:3]) == lldpMEDOUI {
				if key, ok := lldpMEDInventory[t.value[3]]; ok {
					s.field(key, lldpText(t.value[4:]))
				}
			}
		}
	}
	if own.IsValid() {
		s.binding("lldp.mac", mac, own)
	}
	return err
}

type lldpTLV struct {
	kind  byte
	value []byte
}

// lldpTLVs splits a frame into its TLVs up to the end TLV. A TLV that runs
// past the frame (a short snap length) ends the list with an error; the
// TLVs before it stand.
func lldpTLVs(b []byte) ([]lldpTLV, error) {
	var tlvs []lldpTLV
	for len(b) >= 2 && len(tlvs) < maxLLDPTLVs {
		h := binary.BigEndian.Uint16(b[0:2])
		kind, n := byte(h>>9), int(h&0x1ff)
		if kind == lldpEnd {
			return tlvs, nil
		}
		if 2+n > len(b) {
			return tlvs, errLLDPShort
		}
		tlvs = append(tlvs, lldpTLV{kind: kind, value: b[2 : 2+n]})
		b = b[2+n:]
	}
	if len(tlvs) == 0 {
		return nil, errLLDPShort
	}
	return tlvs, nil
}

// lldpChassisMACOf returns the chassis ID when it is a MAC address.
func lldpChassisMACOf(tlvs []lldpTLV) observe.MAC {
	for _, t := range tlvs {
		if t.kind == lldpChassisID && len(t.value) == 7 && t.value[0] == lldpChassisMAC {
			return observe.MAC(t.value[1:7])
		}
	}
	return observe.MAC{}
}

// lldpManagementAddress returns the first IPv4 or IPv6 management address:
// a length (of the subtype and address), an IANA address family subtype (1
// IPv4, 2 IPv6), the address.
func lldpManagementAddress(tlvs []lldpTLV) netip.Addr {
	for _, t := range tlvs {
		if t.kind != lldpMgmtAddress || len(t.value) < 2 {
			continue
		}
		n := int(t.value[0]) - 1 // the length counts the subtype byte
		if n < 0 || 2+n > len(t.value) {
			continue
		}
		var a netip.Addr
		switch {
		case t.value[1] == 1 && n == 4:
			a = netip.AddrFrom4([4]byte(t.value[2:6]))
		case t.value[1] == 2 && n == 16:
			a = netip.AddrFrom16([16]byte(t.value[2:18]))
		}
		// A loopback, multicast or unspecified address is no address the
		// device can be reached at (firmware defaults announce 127.0.0.1).
		if a.IsValid() && !a.IsLoopback() && !a.IsMulticast() && !a.IsUnspecified() {
			return a
		}
	}
	return netip.Addr{}
}

// lldpCapabilities16 lists the enabled capability bits by name, comma
// separated in bit order.
func lldpCapabilities16(bits uint16) string {
	var names []string
	for i, name := range lldpCapabilityNames {
		if bits&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, ",")
}

// lldpText reads a text TLV: devices pad with NULs or end with a line break.
func lldpText(b []byte) string {
	return strings.TrimSpace(nulText(b))
}

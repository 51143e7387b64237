package discovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// GigE Vision Control Protocol (GVCP, UDP 3956), as the GigE Vision
// standard lays it out (and Wireshark's packet-gvcp.c, aravis arvgvcp.h and
// PcapPlusPlus GvcpLayer.h read it). Every field is big-endian.
//
// A command: key 0x42, flags, a uint16 command, a uint16 body length and a
// uint16 request id. An acknowledge: a uint16 status, a uint16 answer, the
// body length and the id of the request it answers.
const (
	gvcpHeaderLen    = 8
	gvcpKey          = 0x42
	gvcpDiscoveryCmd = 0x0002
	gvcpDiscoveryAck = 0x0003

	// gvcpFlagAckRequired asks for an acknowledge. The flag that lets a
	// device answer to the broadcast address (0x10) is not set: the sweep
	// hears answers on its own address only, so it would add noise to the
	// segment and nothing to the sweep.
	gvcpFlagAckRequired = 0x01

	// gvcpDiscoveryBodyLen is the DISCOVERY_ACK body: the first 248 bytes
	// of the device's bootstrap registers.
	gvcpDiscoveryBodyLen = 248

	// gvcpClient is gvcp.role for a sender of a discovery command: GigE
	// Vision software (an acquisition PC, a vision controller), not a camera.
	gvcpClient = "client"
)

// Offsets into the DISCOVERY_ACK body (the bootstrap register addresses).
const (
	gvcpOffVersionMajor = 0x00
	gvcpOffVersionMinor = 0x02
	gvcpOffMACHigh      = 0x0A // the MAC's first two bytes, then the last four
	gvcpOffCurrentIP    = 0x24
)

// gvcpTexts are the NUL-padded text fields of a DISCOVERY_ACK body:
// offset, size and observation key.
var gvcpTexts = []struct {
	off, size int
	key       string
}{
	{0x48, 32, "gvcp.manufacturer"},
	{0x68, 32, "gvcp.model"},
	{0x88, 32, "gvcp.device_version"},
	{0xA8, 48, "gvcp.manufacturer_info"},
	{0xD8, 16, "gvcp.serial"},
	{0xE8, 16, "gvcp.user_name"},
}

var (
	errGVCPShort = errors.New("gvcp: shorter than a GVCP header")
	errGVCPBody  = errors.New("gvcp: discovery acknowledge shorter than its 248-byte body")
)

// GVCP decodes GigE Vision discovery. A DISCOVERY_ACK is a device
// describing itself: manufacturer, model, device version, serial number and
// user-defined name, and its own MAC and current IPv4 address (the gvcp.mac
// binding). A DISCOVERY_CMD names no device; its sender runs GigE Vision
// software (gvcp.role, a hint only). Other commands and acknowledges of the
// control channel (register reads and writes) say nothing and emit nothing.
func GVCP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) < gvcpHeaderLen {
		return errGVCPShort
	}
	if payload[0] == gvcpKey {
		if binary.BigEndian.Uint16(payload[2:4]) == gvcpDiscoveryCmd {
			newSink(m, emit).field("gvcp.role", gvcpClient)
		}
		return nil
	}
	if binary.BigEndian.Uint16(payload[2:4]) != gvcpDiscoveryAck {
		return nil
	}
	body := payload[gvcpHeaderLen:]
	if len(body) < gvcpDiscoveryBodyLen {
		return errGVCPBody
	}
	own := netip.AddrFrom4([4]byte(body[gvcpOffCurrentIP : gvcpOffCurrentIP+4]))
	s := newSink(aboutSelf(m, own), emit)
	s.field("gvcp.spec_version", fmt.Sprintf("%d.%d",
		binary.BigEndian.Uint16(body[gvcpOffVersionMajor:]), binary.BigEndian.Uint16(body[gvcpOffVersionMinor:])))
	for _, f := range gvcpTexts {
		s.field(f.key, nulText(body[f.off:f.off+f.size]))
	}
	var mac observe.MAC
	copy(mac[:], body[gvcpOffMACHigh:gvcpOffMACHigh+6])
	s.binding("gvcp.mac", mac, own)
	return nil
}

// nulText reads a NUL-padded text field: everything before the first NUL.
func nulText(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// GVCPDiscovery is a DISCOVERY_CMD: no body, an acknowledge asked for,
// request id 1 (aravis and the vendors' SDKs send the same eight bytes but
// for the flags and the id).
func GVCPDiscovery() []byte {
	return []byte{gvcpKey, gvcpFlagAckRequired, 0, gvcpDiscoveryCmd, 0, 0, 0, 1}
}

// GVCPDevice is what a DISCOVERY_ACK says about its device.
type GVCPDevice struct {
	MAC                                        observe.MAC
	IP                                         netip.Addr
	Manufacturer, Model, DeviceVersion, Serial string
	ManufacturerInfo, UserName                 string
}

// GVCPDiscoveryAck builds the DISCOVERY_ACK a GigE Vision 2.0 device sends
// (status success, answering request id): GVCP decodes it. Texts longer
// than their field are cut, as a device's registers would hold them.
func GVCPDiscoveryAck(d GVCPDevice, id uint16) []byte {
	b := make([]byte, gvcpHeaderLen+gvcpDiscoveryBodyLen)
	binary.BigEndian.PutUint16(b[2:4], gvcpDiscoveryAck)
	binary.BigEndian.PutUint16(b[4:6], gvcpDiscoveryBodyLen)
	binary.BigEndian.PutUint16(b[6:8], id)
	body := b[gvcpHeaderLen:]
	binary.BigEndian.PutUint16(body[gvcpOffVersionMajor:], 2)
	copy(body[gvcpOffMACHigh:], d.MAC[:])
	if d.IP.Is4() {
		ip := d.IP.As4()
		copy(body[gvcpOffCurrentIP:], ip[:])
	}
	texts := []string{d.Manufacturer, d.Model, d.DeviceVersion, d.ManufacturerInfo, d.Serial, d.UserName}
	for i, f := range gvcpTexts {
		copy(body[f.off:f.off+f.size-1], texts[i]) // the last byte stays NUL
	}
	return b
}

// GVCPDiscoveryID returns the request id of a DISCOVERY_CMD, which its
// acknowledge must carry; false for any other datagram.
func GVCPDiscoveryID(b []byte) (id uint16, ok bool) {
	if len(b) < gvcpHeaderLen || b[0] != gvcpKey || binary.BigEndian.Uint16(b[2:4]) != gvcpDiscoveryCmd {
		return 0, false
	}
	return binary.BigEndian.Uint16(b[6:8]), true
}

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

// MOI is the "IP camera search protocol" of the MJPEG- and HD-camera
// firmware whose search tool broadcasts to UDP 10000 and whose devices
// answer to the same port: a 23-byte header — the magic "MO_I", the
// operation code (little-endian: 0 a search, 1 its answer), an XOR flag and
// an 8-byte key (a non-zero flag means the body is XORed with the key), a
// body length and reserved bytes — then a fixed body. The answer's body:
// the camera ID (13 bytes, NUL-padded: the MAC in hex), the camera's name
// (21), its IPv4 address, mask, gateway and DNS (4 bytes each, network
// order), 4 reserved bytes, the system firmware version and the
// application (web) firmware version (4 bytes each, one byte a component),
// the HTTP port (big-endian) and a DHCP flag.
const (
	moiPort      = 10000
	moiHeaderLen = 23
	moiOffOp     = 4
	moiOffXOR    = 6
	moiOffKey    = 7
	moiKeyLen    = 8
	moiOpAnswer  = 1
	// Offsets in the body.
	moiOffID       = 0
	moiIDLen       = 13
	moiOffName     = 13
	moiNameLen     = 21
	moiOffIP       = 34
	moiOffSysVer   = 54
	moiOffAppVer   = 58
	moiOffPort     = 62
	moiBodyMinLen  = 62 // through the application version
	maxMOIDatagram = 65535
	moiProtocol    = "MO_I"
)

var moiMagic = []byte(moiProtocol)

var (
	errMOITooLarge = errors.New("moi: payload larger than a datagram")
	errMOIShort    = errors.New("moi: search answer shorter than its fixed body")
)

// MOI decodes a datagram to or from UDP 10000. An answer describes its
// sender: moi.protocol (it answers this search at all), its camera ID and
// name, both firmware versions and its HTTP port, and the MAC its ID spells
// bound to the address it gives (moi.mac). A search, or a datagram without
// the magic, emits nothing.
func MOI(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxMOIDatagram {
		return errMOITooLarge
	}
	if !bytes.HasPrefix(payload, moiMagic) || len(payload) < moiHeaderLen {
		return nil
	}
	if binary.LittleEndian.Uint16(payload[moiOffOp:]) != moiOpAnswer {
		return nil // a search (op 0) or another operation
	}
	body := payload[moiHeaderLen:]
	if len(body) < moiBodyMinLen {
		return errMOIShort
	}
	if payload[moiOffXOR] != 0 {
		key := payload[moiOffKey : moiOffKey+moiKeyLen]
		plain := make([]byte, len(body))
		for i := range body {
			plain[i] = body[i] ^ key[i%moiKeyLen]
		}
		body = plain
	}
	own := netip.AddrFrom4([4]byte(body[moiOffIP : moiOffIP+4]))
	if own.IsUnspecified() {
		own = netip.Addr{}
	}
	s := newSink(aboutSelf(m, own), emit)
	s.field("moi.protocol", moiProtocol)
	id := nulText(body[moiOffID : moiOffID+moiIDLen])
	s.field("moi.camera_id", id)
	s.field("moi.name", nulText(body[moiOffName:moiOffName+moiNameLen]))
	s.field("moi.sys_version", moiVersion(body[moiOffSysVer:moiOffSysVer+4]))
	s.field("moi.app_version", moiVersion(body[moiOffAppVer:moiOffAppVer+4]))
	if len(body) >= moiOffPort+2 {
		if p := binary.BigEndian.Uint16(body[moiOffPort:]); p != 0 {
			s.field("moi.http_port", fmt.Sprint(p))
		}
	}
	if len(id) == 12 {
		if mac, err := observe.ParseMAC(id); err == nil {
			s.binding("moi.mac", mac, own)
		}
	}
	return nil
}

// moiVersion writes a version of four one-byte components; all zero is none.
func moiVersion(b []byte) string {
	if b[0]|b[1]|b[2]|b[3] == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3])
}

// isMOI says whether a datagram opens with the MO_I magic.
func isMOI(b []byte) bool { return bytes.HasPrefix(b, moiMagic) }

// moiSearch is the search Foscam's tools broadcast to UDP 10000, 27 bytes:
// the magic, operation 0, no XOR, a zero key, body length 4, reserved
// bytes, and the body 00 00 00 01. Two clients send it byte for byte: the
// SmartThings Foscam (Connect) SmartApp (discoverCameras, code index file
// 1043925796) and julienblitte/UniversalScanner (Foscam.cs, FoscamRequest,
// code index file 46152990875).
var moiSearch = [...]byte{
	'M', 'O', '_', 'I', 0, 0, // magic, operation 0 (search)
	0, 0, 0, 0, 0, 0, 0, 0, 0, // XOR flag and key: none
	4, 0, 0, 0, // body length (little-endian)
	4, 0, 0, 0, // reserved, as both clients send it
	0, 0, 0, 1, // body
}

// MOISearch returns the MO_I search.
func MOISearch() []byte { return bytes.Clone(moiSearch[:]) }

// IsMOISearch reports whether b is an MO_I search: the magic and operation 0.
func IsMOISearch(b []byte) bool {
	return len(b) >= moiHeaderLen && isMOI(b) && binary.LittleEndian.Uint16(b[moiOffOp:]) == 0
}

// MOIAnswerIP is the offset in an answer of the camera's IPv4 address.
const MOIAnswerIP = moiHeaderLen + moiOffIP

package discovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// DHS is the LAN search whose tool broadcasts the four bytes 44 48 01 01
// ("DH", 0x0101) to UDP 8600 from UDP 8601; each device answers to 8601
// with one 516-byte record opening 44 48 01 08: its IPv4 address, mask,
// gateway and two DNS servers as NUL-padded dotted text (16 bytes each from
// offset 4), its MAC (6 bytes at 0x54), its HTTP port (little-endian at
// 0x5a), its P2P UID (32 bytes at 0x5c), its name (80 at 0x7c), its
// firmware version (16 at 0xcc) and, at 0x144, the host name of its DDNS
// service. The record's tail holds the DDNS account, never read. A
// datagram may carry several records one after another.
const (
	dhsPort        = 8600
	dhsAnswerPort  = 8601
	dhsRecordLen   = 0x204
	dhsMinLen      = 0xdc // through the firmware version
	dhsOffIP       = 0x04
	dhsOffMAC      = 0x54
	dhsOffPort     = 0x5a
	dhsOffUID      = 0x5c
	dhsOffName     = 0x7c
	dhsOffFirmware = 0xcc
	dhsOffDDNS     = 0x144
	dhsDDNSLen     = 64
	maxDHSRecords  = 64
	maxDHSDatagram = 65535
)

var (
	dhsAnswerMagic = []byte{0x44, 0x48, 0x01, 0x08}
	errDHSTooLarge = errors.New("dhs: payload larger than a datagram")
	errDHSShort    = errors.New("dhs: search answer shorter than its fixed fields")
)

// dhsTexts are the NUL-padded text fields of a record read as sent.
var dhsTexts = []struct {
	off, size int
	key       string
}{
	{dhsOffUID, 32, "dhs.uid"},
	{dhsOffName, 80, "dhs.name"},
	{dhsOffFirmware, 16, "dhs.firmware"},
}

// DHS decodes a datagram to or from UDP 8600/8601. Each answer record
// describes the device at the address it gives: its UID, name, firmware,
// DDNS host and HTTP port, and its MAC bound to that address (dhs.mac). The
// tool's search (44 48 01 01) and anything without the answer magic emit
// nothing.
func DHS(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxDHSDatagram {
		return errDHSTooLarge
	}
	if !bytes.HasPrefix(payload, dhsAnswerMagic) {
		return nil
	}
	for n := 0; n < maxDHSRecords && bytes.HasPrefix(payload, dhsAnswerMagic); n++ {
		rec := payload
		if len(rec) > dhsRecordLen {
			rec = rec[:dhsRecordLen]
		}
		if len(rec) < dhsMinLen {
			if n == 0 {
				return errDHSShort
			}
			return nil // a cut trailing record
		}
		dhsRecord(rec, m, emit)
		payload = payload[len(rec):]
	}
	return nil
}

// isDHS says whether a datagram opens with the search's "DH" magic, a
// search (0x0101) or an answer (0x0108).
func isDHS(b []byte) bool { return len(b) >= 4 && b[0] == 0x44 && b[1] == 0x48 && b[2] == 0x01 }

func dhsRecord(rec []byte, m scanner.Meta, emit scanner.Emit) {
	own := parseIPv4(nulText(rec[dhsOffIP : dhsOffIP+16]))
	s := newSink(aboutSelf(m, own), emit)
	for _, f := range dhsTexts {
		s.field(f.key, nulText(rec[f.off:f.off+f.size]))
	}
	if len(rec) >= dhsOffDDNS+dhsDDNSLen {
		s.field("dhs.ddns_host", nulText(rec[dhsOffDDNS:dhsOffDDNS+dhsDDNSLen]))
	}
	if p := binary.LittleEndian.Uint16(rec[dhsOffPort:]); p != 0 {
		s.field("dhs.http_port", fmt.Sprint(p))
	}
	var mac observe.MAC
	copy(mac[:], rec[dhsOffMAC:dhsOffMAC+6])
	s.binding("dhs.mac", mac, own)
}

// dhsSearch is the search VStarcam's tools broadcast to UDP 8600: the four
// bytes 44 48 01 01, as julienblitte/UniversalScanner sends them
// (Vstarcam.cs, requestMagic, code index file 45951524202) and the
// "Device Broadcast Discovery" write-up sends them with netcat from port
// 8601 (code index file 24373351585). Devices answer to the sender.
var dhsSearch = [...]byte{0x44, 0x48, 0x01, 0x01}

// DHSSearch returns the DH search.
func DHSSearch() []byte { return bytes.Clone(dhsSearch[:]) }

// IsDHSSearch reports whether b is the DH search.
func IsDHSSearch(b []byte) bool { return bytes.Equal(b, dhsSearch[:]) }

// DHSAnswerIP is where an answer record's own address lies, as NUL-padded
// dotted text of DHSAnswerIPLen bytes.
const (
	DHSAnswerIP    = dhsOffIP
	DHSAnswerIPLen = 16
)

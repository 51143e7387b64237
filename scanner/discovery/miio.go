package discovery

import (
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/camsweep/camsweep/scanner"
)

// MiIO is the LAN protocol of Mi Home (miIO) devices on UDP 54321
// (rytilahti/python-miio miio/protocol.py and miioprotocol.py). Every
// packet opens with a 32-byte header: the magic 0x2131, the packet's length
// (big-endian, 16 bits), 4 bytes that are 0 (all ff in a hello), the
// device id and a stamp (big-endian, 32 bits each) and a 16-byte checksum;
// an encrypted JSON command or answer may follow. An app finds a device
// with the hello, a bare header of all ff bytes; the device answers with a
// bare header holding its device id and its stamp (its seconds counter),
// and its later answers carry the same id. Devices also send headers with
// an all-ff id to their cloud (a time request from port 54321 to the
// cloud's 8053), which name no device.
//
// Only what the device says about itself is read: the device id of a packet
// that comes from port 54321 (any packet a device sends carries its own
// id), or, where the ports are unknown (`camsweep identify`), of a bare
// 32-byte header, which only a device answering the hello sends. The stamp
// changes with every answer and is not kept; the checksum field, which on
// some firmware holds the device's secret token, is never read.
const (
	miioPort      = 54321
	miioHeaderLen = 32
	miioMagic     = 0x2131
	// maxMiIODatagram bounds a packet: python-miio reads answers of up to
	// 4096 bytes.
	maxMiIODatagram = 4096
)

var errMiIOTooLarge = errors.New("miio: packet larger than an answer")

// miioDecoder reads port 54321: a datagram without the magic goes to the
// decoder Sniff names.
var miioDecoder = orSniff(MiIO, isMiIO)

// isMiIO says whether a datagram opens with the miIO magic.
func isMiIO(b []byte) bool {
	return len(b) >= 2 && binary.BigEndian.Uint16(b) == miioMagic
}

// MiIO decodes a packet a Mi Home device sent: miio.device_id, the device
// id in decimal (as python-miio and the _miio<id> mDNS instance write it),
// about the sender. Requests, cloud packets and other bytes emit nothing.
func MiIO(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxMiIODatagram {
		return errMiIOTooLarge
	}
	if len(payload) < miioHeaderLen || !isMiIO(payload) {
		return nil
	}
	if int(binary.BigEndian.Uint16(payload[2:4])) != len(payload) {
		return nil
	}
	fromDevice := m.SrcPort == miioPort || (m.DstPort == 0 && len(payload) == miioHeaderLen)
	if !fromDevice || binary.BigEndian.Uint32(payload[4:8]) != 0 {
		return nil
	}
	id := binary.BigEndian.Uint32(payload[8:12])
	if id == 0 || id == 0xffffffff {
		return nil
	}
	newSink(m, emit).field("miio.device_id", strconv.FormatUint(uint64(id), 10))
	return nil
}

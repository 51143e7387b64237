package discovery

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/camsweep/camsweep/scanner"
)

// A CS2 Network PPPP message is: magic 0xF1, a message type, a big-endian
// uint16 body length that equals the rest of the datagram, then the body.
const (
	ppppMagic     = 0xF1
	ppppHeaderLen = 4
	ppppProtocol  = "cs2-pppp"
	// The protocol's own ports: the P2P server's and LAN search's.
	ppppServerPort = 32100
	ppppLANPort    = 32108
	// ppppRoleDevice is p2p.role for a sender that only a device can be.
	ppppRoleDevice = "device"

	// A device ID is an 8-byte NUL-padded ASCII prefix, a big-endian
	// uint32 serial and an 8-byte NUL-padded ASCII check code.
	ppppDIDLen = 20
)

// ppppDeviceOnly holds the message types only a device sends, and whether
// the body opens with the sender's own DID in the clear. Other messages that
// carry a DID (P2P_REQ, PUNCH_PKT, QUERY_DID, LIST_REQ ...) are also sent by
// the app or server and name the device they want, so they say nothing
// about who sent them.
var ppppDeviceOnly = map[byte]bool{
	0x10: true,  // MSG_DEV_LGN: device logs in to the P2P server
	0x12: false, // MSG_DEV_LGN_CRC: the same login, its body encrypted (the DID hidden)
	0x14: true,  // MSG_DEV_LGN_KEY: the same login, signed
	0x31: true,  // MSG_LAN_NOTIFY: device announces itself on the LAN
	0x42: true,  // MSG_P2P_RDY: device tells the app it is ready
}

var errPPPPFrame = errors.New("pppp: not a CS2 PPPP message (magic or length)")

// PPPP decodes a CS2 Network PPPP datagram. Every valid message says its
// sender speaks the protocol (p2p.protocol; clients and relay servers speak
// it too, so signatures should weigh it lightly); messages that only a
// device sends say so (p2p.role) and, where readable, give its device ID
// (p2p.did).
func PPPP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if !isPPPP(payload) {
		return errPPPPFrame
	}
	// A source port other than the protocol's own (the P2P server's 32100,
	// LAN search's 32108) is a P2P socket's, chosen at random per session,
	// not a service the sender offers: without it a camera's sessions are
	// one fact, not a port each (a Xiaomi camera listed 32).
	if m.SrcPort != ppppServerPort && m.SrcPort != ppppLANPort {
		m.SrcPort = 0
	}
	s := newSink(m, emit)
	s.field("p2p.protocol", ppppProtocol)
	clearDID, device := ppppDeviceOnly[payload[1]]
	if device {
		s.field("p2p.role", ppppRoleDevice)
	}
	if clearDID {
		if did, ok := parseDID(payload[ppppHeaderLen:]); ok {
			s.field("p2p.did", did)
		}
	}
	return nil
}

// isPPPP reports whether b is framed as a PPPP message.
func isPPPP(b []byte) bool {
	return len(b) >= ppppHeaderLen && b[0] == ppppMagic &&
		int(binary.BigEndian.Uint16(b[2:4])) == len(b)-ppppHeaderLen
}

// parseDID reads a device ID from the start of a message body and formats
// it PREFIX-NNNNNN-CHECK.
func parseDID(b []byte) (string, bool) {
	if len(b) < ppppDIDLen {
		return "", false
	}
	prefix, ok := didText(b[0:8])
	if !ok {
		return "", false
	}
	check, ok := didText(b[12:20])
	if !ok {
		return "", false
	}
	serial := binary.BigEndian.Uint32(b[8:12])
	return fmt.Sprintf("%s-%06d-%s", prefix, serial, check), true
}

// didText reads a NUL-padded field of upper-case letters and digits; at
// least one character, nothing after the padding starts.
func didText(b []byte) (string, bool) {
	n := 0
	for n < len(b) && b[n] != 0 {
		c := b[n]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return "", false
		}
		n++
	}
	if n == 0 {
		return "", false
	}
	for _, c := range b[n:] {
		if c != 0 {
			return "", false
		}
	}
	return string(b[:n]), true
}

package discovery

import (
	"bytes"
	"errors"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

// The P2P service protocol of the "DH" P2P cloud (Easy4IPCloud): text
// requests shaped like HTTP/1.1 whose method carries the prefix DH (DHGET,
// DHPOST), sent over UDP to the service's ports (8800, 8802) by devices and
// by the viewing apps alike (khoanguyen-3fc/dh-p2p README.md, "P2P
// handshake"). The apps ask /probe/p2psrv, /online/p2psrv/{SN},
// /probe/device/{SN}, /info/device/{SN}, /online/relay, /relay/... and
// /device/{SN}/...-channel about the device they want to reach; a device
// registers itself with /setup/device/{its SN} (testdata/realdata/iotls/
// amcrest-cam-wired_CUT.pcap: the camera sends DHGET /setup/device/ with its
// own serial, the serial its DHCP host name and mDNS name carry too), a
// request no app sends.
const (
	dhp2pProtocol = "dh-p2p"
	// dhp2pDevicePath opens the path of the request only a device sends,
	// about itself; the rest of the path is its serial.
	dhp2pDevicePath = "/setup/device/"
	// A serial in the path: letters and digits, as the service's serials are.
	dhp2pMinSerial, dhp2pMaxSerial = 6, 32
)

var errDHP2PFrame = errors.New("dh-p2p: not a DH P2P request (DHGET/DHPOST request line)")

// DHP2P decodes a DH P2P service request. Every one says its sender speaks
// the protocol (p2p.protocol dh-p2p; the apps do too, so it is a weak hint);
// a device's registration says the sender is a device (p2p.role) and gives
// the serial it registers (p2p.did). Answers (HTTP/1.1 status lines) come
// from the service and are not read.
func DHP2P(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	path, ok := dhp2pRequestPath(payload)
	if !ok {
		return errDHP2PFrame
	}
	// The requester's source port is ephemeral, not a service it offers
	// (as a DNS asker's): without it repeated requests are one fact.
	m.SrcPort = 0
	s := newSink(m, emit)
	s.field("p2p.protocol", dhp2pProtocol)
	if serial, ok := strings.CutPrefix(path, dhp2pDevicePath); ok && dhp2pSerial(serial) {
		s.field("p2p.role", ppppRoleDevice)
		s.field("p2p.did", serial)
	}
	return nil
}

// isDHP2P reports whether b opens with a DH P2P request line.
func isDHP2P(b []byte) bool {
	_, ok := dhp2pRequestPath(b)
	return ok
}

// dhp2pRequestPath returns the path of a request line "DHGET|DHPOST <path>
// HTTP/1.x" that ends with CRLF.
func dhp2pRequestPath(b []byte) (string, bool) {
	line, _, found := bytes.Cut(b, []byte("\r\n"))
	if !found {
		return "", false
	}
	method, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || (string(method) != "DHGET" && string(method) != "DHPOST") {
		return "", false
	}
	path, version, ok := bytes.Cut(rest, []byte(" "))
	if !ok || len(path) < 2 || path[0] != '/' || !bytes.HasPrefix(version, []byte("HTTP/1.")) || len(version) != len("HTTP/1.1") {
		return "", false
	}
	for _, c := range path {
		if c <= ' ' || c >= 0x7f {
			return "", false
		}
	}
	return string(path), true
}

// dhp2pSerial reports whether s is a serial: letters and digits only.
func dhp2pSerial(s string) bool {
	if len(s) < dhp2pMinSerial || len(s) > dhp2pMaxSerial {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

package discovery

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"hash/crc32"
	"sync"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// TDP is the LAN discovery of the "smart" device firmware whose apps find
// their devices by broadcasting to UDP 20002 (the TP-Link Tapo and Kasa
// apps, python-kasa, Home Assistant): a 16-byte header — version 2, a
// reserved byte, the message type (0x0001), the body length (big-endian,
// offset 4), flags, a serial and a CRC32 — then a JSON body. A client's
// request carries {"params":{"rsa_key":…}}; a device answers
// {"error_code":0,"result":{…}} in plain JSON (only its session key is
// encrypted): device_type, device_model, firmware_version,
// hardware_version, its MAC and its IPv4 address.
const (
	tdpPort        = 20002
	tdpHeaderLen   = 16
	tdpVersion     = 2
	tdpOffLength   = 4
	maxTDPDatagram = 65535
)

var (
	errTDPTooLarge = errors.New("tdp: payload larger than a datagram")
	errTDPHeader   = errors.New("tdp: no version-2 header and no JSON object")
	errTDPLength   = errors.New("tdp: body length runs past the payload")
)

// tdpFields maps the members of an answer's result to observation keys.
// device_name is what the owner called it (or "Tapo camera"), device_id a
// cloud identifier: kept as evidence. The answer's encrypt_info (a session
// key) and decrypted_data (the owner's SSID) are never read.
var tdpFields = []jsonField{
	{"device_type", "tdp.device_type"},
	{"device_model", "tdp.device_model"},
	{"firmware_version", "tdp.firmware_version"},
	{"hardware_version", "tdp.hardware_version"},
	{"device_name", "tdp.device_name"},
	{"device_id", "tdp.device_id"},
}

// TDP decodes a datagram to or from UDP 20002, with its header (off the
// wire) or without it (an answer's JSON as a tool saved it). An answer
// describes its sender, including its own MAC and address (the tdp.mac
// binding); a request, or an answer with no result, emits nothing.
func TDP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	body, err := tdpBody(payload)
	if err != nil {
		return err
	}
	var msg struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	if err := decodeFirstJSON(body, &msg); err != nil || msg.Result == nil {
		return err // a request ({"params":…}) or an error answer
	}
	r := msg.Result
	own := parseIPv4(scalarText(r["ip"]))
	s := newSink(aboutSelf(m, own), emit)
	s.jsonFields(r, tdpFields)
	if mac, err := observe.ParseMAC(scalarText(r["mac"])); err == nil {
		s.binding("tdp.mac", mac, own)
	}
	return nil
}

// tdpBody returns the JSON of a datagram: after the header when it opens
// with one, else the payload itself when it is a JSON object.
func tdpBody(b []byte) ([]byte, error) {
	if len(b) > maxTDPDatagram {
		return nil, errTDPTooLarge
	}
	if len(b) >= tdpHeaderLen && b[0] == tdpVersion {
		n := int(binary.BigEndian.Uint16(b[tdpOffLength:]))
		if n > len(b)-tdpHeaderLen {
			return nil, errTDPLength
		}
		return trimJSON(b[tdpHeaderLen : tdpHeaderLen+n]), nil
	}
	body := trimJSON(b)
	if len(body) == 0 || body[0] != '{' {
		return nil, errTDPHeader
	}
	return body, nil
}

// The request side (python-kasa's discovery query, kasa/discover.py
// _AesDiscoveryQuery, code index file 56141588889; the Tapo app sends the
// same, testdata/realdata/hidden-patterns): the header is version 2,
// message type 0, operation 1 (a probe), the body length, flags 0x11, a
// zero byte, a random serial the device echoes, and a CRC32 (IEEE) of the
// whole datagram computed with 0x5A6B7C8D in its place. The body is
// {"params":{"rsa_key":PEM}}, the PEM a 2048-bit RSA public key that a
// device encrypts its session key to (never decrypted here: the private key
// is thrown away).
const (
	tdpOpProbe     = 1
	tdpFlagsQuery  = 0x11
	tdpOffSerial   = 8
	tdpOffCRC      = 12
	tdpInitialCRC  = 0x5A6B7C8D
	tdpRSAKeyBits  = 2048
	tdpMaxBodySize = 0xffff
)

// tdpKey is the public key of every query this process sends: one key, made
// once, as python-kasa keeps one per discovery.
var tdpKey = sync.OnceValues(func() (string, error) {
	k, err := rsa.GenerateKey(rand.Reader, tdpRSAKeyBits)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
})

// TDPDiscovery builds the discovery query broadcast to UDP 20002, with a
// fresh serial each call.
func TDPDiscovery() ([]byte, error) {
	key, err := tdpKey()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{"params": map[string]string{"rsa_key": key}})
	if err != nil {
		return nil, err
	}
	var serial [4]byte
	if _, err := rand.Read(serial[:]); err != nil {
		return nil, err
	}
	head := [8]byte{tdpVersion, 0, 0, tdpOpProbe, 0, 0, tdpFlagsQuery, 0}
	return TDPFrame(head, binary.BigEndian.Uint32(serial[:]), body), nil
}

// TDPFrame frames a body behind a TDP header: head gives the version,
// message type, operation, flags and reserved byte (its length bytes are
// overwritten), serial the serial; the CRC is computed as clients and
// devices compute it. A body longer than the length field holds is cut.
func TDPFrame(head [8]byte, serial uint32, body []byte) []byte {
	body = body[:min(len(body), tdpMaxBodySize)]
	b := make([]byte, tdpHeaderLen+len(body))
	copy(b, head[:])
	binary.BigEndian.PutUint16(b[tdpOffLength:], uint16(len(body)))
	binary.BigEndian.PutUint32(b[tdpOffSerial:], serial)
	binary.BigEndian.PutUint32(b[tdpOffCRC:], tdpInitialCRC)
	copy(b[tdpHeaderLen:], body)
	binary.BigEndian.PutUint32(b[tdpOffCRC:], crc32.ChecksumIEEE(b))
	return b
}

// TDPQuerySerial returns the serial of a discovery query: a version-2
// header for operation 1 whose CRC holds and whose body asks with
// {"params":…} (an answer, with its "result", is no query).
func TDPQuerySerial(b []byte) (serial uint32, ok bool) {
	if len(b) < tdpHeaderLen || len(b) > maxTDPDatagram || b[0] != tdpVersion ||
		binary.BigEndian.Uint16(b[2:]) != tdpOpProbe {
		return 0, false
	}
	n := int(binary.BigEndian.Uint16(b[tdpOffLength:]))
	if n > len(b)-tdpHeaderLen {
		return 0, false
	}
	check := bytes.Clone(b[:tdpHeaderLen+n])
	binary.BigEndian.PutUint32(check[tdpOffCRC:], tdpInitialCRC)
	if crc32.ChecksumIEEE(check) != binary.BigEndian.Uint32(b[tdpOffCRC:]) {
		return 0, false
	}
	var msg struct {
		Params json.RawMessage `json:"params"`
		Result json.RawMessage `json:"result"`
	}
	if err := decodeFirstJSON(trimJSON(b[tdpHeaderLen:tdpHeaderLen+n]), &msg); err != nil || msg.Params == nil || msg.Result != nil {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[tdpOffSerial:]), true
}

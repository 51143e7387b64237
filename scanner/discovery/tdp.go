package discovery

import (
	"encoding/binary"
	"encoding/json"
	"errors"

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

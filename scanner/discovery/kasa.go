package discovery

import (
	"encoding/json"
	"errors"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// The older smart-home protocol of Kasa plugs, bulbs and switches on UDP
// 9999: an app broadcasts {"system":{"get_sysinfo":{}}} and each device
// answers with its system information, both obfuscated with an autokey XOR
// (the first key 171, then each byte is the key of the next). Over UDP
// there is no length prefix (over TCP a 4-byte one precedes the same).
const (
	kasaPort       = 9999
	kasaFirstKey   = 171
	maxKasaPayload = 65535
)

var (
	errKasaTooLarge = errors.New("kasa: payload larger than a datagram")
	errKasaNotJSON  = errors.New("kasa: no JSON object, plain or obfuscated")
)

// kasaFields maps get_sysinfo members to observation keys. Plugs name their
// class "type", bulbs "mic_type"; alias is what the owner called it and is
// never read, nor are the location and the cloud ids.
var kasaFields = []jsonField{
	{"type", "kasa.type"},
	{"mic_type", "kasa.type"},
	{"model", "kasa.model"},
	{"sw_ver", "kasa.firmware"},
	{"hw_ver", "kasa.hardware_version"},
	{"dev_name", "kasa.device_name"},
	{"description", "kasa.device_name"},
}

// Kasa decodes a datagram to or from UDP 9999, obfuscated as on the wire or
// as plain JSON (a saved answer). An answer describes its sender with its
// own MAC (the kasa.mac binding); a request emits nothing.
func Kasa(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxKasaPayload {
		return errKasaTooLarge
	}
	body := trimJSON(payload)
	if len(body) == 0 || body[0] != '{' {
		body = kasaDeobfuscate(payload)
		if len(body) == 0 || body[0] != '{' {
			return errKasaNotJSON
		}
	}
	var msg struct {
		System struct {
			SysInfo map[string]json.RawMessage `json:"get_sysinfo"`
		} `json:"system"`
	}
	if err := decodeFirstJSON(body, &msg); err != nil {
		return err
	}
	info := msg.System.SysInfo
	if len(info) == 0 {
		return nil // the request: {"system":{"get_sysinfo":{}}}
	}
	s := newSink(m, emit)
	s.jsonFields(info, kasaFields)
	for _, member := range []string{"mac", "mic_mac"} {
		if mac, err := observe.ParseMAC(scalarText(info[member])); err == nil {
			s.binding("kasa.mac", mac, m.SrcIP)
			break
		}
	}
	return nil
}

// kasaDeobfuscate undoes the autokey XOR into a new slice.
func kasaDeobfuscate(b []byte) []byte {
	out := make([]byte, len(b))
	key := byte(kasaFirstKey)
	for i, c := range b {
		out[i] = c ^ key
		key = c
	}
	return trimJSON(out)
}

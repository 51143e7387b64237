package discovery

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/camsweep/camsweep/observe"
)

// maxJSONBytes bounds a JSON discovery reply: one datagram.
const maxJSONBytes = 65535

// scalarText renders a JSON string, number or boolean as the text a device
// meant ("IPC-HDW5421S", 37777, false). Objects, arrays and null give "".
func scalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return strconv.FormatBool(b)
		}
	case '{', '[', 'n':
		return ""
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// jsonField maps a member of a device's JSON answer to an observation key.
type jsonField struct{ member, key string }

// jsonFields emits each field's member of obj that is a scalar, as text.
func (s *sink) jsonFields(obj map[string]json.RawMessage, fields []jsonField) {
	for _, f := range fields {
		s.field(f.key, scalarText(obj[f.member]))
	}
}

// decodeFirstJSON decodes the first JSON value of b into v, ignoring what
// follows it: firmware pads replies with NULs, newlines or stale buffer
// bytes after the object.
func decodeFirstJSON(b []byte, v any) error {
	return json.NewDecoder(bytes.NewReader(b)).Decode(v)
}

// trimJSON drops the NUL and white space padding devices put around a JSON
// body.
func trimJSON(b []byte) []byte {
	return bytes.Trim(b, "\x00 \t\r\n")
}

// JSONScalar renders a JSON scalar as scalarText does, for the decoders of
// the TCP control protocols (scanner/service) whose answers are the same
// JSON as these discovery replies.
func JSONScalar(raw json.RawMessage) string { return scalarText(raw) }

// JSONObject decodes the first JSON object of a body padded as firmware pads
// it (NULs, newlines, stale bytes after the object); false when the body is
// not a JSON object (an encrypted or binary body).
func JSONObject(b []byte) (map[string]json.RawMessage, bool) {
	b = trimJSON(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var obj map[string]json.RawMessage
	if decodeFirstJSON(b, &obj) != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// MACText returns a MAC a JSON member states (BC325FAF5332, bc:32:5f:af:53:32)
// in canonical aa:bb:cc:dd:ee:ff form, or "" when the text is no MAC.
func MACText(s string) string {
	mac, err := observe.ParseMAC(s)
	if err != nil {
		return ""
	}
	return mac.String()
}

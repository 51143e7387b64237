package discovery

import (
	"encoding/json"
	"strings"
)

// An answer of a DHIP session names no method: the request with its id does
// (scanner/service pairs them). Recorded alone, as a tool saves one message,
// the identity answers of the magicBox service still tell what they answer by
// their shape: result true and params with one member, whose name and form
// differ per call. Only shapes no other identity call shares are read:
// getHardwareVersion answers {"version":"1.00"}, so a version is firmware
// only as getSoftwareVersion's object; a type is a model when it holds a
// digit beside letters (getDeviceType: IPC-D2B20-ZS, DHI-NVR5232-4KS2) and a
// class when it is letters only (getDeviceClass: IPC, NVR), while a number
// alone is a recorder's type code (getSystemInfo's deviceType 31) and names
// nothing.
type dhipAloneShape struct {
	member string // the one member of params
	read   func(json.RawMessage) (method, key, value string)
}

var dhipAloneShapes = []dhipAloneShape{
	{"sn", func(v json.RawMessage) (string, string, string) {
		return "magicBox.getSerialNo", "dhip.serial", scalarText(v)
	}},
	{"Vendor", func(v json.RawMessage) (string, string, string) {
		return "magicBox.getVendor", "dhip.vendor", scalarText(v)
	}},
	{"version", func(v json.RawMessage) (string, string, string) {
		var sw struct {
			Version json.RawMessage `json:"Version"`
		}
		if json.Unmarshal(v, &sw) != nil {
			return "", "", ""
		}
		return "magicBox.getSoftwareVersion", "dhip.firmware", scalarText(sw.Version)
	}},
	{"type", func(v json.RawMessage) (string, string, string) {
		t := scalarText(v)
		switch {
		case hasDigit(t) && hasLetter(t):
			return "magicBox.getDeviceType", "dhip.model", t
		case hasLetter(t):
			return "magicBox.getDeviceClass", "dhip.device_class", t
		}
		return "", "", ""
	}},
}

// dhipAloneAnswer returns the method an identity answer recorded alone
// answers, the key its value is emitted as and the value; "" when the body
// is no such answer (a request, a failed call, another call's answer).
func dhipAloneAnswer(body []byte) (method, key, value string) {
	var a struct {
		Method json.RawMessage            `json:"method"`
		Result json.RawMessage            `json:"result"`
		Params map[string]json.RawMessage `json:"params"`
	}
	if decodeFirstJSON(body, &a) != nil || len(a.Method) > 0 || scalarText(a.Result) != "true" || len(a.Params) != 1 {
		return "", "", ""
	}
	for _, s := range dhipAloneShapes {
		if v, ok := a.Params[s.member]; ok {
			method, key, value = s.read(v)
			if value == "" {
				return "", "", ""
			}
			return method, key, value
		}
	}
	return "", "", ""
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0
}

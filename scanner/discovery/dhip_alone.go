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
// nothing. getMachineName's "name" is not read: other calls answer a name.
type dhipAloneShape struct {
	method string // its one field in dhipAnswerFields names the member
	// fits, when set, tells the method's value from another method's
	// answering the same member.
	fits func(value string) bool
}

var dhipAloneShapes = []dhipAloneShape{
	{"magicBox.getSerialNo", nil},
	{"magicBox.getVendor", nil},
	{"magicBox.getSoftwareVersion", nil},
	{"magicBox.getDeviceType", func(t string) bool { return hasDigit(t) && hasLetter(t) }},
	{"magicBox.getDeviceClass", func(t string) bool { return !hasDigit(t) && hasLetter(t) }},
}

// dhipAloneAnswer returns the method an identity answer recorded alone
// answers, the key its value is emitted as and the value; "" when the body
// is no such answer (a request, a failed call, another call's answer).
func dhipAloneAnswer(body []byte) (method, key, value string) {
	var a struct {
		Method json.RawMessage `json:"method"`
		Result json.RawMessage `json:"result"`
		Params json.RawMessage `json:"params"`
	}
	if decodeFirstJSON(body, &a) != nil || len(a.Method) > 0 || scalarText(a.Result) != "true" {
		return "", "", ""
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(a.Params, &members) != nil || len(members) != 1 {
		return "", "", ""
	}
	for _, s := range dhipAloneShapes {
		f := dhipAnswerFields[s.method][0]
		if _, ok := members[f.path[0]]; !ok {
			continue
		}
		if value := f.text(a.Params); value != "" && (s.fits == nil || s.fits(value)) {
			return s.method, f.key, value
		}
	}
	return "", "", ""
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0
}

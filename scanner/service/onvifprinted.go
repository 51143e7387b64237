package service

import (
	"encoding/json"
	"regexp"
	"strings"
)

// An ONVIF GetDeviceInformation answer as clients print it in their logs and
// users paste it into issues: python-onvif-zeep's object or dict
// ({'Manufacturer': 'HIKVISION', 'Model': 'DS-2DE2204IW-D3', ...}), JSON
// (node-onvif, agsh/onvif's camel case), a Go struct printed with %+v
// ({Manufacturer:HIKVISION Model:DS-2CD2387G2-LU FirmwareVersion:V5.7.3
// build 220112 ...}) or "Name: value" lines. Only `camsweep identify` reads
// it (a value a user gave for one device): on the wire the same text in an
// HTTP body is more often a recorder's or VMS's list of the cameras behind
// it, which is no evidence of the server.

// printedField finds a device-information member's name and the separator
// after it, quoted or not, in any letter case, snake case allowed.
var printedField = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_])["']?(manufacturer|model|firmware_?version|serial_?number|hardware_?id)["']?[ \t]*[:=][ \t]*`)

// printedFieldKey maps a member name, lower case without '_', to its key.
var printedFieldKey = map[string]string{
	"manufacturer":    "onvif.manufacturer",
	"model":           "onvif.model",
	"firmwareversion": "onvif.firmware",
	"serialnumber":    "onvif.serial",
	"hardwareid":      "onvif.hardware_id",
}

// maxPrinted bounds the text searched for a printed answer: a pasted answer
// is a few hundred bytes.
const maxPrinted = 16 << 10

// PrintedDeviceInformation returns the keys and values of an ONVIF
// GetDeviceInformation answer printed in text, or nil when the text holds
// none. It takes an answer only when the members an answer has are there
// (Manufacturer and Model and two of FirmwareVersion, SerialNumber and
// HardwareId: a dict of a product catalogue or another API has fewer), and
// only one: a member given twice with different values is a list of
// devices, not one answer.
func PrintedDeviceInformation(text string) map[string]string {
	text = text[:min(len(text), maxPrinted)]
	matches := printedField.FindAllStringSubmatchIndex(text, 16)
	found := map[string]string{}
	for i, m := range matches {
		key := printedFieldKey[strings.ReplaceAll(strings.ToLower(text[m[2]:m[3]]), "_", "")]
		end := len(text)
		if i+1 < len(matches) {
			end = matches[i+1][0] + 1 // the next name's leading separator is not value
		}
		v := printedValue(text[m[1]:max(m[1], end)])
		if prev, ok := found[key]; ok && prev != v {
			return nil
		}
		found[key] = v
	}
	if found["onvif.manufacturer"] == "" || found["onvif.model"] == "" {
		return nil
	}
	others := 0
	for _, k := range []string{"onvif.firmware", "onvif.serial", "onvif.hardware_id"} {
		if _, ok := found[k]; ok {
			others++
		}
	}
	if others < 2 {
		return nil
	}
	for k, v := range found {
		if v == "" {
			delete(found, k)
		}
	}
	return found
}

// printedValue is a member's value from the text after its separator: a
// quoted string up to its closing quote, else up to the end of the line,
// without the punctuation that ends the member (",", ";") or closes the
// printed struct ("}", when the value opened none).
func printedValue(s string) string {
	if s != "" && (s[0] == '\'' || s[0] == '"') {
		q := s[0]
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case q:
				return strings.TrimSpace(unquotePrinted(s[:i+1]))
			}
		}
		return ""
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(strings.TrimSpace(s), ",;")
	if strings.HasSuffix(s, "}") && !strings.Contains(s, "{") {
		s = s[:len(s)-1] // the printed struct's or dict's end
	}
	return strings.TrimSpace(strings.TrimRight(s, ","))
}

// unquotePrinted decodes a quoted value's escapes: JSON's for a double-quoted
// one (\u0026, \"), Python's \' and \\ for a single-quoted one.
func unquotePrinted(quoted string) string {
	if quoted[0] == '"' {
		var v string
		if json.Unmarshal([]byte(quoted), &v) == nil {
			return v
		}
	}
	inner := quoted[1 : len(quoted)-1]
	return strings.NewReplacer(`\'`, "'", `\"`, `"`, `\\`, `\`).Replace(inner)
}

// emitPrintedDeviceInformation emits a printed answer's members as the
// keys the XML answer gives; it reports whether there was one.
func emitPrintedDeviceInformation(out *emitter, text string) bool {
	found := PrintedDeviceInformation(text)
	for _, f := range onvifDeviceInfoFields {
		if v, ok := found[f.key]; ok {
			out.add(f.key, v)
		}
	}
	return len(found) > 0
}

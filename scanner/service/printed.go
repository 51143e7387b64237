package service

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// A device's answer as clients print it in their logs and users paste it
// into issues, instead of the XML the device sent: python-onvif-zeep's
// object or dict ({'Manufacturer': 'HIKVISION', 'Model': 'DS-2DE2204IW-D3',
// ...}), JSON (node-onvif, agsh/onvif's camel case), a Go struct printed
// with %+v ({Manufacturer:HIKVISION Model:DS-2CD2387G2-LU FirmwareVersion:V5.7.3
// build 220112 ...}), "Name: value" lines, a UPnP device description as
// async_upnp_client and Home Assistant print it ({'deviceType': ...,
// 'manufacturer': 'Dahua', 'modelName': ...}). Only `camsweep identify`
// reads these (a value a user gave for one device): on the wire the same
// text in an HTTP body is more often a recorder's or VMS's list of the
// cameras behind it, which is no evidence of the server.

// printedAnswer is one answer's printed members: the names a printer uses
// (lower case, without '_' and '-'), the key each gives (a key starting with '#':
// none, a member read so that the one before it ends there, or to tell the
// answer's kind), and when the members found are the answer's and not
// another dict's.
type printedAnswer struct {
	members map[string]string
	field   *regexp.Regexp
	whole   func(found map[string]string) bool
	// needs are member names (lower case, no '_' or '-') every whole answer
	// holds: a text without one of them is passed over before the field
	// expression, slow on a whole page, runs.
	needs []string
	// tidy, when set, cleans the values found before whole judges them.
	tidy func(found map[string]string)
}

func newPrintedAnswer(members map[string]string, whole func(map[string]string) bool, needs ...string) printedAnswer {
	names := make([]string, 0, len(members))
	for n := range members {
		// A printer may write a name in snake case or with hyphens (an
		// HTTP header's): any letter may be followed by a '_' or '-'.
		letters := strings.Split(n, "")
		for i, l := range letters {
			letters[i] = regexp.QuoteMeta(l)
		}
		names = append(names, strings.Join(letters, "[_-]?"))
	}
	field := regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_])["']?(` + strings.Join(names, "|") + `)["']?[ \t]*[:=][ \t]*`)
	return printedAnswer{members: members, field: field, whole: whole, needs: needs}
}

// printedDeviceInformation is ONVIF's GetDeviceInformation answer: whole
// with Manufacturer, Model and two of FirmwareVersion, SerialNumber and
// HardwareId (a product catalogue's or another API's dict has fewer).
var printedDeviceInformation = newPrintedAnswer(map[string]string{
	"manufacturer":    "onvif.manufacturer",
	"model":           "onvif.model",
	"firmwareversion": "onvif.firmware",
	"serialnumber":    "onvif.serial",
	"hardwareid":      "onvif.hardware_id",
}, func(found map[string]string) bool {
	return found["onvif.manufacturer"] != "" && found["onvif.model"] != "" &&
		countFound(found, "onvif.firmware", "onvif.serial", "onvif.hardware_id") >= 2
}, "manufacturer", "model")

// printedUPnPDescription is a UPnP device description's <device> members:
// whole with the manufacturer, a model name or number, and a device type or
// UDN, which only a UPnP description has.
var printedUPnPDescription = newPrintedAnswer(map[string]string{
	"devicetype":       "upnp.device_type",
	"friendlyname":     "upnp.friendly_name",
	"manufacturer":     "upnp.manufacturer",
	"manufacturerurl":  "#url",
	"modeldescription": "upnp.model_description",
	"modelname":        "upnp.model_name",
	"modelnumber":      "upnp.model_number",
	"modelurl":         "#url",
	"serialnumber":     "upnp.serial",
	"udn":              "#udn",
	"presentationurl":  "#url",
}, func(found map[string]string) bool {
	return found["upnp.manufacturer"] != "" && countFound(found, "upnp.model_name", "upnp.model_number") > 0 &&
		(found["upnp.device_type"] != "" || found["#udn"] != "")
}, "manufacturer", "model")

// printedSSDPAnswer is an SSDP answer's or announcement's headers as a
// dict: Home Assistant's discovery dumps ({"SERVER": ..., "LOCATION": ...,
// "USN": ...}) and its SsdpServiceInfo (ssdp_server=..., ssdp_usn=...).
// Whole with a USN and a LOCATION, which only SSDP gives together (a web
// server's headers have a Server and a Location, never a USN).
var printedSSDPAnswer = newPrintedAnswer(map[string]string{
	"server": "ssdp.server", "ssdpserver": "ssdp.server",
	"location": "ssdp.location", "ssdplocation": "ssdp.location",
	"usn": "ssdp.usn", "ssdpusn": "ssdp.usn",
	"st": "ssdp.st", "ssdpst": "ssdp.st",
	"nt": "ssdp.nt", "ssdpnt": "ssdp.nt",
	"cachecontrol": "#", "date": "#", "ext": "#", "opt": "#", "01nls": "#", "xuseragent": "#",
	"bootid.upnp.org": "#", "configid.upnp.org": "#",
}, func(found map[string]string) bool {
	return found["ssdp.usn"] != "" && found["ssdp.location"] != ""
}, "usn", "location")

// printedSADPAnswer is a Hikvision SADP ProbeMatch's members as SADP
// tools print them (a dict or JSON of the XML's elements, Hikvision's SDK
// search result with the same names): whole with the device's serial
// (DeviceSN), its DeviceDescription and its SoftwareVersion or DSPVersion,
// which only a SADP answer has together (a solar inverter's dict has a
// deviceSn and a deviceType, a USB device's a DeviceDescription and a
// firmware version, no serial).
var printedSADPAnswer = newPrintedAnswer(map[string]string{
	"devicetype": "sadp.device_type", "devicedescription": "sadp.model", "devicesn": "sadp.serial",
	"softwareversion": "sadp.firmware", "dspversion": "sadp.dsp_version", "detailoemcode": "sadp.oem_code",
	"activated": "sadp.activated", "commandport": "sadp.command_port", "httpport": "sadp.http_port",
	"uuid": "#", "types": "#", "mac": "#", "ipv4address": "#", "ipv4subnetmask": "#", "ipv4gateway": "#",
	"ipv6address": "#", "dhcp": "#", "boottime": "#", "digitalchannelnum": "#", "analogchannelnum": "#",
	"passwordresetability": "#", "oeminfo": "#", "salt": "#", "encrypt": "#", "ehomever": "#",
}, func(found map[string]string) bool {
	return found["sadp.serial"] != "" && found["sadp.model"] != "" &&
		countFound(found, "sadp.firmware", "sadp.dsp_version") > 0
}, "devicesn", "devicedescription")

// printedDHIPDeviceInfo is a Dahua DHIP search answer's deviceInfo as
// clients print it (a Python dict; the decoder reads its JSON): whole with
// DeviceType and SerialNo and two of Version, Vendor, MachineName,
// DeviceClass and Manufacturer (an asset list's dict has a SerialNo and a
// type, a phone query's a DeviceClass and a Model, not these together).
var printedDHIPDeviceInfo = newPrintedAnswer(map[string]string{
	"devicetype": "dhip.model", "deviceclass": "dhip.device_class", "serialno": "dhip.serial",
	"version": "dhip.firmware", "vendor": "dhip.vendor", "machinename": "dhip.machine_name",
	"manufacturer": "dhip.manufacturer", "port": "dhip.port", "httpport": "dhip.http_port",
	"ipv4address": "#", "ipaddress": "#", "subnetmask": "#", "defaultgateway": "#", "dhcpenable": "#",
	"physicaladdress": "#", "ipv6address": "#", "alarminputchannels": "#", "alarmoutputchannels": "#",
	"remotevideoinputchannels": "#", "videoinputchannels": "#", "videooutputchannels": "#", "mtu": "#",
	"initstatus": "#", "pwdresetway": "#", "specialability": "#", "mac": "#",
}, func(found map[string]string) bool {
	return found["dhip.model"] != "" && found["dhip.serial"] != "" &&
		countFound(found, "dhip.firmware", "dhip.vendor", "dhip.machine_name", "dhip.device_class", "dhip.manufacturer") >= 2
}, "devicetype", "serialno")

// printedMiIOInfo is a Mi Home (miIO) device's miIO.info answer as the
// tools print it: python-miio's `miiocli ... info` ("Model:
// chuangmi.camera.055a02", "Hardware version: Linux", "Firmware version:
// 5.1.5_0355") and the Node miio tool's `miio inspect` ("Model info:
// lumi.gateway.v3", "Firmware version: 1.4.1_170", "MCU firmware version:
// 0158"). On the wire the answer is encrypted with the device's token, so
// users paste the print. Whole with a model id in miIO's
// <maker>.<type>.<id> form and a firmware version in miIO's form (digits
// and dots, an optional _build and @platform): an ONVIF print, a product
// list or a spec sheet has neither.
// Users filling python-miio's issue template keep its brackets around the
// model ("Model: [mijia.camera.v1]"), which tidy drops.
var printedMiIOInfo = func() printedAnswer {
	a := newPrintedAnswer(map[string]string{
		"model": "miio.model", "model info": "miio.model", "firmware version": "miio.firmware",
		"hardware version": "#", "mcu firmware version": "#", "wifi firmware version": "#",
	}, func(found map[string]string) bool {
		return miioModelID.MatchString(found["miio.model"]) && miioFirmware.MatchString(found["miio.firmware"])
	}, "model", "firmware")
	a.tidy = func(found map[string]string) {
		if m := found["miio.model"]; strings.HasPrefix(m, "[") && strings.HasSuffix(m, "]") {
			found["miio.model"] = strings.TrimSpace(m[1 : len(m)-1])
		}
	}
	return a
}()

var (
	miioModelID = regexp.MustCompile(`^[a-z0-9]+\.[a-z0-9_]+\.[a-z0-9_]+$`)
	// x.y.z, a build (_0355, a date _2017111315), a variant letter (_C), the platform (@Linux)
	miioFirmware = regexp.MustCompile(`^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?:_[0-9]{1,10})?(?:_[A-Z0-9]{1,4})?(?:@[A-Za-z0-9]+)?$`)
)

func countFound(found map[string]string, keys ...string) int {
	n := 0
	for _, k := range keys {
		if found[k] != "" {
			n++
		}
	}
	return n
}

// maxPrinted bounds the text searched for a printed answer: a pasted answer
// is a few hundred bytes.
const maxPrinted = 16 << 10

// read returns the keys and values of the answer printed in text, or nil
// when the text holds none, or holds a member twice with different values
// (a list of devices, not one answer).
func (a printedAnswer) read(text string) map[string]string {
	text = text[:min(len(text), maxPrinted)]
	return a.readNamed(text, printedNames(text))
}

// nameSeparators are what a printer may put between a member name's letters.
var nameSeparators = strings.NewReplacer("_", "", "-", "")

// printedNames is text as the member names in it are compared with members
// and needs: lower case, without '_' and '-'.
func printedNames(text string) string {
	return nameSeparators.Replace(strings.ToLower(text))
}

// readNamed is read of text (at most maxPrinted bytes) whose printedNames
// are names.
func (a printedAnswer) readNamed(text, names string) map[string]string {
	for _, n := range a.needs {
		if !strings.Contains(names, n) {
			return nil
		}
	}
	matches := a.field.FindAllStringSubmatchIndex(text, 32)
	found := map[string]string{}
	for i, m := range matches {
		key := a.members[printedNames(text[m[2]:m[3]])]
		end := len(text)
		if i+1 < len(matches) {
			end = matches[i+1][0] + 1 // the next name's leading separator is not value
		}
		v := printedValue(text[m[1]:max(m[1], end)])
		if prev, ok := found[key]; ok && prev != v && !strings.HasPrefix(key, "#") {
			return nil
		}
		if v != "" {
			found[key] = v
		}
	}
	if a.tidy != nil {
		a.tidy(found)
	}
	if !a.whole(found) {
		return nil
	}
	maps.DeleteFunc(found, func(k, _ string) bool { return strings.HasPrefix(k, "#") })
	return found
}

// PrintedDeviceInformation returns the members of an ONVIF
// GetDeviceInformation answer printed in text as onvif.* keys, or nil.
func PrintedDeviceInformation(text string) map[string]string {
	return printedDeviceInformation.read(text)
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

// emitPrinted emits the members of every answer printed in text as the keys
// the XML answers give; it reports whether there was one.
func emitPrinted(out *emitter, text string) bool {
	any := false
	head := text[:min(len(text), maxPrinted)]
	names := printedNames(head)
	for _, a := range []printedAnswer{printedDeviceInformation, printedUPnPDescription, printedSSDPAnswer, printedSADPAnswer, printedDHIPDeviceInfo, printedMiIOInfo} {
		found := a.readNamed(head, names)
		for _, k := range slices.Sorted(maps.Keys(found)) {
			out.add(k, found[k])
		}
		any = any || len(found) > 0
	}
	for _, kv := range append(printedServiceInfos(text), printedProbeMatch(text)...) {
		out.add(kv.key, kv.value)
		any = true
	}
	return any
}

// DecodePrinted reads a raw identify value that is a printed answer rather
// than the bytes its key wants (a UPnP description as a dict, not XML); it
// reports whether it was one.
func DecodePrinted(value string, m scanner.Meta, emit scanner.Emit) bool {
	return emitPrinted(newEmitter(m, emit), value)
}

// DecodeDiscoveryRaw reads a raw discovery key's value (sadp.payload,
// dhip.payload, upnp.description, ...) as `camsweep identify` does: through
// the decoder the wire uses, or, when that reads nothing of it, as an answer
// a client printed (a dict rather than the XML). It reports whether key is
// such a key and whether the value was read as printed; the decoder's error
// stands only when the value is no printed answer either.
func DecodeDiscoveryRaw(key, value string, m scanner.Meta, emit scanner.Emit) (isRaw, printed bool, err error) {
	decode, isRaw := discovery.ByRawKey(key)
	if !isRaw {
		return false, false, nil
	}
	var read []observe.Observation
	err = decode([]byte(value), m, func(o observe.Observation) { read = append(read, o) })
	if (err != nil || len(read) == 0) && DecodePrinted(value, m, emit) {
		return true, true, nil
	}
	for _, o := range read {
		emit(o)
	}
	return true, false, err
}

// printedScopeList reports a wsd.scopes value that may be a printed list
// (quoted items, a bracketed list, one scope a line): a list as the XML
// gives it, space-separated, is the engine's to split.
func printedScopeList(value string) bool {
	return strings.ContainsAny(value, "'\"[\n")
}

// Printed reports whether `camsweep identify` reads value, given under key,
// as an answer a client printed rather than as a device sends it: a Python
// bytes literal or dict, a zeep object, a discovery tool's listing. The wire
// never shows such a value and no simulated device can send it, so tests
// that put values on the wire or in a lab leave these out.
func Printed(key, value string) bool {
	readsPrinted := func() bool {
		n := 0
		DecodePrinted(value, scanner.Meta{}, func(observe.Observation) { n++ })
		return n > 0
	}
	switch {
	case key == "http.body", printedMemberKeys[key]:
		return readsPrinted()
	case key == "wsd.scopes":
		return printedScopeList(value) && readsPrinted()
	}
	if _, raw := discovery.ByRawKey(key); !raw {
		return false
	}
	if discovery.PrintedPayload(value) {
		return true // a bytes literal or a dict the raw key's decoder unprints
	}
	_, printed, _ := DecodeDiscoveryRaw(key, value, scanner.Meta{}, func(observe.Observation) {})
	return printed
}

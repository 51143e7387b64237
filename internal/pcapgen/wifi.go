package pcapgen

import (
	"encoding/binary"
	"net"
	"strconv"
	"strings"
)

// wpsAttribute are the WPS attribute types of the wps.* facts (Wi-Fi Simple
// Configuration Technical Specification, Table 28).
var wpsAttribute = map[string]uint16{
	"wps.manufacturer": 0x1021,
	"wps.model_name":   0x1023,
	"wps.model_number": 0x1024,
	"wps.device_name":  0x1011,
	"wps.device_type":  0x1054,
}

// Beacon is the 802.11 beacon an access point with this BSSID sends: its
// network name (none when ssid is empty: a hidden network's empty name) and,
// when facts holds wps.* values, a WPS element carrying them.
func Beacon(bssid net.HardwareAddr, ssid string, facts map[string]string) []byte {
	f := []byte{0x80, 0x00, 0, 0}                           // beacon, duration
	f = append(f, BroadcastMAC...)                          // receiver: everyone
	f = append(append(append(f, bssid...), bssid...), 0, 0) // transmitter, BSSID, sequence
	f = append(f, make([]byte, 8)...)                       // timestamp
	f = append(f, 0x64, 0x00, 0x01, 0x04)                   // interval 100 TU, capability ESS + short slot
	f = append(append(f, 0, byte(len(ssid))), ssid...)      // SSID
	f = append(f, 1, 4, 0x82, 0x84, 0x8b, 0x96)             // supported rates
	f = append(f, 5, 4, 0, 1, 0, 0)                         // traffic indication map
	if wps := wpsAttributes(facts); len(wps) > 0 {
		f = append(append(f, 221, byte(4+len(wps)), 0x00, 0x50, 0xf2, 4), wps...)
	}
	return f
}

// wpsAttributes writes the wps.* facts as WPS attributes (type, length,
// value), the device type "category.subcategory" as its 8-byte form with
// the Wi-Fi Alliance OUI.
func wpsAttributes(facts map[string]string) []byte {
	var out []byte
	for _, key := range []string{"wps.manufacturer", "wps.model_name", "wps.model_number", "wps.device_name", "wps.device_type"} {
		value, ok := facts[key]
		if !ok {
			continue
		}
		v := []byte(value)
		if key == "wps.device_type" {
			category, sub, _ := strings.Cut(value, ".")
			c, _ := strconv.ParseUint(category, 10, 16)
			s, _ := strconv.ParseUint(sub, 10, 16)
			v = binary.BigEndian.AppendUint16(nil, uint16(c))
			v = append(v, 0x00, 0x50, 0xf2, 0x04)
			v = binary.BigEndian.AppendUint16(v, uint16(s))
		}
		out = binary.BigEndian.AppendUint16(out, wpsAttribute[key])
		out = binary.BigEndian.AppendUint16(out, uint16(len(v)))
		out = append(out, v...)
	}
	return out
}

// TZSP wraps an 802.11 frame as a MikroTik sniffer streams it: version 1,
// received frame, encapsulation 18 (802.11), no tags.
func TZSP(dot11 []byte) []byte {
	return append([]byte{1, 0, 0, 18, 1}, dot11...)
}

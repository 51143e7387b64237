package discovery

import (
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// Wi-Fi management frames (IEEE 802.11-2020 §9.3.3) describe their sender
// before any traffic flows: an access point's beacons and probe responses
// carry its network name, and devices that support Wi-Fi Protected Setup
// add a WPS element (Wi-Fi Simple Configuration 2.0.x, §12) with the
// manufacturer, model name and number, device name and serial as the
// firmware states them; stations put the same element in their probe and
// association requests. A camera in its set-up mode is an access point of
// its own, heard in any monitor-mode capture of the site. The decoders take
// the frame's information elements (the capture reader passes the network
// name and vendor-specific elements, in order); the device is the frame's
// transmitter, m.SrcMAC.
//
// The elements are read up to the first one that runs past the frame (a
// short snap length); those before it stand.
const (
	elementSSID   = 0
	elementVendor = 221

	// wpsDeviceTypeLen is the Primary Device Type attribute's length:
	// category (2), OUI (4), subcategory (2).
	wpsDeviceTypeLen = 8
	// maxWPSAttributes bounds the attributes read from one element list.
	maxWPSAttributes = 128
)

// wpsOUI and wpsType mark the vendor-specific element that carries WPS
// attributes (Microsoft's OUI, type 4).
var wpsOUI = [3]byte{0x00, 0x50, 0xf2}

const wpsType = 4

// wpsAttributes maps the WPS attributes that describe a device to their
// observation keys (Wi-Fi Simple Configuration Technical Specification,
// Table 28).
var wpsAttributes = map[uint16]string{
	0x1021: "wps.manufacturer",
	0x1023: "wps.model_name",
	0x1024: "wps.model_number",
	0x1011: "wps.device_name",
	0x1042: "wps.serial",
}

const wpsPrimaryDeviceType = 0x1054

var errWiFiShort = errors.New("wifi: an element runs past the frame")

// WiFiAnnouncement decodes the elements of an access point's beacon or
// probe response: its network name (wifi.ssid) and its WPS description.
func WiFiAnnouncement(elements []byte, m scanner.Meta, emit scanner.Emit) error {
	return wifiElements(elements, m, emit, true)
}

// WiFiRequest decodes the elements of a station's probe or association
// request: its WPS description only (the network name there is the one it
// looks for, not its own).
func WiFiRequest(elements []byte, m scanner.Meta, emit scanner.Emit) error {
	return wifiElements(elements, m, emit, false)
}

func wifiElements(b []byte, m scanner.Meta, emit scanner.Emit, ownSSID bool) error {
	s := newSink(m, func(o observe.Observation) {
		o.MAC = m.SrcMAC // link-local: the transmitter is the device (identify input may name none)
		emit(o)
	})
	var wps []byte
	for len(b) >= 2 {
		id, n := b[0], int(b[1])
		if 2+n > len(b) {
			break
		}
		value := b[2 : 2+n]
		switch {
		case id == elementSSID && ownSSID:
			s.field("wifi.ssid", ssidText(value))
		case id == elementVendor && n >= 4 && [3]byte(value[0:3]) == wpsOUI && value[3] == wpsType:
			// A WPS element longer than 255 bytes is split over
			// consecutive elements; their bodies join into one list.
			wps = append(wps, value[4:]...)
		}
		b = b[2+n:]
	}
	wpsFields(wps, s)
	if len(b) != 0 {
		return errWiFiShort // what came before stands
	}
	return nil
}

// wpsFields emits the device attributes of a WPS attribute list: type (2
// bytes), length (2), value, big-endian.
func wpsFields(b []byte, s *sink) {
	for i := 0; len(b) >= 4 && i < maxWPSAttributes; i++ {
		kind, n := binary.BigEndian.Uint16(b[0:2]), int(binary.BigEndian.Uint16(b[2:4]))
		if 4+n > len(b) {
			return
		}
		value := b[4 : 4+n]
		if key, ok := wpsAttributes[kind]; ok {
			s.field(key, nulText(value))
		} else if kind == wpsPrimaryDeviceType && n == wpsDeviceTypeLen {
			s.field("wps.device_type", wpsDeviceType(value))
		}
		b = b[4+n:]
	}
}

// wpsDeviceType writes a Primary Device Type as "category.subcategory"
// (WSC Table 41: category 4 is Camera, its subcategory 4 a security
// camera; 6 is network infrastructure, 1 computer, 10 telephone).
func wpsDeviceType(v []byte) string {
	category, sub := binary.BigEndian.Uint16(v[0:2]), binary.BigEndian.Uint16(v[6:8])
	return strconv.Itoa(int(category)) + "." + strconv.Itoa(int(sub))
}

// ssidText reads a network name: a hidden network's beacon carries an
// empty name or one of NULs, which names nothing.
func ssidText(b []byte) string {
	for _, c := range b {
		if c != 0 {
			return string(b)
		}
	}
	return ""
}

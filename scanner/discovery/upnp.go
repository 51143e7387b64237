package discovery

import (
	"bytes"
	"errors"

	"github.com/camsweep/camsweep/scanner"
)

var errUPnPNoDevice = errors.New("upnp: no <device> element")

// upnpFields maps UPnP device description elements to observation keys.
var upnpFields = []struct{ element, key string }{
	{"manufacturer", "upnp.manufacturer"},
	{"modelName", "upnp.model_name"},
	{"modelNumber", "upnp.model_number"},
	{"modelDescription", "upnp.model_description"},
	{"friendlyName", "upnp.friendly_name"},
	{"serialNumber", "upnp.serial"},
	{"deviceType", "upnp.device_type"},
}

// UPnP decodes a UPnP device description (the XML behind an SSDP LOCATION).
// It reads the root device only: embedded devices describe functions of
// the same box and would repeat or blur its identity. A whole HTTP response
// is accepted; its headers are skipped.
func UPnP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if bytes.HasPrefix(payload, []byte("HTTP/")) {
		if _, body, ok := bytes.Cut(payload, []byte("\r\n\r\n")); ok {
			payload = body
		}
	}
	root, err := parseXML(payload)
	if err != nil {
		return err
	}
	device := root.child("device")
	if device == nil {
		device = root.find("device")
	}
	if device == nil {
		return errUPnPNoDevice
	}
	s := newSink(m, emit)
	for _, f := range upnpFields {
		s.field(f.key, device.childText(f.element))
	}
	return nil
}

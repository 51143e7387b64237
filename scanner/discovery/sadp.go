package discovery

import (
	"errors"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

var errSADPRoot = errors.New("sadp: root element is neither ProbeMatch nor Probe")

// sadpFields maps SADP ProbeMatch elements to observation keys.
var sadpFields = []struct{ element, key string }{
	{"DeviceType", "sadp.device_type"},
	{"DeviceDescription", "sadp.model"},
	{"DeviceSN", "sadp.serial"},
	{"SoftwareVersion", "sadp.firmware"},
	{"DSPVersion", "sadp.dsp_version"},
	{"DetailOEMCode", "sadp.oem_code"},
	{"Activated", "sadp.activated"},
	{"CommandPort", "sadp.command_port"},
	{"HttpPort", "sadp.http_port"},
}

// SADP decodes the XML search protocol on UDP 37020. A <ProbeMatch> is a
// device describing itself, including its own MAC and IPv4 address (the
// sadp.mac binding). A <Probe> is a search request, often our own echoed by
// the multicast group, and emits nothing.
func SADP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	root, err := parseXML(payload)
	if err != nil {
		return err
	}
	switch strings.ToLower(root.name) {
	case "probe":
		return nil
	case "probematch":
	default:
		return errSADPRoot
	}
	own := parseIPv4(root.childText("IPv4Address"))
	s := newSink(aboutSelf(m, own), emit)
	for _, f := range sadpFields {
		s.field(f.key, root.childText(f.element))
	}
	if mac, err := observe.ParseMAC(root.childText("MAC")); err == nil {
		s.binding("sadp.mac", mac, own)
	}
	return nil
}

// SADPInquiry is Hikvision SADP's device inquiry.
func SADPInquiry() []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuidUpper() + `</Uuid><Types>inquiry</Types></Probe>`)
}

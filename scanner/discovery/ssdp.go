package discovery

import (
	"bytes"
	"errors"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// maxSSDPPayload bounds an SSDP message: one datagram.
const maxSSDPPayload = 65535

var (
	errSSDPTooLarge = errors.New("ssdp: payload larger than a datagram")
	errSSDPStart    = errors.New("ssdp: not a NOTIFY, M-SEARCH or HTTP response")
)

// ssdpKeys maps the headers a device announces itself with to their keys.
var ssdpKeys = map[string]string{
	"SERVER":   "ssdp.server",
	"LOCATION": "ssdp.location",
	"USN":      "ssdp.usn",
	"NT":       "ssdp.nt",
	"ST":       "ssdp.st",
}

// SSDP decodes an SSDP datagram. NOTIFY announcements and M-SEARCH
// responses describe their sender; an M-SEARCH request is a control point
// looking for others, not a device statement, and emits nothing. A search
// answer whose body is a <multicastSearchResult> document (TVT firmware
// answers its IPTool's M-SEARCH so, with or without the HTTP head) is read
// too (ssdpSearchResult).
func SSDP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxSSDPPayload {
		return errSSDPTooLarge
	}
	if trimmed := bytes.TrimSpace(payload); bytes.HasPrefix(trimmed, []byte("<")) {
		return ssdpSearchResult(trimmed, m, emit)
	}
	first, rest, _ := bytes.Cut(payload, []byte("\n"))
	start := strings.ToUpper(strings.TrimSpace(string(first)))
	switch {
	case strings.HasPrefix(start, "M-SEARCH "):
		return nil
	case strings.HasPrefix(start, "NOTIFY "), strings.HasPrefix(start, "HTTP/"):
	default:
		return errSSDPStart
	}
	s := newSink(m, emit)
	body := rest
	for len(body) > 0 {
		line, after, _ := bytes.Cut(body, []byte("\n"))
		body = after
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			if len(bytes.TrimSpace(line)) == 0 {
				break // end of headers
			}
			continue
		}
		if key, known := ssdpKeys[strings.ToUpper(strings.TrimSpace(string(name)))]; known {
			s.field(key, string(value))
		}
	}
	if body = bytes.TrimSpace(body); bytes.HasPrefix(body, []byte("<")) {
		_ = ssdpSearchResult(body, m, emit) // a body that is no search result is no error of the head
	}
	return nil
}

var errSSDPBody = errors.New("ssdp: body is not a multicastSearchResult document")

// ssdpSearchResult reads a <multicastSearchResult> document: the device's
// name, model, series and software version (productInfo), and its own MAC
// and address (tcpIp), the ssdp.mac binding.
func ssdpSearchResult(doc []byte, m scanner.Meta, emit scanner.Emit) error {
	root, err := parseXML(doc)
	if err != nil {
		return err
	}
	if !strings.EqualFold(root.name, "multicastSearchResult") {
		return errSSDPBody
	}
	tcpIP, product := root.child("tcpIp"), root.child("productInfo")
	own := parseIPv4(tcpIP.childText("ipAddr"))
	s := newSink(aboutSelf(m, own), emit)
	s.field("ssdp.search_result", root.name)
	s.field("ssdp.product_model", product.childText("productModel"))
	s.field("ssdp.product_series", product.childText("productSeries"))
	s.field("ssdp.software_version", product.childText("softwareVer"))
	s.field("ssdp.device_name", tcpIP.childText("devName"))
	if mac, err := observe.ParseMAC(tcpIP.childText("macAddr")); err == nil {
		s.binding("ssdp.mac", mac, own)
	}
	return nil
}

// SSDPDeviceControlSearch is the M-SEARCH for the
// EmbeddedNetDeviceControl service, which TVT firmware answers with its
// <multicastSearchResult> document and ssdp:all does not reach. The form is
// its IPTool's (header names and spacing as that client sends them), with
// MX 1 so that answers come within the sweep's listen window.
func SSDPDeviceControlSearch() []byte {
	return []byte("M-SEARCH * HTTP/1.1\r\nHOST:239.255.255.250:1900\r\nMan:\"ssdp:discover\"\r\nST:" + SSDPDeviceControlST + "\r\nMX:1\r\n\r\n")
}

// SSDPDeviceControlST is the search target of SSDPDeviceControlSearch.
const SSDPDeviceControlST = "urn:schemas-upnp-org:service:EmbeddedNetDeviceControl:1"

// SSDPSearch is an SSDP M-SEARCH for everything.
func SSDPSearch() []byte {
	return []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")
}

package pcapgen

import (
	"encoding/xml"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/scanner/discovery"
)

// HTTPAnswer is the HTTP answer a device sends whose http.* observation
// values these are (keyed by observation key: http.status, http.server,
// http.www_authenticate, http.body, http.title, http.content_type): the
// status (401 when a challenge is given, else 200), the Server and
// WWW-Authenticate headers, and a page holding the body, or the title.
func HTTPAnswer(facts map[string]string) []byte {
	status := facts["http.status"]
	if status == "" {
		status = "200"
		if facts["http.www_authenticate"] != "" {
			status = "401"
		}
	}
	body := facts["http.body"]
	if body == "" && facts["http.title"] != "" {
		body = "<html><head><title>" + facts["http.title"] + "</title></head><body></body></html>"
	}
	ctype := facts["http.content_type"]
	if ctype == "" {
		ctype = "text/html"
		if strings.HasPrefix(strings.TrimSpace(body), "<?xml") {
			ctype = "application/xml"
		}
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\n")
	if v := facts["http.server"]; v != "" {
		b.WriteString("Server: " + v + "\r\n")
	}
	if v := facts["http.www_authenticate"]; v != "" {
		b.WriteString("WWW-Authenticate: " + v + "\r\n")
	}
	b.WriteString("Content-Type: " + ctype + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
	return []byte(b.String())
}

// reasonPhrase is the status line's text for a status code ("Status" for
// one HTTP names no text for).
func reasonPhrase(status string) string {
	code, _ := strconv.Atoi(status)
	if text := http.StatusText(code); text != "" {
		return text
	}
	return "Status"
}

// ONVIFDeviceInformation is the SOAP body of an ONVIF GetDeviceInformation
// answer holding the device's onvif.* observation values (keyed by
// observation key: onvif.manufacturer, onvif.model, onvif.firmware,
// onvif.serial, onvif.hardware_id), XML-escaped.
func ONVIFDeviceInformation(facts map[string]string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" ` +
		`xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetDeviceInformationResponse>`)
	for _, f := range []struct{ key, element string }{{"onvif.manufacturer", "Manufacturer"}, {"onvif.model", "Model"},
		{"onvif.firmware", "FirmwareVersion"}, {"onvif.serial", "SerialNumber"}, {"onvif.hardware_id", "HardwareId"}} {
		if v, ok := facts[f.key]; ok {
			b.WriteString("<tds:" + f.element + ">")
			_ = xml.EscapeText(&b, []byte(v)) // a strings.Builder does not fail
			b.WriteString("</tds:" + f.element + ">")
		}
	}
	b.WriteString(`</tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	return []byte(b.String())
}

// GVCPDiscoveryAck is the GigE Vision DISCOVERY_ACK a machine-vision camera
// sends about itself, holding its gvcp.* observation values (keyed by
// observation key: gvcp.manufacturer, gvcp.model, gvcp.device_version,
// gvcp.serial, gvcp.manufacturer_info, gvcp.user_name) with its own MAC and
// address, answering request id.
func GVCPDiscoveryAck(facts map[string]string, mac net.HardwareAddr, ip net.IP, id uint16) []byte {
	d := discovery.GVCPDevice{
		Manufacturer: facts["gvcp.manufacturer"], Model: facts["gvcp.model"], DeviceVersion: facts["gvcp.device_version"],
		Serial: facts["gvcp.serial"], ManufacturerInfo: facts["gvcp.manufacturer_info"], UserName: facts["gvcp.user_name"],
	}
	copy(d.MAC[:], mac)
	if a, ok := netip.AddrFromSlice(ip.To4()); ok {
		d.IP = a
	}
	return discovery.GVCPDiscoveryAck(d, id)
}

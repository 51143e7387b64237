package pcapgen

import (
	"encoding/xml"
	"net"
	"strconv"
	"strings"
)

// The SIP messages below have the form of the real GB/T 28181 messages in
// testdata/discovery/sip (a Dahua dome registering with an eXosip platform):
// the header order, the padded Content-Length and the GB2312 declaration
// are as that device sent them.

// GB28181Code is a 20-digit GB/T 28181 code of the given type digits:
// centre code 34020000, industry 00, the type, serial 0000001.
func GB28181Code(typeDigits string) string {
	return "3402000000" + typeDigits + "0000001"
}

// gb28181Platform is the platform's code in the messages (type 200,
// signalling server), as in the capture.
const gb28181Platform = "34020000002000000010"

// SIPRegister is the REGISTER a device with this GB/T 28181 code sends its
// platform over UDP from port 5060, with the User-Agent given (none when
// empty).
func SIPRegister(device, platform net.IP, deviceID, userAgent string) []byte {
	var b strings.Builder
	b.WriteString("REGISTER sip:" + gb28181Platform + "@" + platform.String() + ":5060 SIP/2.0\r\n")
	sipHead(&b, device, platform, deviceID, "1 REGISTER", true)
	b.WriteString("Contact: <sip:" + deviceID + "@" + device.String() + ":5060>\r\nMax-Forwards: 70\r\n")
	if userAgent != "" {
		b.WriteString("User-Agent: " + userAgent + "\r\n")
	}
	b.WriteString("Expires: 3600\r\nContent-Length: 0\r\n\r\n")
	return []byte(b.String())
}

// GB28181DeviceInfo is the MESSAGE carrying a device's DeviceInfo answer
// with its gb28181.* observation values (keyed by observation key:
// gb28181.manufacturer, gb28181.model, gb28181.firmware,
// gb28181.device_name), XML-escaped.
func GB28181DeviceInfo(device, platform net.IP, deviceID string, facts map[string]string) []byte {
	var body strings.Builder
	body.WriteString("<?xml version=\"1.0\" encoding=\"GB2312\" ?>\r\n<Response>\r\n    <CmdType>DeviceInfo</CmdType>\r\n    <SN>9</SN>\r\n")
	body.WriteString("    <DeviceID>" + deviceID + "</DeviceID>\r\n")
	for _, f := range []struct{ key, element string }{{"gb28181.device_name", "DeviceName"}, {"gb28181.manufacturer", "Manufacturer"},
		{"gb28181.model", "Model"}, {"gb28181.firmware", "Firmware"}} {
		if v, ok := facts[f.key]; ok {
			body.WriteString("    <" + f.element + ">")
			_ = xml.EscapeText(&body, []byte(v)) // a strings.Builder does not fail
			body.WriteString("</" + f.element + ">\r\n")
		}
	}
	body.WriteString("</Response>\r\n")
	var b strings.Builder
	b.WriteString("MESSAGE sip:" + gb28181Platform + "@" + platform.String() + ":5060 SIP/2.0\r\n")
	sipHead(&b, device, platform, deviceID, "20 MESSAGE", false)
	b.WriteString("Max-Forwards: 70\r\nContent-Type: Application/MANSCDP+xml\r\nContent-Length:   " + strconv.Itoa(body.Len()) + "\r\n\r\n")
	b.WriteString(body.String())
	return []byte(b.String())
}

// sipHead writes Via, From, To, Call-ID and CSeq of a request the device
// sends; a REGISTER's To is the device itself.
func sipHead(b *strings.Builder, device, platform net.IP, deviceID, cseq string, register bool) {
	to := "<sip:" + gb28181Platform + "@" + platform.String() + ":5060>"
	if register {
		to = "<sip:" + deviceID + "@" + device.String() + ":5060>"
	}
	b.WriteString("Via: SIP/2.0/UDP " + device.String() + ":5060;rport;branch=z9hG4bK1885711354\r\n")
	b.WriteString("From: <sip:" + deviceID + "@" + device.String() + ":5060>;tag=164383918\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Call-ID: 107554108@" + device.String() + "\r\nCSeq: " + cseq + "\r\n")
}

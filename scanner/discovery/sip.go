package discovery

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

// SIP (RFC 3261) is how video intercoms call and how cameras and recorders
// register with a GB/T 28181 video platform: REGISTER, then MESSAGE
// requests whose MANSCDP XML bodies carry keep-alives and the answers to
// the platform's DeviceInfo and Catalog queries. A capture of a site holds
// these messages on any port (5060 by default, platforms pick others), so
// they are recognised by their start line, not by port.

// maxSIPPayload bounds a SIP message: one datagram, or one TCP segment.
const maxSIPPayload = 65535

// maxSIPStartLine bounds the start line (method, Request-URI, version).
const maxSIPStartLine = 512

var (
	errSIPTooLarge = errors.New("sip: message larger than a datagram")
	errSIPStart    = errors.New("sip: not a SIP request or response")
)

// sipMethods are the request methods of RFC 3261 and its extensions that a
// device sends (REGISTER, MESSAGE, NOTIFY, INVITE, ...).
var sipMethods = map[string]bool{
	"REGISTER": true, "MESSAGE": true, "NOTIFY": true, "OPTIONS": true, "INVITE": true,
	"SUBSCRIBE": true, "INFO": true, "BYE": true, "ACK": true, "CANCEL": true,
	"UPDATE": true, "PRACK": true, "REFER": true, "PUBLISH": true,
}

// sipStart reports whether payload starts with a SIP start line, and
// whether that line is a request's. Sniff calls it for every datagram on a
// port no protocol owns (RTP video, mostly): the first byte settles those.
func sipStart(payload []byte) (ok, request bool) {
	if len(payload) < 12 || payload[0] < 'A' || payload[0] > 'Z' {
		return false, false
	}
	if bytes.HasPrefix(payload, []byte("SIP/2.0 ")) {
		code := payload[8:min(len(payload), 11)]
		return len(code) == 3 && isDigits(code), false
	}
	line := payload[:min(len(payload), maxSIPStartLine)]
	end := bytes.IndexByte(line, '\n')
	if end < 0 {
		return false, false
	}
	line = bytes.TrimSuffix(line[:end], []byte("\r"))
	method, rest, found := bytes.Cut(line, []byte(" "))
	if !found || !sipMethods[string(method)] || !bytes.HasSuffix(rest, []byte(" SIP/2.0")) {
		return false, false
	}
	return true, true
}

// IsSIP reports whether payload starts with a SIP request or status line.
func IsSIP(payload []byte) bool {
	ok, _ := sipStart(payload)
	return ok
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// sipMessage is what the decoder reads of one message's head.
type sipMessage struct {
	vias      int    // Via entries: more than one means a proxy forwarded the request
	userAgent string // User-Agent
	server    string // Server
	fromUser  string // the user part of From's URI
	length    int    // Content-Length, -1 when absent
}

// SIP decodes one SIP message and emits what its sender says of itself:
// User-Agent (sip.user_agent) and Server (sip.server) as sent, the 20-digit
// GB/T 28181 code a request's From names (gb28181.device_id, with the class
// its type digits give as gb28181.device_type), and the fields of a
// MANSCDP body about the sender (see gb28181Body). Every value is about the
// message's sender: a platform's answers describe the platform. A request
// that passed a proxy (more than one Via) still carries its originator's
// User-Agent and body, so nothing of it is attributed to the proxy that
// sent it on.
func SIP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxSIPPayload {
		return errSIPTooLarge
	}
	ok, request := sipStart(payload)
	if !ok {
		return errSIPStart
	}
	msg, body := readSIPHead(payload)
	if request && msg.vias > 1 {
		return nil
	}
	s := newSink(m, emit)
	s.field("sip.user_agent", msg.userAgent)
	s.field("sip.server", msg.server)
	sender := ""
	if request {
		sender = msg.fromUser
		s.deviceID(sender)
	}
	gb28181Body(s, ownBody(body, msg.length), sender)
	return nil
}

// ownBody returns the message's body: all that follows the head, but for
// a next message after Content-Length bytes (a TCP segment holding two).
// A length that cuts elsewhere is not trusted: over UDP the body is the
// rest of the datagram (RFC 3261 18.3), and logs and firmware alike get the
// count wrong when line ends change.
func ownBody(body []byte, length int) []byte {
	if length >= 0 && length < len(body) && IsSIP(bytes.TrimLeft(body[length:], "\r\n")) {
		return body[:length]
	}
	return body
}

// readSIPHead reads the header lines after the start line and returns them
// with the body (what follows the empty line).
func readSIPHead(payload []byte) (sipMessage, []byte) {
	msg := sipMessage{length: -1}
	_, rest, _ := bytes.Cut(payload, []byte("\n"))
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return msg, rest
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue // a folded continuation or junk: no field read here needs one
		}
		msg.header(strings.ToLower(strings.TrimSpace(string(name))), strings.TrimSpace(string(value)))
	}
	return msg, nil
}

// header takes one header field; compact forms (RFC 3261 7.3.3) count too.
func (msg *sipMessage) header(name, value string) {
	switch name {
	case "via", "v":
		msg.vias += 1 + strings.Count(value, ",")
	case "user-agent":
		msg.userAgent = value
	case "server":
		msg.server = value
	case "from", "f":
		msg.fromUser = uriUser(value)
	case "content-length", "l":
		if n, err := strconv.Atoi(value); err == nil && n >= 0 {
			msg.length = n
		}
	}
}

// uriUser returns the user part of the sip: or sips: URI in a From or To
// value (`"name" <sip:34020000001320000001@3402000000>;tag=1`).
func uriUser(value string) string {
	if i := strings.IndexByte(value, '<'); i >= 0 {
		value = value[i+1:]
		if j := strings.IndexByte(value, '>'); j >= 0 {
			value = value[:j]
		}
	}
	value = strings.TrimSpace(value)
	for _, scheme := range []string{"sip:", "sips:"} {
		if len(value) > len(scheme) && strings.EqualFold(value[:len(scheme)], scheme) {
			user, _, found := strings.Cut(value[len(scheme):], "@")
			if found {
				return user
			}
		}
	}
	return ""
}

// deviceID emits a GB/T 28181 code and the class its type digits name.
// Anything but 20 decimal digits (an extension number, an older 18-digit
// code) is not read.
func (s *sink) deviceID(id string) {
	id = strings.TrimSpace(id)
	if !isGB28181Code(id) {
		return
	}
	s.field("gb28181.device_id", id)
	s.field("gb28181.device_type", gb28181Types[id[10:13]])
}

// isGB28181Code reports whether id has the form of a GB/T 28181 code: 20
// decimal digits.
func isGB28181Code(id string) bool { return len(id) == 20 && isDigits([]byte(id)) }

// gb28181Types are the type codes of GB/T 28181 (appendix D, digits 11-13
// of a 20-digit code) as class words: front-end main devices 111-130,
// front-end peripherals 131-139, platform devices 200-216, users 300 and
// 400. Codes the standard leaves to extensions are not named.
var gb28181Types = map[string]string{
	"111": "DVR", "112": "video server", "113": "encoder", "114": "decoder",
	"115": "video switching matrix", "116": "audio switching matrix", "117": "alarm controller",
	"118": "NVR", "130": "HVR",
	"131": "camera", "132": "IP camera", "133": "display", "134": "alarm input device",
	"135": "alarm output device", "136": "voice input device", "137": "voice output device",
	"138": "mobile transmission device", "139": "other peripheral",
	"200": "signalling server", "201": "web application server", "202": "media distribution server",
	"203": "proxy server", "204": "security server", "205": "alarm server", "206": "database server",
	"207": "GIS server", "208": "management server", "209": "access gateway",
	"210": "media storage server", "211": "signalling security gateway",
	"215": "business group", "216": "virtual organisation",
	"300": "centre user", "400": "terminal user",
}

// GB28181TypeCode returns the type digits the standard gives a class word
// of gb28181.device_type, for building a code of that class (a capture
// generator's device); false for a word the table does not hold.
func GB28181TypeCode(class string) (string, bool) {
	for code, c := range gb28181Types {
		if c == class {
			return code, true
		}
	}
	return "", false
}

// gb28181Body reads a MANSCDP body (GB/T 28181 appendix A) the sender sent
// about itself: a keep-alive names its code (Notify, CmdType Keepalive); a
// DeviceInfo answer its code, Manufacturer, Model, Firmware and DeviceName;
// a Catalog answer its code, and the Manufacturer and Model of the item
// whose code is its own (a recorder's other items are the cameras behind
// its channels, not the recorder). Queries name the device they ask, not
// their sender, and are not read. An answer whose code is not the
// sender's own (sender: its From code, "" when unknown) describes another
// device: a recorder answering for a channel, a platform relaying a
// device's answer to the platform above it; nothing of it is read.
func gb28181Body(s *sink, body []byte, sender string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '<' {
		return
	}
	root, err := parseXML(body)
	if err != nil {
		return
	}
	id := strings.TrimSpace(root.childText("DeviceID"))
	if isGB28181Code(sender) && isGB28181Code(id) && id != sender {
		return
	}
	switch cmd := strings.TrimSpace(root.childText("CmdType")); {
	case strings.EqualFold(root.name, "Notify") && strings.EqualFold(cmd, "Keepalive"):
		s.deviceID(id)
	case strings.EqualFold(root.name, "Response") && strings.EqualFold(cmd, "DeviceInfo"):
		s.deviceID(id)
		s.field("gb28181.manufacturer", root.childText("Manufacturer"))
		s.field("gb28181.model", root.childText("Model"))
		s.field("gb28181.firmware", root.childText("Firmware"))
		s.field("gb28181.device_name", root.childText("DeviceName"))
	case strings.EqualFold(root.name, "Response") && strings.EqualFold(cmd, "Catalog"):
		s.deviceID(id)
		list := root.child("DeviceList")
		if list == nil || id == "" {
			return
		}
		for _, item := range list.children {
			if strings.TrimSpace(item.childText("DeviceID")) == id {
				s.field("gb28181.manufacturer", item.childText("Manufacturer"))
				s.field("gb28181.model", item.childText("Model"))
			}
		}
	}
}

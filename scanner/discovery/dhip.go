package discovery

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// The DHIP header is 32 bytes: " \0\0\0DHIP", eight bytes of session and
// request ids, then the JSON length as uint32 little-endian at offset 16
// (repeated at 24).
const (
	dhipHeaderLen = 32
	dhipOffLength = 16
	// dhipSearch is the discovery request, sent by a client (and echoed to
	// us by the multicast group): not a device.
	dhipSearch = "DHDiscover.search"
	// dhipSearchJSON is the body of the search request a client multicasts.
	dhipSearchJSON = `{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`
)

// dhipMagic opens every DHIP header.
var dhipMagic = []byte{0x20, 0, 0, 0, 'D', 'H', 'I', 'P'}

var (
	errDHIPLength  = errors.New("dhip: JSON length runs past the payload")
	errDHIPNotJSON = errors.New("dhip: no DHIP header and no JSON object")
	// ErrDHIPNoInfo: the message is none of the forms DHIP reads (a search
	// reply, a login challenge, a device's notice, an identity answer).
	ErrDHIPNoInfo = errors.New("dhip: no params.deviceInfo, login challenge, device notice or identity answer")
	errDHIPTooBig = errors.New("dhip: payload larger than a datagram")
)

// dhipFields maps deviceInfo members to observation keys.
var dhipFields = []jsonField{
	{"DeviceClass", "dhip.device_class"},
	{"DeviceType", "dhip.model"},
	{"SerialNo", "dhip.serial"},
	{"Version", "dhip.firmware"},
	{"Vendor", "dhip.vendor"},
	{"Manufacturer", "dhip.manufacturer"},
	{"MachineName", "dhip.machine_name"},
	{"Port", "dhip.port"},
	{"HttpPort", "dhip.http_port"},
}

type dhipMessage struct {
	MAC    json.RawMessage `json:"mac"`
	Method json.RawMessage `json:"method"`
	Params struct {
		DeviceInfo map[string]json.RawMessage `json:"deviceInfo"`
	} `json:"params"`
}

// DHIP decodes the JSON discovery protocol on UDP 37810, with or without
// its 32-byte header. A client.notifyDevInfo reply describes its sender and
// names its own MAC and IPv4 address (the dhip.mac binding); a
// DHDiscover.search request emits nothing; a login challenge recorded from a
// DHIP session on TCP gives its realm (dhipAnswer).
func DHIP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	body, err := dhipBody(payload)
	if err != nil {
		return err
	}
	var msg dhipMessage
	if err := decodeFirstJSON(body, &msg); err != nil {
		return err
	}
	if scalarText(msg.Method) == dhipSearch {
		return nil
	}
	info := msg.Params.DeviceInfo
	if info == nil {
		return dhipAnswer(body, scalarText(msg.Method), m, emit)
	}
	var addr struct {
		IPAddress json.RawMessage `json:"IPAddress"`
	}
	_ = json.Unmarshal(info["IPv4Address"], &addr) // absent or odd: no binding IP
	own := parseIPv4(scalarText(addr.IPAddress))
	s := newSink(aboutSelf(m, own), emit)
	s.jsonFields(info, dhipFields)
	if mac, err := observe.ParseMAC(scalarText(msg.MAC)); err == nil {
		s.binding("dhip.mac", mac, own)
	}
	return nil
}

// dhipAnswer reads a payload that is no discovery reply: the login
// challenge of a DHIP session on TCP (dhipChallengeRealm) gives the method it
// answers, its realm and the MAC it names, a notice the device sent unasked
// (DHIPNotice) its method, and a magicBox identity answer
// (dhipAloneAnswer) the method and its value, as the session decoder gives
// them (scanner/service); anything else is no device description.
func dhipAnswer(body []byte, method string, m scanner.Meta, emit scanner.Emit) error {
	if realm, mac := dhipChallengeRealm(body); realm != "" {
		s := newSink(m, emit)
		s.field("dhip.answer", "global.login")
		s.field("dhip.realm", realm)
		s.field("dhip.challenge_mac", mac)
		return nil
	}
	if notice := DHIPNotice(method); notice != "" {
		newSink(m, emit).field("dhip.notice", notice)
		return nil
	}
	answered, key, value := dhipAloneAnswer(body)
	if answered == "" {
		return ErrDHIPNoInfo
	}
	s := newSink(m, emit)
	s.field("dhip.answer", answered)
	s.field(key, value)
	return nil
}

// dhipNoticeMethod is the shape of the methods a Dahua device calls on its
// client unasked: the "client" object is the client's side of the RPC, which
// only the device calls (client.notifyDevInfo answering the LAN search,
// client.notifyEventStream pushing events on a session that subscribed).
var dhipNoticeMethod = regexp.MustCompile(`^client\.notify[A-Z][A-Za-z0-9_]{0,31}$`)

// DHIPNotice returns method when it is a notice a device sends its client
// (client.notify...), else "". A client's own requests (global.login,
// magicBox.getDeviceType, eventManager.attach) are no notices: they describe
// the app, not the device. client.notifyDevInfo is the LAN search's answer,
// read by its deviceInfo (DHIP): one without it describes nothing.
func DHIPNotice(method string) string {
	if dhipNoticeMethod.MatchString(method) && method != "client.notifyDevInfo" {
		return method
	}
	return ""
}

// recordedDHIP reads a recorded dhip.payload: as DHIP, and a framed message
// with the 32-byte header whose JSON names nothing DHIP reads (an answer
// recorded without the request it answers) as the session decoder reads a
// server it cannot pair (scanner/service DecodeDHIP): the first bytes the
// server sent, tcp.banner_hex, whose header shows the protocol. A framed
// request (a method the client calls: global.login, eventManager.attach, as
// the same clients' logs print what they sent) is the client's, not the
// device's, and gives nothing (precision6: until then a client's recorded
// global.login restricted its sender as Dahua).
func recordedDHIP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	err := DHIP(payload, m, emit)
	if errors.Is(err, ErrDHIPNoInfo) && hasDHIPHeader(payload) && !dhipRequest(payload) {
		newSink(m, emit).field("tcp.banner_hex", hex.EncodeToString(payload[:min(len(payload), dhipBannerBytes)]))
		return nil
	}
	return err
}

// dhipRequest says whether a framed DHIP message names a method: a call,
// which the client sends (a device's own calls, client.notify..., are read
// as notices before this is asked).
func dhipRequest(payload []byte) bool {
	body, err := dhipBody(payload)
	if err != nil {
		return false
	}
	var msg dhipMessage
	if decodeFirstJSON(body, &msg) != nil {
		return false
	}
	return scalarText(msg.Method) != ""
}

// dhipBannerBytes is how much of a recorded frame tcp.banner_hex keeps, as
// the service decoders keep of a banner.
const dhipBannerBytes = 64

// dhipBody returns the JSON of a DHIP datagram: after the header when there
// is one, else the payload itself when it is a JSON object.
func dhipBody(b []byte) ([]byte, error) {
	if len(b) > maxJSONBytes {
		return nil, errDHIPTooBig
	}
	if hasDHIPHeader(b) {
		body, ok := DHIPUnframe(b)
		if !ok {
			return nil, errDHIPLength
		}
		return trimJSON(body), nil
	}
	body := trimJSON(b)
	if len(body) == 0 || body[0] != '{' {
		return nil, errDHIPNotJSON
	}
	return body, nil
}

// DHIPFrame puts a JSON body behind the 32-byte DHIP header: the magic,
// zero session and request ids, the body length at offsets 16 and 24. It is
// the encoder that DHIP decodes, for requests (DHIPSearch) and for
// simulated or constructed replies.
func DHIPFrame(body []byte) []byte {
	frame := make([]byte, dhipHeaderLen, dhipHeaderLen+len(body))
	copy(frame, dhipMagic)
	binary.LittleEndian.PutUint32(frame[dhipOffLength:], uint32(len(body)))
	binary.LittleEndian.PutUint32(frame[dhipOffLength+8:], uint32(len(body)))
	return append(frame, body...)
}

// DHIPUnframe returns the JSON body behind a DHIP header, as long as the
// header's length says; false when there is no header or the length runs
// past the datagram. The inverse of DHIPFrame.
func DHIPUnframe(b []byte) (body []byte, ok bool) {
	if !hasDHIPHeader(b) {
		return nil, false
	}
	n := binary.LittleEndian.Uint32(b[dhipOffLength:])
	if uint64(n) > uint64(len(b)-dhipHeaderLen) {
		return nil, false
	}
	return b[dhipHeaderLen : dhipHeaderLen+int(n)], true
}

// DHIPSearch is the DHDiscover.search request, framed: what a client
// multicasts to 239.255.255.251:37810 and devices answer with
// client.notifyDevInfo.
func DHIPSearch() []byte { return DHIPFrame([]byte(dhipSearchJSON)) }

func hasDHIPHeader(b []byte) bool {
	return len(b) >= dhipHeaderLen && bytes.Equal(b[4:8], []byte("DHIP"))
}

// DHIPNext splits the first DHIP message off a stream of them (a TCP
// connection to the control port carries DHIP messages back to back): its
// JSON body and the bytes after it; false when b does not open with a DHIP
// header or the body runs past b.
func DHIPNext(b []byte) (body, rest []byte, ok bool) {
	body, ok = DHIPUnframe(b)
	if !ok {
		return nil, nil, false
	}
	return body, b[dhipHeaderLen+len(body):], true
}

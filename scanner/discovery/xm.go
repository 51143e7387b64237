package discovery

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// The Xiongmai header is 20 bytes, little-endian: head 0xff, version,
// two reserved bytes, session id, sequence number, two packet-count bytes,
// the message id at offset 14 and the body length at offset 16.
const (
	xmHeaderLen    = 20
	xmHead         = 0xff
	xmOffMessageID = 14
	xmOffLength    = 16
	xmSearch       = 1530 // search request: a client, not a device
	xmSearchReply  = 1531
	xmNetCommon    = "NetWork.NetCommon"
)

var (
	errXMLength    = errors.New("xm: body length runs past the payload")
	errXMMessageID = errors.New("xm: not a search reply")
	errXMNotJSON   = errors.New("xm: no header and no JSON object")
	errXMNoCommon  = errors.New("xm: no NetWork.NetCommon object")
	errXMTooBig    = errors.New("xm: payload larger than a datagram")
)

// xmFields maps NetWork.NetCommon members to observation keys.
var xmFields = []jsonField{
	{"HostName", "xm.hostname"},
	{"SN", "xm.serial"},
	{"DeviceType", "xm.device_type"},
	{"Version", "xm.firmware"},
	{"BuildDate", "xm.build_date"},
	{"TCPPort", "xm.tcp_port"},
}

// XM decodes the Xiongmai-style search protocol on UDP 34569, with or
// without its 20-byte header. A search reply (message 1531) carries a
// NetWork.NetCommon object describing its sender, including its own MAC
// and HostIP (the xm.mac binding); a search request emits nothing.
func XM(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	body, err := xmBody(payload)
	if err != nil || body == nil {
		return err
	}
	var msg map[string]json.RawMessage
	if err := decodeFirstJSON(body, &msg); err != nil {
		return err
	}
	var common map[string]json.RawMessage
	if err := json.Unmarshal(msg[xmNetCommon], &common); err != nil || common == nil {
		return errXMNoCommon
	}
	own := xmHostIP(scalarText(common["HostIP"]))
	s := newSink(aboutSelf(m, own), emit)
	s.jsonFields(common, xmFields)
	if mac, err := observe.ParseMAC(scalarText(common["MAC"])); err == nil {
		s.binding("xm.mac", mac, own)
	}
	return nil
}

// xmBody returns the JSON of a datagram, or nil without error for a search
// request.
func xmBody(b []byte) ([]byte, error) {
	if len(b) > maxJSONBytes {
		return nil, errXMTooBig
	}
	if len(b) >= xmHeaderLen && b[0] == xmHead {
		switch binary.LittleEndian.Uint16(b[xmOffMessageID:]) {
		case xmSearch:
			return nil, nil
		case xmSearchReply:
		default:
			return nil, errXMMessageID
		}
		_, body, ok := XMUnframe(b)
		if !ok {
			return nil, errXMLength
		}
		return trimJSON(body), nil
	}
	body := trimJSON(b)
	if len(body) == 0 || body[0] != '{' {
		return nil, errXMNotJSON
	}
	return body, nil
}

// xmHostIP reads HostIP: either "0x6700A8C0", the address as a hex uint32
// whose least significant byte is the first octet (192.168.0.103), or a
// dotted address.
func xmHostIP(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return netip.Addr{}
		}
		var a [4]byte
		binary.LittleEndian.PutUint32(a[:], uint32(v))
		return netip.AddrFrom4(a)
	}
	return parseIPv4(s)
}

// XMSearch is the Xiongmai (NETSurveillance/"Sofia") search: message id
// 1530, no body.
func XMSearch() []byte { return XMFrame(xmSearch, nil) }

// XMFrame puts a body behind the 20-byte Xiongmai header: head 0xff, the
// message id at 14, the body length at 16 (little-endian); version,
// session and sequence zero, as a client sends them. XM decodes it.
func XMFrame(msgID uint16, body []byte) []byte {
	frame := make([]byte, xmHeaderLen, xmHeaderLen+len(body))
	frame[0] = xmHead
	binary.LittleEndian.PutUint16(frame[xmOffMessageID:], msgID)
	binary.LittleEndian.PutUint32(frame[xmOffLength:], uint32(len(body)))
	return append(frame, body...)
}

// XMUnframe returns the message id and body of a Xiongmai frame; false
// when there is no header or its length runs past the datagram.
func XMUnframe(b []byte) (msgID uint16, body []byte, ok bool) {
	if len(b) < xmHeaderLen || b[0] != xmHead {
		return 0, nil, false
	}
	n := binary.LittleEndian.Uint32(b[xmOffLength:])
	if uint64(n) > uint64(len(b)-xmHeaderLen) {
		return 0, nil, false
	}
	return binary.LittleEndian.Uint16(b[xmOffMessageID:]), b[xmHeaderLen : xmHeaderLen+int(n)], true
}

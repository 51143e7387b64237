package service

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// DVRIP ("Sofia", NETSurveillance) is the control protocol of a large
// family of camera and recorder firmware, on TCP 34567 unless the user moved
// it. Every message is a 20-byte header and a body, little-endian: head
// 0xff, version (0 or 1), two zero bytes, session id, sequence number,
// fragment count and index, message id, body length. Control bodies are
// JSON ending "\n\0"; media bodies are binary, and newer firmware encrypts
// some control bodies. It is the header of the UDP search reply
// (discovery.XMFrame), so the framing is read with discovery.XMUnframe.
const (
	dvripHeaderLen     = 20
	dvripMaxVersion    = 1
	dvripOffFragments  = 12
	dvripOffFragment   = 13
	dvripOffBodyLength = 16
	// dvripMaxBody bounds one frame's body and a message joined from
	// fragments: the answers read here are a few KiB; a frame that claims
	// more is media or garbage and ends the reading.
	dvripMaxBody = 64 << 10
)

// dvripSystemInfoFields are the members of a SystemInfo answer and the key
// each is emitted as.
var dvripSystemInfoFields = []struct{ member, key string }{
	{"HardWare", "dvrip.hardware"},
	{"SoftWareVersion", "dvrip.firmware"},
	{"SerialNo", "dvrip.serial"},
	{"DeviceModel", "dvrip.model"},
	{"BuildTime", "dvrip.build_time"},
}

// dvripDeviceTypeMembers name the login answer's device type: firmware
// sends the member name with a trailing space; the plain spelling is read
// too, for firmware that fixed it.
var dvripDeviceTypeMembers = []string{"DeviceType ", "DeviceType"}

// dvripNetCommon is the member of a configuration answer that holds the
// same object as the UDP search reply.
const dvripNetCommon = "NetWork.NetCommon"

var errDVRIPNoAnswer = errors.New("service: no DVRIP JSON answer")

// DecodeDVRIP reads the DVRIP answers in server: the message id of each JSON
// answer (dvrip.answer: a keep-alive answer of a long-lived connection says
// as much about the protocol as a login answer), the login answer's
// dvrip.device_type, a SystemInfo answer's dvrip.hardware, dvrip.firmware,
// dvrip.serial, dvrip.model and dvrip.build_time, and a NetWork.NetCommon
// configuration answer as discovery.XM reads the search reply (xm.*). The
// client's bytes are never read: they hold the login's user name and
// password hash. A server whose frames carry no JSON answer (encrypted
// bodies) is reported as a banner.
func DecodeDVRIP(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	out := newEmitter(m, emit)
	if dvripAnswers(server, out) == 0 {
		return DecodeBanner(client, server, m, emit)
	}
	return nil
}

// dvripAnswers decodes the frames at the start of b until one is not a
// DVRIP frame or runs past b (the stream cap cut it), at most maxMessages,
// and returns how many JSON answers they held.
func dvripAnswers(b []byte, out *emitter) int {
	answers := 0
	var joiner dvripJoiner
	for n := 0; n < maxMessages && validDVRIPHeader(b); n++ {
		msgID, body, ok := discovery.XMUnframe(b)
		if !ok {
			break
		}
		message, whole := joiner.add(b[dvripOffFragments], b[dvripOffFragment], body)
		b = b[dvripHeaderLen+len(body):]
		if !whole {
			continue
		}
		if obj, ok := discovery.JSONObject(message); ok {
			answers++
			out.add("dvrip.answer", strconv.Itoa(int(msgID)))
			emitDVRIPAnswer(out, obj, message)
		}
	}
	return answers
}

// dvripJoiner puts a message sent in fragments back together: fragment
// count n > 1, index 0 to n-1 in order. Anything out of order starts over.
type dvripJoiner struct {
	buf  []byte
	next byte // index of the fragment expected next; 0: none started
}

// add takes one frame's body and returns the whole message once its last
// fragment is in.
func (j *dvripJoiner) add(count, index byte, body []byte) ([]byte, bool) {
	if count <= 1 {
		j.next = 0
		return body, true
	}
	if index == 0 {
		j.buf, j.next = append(j.buf[:0], body...), 1
	} else if index == j.next && len(j.buf)+len(body) <= dvripMaxBody {
		j.buf, j.next = append(j.buf, body...), index+1
	} else {
		j.next = 0
		return nil, false
	}
	if j.next == count {
		j.next = 0
		return j.buf, true
	}
	return nil, false
}

// emitDVRIPAnswer emits the fields of one JSON answer. body is the answer's
// JSON, for the search-reply decoder.
func emitDVRIPAnswer(out *emitter, obj map[string]json.RawMessage, body []byte) {
	for _, member := range dvripDeviceTypeMembers {
		out.add("dvrip.device_type", discovery.JSONScalar(obj[member]))
	}
	var info map[string]json.RawMessage
	if json.Unmarshal(obj["SystemInfo"], &info) == nil {
		for _, f := range dvripSystemInfoFields {
			out.add(f.key, discovery.JSONScalar(info[f.member]))
		}
	}
	if _, ok := obj[dvripNetCommon]; ok {
		_ = discovery.XM(body, out.m, out.emit) // the device's own address block, as its search reply sends it
	}
}

// validDVRIPHeader reports whether b opens with a DVRIP header: head 0xff,
// a known version, the two zero bytes and a body length within bounds.
func validDVRIPHeader(b []byte) bool {
	return len(b) >= dvripHeaderLen && b[0] == 0xff && b[1] <= dvripMaxVersion && b[2] == 0 && b[3] == 0 &&
		binary.LittleEndian.Uint32(b[dvripOffBodyLength:]) <= dvripMaxBody
}

// isDVRIPAnswerBody reports whether a recorded banner is a DVRIP answer's
// JSON body without its binary header, as write-ups and tools print what
// port 34567 answered: an object carrying the members every DVRIP answer
// has, Ret (the result code) and SessionID.
func isDVRIPAnswerBody(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var raw json.RawMessage
	if json.NewDecoder(bytes.NewReader(b)).Decode(&raw) != nil {
		return false
	}
	obj, ok := discovery.JSONObject(raw)
	if !ok {
		return false
	}
	_, ret := obj["Ret"]
	_, session := obj["SessionID"]
	return ret && session
}

// isDVRIPFrame reports whether b opens with a DVRIP header followed by the
// start of a JSON object: the first message of either side (the login and
// its answer), which names the protocol on any port.
func isDVRIPFrame(b []byte) bool {
	if !validDVRIPHeader(b) {
		return false
	}
	body := bytes.TrimLeft(b[dvripHeaderLen:], " \t\r\n")
	return len(body) > 0 && body[0] == '{'
}

// decodeDVRIPPayload reads the raw identify key dvrip.payload: DVRIP frames
// as the server sent them, or answers' JSON bodies one after another (as
// tools and write-ups record them, without the binary header).
func decodeDVRIPPayload(client, value []byte, m scanner.Meta, emit scanner.Emit) error {
	out := newEmitter(m, emit)
	if validDVRIPHeader(value) {
		if dvripAnswers(value, out) == 0 {
			return errDVRIPNoAnswer
		}
		return nil
	}
	answers := 0
	dec := json.NewDecoder(bytes.NewReader(value))
	for n := 0; n < maxMessages; n++ {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			break
		}
		if obj, ok := discovery.JSONObject(raw); ok {
			answers++
			emitDVRIPAnswer(out, obj, raw)
			emitBareSystemInfo(out, obj)
		}
	}
	if answers == 0 {
		return errDVRIPNoAnswer
	}
	return nil
}

// emitBareSystemInfo reads a SystemInfo object as client libraries return
// it, without the answer's {"Name": "SystemInfo", "SystemInfo": {...}}
// envelope (OpenIPC/python-dvr's get_system_info() documents its result so,
// testdata/corpus/fresh8). Only for the raw identify key, where the user says
// the text is a DVRIP answer, and only an object holding both HardWare and
// SoftWareVersion, the two members every SystemInfo answer in the corpora
// carries; a wrapped answer is emitDVRIPAnswer's.
func emitBareSystemInfo(out *emitter, obj map[string]json.RawMessage) {
	if _, wrapped := obj["SystemInfo"]; wrapped {
		return
	}
	if discovery.JSONScalar(obj["HardWare"]) == "" || discovery.JSONScalar(obj["SoftWareVersion"]) == "" {
		return
	}
	for _, f := range dvripSystemInfoFields {
		out.add(f.key, discovery.JSONScalar(obj[f.member]))
	}
}

package discovery

import (
	"bytes"
	"crypto/aes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"errors"

	"github.com/camsweep/camsweep/scanner"
)

// Tuya is the LAN announcement of the Tuya smart-device firmware: every few
// seconds a device broadcasts one 55AA frame to UDP 6666 (protocol 3.1, its
// JSON in plain text) or 6667 (3.3 and later, the JSON encrypted with
// AES-128-ECB under a key every device and app shares, the MD5 of
// "yGAdlopoPVldABfn", PKCS#7-padded). The frame: the prefix 00 00 55 AA, a
// sequence number, the command, the length of what follows (big-endian),
// a return code, the payload, a CRC32 and the suffix 00 00 AA 55. The JSON
// names the device's address, its gateway id and its product key.
// (Protocol 3.5's 6699 frames, AES-GCM, are not read.)
const (
	tuyaPortPlain    = 6666
	tuyaPortCipher   = 6667
	tuyaHeaderLen    = 16
	tuyaRetcodeLen   = 4
	tuyaTrailerLen   = 8 // CRC32 and suffix
	maxTuyaDatagram  = 4096
	tuyaUDPKeySource = "yGAdlopoPVldABfn"
)

var (
	tuyaPrefix = []byte{0x00, 0x00, 0x55, 0xaa}
	tuyaSuffix = []byte{0x00, 0x00, 0xaa, 0x55}
	tuyaUDPKey = md5.Sum([]byte(tuyaUDPKeySource))

	errTuyaTooLarge = errors.New("tuya: payload larger than an announcement")
	errTuyaLength   = errors.New("tuya: frame length runs past the payload")
)

// isTuya says whether a datagram opens with the 55AA prefix.
func isTuya(b []byte) bool { return bytes.HasPrefix(b, tuyaPrefix) }

// Tuya decodes an announcement to UDP 6666 or 6667: tuya.product_key,
// tuya.gw_id and tuya.version about the address the JSON gives (the
// sender's when it came off the wire). Other frames emit nothing.
func Tuya(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxTuyaDatagram {
		return errTuyaTooLarge
	}
	if !isTuya(payload) || len(payload) < tuyaHeaderLen+tuyaRetcodeLen+tuyaTrailerLen {
		return nil
	}
	n := int(binary.BigEndian.Uint32(payload[12:16]))
	if n > len(payload)-tuyaHeaderLen || n < tuyaRetcodeLen+tuyaTrailerLen {
		return errTuyaLength
	}
	frame := payload[:tuyaHeaderLen+n]
	if !bytes.HasSuffix(frame, tuyaSuffix) {
		return nil
	}
	body := frame[tuyaHeaderLen+tuyaRetcodeLen : len(frame)-tuyaTrailerLen]
	body = tuyaPlain(body)
	if body == nil {
		return nil
	}
	var msg map[string]json.RawMessage
	if err := decodeFirstJSON(body, &msg); err != nil || msg == nil {
		return nil
	}
	own := parseIPv4(scalarText(msg["ip"]))
	s := newSink(aboutSelf(m, own), emit)
	s.jsonFields(msg, tuyaFields)
	return nil
}

// tuyaFields maps an announcement's members to observation keys.
var tuyaFields = []jsonField{
	{"productKey", "tuya.product_key"},
	{"gwId", "tuya.gw_id"},
	{"version", "tuya.version"},
}

// tuyaPlain returns the announcement's JSON: the payload itself when it is
// plain text, else its decryption under the shared key, or nil.
func tuyaPlain(b []byte) []byte {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		return t
	}
	if len(b) == 0 || len(b)%aes.BlockSize != 0 {
		return nil
	}
	c, err := aes.NewCipher(tuyaUDPKey[:])
	if err != nil {
		return nil
	}
	out := make([]byte, len(b))
	for i := 0; i < len(b); i += aes.BlockSize {
		c.Decrypt(out[i:i+aes.BlockSize], b[i:i+aes.BlockSize])
	}
	if pad := int(out[len(out)-1]); pad >= 1 && pad <= aes.BlockSize {
		out = out[:len(out)-pad]
	}
	if t := bytes.TrimSpace(out); len(t) > 0 && t[0] == '{' {
		return t
	}
	return nil
}

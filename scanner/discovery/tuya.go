package discovery

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
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
//
// Protocol 3.5 firmware sends the same JSON in a 6699 frame instead (to UDP
// 6667, or to UDP 7000 in answer to an app's request there), encrypted with
// AES-128-GCM under the same shared key (jasonacox/tinytuya PROTOCOL.md,
// "Packet Format (6699, v3.5)" and "Discovery (v3.5)"): the prefix
// 00 00 66 99, two reserved bytes, a sequence number, the command and the
// length of what follows up to the footer (big-endian, 4 bytes each), a
// 12-byte nonce, the ciphertext, a 16-byte tag and the footer 00 00 99 66.
// The 14 header bytes after the prefix are the associated data; the
// plaintext is the JSON, after a 4-byte return code on devices' frames.
const (
	tuyaPortPlain    = 6666
	tuyaPortCipher   = 6667
	tuyaPortApp      = 7000 // 3.5 devices answer an app's request here
	tuyaHeaderLen    = 16
	tuyaRetcodeLen   = 4
	tuyaTrailerLen   = 8 // CRC32 and suffix
	maxTuyaDatagram  = 4096
	tuyaUDPKeySource = "yGAdlopoPVldABfn"
)

// The 6699 frame (protocol 3.5): header, nonce, tag and footer lengths.
const (
	tuya35HeaderLen = 18 // prefix, reserved, sequence, command, length
	tuya35NonceLen  = 12
	tuya35TagLen    = 16
	tuya35FooterLen = 4
	tuyaRetcodeJSON = 4 // the return code before a device's JSON
)

var (
	tuyaPrefix   = []byte{0x00, 0x00, 0x55, 0xaa}
	tuyaSuffix   = []byte{0x00, 0x00, 0xaa, 0x55}
	tuya35Prefix = []byte{0x00, 0x00, 0x66, 0x99}
	tuya35Footer = []byte{0x00, 0x00, 0x99, 0x66}
	tuyaUDPKey   = md5.Sum([]byte(tuyaUDPKeySource))

	errTuyaTooLarge = errors.New("tuya: payload larger than an announcement")
	errTuyaLength   = errors.New("tuya: frame length runs past the payload")
)

// isTuya says whether a datagram opens with the 55AA or the 6699 prefix.
func isTuya(b []byte) bool { return bytes.HasPrefix(b, tuyaPrefix) || bytes.HasPrefix(b, tuya35Prefix) }

// Tuya decodes an announcement to UDP 6666, 6667 or 7000, in a 55AA or a
// 6699 frame: tuya.product_key, tuya.gw_id and tuya.version about the
// address the JSON gives (the sender's when it came off the wire). Other
// frames, and 6699 frames whose tag does not verify under the shared key,
// emit nothing.
func Tuya(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxTuyaDatagram {
		return errTuyaTooLarge
	}
	if bytes.HasPrefix(payload, tuya35Prefix) {
		body, err := tuya35Plain(payload)
		if err != nil || body == nil {
			return err
		}
		tuyaJSON(body, m, emit)
		return nil
	}
	if !bytes.HasPrefix(payload, tuyaPrefix) || len(payload) < tuyaHeaderLen+tuyaRetcodeLen+tuyaTrailerLen {
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
	tuyaJSON(body, m, emit)
	return nil
}

// tuyaJSON emits the members of an announcement's JSON object about the
// address it names (the sender's when it came off the wire).
func tuyaJSON(body []byte, m scanner.Meta, emit scanner.Emit) {
	var msg map[string]json.RawMessage
	if err := decodeFirstJSON(body, &msg); err != nil || msg == nil {
		return
	}
	own := parseIPv4(scalarText(msg["ip"]))
	s := newSink(aboutSelf(m, own), emit)
	s.jsonFields(msg, tuyaFields)
}

// tuya35Plain opens a 6699 frame under the shared key and returns its JSON
// (after the device's 4-byte return code, without trailing NULs), nil when
// the frame is cut, its tag does not verify or it holds no JSON object, and
// an error when its length runs past the datagram.
func tuya35Plain(b []byte) ([]byte, error) {
	const overhead = tuya35HeaderLen + tuya35NonceLen + tuya35TagLen + tuya35FooterLen
	if len(b) < overhead {
		return nil, nil
	}
	n := int(binary.BigEndian.Uint32(b[14:18]))
	if n > len(b)-tuya35HeaderLen-tuya35FooterLen || n < tuya35NonceLen+tuya35TagLen {
		return nil, errTuyaLength
	}
	end := tuya35HeaderLen + n
	if !bytes.Equal(b[end:end+tuya35FooterLen], tuya35Footer) {
		return nil, nil
	}
	block, err := aes.NewCipher(tuyaUDPKey[:])
	if err != nil {
		return nil, nil
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil
	}
	nonce := b[tuya35HeaderLen : tuya35HeaderLen+tuya35NonceLen]
	plain, err := gcm.Open(nil, nonce, b[tuya35HeaderLen+tuya35NonceLen:end], b[len(tuya35Prefix):tuya35HeaderLen])
	if err != nil {
		return nil, nil
	}
	if len(plain) > tuyaRetcodeJSON && plain[0] != '{' && plain[tuyaRetcodeJSON] == '{' {
		plain = plain[tuyaRetcodeJSON:]
	}
	plain = bytes.TrimSpace(bytes.TrimRight(plain, "\x00"))
	if len(plain) == 0 || plain[0] != '{' {
		return nil, nil
	}
	return plain, nil
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

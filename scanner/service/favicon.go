package service

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/twmb/murmur3"
)

// isFavicon reports whether a response body is a site icon: the request
// asked for /favicon.ico, the server labels it an icon, or the bytes are
// an ICO file.
func isFavicon(req *request, contentType string, body []byte) bool {
	if req != nil {
		path, _, _ := strings.Cut(requestPath(req.target), "?")
		if strings.HasSuffix(strings.ToLower(path), "/favicon.ico") {
			return true
		}
	}
	if strings.Contains(strings.ToLower(contentType), "icon") {
		return true
	}
	return bytes.HasPrefix(body, []byte{0, 0, 1, 0})
}

// faviconHashes returns the body's MD5 (lower-case hex) and the hash Shodan
// indexes as http.favicon.hash: MurmurHash3 x86 32-bit, seed 0, over the
// base64 text with a newline after every 76 characters and at the end
// (Python's base64.encodebytes), printed as a signed decimal.
func faviconHashes(body []byte) (md5hex, mmh3 string) {
	sum := md5.Sum(body)
	h := int32(murmur3.Sum32(shodanBase64(body)))
	return hex.EncodeToString(sum[:]), strconv.FormatInt(int64(h), 10)
}

// shodanBase64 encodes like Python's base64.encodebytes.
func shodanBase64(body []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(body)
	out := make([]byte, 0, len(enc)+len(enc)/76+1)
	for len(enc) > 76 {
		out = append(out, enc[:76]...)
		out = append(out, '\n')
		enc = enc[76:]
	}
	out = append(out, enc...)
	return append(out, '\n')
}

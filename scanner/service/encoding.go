package service

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"
)

// maxDecodedBody bounds a decompressed body: a few kilobytes of gzip can
// claim gigabytes, and only the start of a page is ever emitted (a flow of
// maxMessages bombs then costs at most 4 MiB).
const maxDecodedBody = 64 << 10

// decodeContent undoes a gzip or deflate Content-Encoding, which browsers
// ask for and embedded web servers honour, so captured pages are often
// compressed. A truncated stream yields what was decoded before the cut; an
// unknown coding or a stream that does not decode at all leaves the body as
// it was.
func decodeContent(msg *message, body []byte) []byte {
	coding, _ := msg.value("Content-Encoding")
	var r io.Reader
	var err error
	switch strings.ToLower(coding) {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
		if r, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
			r, err = flate.NewReader(bytes.NewReader(body)), nil
		}
	default:
		return body
	}
	if err != nil {
		return body
	}
	decoded, _ := io.ReadAll(io.LimitReader(r, maxDecodedBody))
	if len(decoded) == 0 {
		return body
	}
	return decoded
}

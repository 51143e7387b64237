package service

import "bytes"

// A capture that starts while a connection is in use holds its bytes from
// the middle of a message: the rest of a body, a request's tail, the RTP
// frames of an RTSP session. The messages after that point are whole, and
// a long-lived session (a viewer's RTSP stream, a keep-alive web
// connection) often holds many. These functions find the first whole
// message so that the decoders read from there.

// maxResyncScan bounds how far into a side's bytes the first whole message
// is looked for; the stream cap bounds the bytes themselves.
const maxResyncScan = 64 << 10

// firstResponse returns b from its first status line of proto ("HTTP/" or
// "RTSP/"), and whether bytes before it were skipped. A response may follow
// a body or an interleaved frame without a line break, so a status line is
// looked for anywhere; it must be a whole one ("HTTP/1.1 200 ...").
func firstResponse(b []byte, proto string) (rest []byte, skipped bool) {
	if startsWithStatus(b, proto) {
		return b, false
	}
	return firstAt(b, proto+"1.", func(at int) int {
		if startsWithStatus(b[at:], proto) {
			return at
		}
		return -1
	})
}

// firstAt looks for needle in b's first maxResyncScan bytes and returns b
// from where start, given an occurrence, says a whole message begins (-1:
// none there), and whether anything was skipped; b itself when none does.
func firstAt(b []byte, needle string, start func(at int) int) (rest []byte, skipped bool) {
	scan := b[:min(len(b), maxResyncScan)]
	for off := 0; ; off++ {
		i := bytes.Index(scan[off:], []byte(needle))
		if i < 0 {
			return b, false
		}
		off += i
		if s := start(off); s >= 0 {
			return b[s:], true
		}
	}
}

func startsWithStatus(b []byte, proto string) bool {
	b = skipBlankLines(b)
	if proto == "RTSP/" {
		b = skipInterleaved(b)
	}
	line, _ := cutLine(b[:min(len(b), 256)])
	_, ok := statusCode(string(line), proto)
	return ok
}

// firstRequest returns b from its first request line of proto, and whether
// bytes before it were skipped. A request line is found by its version at
// the end of a line; the method is the token before the target.
func firstRequest(b []byte, proto string) (rest []byte, skipped bool) {
	if startsWithRequest(b, proto) {
		return b, false
	}
	return firstAt(b, " "+proto+"1.", func(at int) int {
		if s := requestLineStart(b, at); s >= 0 && startsWithRequest(b[s:], proto) {
			return s
		}
		return -1
	})
}

func startsWithRequest(b []byte, proto string) bool {
	b = skipBlankLines(b)
	if proto == "RTSP/" {
		b = skipInterleaved(b)
	}
	line, _ := cutLine(b[:min(len(b), 4096)])
	_, _, ok := splitRequestLine(string(line), proto)
	return ok
}

// requestLineStart walks back from the space before a request line's
// version over the target and the method; it returns where the method
// starts, or -1.
func requestLineStart(b []byte, versionSpace int) int {
	targetSpace := bytes.LastIndexByte(b[:versionSpace], ' ')
	if targetSpace <= 0 || targetSpace < versionSpace-4096 {
		return -1
	}
	start := targetSpace
	for start > 0 && isMethodByte(b[start-1]) {
		start--
	}
	if start == targetSpace {
		return -1
	}
	return start
}

// isMethodByte reports whether c may appear in a method as sent: methods
// are tokens, and every HTTP and RTSP method in use is upper case (GET,
// GET_PARAMETER, M-SEARCH), which keeps binary bytes before one out of it.
func isMethodByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}

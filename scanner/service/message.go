package service

import (
	"bytes"
	"strconv"
	"strings"
)

// header is one header line as sent: the name in its original case and the
// raw text after the colon, white space kept (rtsp.date needs it; most
// callers trim).
type header struct {
	name, raw string
}

// message is one HTTP or RTSP request or response head plus its body.
type message struct {
	start   string // status line or request line
	headers []header
	body    []byte
	// cut is set when the input ended inside the body: a hash of it would
	// not be the hash of what the server sent.
	cut bool
}

// value returns the first header called name (case-insensitive), trimmed.
func (msg *message) value(name string) (string, bool) {
	for _, h := range msg.headers {
		if strings.EqualFold(h.name, name) {
			return strings.TrimSpace(h.raw), true
		}
	}
	return "", false
}

// values returns every header called name (case-insensitive), trimmed.
func (msg *message) values(name string) []string {
	var out []string
	for _, h := range msg.headers {
		if strings.EqualFold(h.name, name) {
			out = append(out, strings.TrimSpace(h.raw))
		}
	}
	return out
}

// contentLength returns a valid Content-Length, or false when it is absent
// or unusable (negative, not a number, or several that disagree).
func (msg *message) contentLength() (int, bool) {
	vals := msg.values("Content-Length")
	if len(vals) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil || n < 0 {
		return 0, false
	}
	for _, v := range vals[1:] {
		if v != vals[0] {
			return 0, false
		}
	}
	return n, true
}

// chunked reports whether the body uses chunked transfer coding.
func (msg *message) chunked() bool {
	for _, v := range msg.values("Transfer-Encoding") {
		if strings.Contains(strings.ToLower(v), "chunked") {
			return true
		}
	}
	return false
}

// readHead parses a start line and header lines up to the blank line that
// ends them. Lines may end in CRLF or bare LF, folded continuation lines are
// joined, and lines without a colon are skipped. complete is false when the
// input ended before the blank line (a truncated capture); what was read is
// still returned.
func readHead(b []byte) (msg message, rest []byte, complete bool) {
	line, b := cutLine(b)
	msg.start = string(line)
	for len(b) > 0 {
		var found bool
		line, b, found = cutLineFound(b)
		if len(line) == 0 {
			if found {
				return msg, b, true
			}
			break
		}
		msg.addHeaderLine(line)
	}
	return msg, nil, false
}

func (msg *message) addHeaderLine(line []byte) {
	if line[0] == ' ' || line[0] == '\t' {
		if n := len(msg.headers); n > 0 && len(msg.headers[n-1].raw) < maxValueBytes {
			msg.headers[n-1].raw += " " + string(bytes.TrimSpace(line))
		}
		return
	}
	name, raw, ok := bytes.Cut(line, []byte(":"))
	name = bytes.TrimRight(name, " \t")
	if !ok || !validHeaderName(name) || len(msg.headers) >= maxHeaders {
		return
	}
	msg.headers = append(msg.headers, header{name: string(name), raw: string(raw)})
}

// validHeaderName accepts an RFC 9110 token, which keeps binary garbage and
// body text out of the header list.
func validHeaderName(name []byte) bool {
	if len(name) == 0 || len(name) > 256 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// cutLine returns the first line without its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	line, rest, _ = cutLineFound(b)
	return line, rest
}

// cutLineFound is cutLine that also says whether a line ending was seen.
func cutLineFound(b []byte) (line, rest []byte, found bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil, false
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:], true
}

// skipBlankLines drops empty lines between messages: clients often send a
// stray CRLF after a request body.
func skipBlankLines(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// dechunk decodes a chunked body. On malformed or truncated framing it
// returns what it decoded so far and the rest of the input is consumed:
// nothing after a broken chunk can be trusted to be a message boundary.
func dechunk(b []byte) (body, rest []byte) {
	for len(b) > 0 {
		line, next, found := cutLineFound(b)
		if !found {
			return body, nil
		}
		size, ok := chunkSize(line)
		if !ok {
			return body, nil
		}
		if size == 0 {
			return body, skipTrailers(next)
		}
		if size > len(next) {
			return append(body, next...), nil
		}
		body = append(body, next[:size]...)
		b = next[size:]
		b = bytes.TrimPrefix(b, []byte("\r"))
		b = bytes.TrimPrefix(b, []byte("\n"))
	}
	return body, nil
}

// chunkSize parses a chunk-size line, ignoring chunk extensions.
func chunkSize(line []byte) (int, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	s := strings.TrimSpace(string(line))
	if s == "" || len(s) > 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// skipTrailers consumes trailer lines up to and including the blank line.
func skipTrailers(b []byte) []byte {
	for len(b) > 0 {
		line, rest, found := cutLineFound(b)
		b = rest
		if len(line) == 0 || !found {
			return b
		}
	}
	return b
}

// request is one request read from the client bytes.
type request struct {
	method, target, cseq string
	// rpc is the JSON-RPC call a POST body makes (Dahua's /RPC2:
	// {"method":"magicBox.getDeviceType",...}); only the method is read,
	// and the methods and ids of a system.multicall's calls, never the
	// params (a login's hold the password hash); rpcOK says there is one.
	rpc   rpcCall
	rpcOK bool
}

// parseRequests reads the requests a client sent, in order. proto is the
// version prefix they must carry ("HTTP/" or "RTSP/"). Reading stops at the
// first thing that is not a request, so binary or TLS client bytes yield none.
func parseRequests(b []byte, proto string) []request {
	var reqs []request
	for len(reqs) < maxMessages {
		b = skipInterleaved(skipBlankLines(b))
		if len(b) == 0 {
			break
		}
		msg, rest, complete := readHead(b)
		method, target, ok := splitRequestLine(msg.start, proto)
		if !ok {
			break
		}
		cseq, _ := msg.value("CSeq")
		reqs = append(reqs, request{method: method, target: target, cseq: cseq})
		if !complete {
			break
		}
		next := skipBody(&msg, rest)
		if method == "POST" {
			reqs[len(reqs)-1].rpc, reqs[len(reqs)-1].rpcOK = jsonRPCCall(rest[:len(rest)-len(next)])
		}
		b = next
	}
	return reqs
}

// skipBody drops a request body framed by Content-Length or chunked coding.
func skipBody(msg *message, b []byte) []byte {
	if msg.chunked() {
		_, rest := dechunk(b)
		return rest
	}
	if n, ok := msg.contentLength(); ok {
		return b[min(n, len(b)):]
	}
	return b
}

// splitRequestLine splits "METHOD target PROTO/x.y".
func splitRequestLine(line, proto string) (method, target string, ok bool) {
	fields := strings.Fields(line)
	if len(fields) != 3 || !strings.HasPrefix(fields[2], proto) || !isToken(fields[0]) {
		return "", "", false
	}
	return fields[0], fields[1], true
}

func isToken(s string) bool {
	return validHeaderName([]byte(s))
}

// statusCode returns the three-digit code of a "PROTO/x.y NNN reason" line.
func statusCode(line, proto string) (int, bool) {
	if !strings.HasPrefix(line, proto) {
		return 0, false
	}
	_, after, ok := strings.Cut(line, " ")
	after = strings.TrimLeft(after, " ")
	if !ok || len(after) < 3 {
		return 0, false
	}
	code, err := strconv.Atoi(after[:3])
	if err != nil || code < 100 || code > 999 {
		return 0, false
	}
	return code, true
}

// skipInterleaved drops RTSP interleaved binary frames ('$', channel,
// 16-bit length, data) that share the TCP connection with RTSP messages.
func skipInterleaved(b []byte) []byte {
	for len(b) >= 4 && b[0] == '$' {
		n := int(b[2])<<8 | int(b[3])
		if 4+n > len(b) {
			return nil
		}
		b = skipBlankLines(b[4+n:])
	}
	return b
}

// CompleteResponses counts the final HTTP or RTSP responses (proto "HTTP/"
// or "RTSP/") that have fully arrived at the start of b: head ended, and a
// body whose end the head tells (Content-Length, chunked coding, or none by
// status; in RTSP no Content-Length means no body, see rtspEndsAtHead). An
// HTTP body that runs until the server closes is never complete, nor is
// anything after bytes that are not a response. A
// reader that asked n questions can stop waiting once n answers are
// complete, instead of waiting for the server to close or fall silent.
func CompleteResponses(b []byte, proto string) int {
	n := 0
	for i := 0; i < maxMessages; i++ {
		msg, rest, complete := readHead(skipBlankLines(b))
		code, ok := statusCode(msg.start, proto)
		if !ok || !complete {
			return n
		}
		switch {
		case code < 200 || code == 204 || code == 304:
			b = rest
		case msg.chunked():
			if _, b = dechunk(rest); b == nil {
				return n
			}
		default:
			length, ok := msg.contentLength()
			if !ok && proto == "RTSP/" && rtspEndsAtHead(code, rest) {
				length, ok = 0, true
			}
			if !ok || length > len(rest) {
				return n
			}
			b = rest[length:]
		}
		if code >= 200 || code == 101 {
			n++ // other 1xx are interim: the answer follows
		}
	}
	return n
}

// rtspEndsAtHead says an RTSP response without Content-Length has ended with
// its head. RFC 2326 says it has no body, but some servers send a
// description without announcing its length, so a 200 counts as ended only
// once the next response has begun.
func rtspEndsAtHead(code int, rest []byte) bool {
	return code != 200 || bytes.HasPrefix(skipBlankLines(rest), []byte("RTSP/"))
}

package service

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

var errNotRTSP = errors.New("service: server bytes are not an RTSP response")

// maxSDPAttrs bounds the a= lines emitted per description.
const maxSDPAttrs = 64

// DecodeRTSP reads the RTSP/1.0 responses in server, pairs each with the
// request in client it answered (by CSeq, else in order), and emits
// rtsp.status, rtsp.header_names, rtsp.server, every rtsp.www_authenticate, rtsp.public,
// rtsp.date (raw, white space kept), rtsp.content_base, rtsp.url,
// rtsp.served_url (a URL answered 2xx to any request but OPTIONS), rtsp.realm_mac (a realm that is a
// MAC) and, from
// an SDP body, rtsp.sdp_session and each rtsp.sdp_attr. Interleaved RTP
// frames are skipped. server may also be a bare SDP description. A server
// that answers HTTP on the RTSP port (an HTTP tunnel endpoint, a web server
// on 554) is an HTTP observation on that port, not an error.
func DecodeRTSP(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	out := newEmitter(m, emit)
	if bytes.HasPrefix(server, []byte("v=0")) {
		emitSDP(out, server)
		return nil
	}
	if answersHTTP(server) {
		return DecodeHTTP(client, server, m, emit)
	}
	client, clientCut := firstRequest(client, "RTSP/")
	server, _ = firstResponse(server, "RTSP/")
	reqs := parseRequests(client, "RTSP/")
	used := make([]bool, len(reqs))
	decoded, next := 0, 0
	if clientCut {
		// A response may answer a request the capture holds only the
		// tail of: only its CSeq can pair it.
		next = len(reqs)
	}
	for decoded < maxMessages {
		server = skipInterleaved(skipBlankLines(server))
		msg, rest, complete := readHead(server)
		code, ok := statusCode(msg.start, "RTSP/")
		if !ok {
			break
		}
		req := matchRTSPRequest(&msg, reqs, used, &next)
		if complete {
			msg.body, rest = rtspBody(&msg, rest)
		}
		emitRTSP(out, &msg, code, req)
		decoded++
		if !complete {
			break
		}
		server = rest
	}
	if decoded == 0 {
		return errNotRTSP
	}
	return nil
}

// answersHTTP reports whether the server's first response is HTTP.
func answersHTTP(server []byte) bool {
	msg, _, _ := readHead(skipBlankLines(bytes.TrimPrefix(server, utf8BOM)))
	_, ok := statusCode(msg.start, "HTTP/")
	return ok
}

// matchRTSPRequest finds the request a response answers: the one with the
// same CSeq, or else the next one not yet answered.
func matchRTSPRequest(msg *message, reqs []request, used []bool, next *int) *request {
	if cseq, ok := msg.value("CSeq"); ok {
		for i := range reqs {
			if !used[i] && reqs[i].cseq == cseq {
				used[i] = true
				return &reqs[i]
			}
		}
	}
	for *next < len(reqs) && used[*next] {
		*next++
	}
	if *next < len(reqs) {
		used[*next] = true
		return &reqs[*next]
	}
	return nil
}

// rtspBody cuts a Content-Length body. A message without one has none,
// except that some servers send an SDP description without announcing its
// length: then it runs to the next response.
func rtspBody(msg *message, b []byte) (body, rest []byte) {
	n, ok := msg.contentLength()
	if !ok {
		if !bytes.HasPrefix(b, []byte("v=")) {
			return nil, b
		}
		n = len(b)
		if i := bytes.Index(b, []byte("\nRTSP/")); i >= 0 {
			n = i + 1
		}
	}
	n = min(n, len(b))
	return b[:n], b[n:]
}

// emitRTSP emits what one response shows.
func emitRTSP(out *emitter, msg *message, code int, req *request) {
	out.add("rtsp.status", strconv.Itoa(code))
	if req != nil {
		out.add("rtsp.url", redactURL(req.target))
		if code >= 200 && code < 300 && !strings.EqualFold(req.method, "OPTIONS") {
			// The server has this path: a stream path a viewer asked
			// for names the server's firmware only once it is served.
			// An OPTIONS answer is about the server, not the path:
			// servers answer it 200 for a path they lack and refuse
			// the DESCRIBE that follows with 404 (ffmpeg's "method
			// DESCRIBE failed: 404" on a Reolink doorbell asked for a
			// misspelt path, blakeblackshear/frigate issue #8978).
			out.add("rtsp.served_url", redactURL(req.target))
		}
	}
	names := make([]string, 0, len(msg.headers))
	for _, h := range msg.headers {
		names = append(names, h.name)
		value := strings.TrimSpace(h.raw)
		switch strings.ToLower(h.name) {
		case "server":
			out.add("rtsp.server", value)
		case "www-authenticate":
			out.add("rtsp.www_authenticate", value)
			if mac, ok := realmMAC(value); ok {
				out.add("rtsp.realm_mac", mac)
			}
		case "public":
			out.add("rtsp.public", value)
		case "date":
			// Kept as sent: the spacing after the colon differs between
			// firmware families.
			out.add("rtsp.date", strings.TrimRight(h.raw, " \t"))
		case "content-base":
			out.add("rtsp.content_base", redactURL(value))
		}
	}
	out.add("rtsp.header_names", strings.Join(names, ","))
	if len(msg.body) > 0 {
		emitSDP(out, msg.body)
	}
}

// emitSDP emits the session name and attribute lines of an SDP description.
func emitSDP(out *emitter, sdp []byte) {
	attrs := 0
	for len(sdp) > 0 {
		var line []byte
		line, sdp = cutLine(sdp)
		text := strings.TrimSpace(string(line))
		switch {
		case strings.HasPrefix(text, "s="):
			out.add("rtsp.sdp_session", strings.TrimSpace(text[2:]))
		case strings.HasPrefix(text, "a=") && attrs < maxSDPAttrs:
			out.add("rtsp.sdp_attr", strings.TrimSpace(text[2:]))
			attrs++
		}
	}
}

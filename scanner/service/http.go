package service

import (
	"bytes"
	"errors"
	"html"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

var errNotHTTP = errors.New("service: server bytes are not an HTTP response")

// utf8BOM is what some embedded web servers put before a body (and a few
// before the status line).
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// DecodeHTTP reads the HTTP/1.x responses in server and pairs each with the
// request in client that it answered (in order; interim 1xx responses answer
// none). For each response it emits http.status, http.server,
// http.server_raw, every http.www_authenticate (and http.realm_mac when a
// realm is a MAC), http.etag, http.location,
// http.content_type, http.header_names, http.title, http.body, http.path,
// http.answer, for a favicon http.favicon_md5 and http.favicon_mmh3, and for
// an ONVIF GetDeviceInformation answer the onvif.* fields, for a GetScopes
// answer wsd.scopes, and for a JSON-RPC identity answer (Dahua's /RPC2) the
// dhip.* fields DHIP gives.
func DecodeHTTP(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	client, clientCut := firstRequest(client, "HTTP/")
	reqs := parseRequests(client, "HTTP/")
	out := newEmitter(m, emit)
	server, _ = firstResponse(bytes.TrimPrefix(server, utf8BOM), "HTTP/")
	// A request the capture holds only the tail of is answered by the
	// first whole response (HTTP/1.1 answers in order): that response
	// pairs with no request the capture shows.
	decoded, next := 0, 0
	if clientCut {
		next = -1
	}
	for decoded < maxMessages {
		server = skipBlankLines(server)
		msg, rest, complete := readHead(server)
		code, ok := statusCode(msg.start, "HTTP/")
		if !ok {
			break
		}
		var req *request
		if code >= 200 || code == 101 { // other 1xx are interim: the answer follows
			if next >= 0 && next < len(reqs) {
				req = &reqs[next]
			}
			next++
		}
		if complete {
			msg.body, rest = httpBody(&msg, rest, code, req)
		}
		emitHTTP(out, &msg, code, req)
		decoded++
		if code == 101 || !complete {
			break // after a protocol switch the bytes are no longer HTTP
		}
		server = rest
	}
	if decoded == 0 {
		return errNotHTTP
	}
	return nil
}

// httpBody cuts the body of a response off the front of b (RFC 9112 §6.3).
func httpBody(msg *message, b []byte, code int, req *request) (body, rest []byte) {
	if code < 200 || code == 204 || code == 304 || (req != nil && req.method == "HEAD") {
		return nil, b
	}
	if msg.chunked() {
		body, rest = dechunk(b)
		msg.cut = rest == nil
		return body, rest
	}
	if n, ok := msg.contentLength(); ok {
		msg.cut = n > len(b)
		n = min(n, len(b))
		return b[:n], b[n:]
	}
	return b, nil // delimited by the server closing the connection
}

// emitHTTP emits what one response shows.
func emitHTTP(out *emitter, msg *message, code int, req *request) {
	out.add("http.status", strconv.Itoa(code))
	if req != nil {
		path := redactURL(requestPath(req.target))
		out.add("http.path", path)
		out.add("http.answer", strconv.Itoa(code)+" "+path)
	}
	names := make([]string, 0, len(msg.headers))
	for _, h := range msg.headers {
		names = append(names, h.name)
		emitHTTPHeader(out, h)
	}
	out.add("http.header_names", strings.Join(names, ","))
	body := bytes.TrimPrefix(decodeContent(msg, msg.body), utf8BOM)
	contentType, _ := msg.value("Content-Type")
	if code >= 200 && code < 300 && len(body) > 0 && !msg.cut && isFavicon(req, contentType, body) {
		md5hex, mmh3 := faviconHashes(body)
		out.add("http.favicon_md5", md5hex)
		out.add("http.favicon_mmh3", mmh3)
	}
	if looksLikeText(contentType, body) {
		out.add("http.title", htmlTitle(body))
		out.add("http.body", bodyText(body))
	}
	if code >= 200 && code < 300 && mayBeXML(contentType) {
		emitONVIFAnswers(out, body)
	}
	if code >= 200 && code < 300 && req != nil && req.rpcOK {
		emitRPCAnswer(out, req.rpc, body)
	}
}

// emitHTTPHeader emits the headers that have their own key.
func emitHTTPHeader(out *emitter, h header) {
	value := strings.TrimSpace(h.raw)
	switch name := h.name; {
	case strings.EqualFold(name, "server"):
		out.add("http.server", value)
		// The spelling of the line itself (no space after the colon, say)
		// tells one firmware's web server from another's.
		out.add("http.server_raw", h.name+":"+strings.TrimRight(h.raw, " \t"))
	case strings.EqualFold(name, "www-authenticate"):
		out.add("http.www_authenticate", value)
		if mac, ok := realmMAC(value); ok {
			out.add("http.realm_mac", mac)
		}
	case strings.EqualFold(name, "etag"):
		out.add("http.etag", value)
	case strings.EqualFold(name, "location"):
		out.add("http.location", redactURL(value))
	case strings.EqualFold(name, "set-cookie"):
		// A firmware's web server names its session cookie its own way; the
		// value is a session token and is never kept.
		if cookie, ok := cookieName(value); ok {
			out.add("http.cookie_name", cookie)
		}
	case strings.EqualFold(name, "content-type"):
		out.add("http.content_type", value)
	}
}

// requestPath returns the path and query of a request target, also for the
// absolute form a proxy-style client sends ("http://host:80/x" -> "/x").
func requestPath(target string) string {
	if i := strings.Index(target, "://"); i >= 0 {
		rest := target[i+3:]
		j := strings.IndexAny(rest, "/?")
		if j < 0 {
			return "/"
		}
		return rest[j:]
	}
	return target
}

// looksLikeText reports whether a body is worth emitting as text: images
// and other binary bodies are not.
func looksLikeText(contentType string, body []byte) bool {
	if len(body) == 0 {
		return false
	}
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "image/") || strings.HasPrefix(ct, "audio/") || strings.HasPrefix(ct, "video/") {
		return false
	}
	return bytes.IndexByte(body[:min(len(body), 512)], 0) < 0
}

// mayBeXML reports a body an XML answer may be in: one typed as XML
// (application/soap+xml, text/xml, ...) or not typed at all, as some camera
// firmware sends it. HTML pages, scripts and media are not searched.
func mayBeXML(contentType string) bool {
	return contentType == "" || strings.Contains(strings.ToLower(contentType), "xml")
}

// bodyText is the first maxBodyTextBytes of the body as text.
func bodyText(body []byte) string {
	return strings.TrimSpace(clip(string(body[:min(len(body), maxBodyTextBytes+4)]), maxBodyTextBytes))
}

// maxTitleSearch bounds how far into a body the <title> is looked for.
const maxTitleSearch = 64 << 10

// htmlTitle returns the text of the first <title> element, entities
// decoded and white space folded.
func htmlTitle(body []byte) string {
	b := body[:min(len(body), maxTitleSearch)]
	start := indexASCIIFold(b, "<title")
	if start < 0 {
		return ""
	}
	gt := bytes.IndexByte(b[start:], '>')
	if gt < 0 {
		return ""
	}
	from := start + gt + 1
	end := indexASCIIFold(b[from:], "</title")
	if end < 0 {
		end = min(len(b)-from, maxValueBytes)
	}
	text := html.UnescapeString(string(b[from : from+end]))
	return strings.Join(strings.Fields(text), " ")
}

// indexASCIIFold is bytes.Index of a lower-case ASCII needle, ignoring the
// ASCII case of b. It neither copies b nor lower-cases it (bytes.ToLower
// changes the length of text that is not UTF-8, a firmware's Latin-1, and
// so every index found in it), and costs nothing per page but the scan.
func indexASCIIFold(b []byte, needle string) int {
	first := needle[0] // a '<': callers look for tags, whose first byte has no case
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], first)
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i < len(needle) {
			return -1
		}
		if equalASCIIFold(b[i:i+len(needle)], needle) {
			return i
		}
		i++
	}
}

// equalASCIIFold reports whether b, ASCII case ignored, is the lower-case
// needle (b as bytes or as a string: neither is copied).
func equalASCIIFold[T string | []byte](b T, needle string) bool {
	for k := range len(needle) {
		c := b[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != needle[k] {
			return false
		}
	}
	return true
}

// maxCookieName bounds the cookie names kept: a firmware's own names are
// short, anything longer is noise.
const maxCookieName = 64

// cookieName returns the name a Set-Cookie header value sets ("name=value;
// attributes"), if it is a token (RFC 6265: as a header name) of a
// sensible length.
func cookieName(value string) (string, bool) {
	name, _, found := strings.Cut(value, "=")
	name = strings.TrimSpace(name)
	if !found || len(name) > maxCookieName || !validHeaderName([]byte(name)) {
		return "", false
	}
	return name, true
}

package service

import (
	"bytes"
	"errors"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

var (
	errNotClientHello = errors.New("service: not the start of a TLS ClientHello")
	errNotHTTPRequest = errors.New("service: not the start of an HTTP request")
)

const (
	msgClientHello = 1
	extServerName  = 0
	sniHostName    = 0
	// maxSNIBytes is the longest DNS name (RFC 1035).
	maxSNIBytes = 253
)

// ClientHello reads the first TCP segment a TLS client sends and emits the
// server name it asks for (RFC 6066 server_name) as tls.sni about the client:
// like a DNS question, it is a name the client asked for. A device keeps
// reconnecting to its maker's cloud long after the DNS answer was cached, so
// a capture often holds the name only here. A hello cut short by the segment
// still gives the name when the extension lies in what arrived; a hello
// without one, or with a name that is no DNS name (an address, control
// bytes), gives nothing.
func ClientHello(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	hello, ok := clientHelloBody(payload)
	if !ok {
		return errNotClientHello
	}
	if name := serverName(hello); name != "" {
		m.SrcPort = 0 // the client's ephemeral port is no service of the device
		newEmitter(m, emit).add("tls.sni", name)
	}
	return nil
}

// ClientFirst returns the decoder for the first bytes a client sends on a
// TCP connection when they are recognised: a TLS ClientHello, an HTTP
// request, or a SIP message (a camera or intercom registering with its
// platform over TCP is the connection's client).
func ClientFirst(payload []byte) (scanner.Decoder, bool) {
	if len(payload) == 0 {
		return nil, false
	}
	// Every TCP segment a local client sends comes here: the first byte
	// settles most of them.
	switch payload[0] {
	case recordHandshake:
		return ClientHello, IsClientHello(payload)
	case 'G', 'H':
		return HTTPRequestHost, isHTTPRequestStart(payload)
	case 'P':
		if isHTTPRequestStart(payload) {
			return HTTPRequestHost, true
		}
	}
	if discovery.IsSIP(payload) {
		return sipFromClient, true
	}
	return nil, false
}

// sipFromClient reads a SIP message a TCP client sent about itself; the
// client's port is an ephemeral one, no service of the device.
func sipFromClient(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	m.SrcPort = 0
	return discovery.SIP(payload, m, emit)
}

// HTTPRequestHost reads the head of an HTTP request a client sends and emits
// the host name it asks for (the Host header, without a port) as
// http.request_host about the client: like a DNS question, it is a name the
// client asked for, and a device fetching its configuration or firmware by
// plain HTTP names its maker's server here even when the DNS answer was
// cached before the capture began. Beside the name come the request's target
// (http.request_target) and the client's User-Agent (http.request_user_agent).
// An address, as in a request to a local device, is no name and gives
// nothing; a head split over segments before its Host line (the Hue bridge
// sends "POST " alone) gives nothing either.
func HTTPRequestHost(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	// Every request a local client sends comes here (a VMS polls each
	// camera many times a second): only the request line and the Host and
	// User-Agent lines are read, in place, rather than the whole head.
	line, rest, _ := bytes.Cut(payload[:min(len(payload), maxRequestHeadBytes)], []byte("\n"))
	if !isRequestLine(line) {
		return errNotHTTPRequest
	}
	if name := dnsName(withoutPort(headerIn(rest, "host"))); name != "" {
		m.SrcPort = 0 // the client's ephemeral port is no service of the device
		out := newEmitter(m, emit)
		out.add("http.request_host", name)
		if target := requestTarget(line); target != "" {
			out.add("http.request_target", target)
		}
		// The client's User-Agent, beside the name: a camera's firmware
		// names itself in its own requests to its maker's servers (Foscam's,
		// Talos rule 43080; a Xiaomi camera's MIoT, realdata §13). Read only
		// with a host name, as the target is: a viewer asking a local
		// device by address says what the viewer is, and is not read.
		out.add("http.request_user_agent", string(headerIn(rest, "user-agent")))
	}
	return nil
}

// requestTarget returns the origin-form target of a request line (path and
// query, as sent) with credentials redacted as in http.path, or "" for a
// target that is no path (a proxy's absolute form, CONNECT's authority, "*",
// "/" alone). The registry bounds it (1 KiB, after the redaction).
// It is read only beside a Host that is a name: a device asking its maker's
// server by name, not a viewer or a VMS addressing a local device by IP,
// whose requests are read as the server's http.path.
func requestTarget(line []byte) string {
	line = bytes.TrimRight(line, "\r")
	first, last := bytes.IndexByte(line, ' '), bytes.LastIndexByte(line, ' ')
	target := line[first+1 : last]
	if len(target) < 2 || target[0] != '/' {
		return ""
	}
	return redactURL(string(target))
}

// isRequestLine reports "METHOD target HTTP/x.y" (the CR kept by a cut at
// LF allowed), as splitRequestLine does, without a copy.
func isRequestLine(line []byte) bool {
	line = bytes.TrimRight(line, "\r")
	first, last := bytes.IndexByte(line, ' '), bytes.LastIndexByte(line, ' ')
	return first > 0 && last > first+1 && validHeaderName(line[:first]) &&
		bytes.IndexByte(line[first+1:last], ' ') < 0 && bytes.HasPrefix(line[last+1:], []byte("HTTP/"))
}

// headerIn returns the value of the first header called name (lower-case)
// in the header lines of a head, or nil.
func headerIn(head []byte, name string) []byte {
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			return nil // the end of the head
		}
		if len(line) > len(name) && line[len(name)] == ':' && equalASCIIFold(line[:len(name)], name) {
			return bytes.TrimSpace(line[len(name)+1:])
		}
	}
	return nil
}

// maxRequestHeadBytes bounds the request head read for its Host header.
const maxRequestHeadBytes = 8 << 10

// isHTTPRequestStart reports whether b starts with the method of an HTTP
// request that names a host (not SSDP's M-SEARCH/NOTIFY, which go over UDP).
func isHTTPRequestStart(b []byte) bool {
	for _, method := range []string{"GET ", "POST ", "HEAD ", "PUT "} {
		if len(b) > len(method) && string(b[:len(method)]) == method {
			return true
		}
	}
	return false
}

// withoutPort drops a ":port" after a host name.
func withoutPort(host []byte) []byte {
	if i := bytes.LastIndexByte(host, ':'); i >= 0 && bytes.IndexByte(host[:i], ':') < 0 {
		return host[:i]
	}
	return host
}

// IsClientHello reports whether a TCP payload starts a TLS handshake record
// holding a ClientHello: a cheap test before ClientHello is called.
func IsClientHello(b []byte) bool {
	return len(b) >= 6 && b[0] == recordHandshake && b[1] == 3 && b[5] == msgClientHello
}

// clientHelloBody returns the ClientHello message body from the first
// record, as much of it as the payload holds.
func clientHelloBody(b []byte) ([]byte, bool) {
	if !IsClientHello(b) || len(b) < 9 {
		return nil, false
	}
	record := b[5:min(len(b), 5+(int(b[3])<<8|int(b[4])))]
	if len(record) < 4 {
		return nil, false
	}
	n := int(record[1])<<16 | int(record[2])<<8 | int(record[3])
	return record[4:min(len(record), 4+n)], true
}

// serverName walks a ClientHello body to its extensions and returns the
// host name of server_name, lower-case, or "".
func serverName(hello []byte) string {
	p := 2 + 32 // client version, random
	p = skipVector(hello, p, 1)
	p = skipVector(hello, p, 2) // cipher suites
	p = skipVector(hello, p, 1) // compression methods
	if p < 0 || p+2 > len(hello) {
		return ""
	}
	ext := hello[p+2 : min(len(hello), p+2+(int(hello[p])<<8|int(hello[p+1])))]
	for len(ext) >= 4 {
		typ, n := int(ext[0])<<8|int(ext[1]), int(ext[2])<<8|int(ext[3])
		if 4+n > len(ext) {
			return ""
		}
		if typ == extServerName {
			return hostNameOf(ext[4 : 4+n])
		}
		ext = ext[4+n:]
	}
	return ""
}

// skipVector returns the offset after a vector with a size-byte length at
// p, or -1 when it does not fit.
func skipVector(b []byte, p, size int) int {
	if p < 0 || p+size > len(b) {
		return -1
	}
	n := 0
	for _, c := range b[p : p+size] {
		n = n<<8 | int(c)
	}
	if p+size+n > len(b) {
		return -1
	}
	return p + size + n
}

// hostNameOf reads the host_name entry of a server_name extension.
func hostNameOf(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	list := b[2:min(len(b), 2+(int(b[0])<<8|int(b[1])))]
	for len(list) >= 3 {
		typ, n := list[0], int(list[1])<<8|int(list[2])
		if 3+n > len(list) {
			return ""
		}
		if typ == sniHostName {
			return dnsName(list[3 : 3+n])
		}
		list = list[3+n:]
	}
	return ""
}

// dnsName returns b lower-cased without a trailing dot when it is a DNS name
// of letters, digits, hyphens, underscores and dots with at least one dot and
// a letter (an address literal is not a name), else "".
func dnsName(b []byte) string {
	b = bytes.TrimSuffix(b, []byte("."))
	if len(b) == 0 || len(b) > maxSNIBytes || b[0] == '.' || bytes.IndexByte(b, '.') < 0 || bytes.Contains(b, []byte("..")) {
		return ""
	}
	letter := false
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return ""
		}
	}
	if !letter {
		return "" // an address literal is not a name
	}
	return observe.ASCIILower(string(b)) // checked first: only names cost a copy
}

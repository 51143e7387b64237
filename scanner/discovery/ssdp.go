package discovery

import (
	"bytes"
	"errors"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

// maxSSDPPayload bounds an SSDP message: one datagram.
const maxSSDPPayload = 65535

var (
	errSSDPTooLarge = errors.New("ssdp: payload larger than a datagram")
	errSSDPStart    = errors.New("ssdp: not a NOTIFY, M-SEARCH or HTTP response")
)

// ssdpKeys maps the headers a device announces itself with to their keys.
var ssdpKeys = map[string]string{
	"SERVER":   "ssdp.server",
	"LOCATION": "ssdp.location",
	"USN":      "ssdp.usn",
	"NT":       "ssdp.nt",
	"ST":       "ssdp.st",
}

// SSDP decodes an SSDP datagram. NOTIFY announcements and M-SEARCH
// responses describe their sender; an M-SEARCH request is a control point
// looking for others, not a device statement, and emits nothing.
func SSDP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxSSDPPayload {
		return errSSDPTooLarge
	}
	first, rest, _ := bytes.Cut(payload, []byte("\n"))
	start := strings.ToUpper(strings.TrimSpace(string(first)))
	switch {
	case strings.HasPrefix(start, "M-SEARCH "):
		return nil
	case strings.HasPrefix(start, "NOTIFY "), strings.HasPrefix(start, "HTTP/"):
	default:
		return errSSDPStart
	}
	s := newSink(m, emit)
	for line := range bytes.Lines(rest) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			if len(bytes.TrimSpace(line)) == 0 {
				break // end of headers
			}
			continue
		}
		if key, known := ssdpKeys[strings.ToUpper(strings.TrimSpace(string(name)))]; known {
			s.field(key, string(value))
		}
	}
	return nil
}

// SSDPSearch is an SSDP M-SEARCH for everything.
func SSDPSearch() []byte {
	return []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")
}

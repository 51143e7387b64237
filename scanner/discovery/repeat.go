package discovery

import (
	"bytes"
)

// RepeatKey returns the parts of a UDP datagram between these ports that
// its observations depend on, for a caller that skips a datagram when one
// with the same parts, from the same sender, was decoded without error
// before. For most protocols that is the whole payload (head is nil). A
// WS-Discovery message (UDP 3702) carries a fresh MessageID, a RelatesTo
// and an AppSequence in its SOAP header every time a device answers or
// announces itself, while the body that WSD reads does not change: its key
// is the prolog (the XML declaration names the charset) and the message
// from the first Body start tag on. WSD reads that element's subtree only,
// and for a document that parses, the subtree is made from those bytes
// alone: a header cannot open or close elements inside it.
func RepeatKey(srcPort, dstPort uint16, payload []byte) (head, tail []byte) {
	if !isWSDPorts(srcPort, dstPort) {
		return nil, payload
	}
	body := wsdBodyStart(payload)
	if body < 0 {
		return nil, payload
	}
	root := bytes.IndexByte(payload, '<')
	for root >= 0 && root+1 < len(payload) && (payload[root+1] == '?' || payload[root+1] == '!') {
		next := bytes.IndexByte(payload[root+1:], '<')
		if next < 0 {
			return nil, payload
		}
		root += 1 + next
	}
	// Between the prolog and Body every '<' must open or close an element,
	// so that the Body found here is a tag in every document that parses,
	// not text inside a comment, CDATA or an instruction.
	if root < 0 || root > body || bytes.Contains(payload[root:body], []byte("<!")) || bytes.Contains(payload[root:body], []byte("<?")) {
		return nil, payload
	}
	return payload[:root], payload[body:]
}

// isWSDPorts says whether ByPort picks WSD for these ports.
func isWSDPorts(srcPort, dstPort uint16) bool {
	if isKnownUDPPort(srcPort) {
		return srcPort == 3702
	}
	return dstPort == 3702
}

// wsdBodyStart returns the offset of the first start tag whose local name
// is Body in any case (what find("Body") finds), or -1.
func wsdBodyStart(b []byte) int {
	for i := 0; i+5 < len(b); i++ {
		next := bytes.IndexByte(b[i:], '<') // SIMD jump: a header is mostly text between tags
		if next < 0 {
			return -1
		}
		i += next
		if i+5 >= len(b) {
			return -1
		}
		if b[i+1] == '/' || b[i+1] == '?' || b[i+1] == '!' {
			continue
		}
		end := i + 1
		for end < len(b) && isXMLNameByte(b[end]) {
			end++
		}
		name := b[i+1 : end]
		if c := bytes.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		if bytes.EqualFold(name, []byte("body")) {
			return i
		}
	}
	return -1
}

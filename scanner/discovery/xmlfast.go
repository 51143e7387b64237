package discovery

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// parseXMLFast builds the same tree as the encoding/xml path (parseXMLSlow)
// for the plain XML that discovery messages are: UTF-8, quoted attributes,
// the five predefined entities, comments, an <?xml?> declaration that names
// version 1.0 and UTF-8 at most. It is several times faster, because a
// camera network repeats WS-Discovery and SADP messages whose bytes differ
// (message ids) while their content does not. For anything else (another
// charset, CDATA, numeric references, a DOCTYPE, an unbalanced or hostile
// document) it returns ok=false and the caller takes the encoding/xml path,
// so the two can never disagree on a document the fast path accepts:
// FuzzXMLFastMatchesSlow checks exactly that.
func parseXMLFast(b []byte) (root *xnode, ok bool) {
	// One copy of the document: names are slices of it, not allocations.
	p := xmlScanner{b: b, s: string(b)}
	doc := &xnode{}
	stack := []*xnode{doc}
	qnames := []string{""} // the open elements' names as written, for their end tags
	nodes := 0
	if bytes.HasPrefix(b, []byte("<?")) && !p.declaration() {
		return nil, false
	}
	for p.i < len(p.b) {
		top := stack[len(stack)-1]
		if p.b[p.i] != '<' {
			if !p.text(top) {
				return nil, false
			}
			continue
		}
		switch {
		case p.has("</"):
			name, ok := p.endTag()
			if !ok || len(stack) < 2 || qnames[len(qnames)-1] != name {
				return nil, false
			}
			stack, qnames = stack[:len(stack)-1], qnames[:len(qnames)-1]
		case p.has("<!--"):
			if !p.comment() {
				return nil, false
			}
		case p.has("<!"), p.has("<?"):
			return nil, false // CDATA, DOCTYPE, a processing instruction
		default:
			if nodes++; nodes > maxXMLNodes || len(stack) > maxXMLDepth {
				return nil, false // let encoding/xml give its error
			}
			qname, local, empty, ok := p.startTag()
			if !ok {
				return nil, false
			}
			n := p.node(local)
			top.children = append(top.children, n)
			if !empty {
				stack, qnames = append(stack, n), append(qnames, qname)
			}
		}
	}
	if len(stack) != 1 || len(doc.children) == 0 {
		return nil, false
	}
	return doc.children[0], true
}

// xmlScanner walks a document byte by byte.
type xmlScanner struct {
	b     []byte
	s     string // b as a string
	i     int
	nodes []xnode // allocated a block at a time
}

// node returns a new element node.
func (p *xmlScanner) node(name string) *xnode {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]xnode, 0, 16)
	}
	p.nodes = append(p.nodes, xnode{name: name})
	return &p.nodes[len(p.nodes)-1]
}

func (p *xmlScanner) has(prefix string) bool {
	return bytes.HasPrefix(p.b[p.i:], []byte(prefix))
}

func (p *xmlScanner) spaces() {
	for p.i < len(p.b) && isXMLSpace(p.b[p.i]) {
		p.i++
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isXMLNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '.' || c == '-'
}

// name reads an element or attribute name and returns it whole and its
// local part. Only ASCII names with at most one colon, not at either end,
// are taken: encoding/xml reads others differently or refuses them.
func (p *xmlScanner) name() (qname, local string, ok bool) {
	start := p.i
	for p.i < len(p.b) && isXMLNameByte(p.b[p.i]) {
		p.i++
	}
	n := p.b[start:p.i]
	if len(n) == 0 || !(n[0] == '_' || 'A' <= n[0] && n[0] <= 'Z' || 'a' <= n[0] && n[0] <= 'z') {
		return "", "", false
	}
	if p.i < len(p.b) && p.b[p.i] >= utf8.RuneSelf {
		return "", "", false
	}
	qname = p.s[start:p.i]
	colon := strings.IndexByte(qname, ':')
	switch {
	case colon < 0:
		return qname, qname, true
	case colon == len(qname)-1 || strings.Count(qname, ":") > 1:
		return "", "", false
	}
	return qname, qname[colon+1:], true
}

// startTag reads <name attr="v" ...> or <name .../>.
func (p *xmlScanner) startTag() (qname, local string, empty, ok bool) {
	p.i++ // '<'
	if qname, local, ok = p.name(); !ok {
		return "", "", false, false
	}
	for {
		if p.i >= len(p.b) {
			return "", "", false, false
		}
		switch c := p.b[p.i]; {
		case c == '>':
			p.i++
			return qname, local, false, true
		case c == '/':
			if !p.has("/>") {
				return "", "", false, false
			}
			p.i += 2
			return qname, local, true, true
		case isXMLSpace(c):
			p.spaces()
			if p.i < len(p.b) && p.b[p.i] != '>' && p.b[p.i] != '/' && !p.attribute() {
				return "", "", false, false
			}
		default:
			return "", "", false, false
		}
	}
}

// attribute skips name="value" (or single quotes); the value is checked as
// encoding/xml checks it, and one with an entity or a '<' is left to it.
func (p *xmlScanner) attribute() bool {
	if _, _, ok := p.name(); !ok {
		return false
	}
	p.spaces()
	if p.i >= len(p.b) || p.b[p.i] != '=' {
		return false
	}
	p.i++
	p.spaces()
	if p.i >= len(p.b) || (p.b[p.i] != '"' && p.b[p.i] != '\'') {
		return false
	}
	quote := p.b[p.i]
	end := bytes.IndexByte(p.b[p.i+1:], quote)
	if end < 0 {
		return false
	}
	value := p.b[p.i+1 : p.i+1+end]
	if bytes.ContainsAny(value, "<&") || !validXMLChars(value) {
		return false
	}
	p.i += end + 2
	return true
}

// endTag reads </name> and returns the name.
func (p *xmlScanner) endTag() (string, bool) {
	p.i += 2
	qname, _, ok := p.name()
	if !ok {
		return "", false
	}
	p.spaces()
	if p.i >= len(p.b) || p.b[p.i] != '>' {
		return "", false
	}
	p.i++
	return qname, true
}

// comment skips <!-- ... -->; a "--" inside is left to encoding/xml.
func (p *xmlScanner) comment() bool {
	body := p.b[p.i+4:]
	end := bytes.Index(body, []byte("--"))
	if end < 0 || end+2 >= len(body) || body[end+2] != '>' || bytes.HasPrefix(body, []byte("-")) {
		return false
	}
	p.i += 4 + end + 3
	return true
}

// declaration reads a leading <?xml ...?> whose pseudo-attributes change
// nothing: version 1.0, encoding UTF-8, standalone.
func (p *xmlScanner) declaration() bool {
	end := bytes.Index(p.b, []byte("?>"))
	if end < 0 || !bytes.HasPrefix(p.b, []byte("<?xml")) || end < 5 || !isXMLSpace(p.b[5]) && end != 5 {
		return false
	}
	for _, field := range strings.Fields(string(p.b[5:end])) {
		k, v, ok := strings.Cut(field, "=")
		if !ok || len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
			return false
		}
		v = v[1 : len(v)-1]
		switch {
		case k == "version" && v == "1.0":
		case k == "encoding" && strings.EqualFold(v, "utf-8"):
		case k == "standalone" && (v == "yes" || v == "no"):
		default:
			return false
		}
	}
	p.i = end + 2
	return true
}

var xmlEntities = [...]struct{ ref, text string }{
	{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&apos;", "'"}, {"&quot;", `"`},
}

// text appends character data up to the next '<' to n, as encoding/xml
// delivers it: entities replaced, CR LF and lone CR read as LF, capped at
// maxXMLText bytes per element.
func (p *xmlScanner) text(n *xnode) bool {
	var b0, b1 byte // the two bytes before, for "]]>"; an entity resets them as encoding/xml does
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '<':
			return true
		case c == '&':
			ref, ok := p.entity()
			if !ok {
				return false
			}
			appendText(n, ref)
			b0, b1 = 0, 0
			continue
		case c == '>' && b0 == ']' && b1 == ']':
			return false // encoding/xml refuses "]]>" outside CDATA
		case c == '\r':
			appendText(n, "\n")
			p.i++
			if p.i < len(p.b) && p.b[p.i] == '\n' {
				p.i++
				b0, b1 = '\r', '\n'
				continue
			}
		case c < 0x20 && c != '\t' && c != '\n':
			return false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(p.b[p.i:])
			if !validXMLRune(r, size) {
				return false
			}
			appendBytes(n, p.b[p.i:p.i+size])
			p.i += size
			c = p.b[p.i-1]
		case plainTextByte(c):
			start := p.i
			for p.i < len(p.b) && plainTextByte(p.b[p.i]) {
				p.i++
			}
			appendBytes(n, p.b[start:p.i])
			if p.i-start >= 2 {
				b1 = p.b[p.i-2]
			}
			c = p.b[p.i-1]
		default: // '>' not closing "]]"
			appendText(n, ">")
			p.i++
		}
		b0, b1 = b1, c
	}
	return true
}

// plainTextByte is a byte that text copies as it is.
func plainTextByte(c byte) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '&' && c != '>' || c == '\t' || c == '\n'
}

func (p *xmlScanner) entity() (string, bool) {
	for _, e := range xmlEntities {
		if p.has(e.ref) {
			p.i += len(e.ref)
			return e.text, true
		}
	}
	return "", false
}

// appendText adds s to n's text within the per-element cap.
func appendText(n *xnode, s string) {
	if room := maxXMLText - n.text.Len(); room > 0 {
		n.text.WriteString(s[:min(len(s), room)])
	}
}

func appendBytes(n *xnode, b []byte) {
	if room := maxXMLText - n.text.Len(); room > 0 {
		n.text.Write(b[:min(len(b), room)])
	}
}

func validXMLChars(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if !validXMLRune(r, size) {
			return false
		}
		b = b[size:]
	}
	return true
}

func validXMLRune(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return false
	}
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

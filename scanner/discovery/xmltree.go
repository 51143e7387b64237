package discovery

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// Limits for XML a device sends: a discovery datagram or a UPnP description
// is a few KiB; anything far beyond is hostile.
const (
	maxXMLBytes = 256 << 10
	maxXMLDepth = 64
	maxXMLNodes = 8192
	maxXMLText  = 2 * maxValue // per element; clip() bounds the emitted value
)

var (
	errXMLTooLarge = errors.New("xml: document too large")
	errXMLTooDeep  = errors.New("xml: elements nested too deep")
	errXMLTooMany  = errors.New("xml: too many elements")
	errXMLEmpty    = errors.New("xml: no root element")
)

// xnode is an element reduced to what discovery needs: its local name (the
// namespace prefix varies between devices and is ignored), its own text
// and its child elements.
type xnode struct {
	name     string
	text     strings.Builder
	children []*xnode
}

// parseXML reads a whole document into a tree: with parseXMLFast when the
// document is plain enough for it, else with encoding/xml (parseXMLSlow).
// Both give the same tree for every document the fast path accepts.
func parseXML(b []byte) (*xnode, error) {
	if len(b) > maxXMLBytes {
		return nil, errXMLTooLarge
	}
	if root, ok := parseXMLFast(b); ok {
		return root, nil
	}
	return parseXMLSlow(b)
}

// parseXMLSlow reads a whole document into a tree with encoding/xml. It is
// lenient where devices are sloppy (Strict off: missing end tags and stray
// entities are tolerated; a declared legacy charset such as gb2312 is
// converted to UTF-8) and strict about size.
func parseXMLSlow(b []byte) (*xnode, error) {
	if len(b) > maxXMLBytes {
		return nil, errXMLTooLarge
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = charsetReader
	root := &xnode{} // document node; the real root is its first child
	stack := []*xnode{root}
	nodes := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if nodes++; nodes > maxXMLNodes {
				return nil, errXMLTooMany
			}
			if len(stack) > maxXMLDepth {
				return nil, errXMLTooDeep
			}
			n := &xnode{name: t.Name.Local}
			parent := stack[len(stack)-1]
			parent.children = append(parent.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top := stack[len(stack)-1]
			if room := maxXMLText - top.text.Len(); room > 0 {
				top.text.Write(t[:min(len(t), room)])
			}
		}
	}
	if len(root.children) == 0 {
		return nil, errXMLEmpty
	}
	return root.children[0], nil
}

// charsetReader converts a declared charset to UTF-8 (Chinese firmware
// declares gb2312 or gbk). An unknown label is read as is: if the bytes are
// not UTF-8 the decoder then reports a syntax error.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return r, nil
	}
	return enc.NewDecoder().Reader(r), nil
}

// child returns the first direct child with this local name, compared
// without case (devices capitalise freely).
func (n *xnode) child(name string) *xnode {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// find returns the first descendant with this local name, depth first.
func (n *xnode) find(name string) *xnode {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
		if f := c.find(name); f != nil {
			return f
		}
	}
	return nil
}

// childText returns the text of the named child, or "".
func (n *xnode) childText(name string) string {
	if c := n.child(name); c != nil {
		return c.text.String()
	}
	return ""
}

package discovery

import (
	"fmt"
	"strings"
	"testing"
)

// sameTree says how two trees differ, or "" when they are the same: names,
// text and children in order, all an observation can be made from.
func sameTree(a, b *xnode, path string) string {
	if a.name != b.name {
		return fmt.Sprintf("%s: name %q vs %q", path, a.name, b.name)
	}
	path += "/" + a.name
	if a.text.String() != b.text.String() {
		return fmt.Sprintf("%s: text %q vs %q", path, a.text.String(), b.text.String())
	}
	if len(a.children) != len(b.children) {
		return fmt.Sprintf("%s: %d children vs %d", path, len(a.children), len(b.children))
	}
	for i := range a.children {
		if d := sameTree(a.children[i], b.children[i], path); d != "" {
			return d
		}
	}
	return ""
}

// checkFastMatchesSlow fails when the fast path accepts a document that
// encoding/xml refuses or reads into another tree. Whether it accepts is
// its own business: it may always hand over.
func checkFastMatchesSlow(t *testing.T, doc []byte) (accepted bool) {
	t.Helper()
	fast, ok := parseXMLFast(doc)
	if !ok {
		return false
	}
	slow, err := parseXMLSlow(doc)
	if err != nil {
		t.Fatalf("fast path accepted what encoding/xml refuses (%v):\n%q", err, doc)
	}
	if d := sameTree(fast, slow, ""); d != "" {
		t.Fatalf("fast path differs from encoding/xml at %s:\n%q", d, doc)
	}
	return true
}

// xmlSeeds are the discovery documents the decoders read: real and
// constructed WS-Discovery, SADP and UPnP messages.
func xmlSeeds(tb testing.TB) [][]byte {
	return [][]byte{
		readRealdata(tb, "python-ws-discovery/probe_response_IPCAM_631GA.xml"),
		readTestdata(tb, "Probe.xml"),
		readTestdata(tb, "wsd_hello_hikvision_template_constructed.xml"),
		readTestdata(tb, "wsd_probematch_dahua_template_constructed.xml"),
		readTestdata(tb, "device.GetDNS.xml"),
		readTestdata(tb, "sadp_probematch_constructed.xml"),
		readTestdata(tb, "sadp_probe_constructed.xml"),
		readTestdata(tb, "upnp_description_constructed.xml"),
	}
}

// The discovery messages devices send take the fast path, and give the
// tree encoding/xml gives.
func TestXMLFastTakesDiscoveryMessages(t *testing.T) {
	for i, doc := range xmlSeeds(t) {
		if !checkFastMatchesSlow(t, doc) {
			t.Errorf("seed %d not taken by the fast path:\n%.200s", i, doc)
		}
	}
}

// What the fast path leaves to encoding/xml, each for a reason its doc
// comment gives; and what it takes that looks odd but reads the same.
func TestXMLFastBoundaries(t *testing.T) {
	cases := []struct {
		doc  string
		fast bool
	}{
		{`<?xml version="1.0" encoding="gb2312"?><a>x</a>`, false}, // charset conversion
		{`<a><![CDATA[x]]></a>`, false},
		{`<a>&#65;</a>`, false},
		{`<!DOCTYPE a><a/>`, false},
		{`<a><b></a>`, false},   // unbalanced: encoding/xml's non-strict repair
		{`<a>x]]>y</a>`, false}, // refused by encoding/xml
		{`<a b=c/>`, false},     // unquoted attribute
		{`<a:b:c/>`, false},     // two colons
		{"<a>\x01</a>", false},  // illegal character
		{"<a>\xff</a>", false},  // invalid UTF-8
		{`<a>x</a><!-- c -- d -->`, false},
		{`<?xml version="1.0" encoding="UTF-8"?><s:E xmlns:s="u"><s:B>a &amp; b&lt;</s:B></s:E>`, true},
		{"<a>x\r\ny\rz</a>", true},
		{`<a>]]&gt;</a>`, true},
		{"<a x='1'\ty=\"2\" >t<!-- c --></a >\n", true},
		{`<a>中文</a>`, true},
	}
	for _, c := range cases {
		t.Run(c.doc, func(t *testing.T) {
			if got := checkFastMatchesSlow(t, []byte(c.doc)); got != c.fast {
				t.Errorf("fast path took it: %v, want %v", got, c.fast)
			}
		})
	}
}

// The limits hold on the fast path too: it hands a document over them to
// encoding/xml, which refuses it with the limit's error.
func TestXMLFastLimits(t *testing.T) {
	deep := []byte(strings.Repeat("<a>", maxXMLDepth+2) + strings.Repeat("</a>", maxXMLDepth+2))
	if _, ok := parseXMLFast(deep); ok {
		t.Error("fast path took a document nested past the limit")
	}
	long := []byte("<a>" + strings.Repeat("x", maxXMLText+100) + "</a>")
	root, ok := parseXMLFast(long)
	if !ok || root.text.Len() != maxXMLText {
		t.Errorf("text not capped at %d bytes (ok=%v)", maxXMLText, ok)
	}
	checkFastMatchesSlow(t, long)
}

// FuzzXMLFastMatchesSlow is the differential test: on every input the fast
// path accepts, encoding/xml must give the same tree.
func FuzzXMLFastMatchesSlow(f *testing.F) {
	for _, s := range xmlSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("<a>x\r\ny&amp;]]&gt;</a>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > maxXMLBytes {
			return
		}
		checkFastMatchesSlow(t, doc)
	})
}

// BenchmarkXMLParse compares the two paths on a real WS-Discovery ProbeMatch.
func BenchmarkXMLParse(b *testing.B) {
	doc := readRealdata(b, "python-ws-discovery/probe_response_IPCAM_631GA.xml")
	for _, p := range []struct {
		name  string
		parse func([]byte) (*xnode, error)
	}{{"fast", parseXML}, {"encoding-xml", parseXMLSlow}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.parse(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

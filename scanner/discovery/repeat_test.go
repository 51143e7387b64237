package discovery

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

func repeatKey(src, dst uint16, b []byte) []byte {
	head, tail := RepeatKey(src, dst, b)
	return slices.Concat(head, []byte{0}, tail)
}

func wsdObservations(t *testing.T, b []byte) []fingerprint.Observation {
	t.Helper()
	var obs []fingerprint.Observation
	if err := WSD(b, fuzzMeta, func(o fingerprint.Observation) { obs = append(obs, o) }); err != nil {
		t.Fatalf("WSD: %v", err)
	}
	return obs
}

// Two answers of one camera that differ in their header ids share a key and
// give the same observations; an answer with another scope does not share it.
func TestRepeatKeyIgnoresWSDHeaderIDs(t *testing.T) {
	a := readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml")
	b := bytes.Replace(a, []byte("2de9f5ad-abd2-4c0e-9ba8-178098d67f01"), []byte("11111111-2222-4333-8444-555555555555"), 1)
	b = bytes.Replace(b, []byte("<wsa:MessageID>uuid:2419d68a"), []byte("<wsa:MessageID>uuid:99999999"), 1)
	if bytes.Equal(a, b) {
		t.Fatal("test data did not change")
	}
	if !bytes.Equal(repeatKey(3702, 3702, a), repeatKey(3702, 40000, b)) {
		t.Error("answers that differ in header ids have different keys")
	}
	if !slices.Equal(wsdObservations(t, a), wsdObservations(t, b)) {
		t.Error("answers that share a key give different observations")
	}
	c := bytes.Replace(a, []byte("Model/631GA"), []byte("Model/631GB"), 1)
	if bytes.Equal(repeatKey(3702, 3702, a), repeatKey(3702, 3702, c)) {
		t.Error("answers with different scopes share a key")
	}
	d := bytes.Replace(a, []byte(`encoding="UTF-8"`), []byte(`encoding="gb2312"`), 1)
	if bytes.Equal(repeatKey(3702, 3702, a), repeatKey(3702, 3702, d)) {
		t.Error("answers in different charsets share a key")
	}
}

// Other protocols, and WS-Discovery messages whose header holds anything
// but elements, are keyed by their whole payload.
func TestRepeatKeyIsTheWholePayloadOtherwise(t *testing.T) {
	a := readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml")
	commented := []byte(strings.Replace(string(a), "<SOAP-ENV:Header>", "<SOAP-ENV:Header><!-- <Body> -->", 1))
	for name, c := range map[string]struct {
		src, dst uint16
		payload  []byte
	}{
		"ssdp":              {1900, 1900, a},
		"sadp to 3702":      {37020, 3702, a}, // ByPort picks SADP by the source port
		"comment in header": {3702, 3702, commented},
		"no body":           {3702, 3702, []byte("<a><b/></a>")},
	} {
		if head, tail := RepeatKey(c.src, c.dst, c.payload); head != nil || !bytes.Equal(tail, c.payload) {
			t.Errorf("%s: keyed by a part of the payload", name)
		}
	}
}

// FuzzRepeatKey: two WS-Discovery messages with the same key, both decoded
// without error, give the same observations. The second message is the
// first with its header changed by the fuzzer.
func FuzzRepeatKey(f *testing.F) {
	a := readRealdata(f, "python-ws-discovery/probe_response_IPCAM_631GA.xml")
	f.Add(a, []byte("<wsa:MessageID>x</wsa:MessageID>"))
	f.Add(readTestdata(f, "wsd_hello_hikvision_template_constructed.xml"), []byte("<h><Body>"))
	f.Fuzz(func(t *testing.T, doc, header []byte) {
		_, tail := RepeatKey(3702, 3702, doc)
		if len(tail) == len(doc) {
			return
		}
		head, _ := RepeatKey(3702, 3702, doc)
		// The same prolog, root start tag and tail around another header.
		rootTag := doc[len(head):]
		rootTag = rootTag[:bytes.IndexByte(rootTag, '>')+1]
		other := slices.Concat(head, rootTag, header, tail)
		if h2, t2 := RepeatKey(3702, 3702, other); !bytes.Equal(h2, head) || !bytes.Equal(t2, tail) {
			return // the new header moved the key: nothing to compare
		}
		var x, y []fingerprint.Observation
		if WSD(doc, fuzzMeta, func(o fingerprint.Observation) { x = append(x, o) }) != nil ||
			WSD(other, fuzzMeta, func(o fingerprint.Observation) { y = append(y, o) }) != nil {
			return
		}
		if !slices.Equal(x, y) {
			t.Fatalf("same key, different observations:\n%q\n%q", doc, other)
		}
	})
}

// FuzzWSDBodyStart checks the jumping search against the plain byte-by-byte
// loop it replaced: both must find the same Body tag.
func FuzzWSDBodyStart(f *testing.F) {
	f.Add(readRealdata(f, "python-ws-discovery/probe_response_IPCAM_631GA.xml"))
	f.Add([]byte("<a><s:Body>"))
	f.Add([]byte("<!--<Body>--><x:body"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := wsdBodyStart(b), bodyStartByteLoop(b); got != want {
			t.Fatalf("wsdBodyStart(%q) = %d, byte loop says %d", b, got, want)
		}
	})
}

func bodyStartByteLoop(b []byte) int {
	for i := 0; i+5 < len(b); i++ {
		if b[i] != '<' || b[i+1] == '/' || b[i+1] == '?' || b[i+1] == '!' {
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

package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// encodeWhole is what WriteJSON wrote before it streamed: the whole Result
// through json.Encoder with a two-space indent.
func encodeWhole(t *testing.T, r *Result) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The streamed document is byte for byte the encoder's: the schema keeps
// its shape whatever the result holds (no devices, warnings, hostile
// strings with HTML and newlines, a thousand devices).
func TestWriteJSONStreamsTheEncoderBytes(t *testing.T) {
	empty := New(Tool{Name: "camsweep"}, time.Unix(0, 0), Source{Command: "pcap"})
	empty.Fill(nil, nil, nil)
	partial := sampleResult(t)
	partial.Partial, partial.Unprivileged = true, true
	partial.Warnings = []string{"a\n  \"devices\": [] <b>&</b>", "second"}
	partial.Devices[0].Hostname = "\n  \"findings\": []"
	partial.Devices[1].Model = strings.Join(hostile, "|")
	for name, r := range map[string]*Result{"empty": empty, "sample": sampleResult(t), "partial": partial, "big": bigResult(t, 1000)} {
		var got bytes.Buffer
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if want := encodeWhole(t, r); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: streamed JSON differs from the encoder's\n--- got\n%.2000s\n--- want\n%.2000s", name, got.Bytes(), want)
		}
	}
}

// A writer that fails stops the encoding with its error.
func TestWriteJSONStopsOnWriteError(t *testing.T) {
	w := &failAfter{n: 100 << 10}
	if err := WriteJSON(w, bigResult(t, 5000)); !errors.Is(err, errFull) {
		t.Errorf("error %v, want %v", err, errFull)
	}
	if w.writes > 2 {
		t.Errorf("went on writing after the error: %d writes", w.writes)
	}
}

var errFull = errors.New("disk full")

type failAfter struct{ n, writes int }

func (f *failAfter) Write(p []byte) (int, error) {
	f.writes++
	if f.n -= len(p); f.n < 0 {
		return 0, errFull
	}
	return len(p), nil
}

// JSON Lines: each device, then each finding, one self-contained object a
// line, with the same device and finding objects as the JSON document.
func TestWriteJSONLines(t *testing.T) {
	r := sampleResult(t)
	r.Devices[0].Hostname = "two\nlines"
	var b bytes.Buffer
	if err := WriteJSONL(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Devices  []json.RawMessage `json:"devices"`
		Findings []json.RawMessage `json:"findings"`
	}
	whole := encodeWhole(t, r)
	if err := json.Unmarshal(whole, &doc); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&b)
	var lines []JSONLine
	var raw []map[string]json.RawMessage
	for sc.Scan() {
		var l JSONLine
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d: %v", len(lines)+1, err)
		}
		json.Unmarshal(sc.Bytes(), &m)
		lines, raw = append(lines, l), append(raw, m)
	}
	if len(lines) != len(r.Devices)+len(r.Findings) {
		t.Fatalf("%d lines for %d devices and %d findings", len(lines), len(r.Devices), len(r.Findings))
	}
	for i, l := range lines {
		want, key, typ := doc.Devices, "device", "device"
		j := i
		if i >= len(r.Devices) {
			want, key, typ, j = doc.Findings, "finding", "finding", i-len(r.Devices)
		}
		if l.Type != typ || l.Schema != Schema || l.Command != "pcap" || l.Generated != "2026-11-26T05:00:00Z" {
			t.Errorf("line %d: %+v", i+1, l)
		}
		if !sameJSON(t, raw[i][key], want[j]) {
			t.Errorf("line %d: %s differs from the document's\n%s\n%s", i+1, key, raw[i][key], want[j])
		}
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// WriteJSON writes the result as indented JSON in the struct's field order,
// which is the stable, versioned machine interface (schema Schema).
// encoding/json escapes control characters and replaces invalid UTF-8, and
// HTML-escaping stays on so the document can be embedded in a page safely.
//
// The document is written as it is encoded: the devices and findings one at
// a time, so memory does not grow with the size of the report. The bytes are
// those json.Encoder with a two-space indent writes for the whole Result
// (TestWriteJSONStreamsTheEncoderBytes holds the two together).
func WriteJSON(w io.Writer, r *Result) error {
	shell := *r
	shell.Devices, shell.Findings = []fingerprint.Device{}, []policy.Finding{}
	doc, err := json.MarshalIndent(&shell, "", "  ")
	if err != nil {
		return err
	}
	// Encoded strings cannot hold a raw newline, so these markers can only
	// be the two empty lists at the top level of the document.
	devAt := bytes.Index(doc, []byte("\n  \"devices\": []"))
	findAt := bytes.Index(doc, []byte("\n  \"findings\": []"))
	if devAt < 0 || findAt < devAt {
		return json.NewEncoder(w).Encode(r) // unreachable while Result keeps its field order
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	listAt := func(at int, name string) int { return at + len("\n  \"\": ") + len(name) }
	bw.Write(doc[:listAt(devAt, "devices")])
	if err := writeJSONList(bw, r.Devices); err != nil {
		return err
	}
	bw.Write(doc[listAt(devAt, "devices")+2 : listAt(findAt, "findings")])
	if err := writeJSONList(bw, r.Findings); err != nil {
		return err
	}
	bw.Write(doc[listAt(findAt, "findings")+2:])
	bw.WriteByte('\n')
	return bw.Flush()
}

// writeJSONList writes items as a JSON array at the second level of an
// indented document, one item encoded at a time.
func writeJSONList[T any](bw *bufio.Writer, items []T) error {
	if len(items) == 0 {
		_, err := bw.WriteString("[]")
		return err
	}
	bw.WriteString("[\n")
	for i := range items {
		b, err := json.MarshalIndent(&items[i], "    ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("    ")
		bw.Write(b)
		if i < len(items)-1 {
			bw.WriteByte(',')
		}
		if _, err := bw.WriteString("\n"); err != nil {
			return err // the writer failed (a full disk, a closed pipe): stop encoding
		}
	}
	_, err := bw.WriteString("  ]")
	return err
}

// ReadJSON decodes a result written by WriteJSON.
func ReadJSON(rd io.Reader) (*Result, error) {
	var r Result
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

// JSONLine is one line of the JSON Lines report (WriteJSONL): a device or a
// finding with the run it belongs to, so that each line stands on its own
// in a log pipeline.
type JSONLine struct {
	Schema    string              `json:"schema"`
	Generated string              `json:"generated"`
	Command   string              `json:"command"`
	Partial   bool                `json:"partial,omitempty"`
	Type      string              `json:"type"` // "device" or "finding"
	Device    *fingerprint.Device `json:"device,omitempty"`
	Finding   *policy.Finding     `json:"finding,omitempty"`
}

// WriteJSONL writes one line per device, then one line per finding, each a
// JSONLine. Device and finding objects are those of the JSON document
// (schema Schema); the run's warnings go to standard error as always. Lines
// are written as they are encoded.
func WriteJSONL(w io.Writer, r *Result) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	line := JSONLine{Schema: Schema, Generated: r.Generated.Format("2006-01-02T15:04:05Z07:00"), Command: r.Source.Command, Partial: r.Partial}
	for i := range r.Devices {
		line.Type, line.Device = "device", &r.Devices[i]
		if err := enc.Encode(&line); err != nil {
			return err
		}
	}
	line.Device = nil
	for i := range r.Findings {
		line.Type, line.Finding = "finding", &r.Findings[i]
		if err := enc.Encode(&line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

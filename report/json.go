package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the result as indented JSON in the struct's field order,
// which is the stable, versioned machine interface (schema Schema).
// encoding/json escapes control characters and replaces invalid UTF-8, and
// HTML-escaping stays on so the document can be embedded in a page safely.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON decodes a result written by WriteJSON.
func ReadJSON(rd io.Reader) (*Result, error) {
	var r Result
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

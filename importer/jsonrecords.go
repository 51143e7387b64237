package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxJSONLine bounds one line of JSON lines: a record keeps a page's HTML
// and certificates in it.
const maxJSONLine = 16 << 20

// maxJSONDocument bounds one JSON document read whole (a host's record or
// a search result page as an API answers it, possibly pretty-printed) and
// each record of an array, which is read one record at a time whatever its
// length. A variable so tests can lower it.
var maxJSONDocument = 64 << 20

// jsonFormat is a tool's JSON output, read record by record: one record a
// line (plain or gzipped), a record or page as an API answers it, or an
// array of records. The first record says whether the input is of the
// format; then each record that cannot be read is counted and skipped, and
// an input cut short keeps the records before the cut.
type jsonFormat struct {
	errNot   error                                        // the input is not of the format
	isRecord func(raw []byte) bool                        // a record of the format
	record   func(raw []byte, emit Emit, st *Stats) error // reads one record
	lines    string                                       // what to give instead of a document too long
}

// read reads the input, gzipped or not, in whichever form it has.
func (f jsonFormat) read(r io.Reader, emit Emit) (Stats, error) {
	st := Stats{}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return st, err
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	first, lineNo, err := firstLine(br)
	if err != nil {
		return st, err
	}
	switch {
	case len(first) == 0:
		return st, f.errNot
	case first[0] == '{' && json.Valid(first):
		return st, f.readLines(br, first, lineNo, emit, &st)
	case first[0] == '{' || first[0] == '[':
		return st, f.readDocument(io.MultiReader(bytes.NewReader(append(first, '\n')), br), first[0], emit, &st)
	}
	return st, f.errNot
}

// firstLine returns the first line that is not blank, and its number.
func firstLine(br *bufio.Reader) ([]byte, int, error) {
	for n := 1; ; n++ {
		line, err := ReadBoundedLine(br, maxJSONLine)
		if errors.Is(err, ErrLineTooLong) {
			return nil, n, fmt.Errorf("line %d: %w", n, err)
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			return t, n, nil
		}
		if err == io.EOF {
			return nil, n, nil
		}
		if err != nil {
			return nil, n, err
		}
	}
}

// readLines reads one JSON value a line, the first already read.
func (f jsonFormat) readLines(br *bufio.Reader, first []byte, lineNo int, emit Emit, st *Stats) error {
	if !f.isRecord(first) {
		return f.errNot
	}
	line := first
	for {
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if err := f.record(t, emit, st); err != nil {
				st.skip("line %d: %v", lineNo, err)
			}
		}
		var err error
		line, err = ReadBoundedLine(br, maxJSONLine)
		lineNo++
		switch {
		case errors.Is(err, ErrLineTooLong):
			st.skip("line %d: %v", lineNo, err)
			line = nil
		case err == io.EOF:
			if t := bytes.TrimSpace(line); len(t) > 0 {
				if err := f.record(t, emit, st); err != nil {
					st.skip("line %d: %v", lineNo, err)
				}
			}
			return nil
		case err != nil:
			// A download cut short (an interrupted transfer, a gzip stream
			// without its end): the banners before the cut stand.
			st.stop("line %d: the input cannot be read further: %v", lineNo, err)
			return nil
		}
	}
}

// readDocument reads JSON documents: records, each whole (one, or several
// one after another, as a loop of API calls writes them), or an array of
// records read one record at a time, whatever its length.
func (f jsonFormat) readDocument(r io.Reader, first byte, emit Emit, st *Stats) error {
	if first == '[' {
		return f.readArray(r, emit, st)
	}
	in := &budgetReader{r: r, over: errJSONRecord}
	dec := json.NewDecoder(in)
	for i := 1; ; i++ {
		in.left = int64(maxJSONDocument)
		var doc json.RawMessage
		err := dec.Decode(&doc)
		switch {
		case err == io.EOF:
			return nil
		case i == 1 && errors.Is(err, errJSONRecord):
			return fmt.Errorf("a JSON document over %s: give %s instead", sizeText(int64(maxJSONDocument)), f.lines)
		case i == 1 && err != nil:
			return fmt.Errorf("%w: the document is not JSON: %v", f.errNot, err)
		case errors.Is(err, errJSONRecord):
			st.stop("document %d: the input was cut there: a document over %s; nothing after it was read", i, sizeText(int64(maxJSONDocument)))
			return nil
		case err != nil:
			st.stop("document %d: JSON ends early or is malformed: %v; nothing after it was read", i, err)
			return nil
		case i == 1 && !f.isRecord(doc):
			return f.errNot
		}
		if err := f.record(doc, emit, st); err != nil {
			st.skip("document %d: %v", i, err)
		}
	}
}

// errJSONRecord ends the reading of a document, or a record of an array,
// longer than maxJSONDocument.
var errJSONRecord = errors.New("a record longer than the bound of one document")

// readArray reads an array of records one at a time: memory is bounded by
// the longest record, and an array cut short keeps the records before the
// cut.
func (f jsonFormat) readArray(r io.Reader, emit Emit, st *Stats) error {
	in := &budgetReader{r: r, left: int64(maxJSONDocument), over: errJSONRecord}
	dec := json.NewDecoder(in)
	if _, err := dec.Token(); err != nil { // the [
		return f.errNot
	}
	for i := 1; ; i++ {
		in.left = int64(maxJSONDocument)
		if !dec.More() {
			break
		}
		var rec json.RawMessage
		err := dec.Decode(&rec)
		switch {
		case err != nil && i == 1:
			return fmt.Errorf("%w: the first record is not JSON: %v", f.errNot, err)
		case errors.Is(err, errJSONRecord):
			st.stop("record %d: the input was cut there: a record over %s; nothing after it was read", i, sizeText(int64(maxJSONDocument)))
			return nil
		case err != nil:
			st.stop("record %d: JSON ends early or is malformed: %v; nothing after it was read", i, err)
			return nil
		case i == 1 && !f.isRecord(rec):
			return f.errNot
		}
		if err := f.record(rec, emit, st); err != nil {
			st.skip("record %d: %v", i, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the ]
		st.stop("JSON ends early or is malformed after the last record: %v", err)
	}
	return nil
}

package importer

import (
	"bufio"
	"bytes"
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
	br, closeGzip, err := contentReader(r)
	if err != nil {
		return st, err
	}
	defer closeGzip()
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
	line, err := first, error(nil)
	for {
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if rerr := f.record(t, emit, st); rerr != nil {
				st.skip("line %d: %v", lineNo, rerr)
			}
		}
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			// A download cut short (an interrupted transfer, a gzip stream
			// without its end): the records before the cut stand.
			st.stop("line %d: the input cannot be read further: %v", lineNo, err)
			return nil
		}
		line, err = ReadBoundedLine(br, maxJSONLine)
		lineNo++
		if errors.Is(err, ErrLineTooLong) {
			st.skip("line %d: %v", lineNo, err)
			line, err = nil, nil
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
		doc, ok, err := f.next(dec, in, i, "document", st)
		if !ok {
			return err
		}
		if err := f.record(doc, emit, st); err != nil {
			st.skip("document %d: %v", i, err)
		}
	}
}

// next decodes the i-th document, or record of an array (what says which),
// within maxJSONDocument. When it cannot, ok is false: for the first one
// (nothing read yet) err refuses the input, as one that is not of the
// format or over the bound; later, the end of the input ends it, and a cut
// is noted in st while what came before stands. The first one must also be a record of the format.
func (f jsonFormat) next(dec *json.Decoder, in *budgetReader, i int, what string, st *Stats) (rec json.RawMessage, ok bool, err error) {
	in.left = int64(maxJSONDocument)
	err = dec.Decode(&rec)
	switch {
	case err == io.EOF && i == 1:
		return nil, false, f.errNot
	case err == io.EOF:
		return nil, false, nil // the last document was read
	case i == 1 && errors.Is(err, errJSONRecord):
		return nil, false, fmt.Errorf("a JSON %s over %s: give %s instead", what, sizeText(int64(maxJSONDocument)), f.lines)
	case i == 1 && err != nil:
		return nil, false, fmt.Errorf("%w: the %s is not JSON: %v", f.errNot, what, err)
	case errors.Is(err, errJSONRecord):
		st.stop("%s %d: the input was cut there: a %s over %s; nothing after it was read", what, i, what, sizeText(int64(maxJSONDocument)))
		return nil, false, nil
	case err != nil:
		st.stop("%s %d: JSON ends early or is malformed: %v; nothing after it was read", what, i, err)
		return nil, false, nil
	case i == 1 && !f.isRecord(rec):
		return nil, false, f.errNot
	}
	return rec, true, nil
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
	for i := 1; dec.More(); i++ {
		rec, ok, err := f.next(dec, in, i, "record", st)
		if !ok {
			return err
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

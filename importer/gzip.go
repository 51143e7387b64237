package importer

import (
	"bufio"
	"compress/gzip"
	"io"
)

// contentReader buffers r and, when r is gzipped (its magic first, as a
// large scan's output is often kept), reads what it holds instead. close
// ends the gzip reader; it does nothing for a plain input.
func contentReader(r io.Reader) (br *bufio.Reader, close func() error, err error) {
	br = bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, func() error { return nil }, nil
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return nil, nil, err
	}
	return bufio.NewReaderSize(gz, 64<<10), gz.Close, nil
}

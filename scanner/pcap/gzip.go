package pcap

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
)

// gunzipMagic returns the first four bytes inside a gzip stream, read from
// its first bytes, as a little-endian number.
func gunzipMagic(head []byte) (uint32, error) {
	zr, err := gzip.NewReader(bytes.NewReader(head))
	if err != nil {
		return 0, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(zr, magic[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(magic[:]), nil
}

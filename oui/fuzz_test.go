package oui

import (
	"bytes"
	"compress/gzip"
	"os"
	"testing"
)

// FuzzReadCSV feeds hostile CSV to the IEEE CSV reader: it must return an
// error or a registry, never panic.
func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"oui", "mam", "oui36"} {
		b, _ := os.ReadFile("testdata/ieee-csv/" + name + ".csv")
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, spec := range csvFiles {
			_ = readCSV(newBuilder("", ""), bytes.NewReader(data), spec.registry, spec.digits)
		}
	})
}

// FuzzReadTable feeds hostile (gzip-wrapped) tables to ReadTable, as a
// tampered override file would.
func FuzzReadTable(f *testing.F) {
	f.Add([]byte("# camsweep-oui 1\n# date: 2026-08-26\n4419B6\tHikvision\tCN\n402C761\tScale\t\n"))
	f.Add([]byte("# camsweep-oui 1\nZZ\tx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		r, err := ReadTable(&buf)
		if err == nil {
			r.Lookup([6]byte{0x44, 0x19, 0xb6, 1, 2, 3})
		}
	})
}

package pcap

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

// classicCaptures are the repository's classic (libpcap) captures: real
// ones from other projects and the generated sample sites.
func classicCaptures(t testing.TB) [][]byte {
	var out [][]byte
	for _, pattern := range []string{"../../testdata/pcap/*.pcap", "../../testdata/realdata/*/*.pcap"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) < 10 {
		t.Fatalf("found %d classic captures; the test needs the repository's testdata", len(out))
	}
	return out
}

// TestClassicReaderReadsAsPcapgo reads every classic capture in the
// repository, and each cut short at many points, with both readers and a
// large and a tiny buffer (the tiny one sends every record through the
// copying path): records, timestamps, lengths and errors must agree.
func TestClassicReaderReadsAsPcapgo(t *testing.T) {
	for _, b := range classicCaptures(t) {
		for _, cut := range []int{len(b), len(b) - 1, len(b) - 7, len(b) / 2, 40, 30, 24, 10} {
			if cut < 0 || cut > len(b) {
				continue
			}
			compareClassic(t, b[:cut])
		}
	}
}

func FuzzClassicReader(f *testing.F) {
	for _, b := range classicCaptures(f) {
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, b []byte) { compareClassic(t, b) })
}

type classicRecord struct {
	data               []byte
	sec, nsec          int64
	capLen, origLen    int
	err                string
	eof, unexpectedEOF bool
}

func compareClassic(t *testing.T, b []byte) {
	t.Helper()
	want := readAllWith(b, func(r io.Reader) (packetSource, error) { return pcapgo.NewReader(r) }, 1<<20)
	for _, size := range []int{1 << 20, 16} {
		got := readAllWith(b, func(r io.Reader) (packetSource, error) { return newClassicReader(r.(*bufio.Reader)) }, size)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("buffer %d: classic reader gives %d records %+v,\npcapgo %d records %+v", size, len(got), tail(got), len(want), tail(want))
		}
	}
}

func tail(r []classicRecord) []classicRecord { return r[max(0, len(r)-2):] }

func readAllWith(b []byte, open func(io.Reader) (packetSource, error), size int) []classicRecord {
	src, err := open(bufio.NewReaderSize(bytes.NewReader(b), size))
	if err != nil {
		return []classicRecord{{err: err.Error()}}
	}
	var out []classicRecord
	for len(out) < 1<<16 {
		data, ci, err := src.ZeroCopyReadPacketData()
		rec := classicRecord{capLen: ci.CaptureLength, origLen: ci.Length}
		if err != nil {
			rec.err, rec.eof, rec.unexpectedEOF = err.Error(), err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF)
			return append(out, rec)
		}
		if len(data) > 0 { // an empty record is empty, whether nil or not
			rec.data = bytes.Clone(data)
		}
		rec.sec, rec.nsec = ci.Timestamp.Unix(), int64(ci.Timestamp.Nanosecond())
		out = append(out, rec)
	}
	return out
}

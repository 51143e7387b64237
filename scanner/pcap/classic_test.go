package pcap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
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
	want := readAllWith(asVersion24(b), func(r io.Reader) (packetSource, error) { return pcapgo.NewReader(r) }, 1<<20)
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

// asVersion24 rewrites a classic capture of format 2.0 to 2.3 as libpcap
// reads it, in format 2.4, which is all pcapgo reads: the minor version set
// to 4 and each record's two lengths put in order (always before 2.3; in 2.3
// when the first exceeds the second). Other input is returned unchanged.
func asVersion24(b []byte) []byte {
	if len(b) < 24 || !isPcapMagic(binary.LittleEndian.Uint32(b)) {
		return b
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if b[0] == 0xa1 || b[0] == 0x4d {
		order = binary.BigEndian
	}
	minor := order.Uint16(b[6:8])
	if order.Uint16(b[4:6]) != pcapVersionMajor || minor >= pcapVersionMinor {
		return b
	}
	out := bytes.Clone(b)
	order.PutUint16(out[6:8], pcapVersionMinor)
	for at := 24; at+16 <= len(out); {
		first, second := order.Uint32(out[at+8:]), order.Uint32(out[at+12:])
		if minor < 3 || first > second {
			order.PutUint32(out[at+8:], second)
			order.PutUint32(out[at+12:], first)
		}
		at += 16 + int(order.Uint32(out[at+8:]))
	}
	return out
}

// TestClassicReaderReadsOldVersions reads nDPI's NFS capture, written in
// format 2.1 with each record's original length before its captured length,
// as tcpdump and tshark read it: 156 records of 1999, the first 106 bytes
// long, and the same again from its gzip-compressed form.
func TestClassicReaderReadsOldVersions(t *testing.T) {
	b, err := os.ReadFile("../../testdata/realdata/ndpi/nfs-rpc_pcap-2.1.pcap")
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.BigEndian.Uint16(b[6:8]); v != 1 {
		t.Fatalf("test capture has minor version %d, want the old 1", v)
	}
	got := readAllWith(b, func(r io.Reader) (packetSource, error) { return newClassicReader(r.(*bufio.Reader)) }, 1<<20)
	if n := len(got) - 1; n != 156 || !got[n].eof {
		t.Fatalf("read %d records ending in %+v, want 156 and EOF", n, got[n])
	}
	if first := got[0]; first.capLen != 106 || first.origLen != 106 || len(first.data) != 106 || first.sec != 944207338 {
		t.Fatalf("first record %d/%d bytes at %d, want 106/106 at 944207338", first.capLen, first.origLen, first.sec)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b)
	zw.Close()
	opened, err := openCapture(bufio.NewReader(&gz), "nfs.pcap.gz")
	if err != nil {
		t.Fatal(err)
	}
	if fromGzip := readAllWith(nil, func(io.Reader) (packetSource, error) { return opened, nil }, 16); !reflect.DeepEqual(fromGzip, got) {
		t.Fatalf("gzip form read %d records, plain %d", len(fromGzip), len(got))
	}
}

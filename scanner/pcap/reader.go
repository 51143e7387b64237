package pcap

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/camsweep/camsweep/scanner"
)

// FormatError says an input is not a capture file this package reads.
type FormatError struct {
	File   string
	Reason string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: not a pcap or pcapng capture: %s", e.File, e.Reason)
}

// CorruptError says a capture ended early or holds a record that cannot be
// read. Everything before Packet was decoded and emitted; the Stats returned
// with it count that part.
type CorruptError struct {
	File   string
	Packet int64 // 1-based number of the packet that could not be read
	Err    error
}

func (e *CorruptError) Error() string {
	reason := e.Err.Error()
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		reason = "truncated (file ends inside the record)"
	}
	return fmt.Sprintf("%s: packet %d: corrupt capture: %s; results before it stand", e.File, e.Packet, reason)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ReadFile decodes a pcap or pcapng file (optionally gzip-compressed) and
// sends observations to emit.
func ReadFile(ctx context.Context, path string, emit scanner.Emit, opt Options) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return Read(ctx, f, path, size, emit, opt)
}

// CheckFile reports, from its first bytes alone, whether path is a capture
// this package reads (a *FormatError if not, a *CorruptError if its header
// is damaged), so that a command given several files can refuse a wrong one
// before it reads the others.
func CheckFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = openCapture(bufio.NewReaderSize(f, 64<<10), path)
	return err
}

// Read decodes a capture from r. name labels errors; size (0 if unknown) is
// passed to Options.Progress.
func Read(ctx context.Context, r io.Reader, name string, size int64, emit scanner.Emit, opt Options) (Stats, error) {
	counter := &countingReader{r: r}
	br := bufio.NewReaderSize(counter, bufferSize(size))
	src, err := openCapture(br, name)
	if err != nil {
		return Stats{}, err
	}
	d := NewDecoder(emit, opt)
	err = readPackets(ctx, src, d, name, func() { progress(opt, counter.n, size) })
	d.Flush()
	progress(opt, counter.n, size)
	return d.Stats(), err
}

// bufferSize is the read buffer for an input of size bytes (0: unknown):
// large reads for large files, no more than needed for small ones.
func bufferSize(size int64) int {
	const large, small = 1 << 20, 64 << 10
	if size <= 0 || size > large {
		return large
	}
	return int(max(size, small))
}

func progress(opt Options, done, total int64) {
	if opt.Progress != nil {
		opt.Progress(done, total)
	}
}

// packetSource is what pcapgo's two readers have in common.
type packetSource interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// openCapture recognises the file by its magic number, so that a file that
// is not a capture gets one clear error rather than a reader's guess.
func openCapture(br *bufio.Reader, name string) (packetSource, error) {
	magic, err := br.Peek(4)
	if len(magic) < 4 {
		if err == nil || err == io.EOF {
			return nil, &FormatError{File: name, Reason: fmt.Sprintf("only %d bytes long", len(magic))}
		}
		return nil, err
	}
	switch {
	case magic[0] == 0x1f && magic[1] == 0x8b: // gzip: pcapgo unpacks it, but must be told which format
		return openGzip(br, name)
	case binary.LittleEndian.Uint32(magic) == 0x0a0d0d0a:
		return openNg(br, name)
	case isPcapMagic(binary.LittleEndian.Uint32(magic)):
		src, err := newClassicReader(br)
		if err != nil {
			return nil, &CorruptError{File: name, Packet: 0, Err: fmt.Errorf("file header: %w", err)}
		}
		return src, nil
	}
	return nil, &FormatError{File: name, Reason: fmt.Sprintf("unknown magic number % x", magic)}
}

// IsCaptureMagic reports whether head opens with the magic number of an
// uncompressed capture this package reads (pcap in either byte order and
// time resolution, or pcapng), for a caller telling a capture from other
// input by its first bytes.
func IsCaptureMagic(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	m := binary.LittleEndian.Uint32(head)
	return m == 0x0a0d0d0a || isPcapMagic(m)
}

func isPcapMagic(m uint32) bool {
	switch m {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return true
	}
	return false
}

func openNg(r io.Reader, name string) (packetSource, error) {
	src, err := pcapgo.NewNgReader(r, pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true})
	if err != nil {
		return nil, &CorruptError{File: name, Packet: 0, Err: fmt.Errorf("section header: %w", err)}
	}
	return ngSource{src}, nil
}

// openGzip peeks inside the compressed stream for the capture's magic.
func openGzip(br *bufio.Reader, name string) (packetSource, error) {
	head, _ := br.Peek(64 << 10)
	inner, err := gunzipMagic(head)
	if err != nil {
		return nil, &FormatError{File: name, Reason: "gzip data: " + err.Error()}
	}
	switch {
	case inner == 0x0a0d0d0a:
		return openNg(br, name)
	case isPcapMagic(inner):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &FormatError{File: name, Reason: "gzip data: " + err.Error()}
		}
		src, err := newClassicReader(bufio.NewReaderSize(zr, 1<<20))
		if err != nil {
			return nil, &CorruptError{File: name, Err: fmt.Errorf("file header: %w", err)}
		}
		return src, nil
	}
	return nil, &FormatError{File: name, Reason: fmt.Sprintf("gzip data with unknown magic number %08x", inner)}
}

// ngSource reports each packet's own link type: pcapng files may mix
// interfaces of different types.
type ngSource struct{ *pcapgo.NgReader }

func (s ngSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return s.NgReader.ZeroCopyReadPacketData()
}

// readPackets runs the read loop. ReadPacketData-style calls are used rather
// than Packets(), which drops read errors.
func readPackets(ctx context.Context, src packetSource, d *Decoder, name string, report func()) error {
	fixed := src.LinkType()
	for n := int64(1); ; n++ {
		data, ci, err := src.ZeroCopyReadPacketData()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &CorruptError{File: name, Packet: n, Err: err}
		}
		link := fixed
		if len(ci.AncillaryData) > 0 {
			if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
				link = lt
			}
		}
		d.Packet(link, ci.Timestamp, data)
		if n&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if n&0xffff == 0 {
				report()
			}
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// classicReader reads a classic (libpcap) capture the way pcapgo.Reader
// does, same checks and errors, but hands out each record where it lies in
// the read buffer instead of copying it out: at line rate the copy and the
// two reads per record were a seventh of the time. A record larger than the
// buffer is copied, as pcapgo would.
type classicReader struct {
	br         *bufio.Reader
	order      binary.ByteOrder
	nanoFactor uint32
	snaplen    uint32
	link       layers.LinkType
	pending    int    // bytes of the record last returned, still to skip
	large      []byte // a record that does not fit in the buffer
	lengths    lengthOrder
}

// lengthOrder says where a record header keeps the captured and the
// original length. Before format 2.3 libpcap wrote them the other way
// round; some 2.3 writers did too. libpcap (and tcpdump, Wireshark) read
// such files, so camsweep does: old NFS and RPC test captures still use
// them. pcapgo refuses every version but 2.4.
type lengthOrder uint8

const (
	lengthsInOrder      lengthOrder = iota
	lengthsSwapped                  // before 2.3: original length first
	lengthsMaybeSwapped             // 2.3: swapped when the first exceeds the second
)

// pcapgo's limits, kept so both readers refuse the same files, except that
// minor versions before 4 are read as libpcap reads them.
const (
	pcapVersionMajor = 2
	pcapVersionMinor = 4
	eagerReadMax     = 262144 // libpcap's MAXIMUM_SNAPLEN
)

func newClassicReader(br *bufio.Reader) (*classicReader, error) {
	if _, err := br.Peek(2); err != nil { // pcapgo looks for gzip first
		return nil, err
	}
	var h [24]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return nil, err
	}
	r := &classicReader{br: br}
	switch binary.LittleEndian.Uint32(h[0:4]) {
	case 0xa1b2c3d4:
		r.order, r.nanoFactor = binary.LittleEndian, 1000
	case 0xd4c3b2a1:
		r.order, r.nanoFactor = binary.BigEndian, 1000
	case 0xa1b23c4d:
		r.order, r.nanoFactor = binary.LittleEndian, 1
	case 0x4d3cb2a1:
		r.order, r.nanoFactor = binary.BigEndian, 1
	default:
		return nil, fmt.Errorf("Unknown magic %x", binary.LittleEndian.Uint32(h[0:4]))
	}
	if v := r.order.Uint16(h[4:6]); v != pcapVersionMajor {
		return nil, fmt.Errorf("Unknown major version %d", v)
	}
	switch v := r.order.Uint16(h[6:8]); {
	case v == pcapVersionMinor:
	case v == 3:
		r.lengths = lengthsMaybeSwapped
	case v < 3:
		r.lengths = lengthsSwapped
	default:
		return nil, fmt.Errorf("Unknown minor version %d", v)
	}
	r.snaplen = r.order.Uint32(h[16:20])
	r.link = layers.LinkType(r.order.Uint32(h[20:24]))
	return r, nil
}

func (r *classicReader) LinkType() layers.LinkType { return r.link }

// ZeroCopyReadPacketData returns the next record. Its bytes are valid until
// the next call.
func (r *classicReader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	var ci gopacket.CaptureInfo
	if r.pending > 0 {
		r.br.Discard(r.pending) // peeked before: cannot fail
		r.pending = 0
	}
	h, err := r.br.Peek(16)
	if len(h) < 16 {
		return nil, ci, fullReadError(len(h), err)
	}
	ci.Timestamp = time.Unix(int64(r.order.Uint32(h[0:4])), int64(r.order.Uint32(h[4:8])*r.nanoFactor)).UTC()
	ci.CaptureLength = int(r.order.Uint32(h[8:12]))
	ci.Length = int(r.order.Uint32(h[12:16]))
	if r.lengths == lengthsSwapped || r.lengths == lengthsMaybeSwapped && ci.CaptureLength > ci.Length {
		ci.CaptureLength, ci.Length = ci.Length, ci.CaptureLength
	}
	r.br.Discard(16)
	if ci.CaptureLength > max(int(r.snaplen), eagerReadMax) || ci.CaptureLength < 0 {
		return nil, ci, fmt.Errorf("capture length exceeds snap length: %d > %d", ci.CaptureLength, r.snaplen)
	}
	if ci.CaptureLength > ci.Length {
		return nil, ci, fmt.Errorf("capture length exceeds original packet length: %d > %d", ci.CaptureLength, ci.Length)
	}
	data, err := r.br.Peek(ci.CaptureLength)
	switch {
	case err == nil:
		r.pending = len(data)
		return data, ci, nil
	case errors.Is(err, bufio.ErrBufferFull):
		return r.readLarge(ci)
	}
	return nil, ci, fullReadError(len(data), err)
}

// readLarge copies a record longer than the read buffer, growing its buffer
// only as its bytes arrive: a hostile length costs what the file holds.
func (r *classicReader) readLarge(ci gopacket.CaptureInfo) ([]byte, gopacket.CaptureInfo, error) {
	r.large = r.large[:0]
	for len(r.large) < ci.CaptureLength {
		n := min(ci.CaptureLength-len(r.large), 1<<20)
		chunk, err := r.br.Peek(min(n, r.br.Size()))
		r.large = append(r.large, chunk...)
		r.br.Discard(len(chunk))
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, ci, fullReadError(len(r.large), err)
		}
	}
	return r.large, ci, nil
}

// fullReadError is what io.ReadFull says after n bytes and err: EOF before
// any byte is a clean end, after some it is a truncated record.
func fullReadError(n int, err error) error {
	if err == io.EOF && n > 0 {
		return io.ErrUnexpectedEOF
	}
	return err
}

package pcap

import (
	"bytes"
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// capturePath names a capture of the repository's testdata: a bare file name
// is in testdata/pcap (the constructed captures), origin/file is a real capture
// in testdata/realdata (see SOURCES.md there).
func capturePath(name string) string {
	if strings.Contains(name, "/") {
		return filepath.Join("..", "..", "testdata", "realdata", name)
	}
	return filepath.Join("..", "..", "testdata", "pcap", name)
}

// recorder collects observations.
type recorder struct{ obs []observe.Observation }

func (r *recorder) emit(o observe.Observation) { r.obs = append(r.obs, o) }

// has reports whether an observation with this IP (zero: any), key and value
// was seen. A value ending in "*" matches as a prefix.
func (r *recorder) has(ip, key, value string) bool {
	var addr netip.Addr
	if ip != "" {
		addr = netip.MustParseAddr(ip)
	}
	return r.hasAddr(addr, ip == "", key, value)
}

// hasAddr is has for an address that may be the zero Addr (DHCP clients).
func (r *recorder) hasAddr(ip netip.Addr, anyIP bool, key, value string) bool {
	for _, o := range r.obs {
		if o.Key != key || (!anyIP && o.IP != ip) {
			continue
		}
		if strings.HasSuffix(value, "*") && strings.HasPrefix(o.Value, strings.TrimSuffix(value, "*")) || o.Value == value {
			return true
		}
	}
	return false
}

func (r *recorder) binds(key, mac, ip string) bool {
	for _, o := range r.obs {
		if o.Key == key && o.MAC.String() == mac && o.IP == netip.MustParseAddr(ip) {
			return true
		}
	}
	return false
}

func readCapture(t testing.TB, name string, opt Options) (*recorder, Stats) {
	t.Helper()
	r := &recorder{}
	st, err := ReadFile(context.Background(), capturePath(name), r.emit, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r, st
}

func readBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openPcap opens a classic pcap file of testdata for reading, closed when
// the test ends.
func openPcap(t testing.TB, name string) *pcapgo.Reader {
	t.Helper()
	f, err := os.Open(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// packetReader is a test's capture reader (pcapgo's Reader and NgReader):
// unlike packetSource's zero-copy read, each packet is the caller's to keep.
type packetReader interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// eachPacket calls fn with each packet of r in order, to the capture's end.
func eachPacket(t testing.TB, r packetReader, fn func(data []byte, ci gopacket.CaptureInfo)) {
	t.Helper()
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		fn(data, ci)
	}
}

// rewriteCapture writes a classic pcap of the given link type holding each
// packet of r passed through fn (nil from fn leaves the packet out).
func rewriteCapture(t testing.TB, r packetReader, link layers.LinkType, fn func([]byte) []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(262144, link); err != nil {
		t.Fatal(err)
	}
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		if data = fn(data); data == nil {
			return
		}
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ci.Timestamp, CaptureLength: len(data), Length: len(data)}, data); err != nil {
			t.Fatal(err)
		}
	})
	return out.Bytes()
}

// openPcapng opens a pcapng file of testdata for reading, closed when the
// test ends.
func openPcapng(t testing.TB, name string) *pcapgo.NgReader {
	t.Helper()
	f, err := os.Open(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

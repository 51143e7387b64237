package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// benchCapture returns a large generated capture: $CAMSWEEP_BENCH_PCAP if
// set, else one built once by tools/mkcapture in the temporary directory.
func benchCapture(b *testing.B) string {
	if path := os.Getenv("CAMSWEEP_BENCH_PCAP"); path != "" {
		return path
	}
	return generatedCapture(b, "office", 500_000)
}

// generatedCapture builds a tools/mkcapture profile of this many packets
// once in the temporary directory and returns its path.
func generatedCapture(b *testing.B, profile string, packets int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("camsweep-bench-%s-%d.pcap", profile, packets))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	root := filepath.Join("..", "..")
	cmd := exec.Command("go", "run", "./tools/mkcapture", "-large", "-profile", profile, "-packets", fmt.Sprint(packets), "-o", path+".tmp")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("mkcapture: %v\n%s", err, out)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkPipeline reads a mixed office capture end to end with the real
// protocol decoders; MB/s is of capture file bytes.
func BenchmarkPipeline(b *testing.B) { benchmarkRead(b, benchCapture(b)) }

// BenchmarkPipelineCamera reads a camera network (mkcapture -profile
// camera): discovery chatter whose ids change with every message, and
// video.
func BenchmarkPipelineCamera(b *testing.B) {
	benchmarkRead(b, generatedCapture(b, "camera", 200_000))
}

func benchmarkRead(b *testing.B, path string) {
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	var st Stats
	for b.Loop() {
		n := 0
		st, err = ReadFile(context.Background(), path, func(observe.Observation) { n++ }, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Packets)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(st.Observations), "observations")
	b.ReportMetric(float64(st.Repeats), "repeats")
}

// BenchmarkBulkPacket is the common path: a TCP segment between a local
// client and a public server that no decoder wants.
func BenchmarkBulkPacket(b *testing.B) {
	d := NewDecoder(func(observe.Observation) {}, Options{})
	data := frame(b, seg{true, 99, "A", string(make([]byte, 1400))}, 40005, 443)
	ts := time.Now()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Packet(layers.LinkTypeEthernet, ts, data)
	}
}

// BenchmarkARPPacket is a repeated ARP reply: the binding is known, so the
// path is parse, hash, hit.
func BenchmarkARPPacket(b *testing.B) {
	data := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x4c, 0x11, 0xbf, 0xc2, 0x0b, 0x9d, 0x08, 0x06, // Ethernet, ARP
		0, 1, 8, 0, 6, 4, 0, 2, // Ethernet/IPv4, reply
		0x4c, 0x11, 0xbf, 0xc2, 0x0b, 0x9d, 10, 20, 0, 21, // sender
		0, 0, 0, 0, 0, 0, 10, 20, 0, 1, // target
	}
	benchmarkRepeat(b, layers.LinkTypeEthernet, data, "the ARP reply bound nothing")
}

// benchmarkRepeat decodes one frame once (it must say something, or the benchmark fails
// with failure) and then again and again: the cost of its repeats.
func benchmarkRepeat(b *testing.B, link layers.LinkType, data []byte, failure string) {
	ts := time.Now()
	n := 0
	d := NewDecoder(func(observe.Observation) { n++ }, Options{})
	d.Packet(link, ts, data)
	if n == 0 {
		b.Fatal(failure)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Packet(link, ts, data)
	}
}

// BenchmarkBeacon is a repeated beacon of the real Wi-Fi capture (the
// access point of BoBMil): the kept elements are copied and hashed, the
// repeat found, nothing decoded again.
func BenchmarkBeacon(b *testing.B) {
	var beacon []byte
	eachPacket(b, openPcap(b, "airodump-wifi/80211-icmp_CUT.pcap"), func(data []byte, _ gopacket.CaptureInfo) {
		f := data[binary.LittleEndian.Uint16(data[2:4]):]
		if beacon == nil && len(f) > 24 && f[0] == 0x80 && bytes.Contains(f, []byte("BoBMil")) {
			beacon = bytes.Clone(data)
		}
	})
	if beacon == nil {
		b.Fatal("no beacon of BoBMil in the capture")
	}
	benchmarkRepeat(b, layers.LinkTypeIEEE80211Radio, beacon, "the beacon said nothing")
}

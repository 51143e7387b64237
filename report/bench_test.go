package report

import (
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// bigResult is a large site: the sample's three real devices repeated with
// distinct addresses, to measure rendering cost per device.
func bigResult(b testing.TB, n int) *Result {
	r := sampleResult(b)
	devs := make([]fingerprint.Device, 0, n)
	for i := range n {
		d := r.Devices[i%len(r.Devices)]
		d.MAC[3], d.MAC[4], d.MAC[5] = byte(i>>16), byte(i>>8), byte(i)
		d.IPs = []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})}
		d.Hostname = fmt.Sprintf("cam-%d", i)
		devs = append(devs, d)
	}
	r.Fill(devs, r.Findings, r.Zones)
	return r
}

func benchmarkRender(b *testing.B, render func(io.Writer, *Result) error) {
	r := bigResult(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := render(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/device")
}

func BenchmarkTable10k(b *testing.B) { benchmarkRender(b, WriteTable) }
func BenchmarkJSON10k(b *testing.B)  { benchmarkRender(b, WriteJSON) }
func BenchmarkCSV10k(b *testing.B)   { benchmarkRender(b, WriteCSV) }

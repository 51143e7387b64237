//go:build linux

package lab

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
)

// benchmarkPlain measures building a whole lab (switch, scanner) with n
// plain hosts and tearing it down.
func benchmarkPlain(b *testing.B, n int, prefix string) {
	Require(b)
	p := netip.MustParsePrefix(prefix)
	hosts := plainHosts(p, n)
	for b.Loop() {
		l, err := New(Options{Prefix: p})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.AddPlainHosts(hosts); err != nil {
			l.Close()
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "hosts")
}

func BenchmarkBuildPlain253(b *testing.B)  { benchmarkPlain(b, 253, "198.18.0.0/24") }
func BenchmarkBuildPlain1000(b *testing.B) { benchmarkPlain(b, 1000, "198.18.0.0/22") }

// BenchmarkBuildFull measures full hosts (a namespace and a veth pair each),
// what camsim devices use, to show why plain hosts exist.
func BenchmarkBuildFull(b *testing.B) {
	Require(b)
	for _, n := range []int{16, 64} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				l, err := New(Options{})
				if err != nil {
					b.Fatal(err)
				}
				ip := l.Prefix().Addr().Next().Next()
				for i := range n {
					mac := net.HardwareAddr{0x02, 0, 0, 0, byte(i >> 8), byte(i)}
					if _, err := l.AddHost(fmt.Sprintf("h%d", i), mac, ip); err != nil {
						l.Close()
						b.Fatal(err)
					}
					ip = ip.Next()
				}
				if err := l.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "hosts")
		})
	}
}

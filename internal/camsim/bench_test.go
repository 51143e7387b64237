//go:build linux

package camsim

import (
	"context"
	"net/netip"
	"os"
	"testing"

	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/internal/labreq"
)

// BenchmarkLab measures building and tearing down the benchmark LANs: every
// camsim device plus n plain hosts with Hikvision, Dahua and other OUIs.
func BenchmarkLab(b *testing.B) {
	labreq.Require(b)
	ps, err := LoadProfiles(os.DirFS(dataDir), ".")
	if err != nil {
		b.Fatal(err)
	}
	ouis := [][3]byte{{0x58, 0x50, 0xed}, {0x4c, 0x11, 0xbf}, {0xbc, 0xad, 0x28}, {0x00, 0x1b, 0x21}, {0x3c, 0xd9, 0x2b}}
	for _, c := range []struct {
		name   string
		prefix string
		plain  int
	}{{"24-devices+240plain", "198.18.0.0/24", 240}, {"22-devices+1000plain", "198.18.0.0/22", 1000}} {
		b.Run(c.name, func(b *testing.B) {
			prefix := netip.MustParsePrefix(c.prefix)
			for b.Loop() {
				l, err := lab.New(lab.Options{Prefix: prefix})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := AddAll(context.Background(), l, ps); err != nil {
					l.Close()
					b.Fatal(err)
				}
				first, err := l.FreeIP() // devices took the lowest addresses
				if err != nil {
					b.Fatal(err)
				}
				if err := l.AddPlainHosts(lab.GeneratePlainHosts(first, c.plain, ouis)); err != nil {
					l.Close()
					b.Fatal(err)
				}
				if err := l.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.plain+len(ps)), "hosts")
		})
	}
}

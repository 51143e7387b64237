package fingerprint

import (
	"net/netip"
	"strconv"
	"testing"
)

// BenchmarkEngineChattyKey measures a device that keeps sending new values
// of one key past MaxValuesPerKey (a PC's DNS names, a hostile flood).
func BenchmarkEngineChattyKey(b *testing.B) {
	e := newTestEngine(b)
	ip := netip.MustParseAddr("198.18.0.9")
	vals := make([]string, 4096)
	for i := range vals {
		vals[i] = strconv.Itoa(i*7919%4096) + ".example.com"
	}
	for k := range 14 { // fill the device near MaxFactsPerDevice, as a chatty host does
		for i := range MaxValuesPerKey {
			e.Add(Observation{Probe: "x", IP: ip, Key: "x.key" + strconv.Itoa(k), Value: strconv.Itoa(i)})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Add(Observation{Probe: "dns", IP: ip, Key: "dns.query", Value: vals[i%len(vals)]})
	}
}

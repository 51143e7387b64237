package pcap

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
)

// A hostile capture: 100,000 connections to local web servers, each sending
// 14 KB and never closing. Memory must stay within the flow cap and the
// byte budget however long it goes on.
func TestMemoryBoundedUnderFlowFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("floods the flow table")
	}
	decoded := 0
	drop := func(client, server []byte, m scanner.Meta, emit scanner.Emit) error { decoded++; return nil }
	p := &Protocols{StreamByPort: func(port uint16) (scanner.StreamDecoder, bool) { return drop, port == 80 }}
	d := NewDecoder(func(fingerprint.Observation) {}, Options{Protocols: p})
	payload := make([]byte, 1400)
	server := frame(t, seg{true, 0, "A", string(payload)}, 40000, 80)
	const ipOff, tcpOff = 14, 34
	ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for flow := uint32(0); flow < 100_000; flow++ {
		// Each flow: a different server address in 10.0.0.0/8 and client port.
		server[ipOff+12], server[ipOff+13], server[ipOff+14], server[ipOff+15] = 10, byte(flow>>16), byte(flow>>8), byte(flow)
		binary.BigEndian.PutUint16(server[tcpOff+2:], uint16(1024+flow%60000))
		for i := uint32(0); i < 10; i++ {
			binary.BigEndian.PutUint32(server[tcpOff+4:], 1+i*1400)
			d.Packet(layers.LinkTypeEthernet, ts, server)
		}
		ts = ts.Add(time.Millisecond)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapInuse) - int64(before.HeapInuse)
	st := d.Stats()
	t.Logf("heap grew %d MB; %d flows, %d evicted, %d buffered bytes", grown>>20, st.Flows, st.Evicted, d.flows.buffered)
	if grown > 96<<20 {
		t.Errorf("heap grew %d MB", grown>>20)
	}
	if d.flows.buffered > defaultStreamBudget+defaultStreamBytes || len(d.flows.index) > defaultMaxFlows {
		t.Errorf("%d bytes in %d flows held", d.flows.buffered, len(d.flows.index))
	}
	d.Flush()
	if decoded != 100_000 || d.flows.buffered != 0 {
		t.Errorf("%d flows decoded, %d bytes left", decoded, d.flows.buffered)
	}
}

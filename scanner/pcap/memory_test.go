package pcap

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
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
	d := NewDecoder(func(observe.Observation) {}, Options{Protocols: p})
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

// A hostile capture: endless first fragments that are never completed, each
// of another datagram, from ever new local senders. The pending datagrams
// stay within MaxReassembly and ReassemblyBudget, the heap does not grow with
// the flood, and every fragment is counted as dropped.
func TestMemoryBoundedUnderFragmentFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("floods the reassembler")
	}
	d := NewDecoder(func(observe.Observation) {}, Options{})
	first := rawFragment("10.0.0.1", 0, 0, true, make([]byte, 1400))
	const ipOff, fragments = 14, 300_000
	ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := uint32(0); i < fragments; i++ {
		first[ipOff+13], first[ipOff+14], first[ipOff+15] = byte(i>>16), byte(i>>8), byte(i)
		binary.BigEndian.PutUint16(first[ipOff+4:], uint16(i))
		d.Packet(layers.LinkTypeEthernet, ts, first)
		if d.frags.held > defaultReassemblyBudget || len(d.frags.index) > defaultMaxReassembly {
			t.Fatalf("after %d fragments: %d bytes in %d datagrams", i+1, d.frags.held, len(d.frags.index))
		}
		ts = ts.Add(time.Microsecond)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("heap grew %d KB; %d datagrams pending, %d bytes charged", grown>>10, len(d.frags.index), d.frags.held)
	if grown > 2*defaultReassemblyBudget {
		t.Errorf("heap grew %d KB", grown>>10)
	}
	d.Flush()
	if st := d.Stats(); st.Fragments != fragments || st.FragmentsDropped != fragments || st.Reassembled != 0 || d.frags.held != 0 {
		t.Errorf("stats %+v, %d bytes left", st, d.frags.held)
	}
}

// What the reassembler charges to its budget is at least what the heap
// holds for it, for tiny fragments and full-sized ones alike.
func TestFragmentCostsAreHonest(t *testing.T) {
	for _, c := range []struct{ datagrams, fragments, size int }{{2000, 1, 8}, {2000, 1, 1400}, {100, 60, 8}, {100, 40, 1400}} {
		d := NewDecoder(func(observe.Observation) {}, Options{MaxReassembly: 1 << 20, ReassemblyBudget: 1 << 40})
		frames := make([][]byte, c.fragments)
		for i := range frames { // pieces with holes between them: never complete
			frames[i] = rawFragment("10.0.0.1", 0, uint16(i*(c.size/8+1)), true, make([]byte, c.size))
		}
		ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for id := range c.datagrams {
			for _, f := range frames {
				binary.BigEndian.PutUint16(f[14+4:], uint16(id))
				d.Packet(layers.LinkTypeEthernet, ts, f)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		grown := int64(after.HeapInuse) - int64(before.HeapInuse)
		if d.Stats().FragmentsDropped != 0 {
			t.Fatalf("%+v: %d fragments dropped", c, d.Stats().FragmentsDropped)
		}
		t.Logf("%+v: heap grew %d bytes, %d charged", c, grown, d.frags.held)
		if grown > int64(d.frags.held)*21/20 {
			t.Errorf("%+v: heap grew %d bytes, only %d charged", c, grown, d.frags.held)
		}
		runtime.KeepAlive(d)
	}
}

package pcap

import (
	"time"

	"github.com/camsweep/camsweep/scanner"
)

const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10

	// maxPending bounds the out-of-order segments kept per direction; a
	// capture that lost more than that simply ends the stream early.
	maxPending = 8
	// idleTimeout hands over flows that have been quiet this long in
	// capture time; checked every tickEvery packets.
	idleTimeout = 2 * time.Minute
	tickEvery   = 1024
)

// flowKey names a TCP connection by its server and client ends.
type flowKey struct {
	srv, cli         [16]byte
	srvPort, cliPort uint16
}

type flowState uint8

const (
	flowUndecided flowState = iota // keeping a little of each side until the server speaks
	flowKeeping                    // a service decoder wants this flow's bytes
	flowDone                       // handed over or not wanted: later segments are ignored
)

// half is one direction of a flow: the first bytes in sequence order.
type half struct {
	buf     []byte
	next    uint32 // sequence number of the next byte expected
	started bool
	fin     bool
	pending []segment // out-of-order segments waiting for the gap to fill
}

type segment struct {
	seq  uint32
	data []byte
}

type flow struct {
	key        flowKey
	state      flowState
	dec        scanner.StreamDecoder
	meta       scanner.Meta // the server is the source
	dir        [2]half      // 0: client to server, 1: server to client
	last       int64        // capture time of the last segment, Unix ns
	prev, next int32        // LRU list links; -1 ends the list
}

// flowTable keeps the first bytes of the TCP connections a service decoder
// may read, in bounded memory: a capped number of flows in LRU order, a cap
// per direction and a budget over all buffers.
type flowTable struct {
	d          *Decoder
	opt        Options
	index      map[flowKey]int32
	chunks     [][]flow // flows in fixed-size chunks: growing never copies a flow
	free       []int32
	spare      [][]byte // released buffers, reused by newBuffer
	size       int32    // slots handed out so far
	head, tail int32    // most and least recently used; -1 when empty
	servers    endpointFilter
	buffered   int // bytes held by all buffers (their capacity)
	now        int64
	ticks      int
}

func newFlowTable(d *Decoder, opt Options) *flowTable {
	return &flowTable{d: d, opt: opt, index: make(map[flowKey]int32), head: -1, tail: -1}
}

// segment processes one TCP segment (the decoder's current packet).
func (t *flowTable) segment(p *packet) {
	i, fromServer, ok := t.lookup(p)
	if !ok {
		if i, fromServer, ok = t.create(p); !ok {
			return
		}
	}
	f := t.at(i)
	f.last = t.now
	t.touch(i)
	if f.state == flowDone {
		if p.tcpFlags&tcpRST != 0 {
			t.remove(i)
		}
		return
	}
	side := 0
	if fromServer {
		side = 1
	}
	h := &f.dir[side]
	if p.tcpFlags&tcpSYN != 0 {
		h.next, h.started = p.seq+1, true
	}
	if len(p.payload) > 0 {
		t.add(f, h, p.seq, p.payload)
	}
	if p.tcpFlags&tcpFIN != 0 {
		h.fin = true
	}
	if f.state == flowUndecided && len(f.dir[1].buf) > 0 {
		t.detect(f)
	}
	server := &f.dir[1]
	if p.tcpFlags&tcpRST != 0 || server.fin || len(server.buf) >= t.opt.StreamBytes {
		t.finish(f)
	}
	t.keepBudget(i)
}

// lookup finds the packet's flow. Only orientations whose server end could
// be tracked are tried, and only when the endpoint filter says that end was
// ever a tracked server: bulk traffic nobody decodes costs a bit test.
func (t *flowTable) lookup(p *packet) (int32, bool, bool) {
	if (p.dstLocal || t.opt.AllAddresses) && t.servers.mayHave(p.dst, p.dstPort) {
		if i, ok := t.index[makeKey(p.dst, p.src, p.dstPort, p.srcPort)]; ok {
			return i, false, true
		}
	}
	if (p.srcLocal || t.opt.AllAddresses) && t.servers.mayHave(p.src, p.srcPort) {
		if i, ok := t.index[makeKey(p.src, p.dst, p.srcPort, p.dstPort)]; ok {
			return i, true, true
		}
	}
	return 0, false, false
}

func makeKey(srv, cli []byte, srvPort, cliPort uint16) flowKey {
	return flowKey{srv: addr16(srv), cli: addr16(cli), srvPort: srvPort, cliPort: cliPort}
}

// create starts tracking a flow if its server is local and some decoder may
// want it. The server is the SYN's destination, the SYN-ACK's source, or,
// for a flow seen mid-stream, the end on a port a decoder knows, or the
// sender of an answer (the receiver of a request) whose first line says so.
func (t *flowTable) create(p *packet) (int32, bool, bool) {
	dstOK := p.dstLocal || t.opt.AllAddresses
	srcOK := p.srcLocal || t.opt.AllAddresses
	var fromServer bool
	switch {
	case p.tcpFlags&tcpRST != 0 || p.tcpFlags&tcpFIN != 0:
		return 0, false, false
	case p.tcpFlags&(tcpSYN|tcpACK) == tcpSYN:
		if !dstOK {
			return 0, false, false
		}
	case p.tcpFlags&(tcpSYN|tcpACK) == tcpSYN|tcpACK:
		if !srcOK {
			return 0, false, false
		}
		fromServer = true
	case len(p.payload) == 0:
		return 0, false, false
	case dstOK && t.knownPort(p.dstPort):
	case srcOK && t.knownPort(p.srcPort):
		fromServer = true
	default:
		var ok bool
		if !srcOK && !dstOK {
			return 0, false, false
		}
		if fromServer, ok = t.opens(p.payload, dstOK); !ok || fromServer && !srcOK {
			return 0, false, false
		}
	}
	srvPort := p.dstPort
	if fromServer {
		srvPort = p.srcPort
	}
	dec, known := t.byPort(srvPort)
	if !known && t.d.proto.StreamDetect == nil {
		return 0, false, false
	}
	i := t.alloc()
	f := t.at(i)
	*f = flow{prev: -1, next: -1, state: flowUndecided, dec: dec, last: t.now}
	if known {
		f.state = flowKeeping
		t.d.stats.Flows++
	}
	f.meta = t.d.meta()
	if !fromServer { // the meta describes the server as the source
		m := &f.meta
		m.SrcMAC, m.DstMAC = m.DstMAC, m.SrcMAC
		m.SrcIP, m.DstIP = m.DstIP, m.SrcIP
		m.SrcPort, m.DstPort = m.DstPort, m.SrcPort
	}
	if fromServer {
		f.key = makeKey(p.src, p.dst, p.srcPort, p.dstPort)
		t.servers.add(p.src, p.srcPort)
	} else {
		f.key = makeKey(p.dst, p.src, p.dstPort, p.srcPort)
		t.servers.add(p.dst, p.dstPort)
	}
	t.index[f.key] = i
	t.pushFront(i)
	return i, fromServer, true
}

// opens reports whether a segment of a flow seen mid-stream on ports no
// decoder names opens a message (an HTTP answer on a port of its own), and
// whether its sender is the server.
func (t *flowTable) opens(payload []byte, requests bool) (fromServer, ok bool) {
	if t.d.proto.StreamOpens == nil {
		return false, false
	}
	return t.d.proto.StreamOpens(payload, requests)
}

func (t *flowTable) knownPort(port uint16) bool {
	_, ok := t.byPort(port)
	return ok
}

func (t *flowTable) byPort(port uint16) (scanner.StreamDecoder, bool) {
	if t.d.proto.StreamByPort == nil {
		return nil, false
	}
	return t.d.proto.StreamByPort(port)
}

// add places a segment's payload in sequence: retransmitted bytes are
// dropped, a segment after a gap waits (bounded) for the gap to fill.
func (t *flowTable) add(f *flow, h *half, seq uint32, data []byte) {
	limit := t.opt.StreamBytes
	if f.state == flowUndecided {
		limit = detectBytes
	}
	if !h.started {
		h.next, h.started = seq, true
	}
	off := int32(seq - h.next)
	if off > 0 {
		if len(h.pending) < maxPending && off < 1<<20 && len(h.buf) < limit {
			kept := append([]byte(nil), data[:min(len(data), limit)]...)
			h.pending = append(h.pending, segment{seq: seq, data: kept})
			t.buffered += cap(kept)
		}
		return
	}
	if int(-off) >= len(data) {
		return // all of it seen already
	}
	t.appendInOrder(h, data[-off:], limit)
	for t.drainPending(h, limit) {
	}
}

func (t *flowTable) appendInOrder(h *half, data []byte, limit int) {
	h.next += uint32(len(data))
	n := min(limit-len(h.buf), len(data))
	if n <= 0 {
		return
	}
	before := cap(h.buf)
	if h.buf == nil {
		h.buf = t.newBuffer(min(limit, max(n, 1024)))
	}
	h.buf = append(h.buf, data[:n]...)
	t.buffered += cap(h.buf) - before
}

// drainPending appends the first waiting segment that now fits, if any.
func (t *flowTable) drainPending(h *half, limit int) bool {
	for i, s := range h.pending {
		off := int32(s.seq - h.next)
		if off > 0 {
			continue
		}
		h.pending = append(h.pending[:i], h.pending[i+1:]...)
		t.buffered -= cap(s.data)
		if int(-off) < len(s.data) {
			t.appendInOrder(h, s.data[-off:], limit)
		}
		return true
	}
	return false
}

// detect asks whether a service decoder recognises an undecided flow from
// its first bytes; if none does, the flow is dropped and costs nothing more.
func (t *flowTable) detect(f *flow) {
	dec, ok := t.detectStream(f.dir[0].buf, f.dir[1].buf)
	if !ok {
		t.release(f)
		f.state = flowDone
		return
	}
	f.dec, f.state = dec, flowKeeping
	t.d.stats.Flows++
}

// detectStream decides on a flow of an unknown port. A request line the
// client sent, or a server that speaks first (a banner), is worth keeping.
// When the client spoke first in a protocol nobody names (file copies,
// databases), the server's answer is not a banner: the flow is let go, so
// bulk traffic between local hosts costs nothing. TLS is the exception: its
// client speaks first and the server's certificate is worth reading.
func (t *flowTable) detectStream(client, server []byte) (scanner.StreamDecoder, bool) {
	detect := t.d.proto.StreamDetect
	if dec, ok := detect(client, nil); ok {
		return dec, true
	}
	if len(client) == 0 || isTLSHandshake(client) {
		return detect(nil, server)
	}
	return nil, false
}

// isTLSHandshake reports whether b starts with a TLS handshake record.
func isTLSHandshake(b []byte) bool {
	return len(b) >= 3 && b[0] == 0x16 && b[1] == 3
}

// finish hands a flow's bytes to its decoder and keeps it as a tombstone, so
// the rest of the connection is ignored.
func (t *flowTable) finish(f *flow) {
	if f.state == flowUndecided && t.d.proto.StreamDetect != nil && len(f.dir[0].buf)+len(f.dir[1].buf) > 0 {
		t.detect(f)
	}
	if f.state == flowKeeping && f.dec != nil && len(f.dir[0].buf)+len(f.dir[1].buf) > 0 {
		t.runStream(f)
	}
	t.release(f)
	f.state = flowDone
}

func (t *flowTable) runStream(f *flow) {
	defer t.d.recoverDecoder()
	if err := f.dec(f.dir[0].buf, f.dir[1].buf, f.meta, t.d.emit); err != nil {
		t.d.stats.DecoderErrors++
	}
}

func (t *flowTable) release(f *flow) {
	for side := range f.dir {
		h := &f.dir[side]
		t.buffered -= cap(h.buf)
		t.recycle(h.buf)
		for _, s := range h.pending {
			t.buffered -= cap(s.data)
		}
		h.buf, h.pending = nil, nil
	}
}

// maxSpare bounds the released buffers kept for new flows (at most
// maxSpare × StreamBytes bytes, 4 MiB by default).
const maxSpare = 256

// newBuffer returns an empty buffer for a flow's first bytes: a released
// one when there is one. A camera network opens a connection every few
// hundred packets; a fresh buffer each time was half of what a capture
// allocated, and the collector's work with it.
func (t *flowTable) newBuffer(size int) []byte {
	if n := len(t.spare); n > 0 {
		b := t.spare[n-1]
		t.spare = t.spare[:n-1]
		return b
	}
	return make([]byte, 0, size)
}

// recycle keeps a released buffer for newBuffer. The decoders have run:
// what they emitted are copies (strings), nothing holds the bytes.
func (t *flowTable) recycle(b []byte) {
	if cap(b) == 0 || cap(b) > t.opt.StreamBytes || len(t.spare) >= maxSpare {
		return
	}
	t.spare = append(t.spare, b[:0])
}

// keepBudget hands over the least recently used flows while the buffers
// hold more than the budget. The flow in hand (most recent) stays.
func (t *flowTable) keepBudget(current int32) {
	for t.buffered > t.opt.StreamBudget && t.tail != -1 && t.tail != current {
		t.evict(t.tail)
	}
}

func (t *flowTable) evict(i int32) {
	if t.at(i).state != flowDone {
		t.d.stats.Evicted++
	}
	t.remove(i)
}

// remove finishes a flow and frees its slot.
func (t *flowTable) remove(i int32) {
	f := t.at(i)
	if f.state != flowDone {
		t.finish(f)
	}
	delete(t.index, f.key)
	t.unlink(i)
	*f = flow{}
	t.free = append(t.free, i)
}

// tick advances capture time and hands over idle flows now and then.
func (t *flowTable) tick(ts time.Time) {
	t.now = ts.UnixNano()
	t.ticks++
	if t.ticks < tickEvery {
		return
	}
	t.ticks = 0
	deadline := t.now - int64(idleTimeout)
	for t.tail != -1 && t.at(t.tail).last < deadline {
		t.remove(t.tail)
	}
}

func (t *flowTable) flushAll() {
	for t.tail != -1 {
		t.remove(t.tail)
	}
	t.servers.reset()
}

// alloc returns a free slot, evicting the least recently used flow when the
// table is full.
func (t *flowTable) alloc() int32 {
	if len(t.index) >= t.opt.MaxFlows && t.tail != -1 {
		t.evict(t.tail)
	}
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		return i
	}
	if t.size%flowChunk == 0 {
		t.chunks = append(t.chunks, make([]flow, flowChunk))
	}
	t.size++
	return t.size - 1
}

// flowChunk is how many flows one chunk holds. A table that grew by
// appending to one slice spent a fifth of a camera capture's time copying
// flows to the next, larger slice; chunks are allocated once and stay.
const flowChunk = 1024

// at returns flow slot i.
func (t *flowTable) at(i int32) *flow {
	return &t.chunks[i/flowChunk][i%flowChunk]
}

func (t *flowTable) touch(i int32) {
	if t.head == i {
		return
	}
	t.unlink(i)
	t.pushFront(i)
}

func (t *flowTable) pushFront(i int32) {
	f := t.at(i)
	f.prev, f.next = -1, t.head
	if t.head != -1 {
		t.at(t.head).prev = i
	}
	t.head = i
	if t.tail == -1 {
		t.tail = i
	}
}

func (t *flowTable) unlink(i int32) {
	f := t.at(i)
	if f.prev != -1 {
		t.at(f.prev).next = f.next
	} else if t.head == i {
		t.head = f.next
	}
	if f.next != -1 {
		t.at(f.next).prev = f.prev
	} else if t.tail == i {
		t.tail = f.prev
	}
	f.prev, f.next = -1, -1
}

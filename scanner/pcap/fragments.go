package pcap

import (
	"bytes"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/layers"
)

// Discovery answers (WS-Discovery ProbeMatches, SADP, DHIP, SSDP, mDNS with
// many records) are often larger than the MTU and arrive as IPv4 fragments:
// without reassembly a capture loses exactly its richest evidence.
//
// The rules of reassembly (which repeats and overlaps a receiver accepts, the
// 64 KiB limit) are gopacket's ip4defrag. Its defragmenter holds any number of
// datagrams and bytes and can only forget by age, over its whole map at once,
// so it cannot be bounded from outside. Here each datagram gets a
// defragmenter of its own, in a table this package bounds: datagrams at
// once, bytes held, fragments per datagram, and age in capture time.

const (
	// fragmentTimeout drops a datagram still incomplete this long (capture
	// time) after its first fragment. It is Linux's ipfrag_time: what a
	// receiver would have put together is never lost to it.
	fragmentTimeout = 30 * time.Second
	// maxFragmentsPerDatagram stops a datagram cut into tiny pieces from
	// taking the whole budget: a 64 KiB datagram at Ethernet's MTU is 45
	// fragments, so only a hostile sender needs more.
	maxFragmentsPerDatagram = 64
	defaultMaxReassembly    = 1024
	// defaultReassemblyBudget is Linux's ipfrag_high_thresh.
	defaultReassemblyBudget = 4 << 20
	// fragmentOverhead and datagramOverhead are what the bookkeeping costs
	// beyond a fragment's own bytes (the decoded header ip4defrag keeps and
	// its list entry; a defragmenter, its map and the table's entry). They
	// are charged to the budget so that many tiny fragments cost what they
	// really hold (TestFragmentCostsAreHonest measures them).
	fragmentOverhead = 384
	datagramOverhead = 1024
)

// datagramKey names a datagram as RFC 791 does: source, destination,
// protocol and identification. Only UDP is reassembled, so the protocol is
// left out.
type datagramKey struct {
	src, dst [4]byte
	id       uint16
}

// partial is one datagram being reassembled.
type partial struct {
	key          datagramKey
	defrag       *ip4defrag.IPv4Defragmenter // holds this datagram only
	first        int64                       // capture time of its first fragment, Unix ns
	fragments    int                         // fragments taken, repeats included
	cost         int                         // bytes charged to the budget
	older, newer *partial                    // in order of first fragments
}

// reassembler holds the datagrams being reassembled, oldest first, within
// a cap on their number and a budget on their bytes.
type reassembler struct {
	index          map[datagramKey]*partial
	oldest, newest *partial
	held           int // cost of all partials
	maxDatagrams   int
	budget         int
	stats          *Stats
}

func newReassembler(opt Options, stats *Stats) *reassembler {
	return &reassembler{index: make(map[datagramKey]*partial), maxDatagrams: opt.MaxReassembly,
		budget: opt.ReassemblyBudget, stats: stats}
}

// add takes one fragment of a UDP datagram (an IPv4 packet trimmed to its
// total length) seen at now, Unix ns. When the fragment completes its
// datagram, add returns the IP payload: UDP header and data.
func (r *reassembler) add(packet []byte, now int64) ([]byte, bool) {
	r.stats.Fragments++
	r.expire(now)
	// ip4defrag keeps the fragment, and the capture reader reuses packet's
	// buffer for the next one.
	kept := bytes.Clone(packet)
	in := new(layers.IPv4)
	if in.DecodeFromBytes(kept, gopacket.NilDecodeFeedback) != nil {
		r.stats.FragmentsDropped++
		return nil, false
	}
	p := r.partial(keyOf(packet), now)
	p.fragments++
	out, err := p.defrag.DefragIPv4WithTimestamp(in, time.Unix(0, now))
	switch {
	case err != nil: // overlapping, past 64 KiB, truncated: ip4defrag has forgotten the datagram
		r.drop(p)
	case out != nil:
		r.remove(p)
		r.stats.Reassembled++
		return out.Payload, true
	case p.fragments > maxFragmentsPerDatagram:
		r.drop(p)
	default:
		p.cost += cap(kept) + fragmentOverhead
		r.held += cap(kept) + fragmentOverhead
		r.keepBounds()
	}
	return nil, false
}

func keyOf(packet []byte) datagramKey {
	return datagramKey{src: [4]byte(packet[12:16]), dst: [4]byte(packet[16:20]), id: uint16(packet[4])<<8 | uint16(packet[5])}
}

// partial returns the datagram a fragment belongs to, new if need be.
func (r *reassembler) partial(key datagramKey, now int64) *partial {
	if p, ok := r.index[key]; ok {
		return p
	}
	p := &partial{key: key, defrag: ip4defrag.NewIPv4Defragmenter(), first: now, cost: datagramOverhead, older: r.newest}
	if r.newest != nil {
		r.newest.newer = p
	} else {
		r.oldest = p
	}
	r.newest = p
	r.index[key] = p
	r.held += p.cost
	return p
}

// keepBounds drops the oldest datagrams while too many are held or they
// hold too much. The newest goes last, and only if it alone is too big.
func (r *reassembler) keepBounds() {
	for r.oldest != nil && (len(r.index) > r.maxDatagrams || r.held > r.budget) {
		r.drop(r.oldest)
	}
}

// expire drops the datagrams whose first fragment is older than
// fragmentTimeout. Decoder.Packet calls it whenever one is pending, so that
// memory is freed on time even when no fragment follows.
func (r *reassembler) expire(now int64) {
	for r.oldest != nil && now-r.oldest.first > int64(fragmentTimeout) {
		r.drop(r.oldest)
	}
}

// flush drops every datagram still incomplete: at the end of input none
// will be completed.
func (r *reassembler) flush() {
	for r.oldest != nil {
		r.drop(r.oldest)
	}
}

// drop gives a datagram up, counting its fragments as dropped.
func (r *reassembler) drop(p *partial) {
	r.stats.FragmentsDropped += int64(p.fragments)
	r.remove(p)
}

func (r *reassembler) remove(p *partial) {
	if p.older != nil {
		p.older.newer = p.newer
	} else {
		r.oldest = p.newer
	}
	if p.newer != nil {
		p.newer.older = p.older
	} else {
		r.newest = p.older
	}
	delete(r.index, p.key)
	r.held -= p.cost
	p.older, p.newer, p.defrag = nil, nil, nil
}

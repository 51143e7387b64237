package sweep

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/sync/errgroup"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/arp"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// maxDatagram bounds one discovery answer; real ones are a few KiB.
const maxDatagram = 64 << 10

// The ports the sweep also uses outside the protocol loop: mDNS browsing
// and unicast WS-Discovery to each host.
var (
	mdnsPort = mustProtocol(ProbeMDNS).Port
	wsdPort  = int(mustProtocol(ProbeWSD).Port)
)

func mustProtocol(name string) discovery.Protocol {
	p, ok := discovery.ProtocolByName(name)
	if !ok {
		panic("sweep: no discovery protocol " + name)
	}
	return p
}

// linkLocal sends each enabled discovery request (twice when broadcast:
// sendRepeated) and listens for answers for the listen window.
func (r *run) linkLocal(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	if r.cfg.enabled(ProbeMDNS) && !r.narrowed() {
		g.Go(func() error {
			if err := r.browseMDNS(gctx); err != nil && !errors.Is(err, context.Canceled) {
				r.warn("mDNS browsing: %v", err)
			}
			return nil
		})
	}
	for _, p := range discovery.Protocols() {
		if !r.cfg.enabled(p.Name) || (p.Name == ProbeWSD && r.narrowed()) {
			continue // narrowed: the TCP phase asks each host found by unicast WS-Discovery
		}
		g.Go(func() error {
			if err := r.discoverWith(gctx, p); err != nil && !errors.Is(err, context.Canceled) {
				r.warn("%s discovery: %v", p.Name, err)
			}
			return nil
		})
	}
	err := g.Wait()
	r.warnUnsent()
	r.warnDropped()
	return err
}

func (r *run) discoverWith(ctx context.Context, p discovery.Protocol) error {
	seg := r.cfg.Segment
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	conn, err := listenUDP(listenCtx, seg, 0, netip.Addr{})
	if err != nil {
		return err
	}
	conns := []net.PacketConn{conn}
	if p.AnswerPort != 0 {
		if c, err := listenUDP(listenCtx, seg, int(p.AnswerPort), p.Group); err == nil {
			conns = append(conns, c)
		} else {
			r.warn("%s: cannot listen on port %d for answers sent there (%v); direct answers still count", p.Name, p.AnswerPort, err)
		}
	}
	emit := r.emit
	if p.Name == ProbeSSDP {
		descs := &descriptions{r: r, ctx: ctx, seen: map[string]bool{}}
		defer func() {
			stopListening()
			descs.finish()
		}()
		emit = descs.watch(r.emit)
	}
	var readers sync.WaitGroup
	defer func() {
		stopListening()
		readers.Wait() // so that their count of answers dropped is in
	}()
	for _, c := range conns {
		go func() { <-listenCtx.Done(); c.Close() }()
		readers.Go(func() { r.readAnswers(c, p.Name, emit) })
	}
	payload, err := p.Request()
	if err != nil {
		return err
	}
	dsts, err := r.discoveryDestinations(ctx, p)
	if err != nil {
		return err
	}
	if r.narrowed() {
		if err := r.sendEach(ctx, conn, payload, dsts, int(p.Port)); err != nil {
			return err
		}
	} else if err := r.sendRepeated(ctx, conn, payload, dsts, int(p.Port)); err != nil {
		return err
	}
	// The window starts after the last request: unicast to many targets
	// takes longer than one multicast.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(r.cfg.ListenWindow):
	}
	return nil
}

// A broadcast or multicast discovery request is sent discoveryRepeats
// times, discoveryRepeatGap apart. UDP is lost without a word (a busy switch
// or Wi-Fi segment, a device whose receive queue was full at that moment),
// and a device that missed the one request would be missing from the
// report. SOAP-over-UDP, WS-Discovery's transport, sends every multicast
// message twice for this reason (MULTICAST_UDP_REPEAT 1, at most
// UDP_MAX_DELAY 250 ms apart); python-kasa broadcasts its TDP search three
// times. A device answering both copies says the same thing twice: the
// repeat is not decoded again (answerSet). The copies are a gap apart, not
// back to back, so that a segment's answers to the first have been read
// before those to the second arrive: at once they would need twice the
// receive buffer. A narrowed sweep's unicast requests (sendEach) go once:
// no switch floods them, and repeating them would double the requests a
// /16 of targets gets.
const (
	discoveryRepeats   = 2
	discoveryRepeatGap = 250 * time.Millisecond
)

// sendRepeated sends payload to each broadcast or multicast destination,
// discoveryRepeats times.
func (r *run) sendRepeated(ctx context.Context, conn net.PacketConn, payload []byte, dsts []netip.Addr, port int) error {
	for i := range discoveryRepeats {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(discoveryRepeatGap):
			}
		}
		for _, dst := range dsts {
			addr := &net.UDPAddr{IP: dst.AsSlice(), Port: port}
			if err := r.waitBroadcast(ctx); err != nil {
				return err
			}
			if err := r.sendDatagram(ctx, conn, payload, addr, true); err != nil {
				return fmt.Errorf("sending to %s: %w", addr, err)
			}
		}
	}
	return nil
}

// sendEach sends a narrowed sweep's discovery request to each target by
// unicast, at --rate. Where the kernel resolves the targets' MACs (no ARP
// sweep ran), the first packet to a target makes it broadcast ARP requests,
// so that first packet waits for their broadcast permits as the TCP probes'
// do (firstTouch): otherwise the requests, 13 per target, would have the
// kernel broadcast at the unicast pace. A target the kernel refuses to send
// to (a firewall rule, a route that forbids it) is noted and skipped: the
// other targets still get the request.
func (r *run) sendEach(ctx context.Context, conn net.PacketConn, payload []byte, dsts []netip.Addr, port int) error {
	for _, dst := range dsts {
		if err := r.firstTouch(ctx, dst); err != nil {
			return err
		}
		if err := r.wait(ctx); err != nil {
			return err
		}
		addr := &net.UDPAddr{IP: dst.AsSlice(), Port: port}
		if err := r.sendDatagram(ctx, conn, payload, addr, false); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.noteUnsent(dst, err)
		}
	}
	return nil
}

// noteUnsent remembers a target a discovery request could not be sent to.
func (r *run) noteUnsent(dst netip.Addr, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unsent == nil {
		r.unsent = map[netip.Addr]error{}
	}
	if _, seen := r.unsent[dst]; !seen {
		r.unsent[dst] = err
	}
}

// warnUnsent says, once for every protocol, which targets no discovery
// request could be sent to.
func (r *run) warnUnsent() {
	r.mu.Lock()
	unsent := r.unsent
	r.mu.Unlock()
	if len(unsent) == 0 {
		return
	}
	first := slices.SortedFunc(maps.Keys(unsent), netip.Addr.Compare)[0]
	what := "1 target"
	if len(unsent) > 1 {
		what = fmt.Sprintf("%d targets", len(unsent))
	}
	r.warn("discovery requests could not be sent to %s (%s: %v); their other probes still ran", what, first, unsent[first])
}

// narrowed says --targets leave part of the segment out. Multicast and
// broadcast reach every host of the segment, so a narrowed sweep sends none:
// its discovery requests go to each target by unicast instead.
func (r *run) narrowed() bool {
	seg := r.cfg.Segment
	if seg == nil || len(r.cfg.Targets) == 0 {
		return false
	}
	for _, p := range r.cfg.Targets {
		if p.Bits() <= seg.Prefix.Bits() && p.Contains(seg.Prefix.Addr()) {
			return false
		}
	}
	return true
}

// discoveryDestinations is where one discovery request goes: the protocol's
// group (or the segment broadcast); when narrowed, each target that answered
// ARP, once ARP has ended (each target, without ARP).
func (r *run) discoveryDestinations(ctx context.Context, p discovery.Protocol) ([]netip.Addr, error) {
	seg := r.cfg.Segment
	if r.narrowed() {
		return r.answeredOrAll(ctx)
	}
	if p.Group.IsValid() {
		return []netip.Addr{p.Group}, nil
	}
	return []netip.Addr{broadcast(seg.Prefix)}, nil
}

// readAnswers decodes every datagram until the connection closes. It serves
// the multicast discovery sockets and the unicast WS-Discovery socket alike.
func (r *run) readAnswers(c net.PacketConn, probe string, emit scanner.Emit) {
	buf, oob := make([]byte, maxDatagram), make([]byte, 64)
	local := uint16(c.LocalAddr().(*net.UDPAddr).Port)
	var dropped uint32
	defer func() { r.noteDropped(probe, dropped) }()
	for {
		n, from, d, err := readDatagram(c, buf, oob)
		if err != nil {
			return
		}
		dropped = max(dropped, d)
		ua, ok := from.(*net.UDPAddr)
		if !ok {
			continue
		}
		src, _ := netip.AddrFromSlice(ua.IP.To4())
		if r.cfg.Segment != nil && src == r.cfg.Segment.Addr {
			continue // our own request, looped back
		}
		m := r.meta(probe, src, uint16(ua.Port))
		m.DstPort = local
		r.decodeDatagram(buf[:n], m, emit)
	}
}

// readDatagram reads one datagram and, where the socket counts them
// (countDrops), how many datagrams it has dropped so far for want of room.
func readDatagram(c net.PacketConn, buf, oob []byte) (n int, from net.Addr, dropped uint32, err error) {
	uc, ok := c.(*net.UDPConn)
	if !ok {
		n, from, err = c.ReadFrom(buf)
		return n, from, 0, err
	}
	n, oobn, _, ua, err := uc.ReadMsgUDP(buf, oob)
	if err != nil {
		return 0, nil, 0, err
	}
	dropped, _ = droppedSoFar(oob[:oobn])
	return n, ua, dropped, nil
}

// noteDropped adds the answers one socket of a protocol dropped.
func (r *run) noteDropped(probe string, n uint32) {
	if n == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dropped == nil {
		r.dropped = map[string]uint64{}
	}
	r.dropped[probe] += uint64(n)
}

// warnDropped says, once, how many discovery answers the kernel dropped
// because a socket's receive buffer was full: devices the report may be
// missing. The count comes with a later datagram (SO_RXQ_OVFL), so answers
// dropped after a socket's last one read are not counted.
func (r *run) warnDropped() {
	r.mu.Lock()
	dropped := r.dropped
	r.mu.Unlock()
	if len(dropped) == 0 {
		return
	}
	var parts []string
	total := uint64(0)
	for _, p := range slices.Sorted(maps.Keys(dropped)) {
		parts = append(parts, fmt.Sprintf("%s %d", p, dropped[p]))
		total += dropped[p]
	}
	r.warn("the kernel dropped %d discovery answers for want of receive buffer (%s): devices may be missing; raise net.core.rmem_max or run as root", total, strings.Join(parts, ", "))
}

// decodeDatagram hands an answer to the decoder for its ports, once: an
// answer that repeats one decoded before is not decoded again.
func (r *run) decodeDatagram(b []byte, m scanner.Meta, emit scanner.Emit) {
	dec, ok := discovery.ByPort(m.SrcPort, m.DstPort)
	if !ok {
		return
	}
	key := r.answers.key(m, b)
	if r.answers.seen(key) {
		return
	}
	if dec(b, m, emit) == nil { // undecodable answers are simply not evidence
		r.answers.remember(key)
	}
}

// answerSet remembers the discovery answers decoded, so that a repeat is
// not decoded again. Every broadcast request goes out twice
// (discoveryRepeats), and most devices answer each copy with the same
// bytes; a WS-Discovery answer differs only in its SOAP header, which
// discovery.RepeatKey leaves out. It is the capture reader's
// scanner.RepeatSet, bounded at maxAnswersRemembered, behind a lock (every
// discovery socket has its reader). The zero value is ready.
type answerSet struct {
	mu      sync.Mutex
	set     scanner.RepeatSet
	made    bool // set is made
	repeats int  // answers not decoded again
}

// maxAnswersRemembered bounds answerSet: far more than the answers of a
// segment's devices to the thirteen searches, twice.
const maxAnswersRemembered = 1 << 16

func (s *answerSet) key(m scanner.Meta, b []byte) uint64 {
	head, tail := discovery.RepeatKey(m.SrcPort, m.DstPort, b)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	return s.set.Key(&m, head, tail)
}

// seen says whether an answer with this key was decoded, and counts it.
func (s *answerSet) seen(k uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	ok := s.set.Seen(k)
	if ok {
		s.repeats++
	}
	return ok
}

func (s *answerSet) remember(k uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.set.Remember(k)
}

// init makes the set on first use; s.mu is held.
func (s *answerSet) init() {
	if !s.made {
		s.set, s.made = scanner.NewRepeatSet(maxAnswersRemembered), true
	}
}

// listenUDP opens a UDP socket on the segment's interface: port 0 for our
// own requests and direct answers, or a protocol port (shared with other
// listeners) joined to group.
func listenUDP(ctx context.Context, seg *Segment, port int, group netip.Addr) (net.PacketConn, error) {
	forced := false
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = shareBroadcastSocket(fd)
			forced = forceReadBuffer(fd, discoveryReadBuffer) == nil
			_ = countDrops(fd) // best effort: without it no drop is counted
		})
		return errors.Join(err, serr)
	}}
	host := seg.Addr.String()
	if port != 0 {
		host = "0.0.0.0" // group and broadcast answers are not addressed to us
	}
	c, err := lc.ListenPacket(ctx, "udp4", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	if uc, ok := c.(*net.UDPConn); ok && !forced {
		// Every device of a segment answers a broadcast search at once:
		// the default buffer (208 KiB on Linux) holds a few dozen answers
		// of a kilobyte or two, and a busy machine reads them late. Root
		// sets discoveryReadBuffer past net.core.rmem_max (forceReadBuffer,
		// above); anyone else gets as much as rmem_max allows (208 KiB by
		// default, which the kernel doubles); best effort.
		_ = uc.SetReadBuffer(discoveryReadBuffer)
	}
	pc := ipv4.NewPacketConn(c)
	if err := pc.SetMulticastInterface(seg.Interface); err != nil {
		c.Close()
		return nil, err
	}
	_ = pc.SetMulticastLoopback(false)
	_ = pc.SetMulticastTTL(1) // link-local by intent: never past the first router
	if group.IsValid() {
		if err := pc.JoinGroup(seg.Interface, &net.UDPAddr{IP: group.AsSlice()}); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// discoveryReadBuffer is the receive buffer asked for discovery sockets.
const discoveryReadBuffer = 4 << 20

// broadcast is the directed broadcast address of p.
func broadcast(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// sendDatagram sends one UDP datagram; a full send queue slows the sweep
// down (its broadcasts, when broadcast) and the datagram is sent again.
func (r *run) sendDatagram(ctx context.Context, c net.PacketConn, payload []byte, to net.Addr, broadcast bool) error {
	return arp.SendPatiently(ctx, func() error {
		_, err := c.WriteTo(payload, to)
		return err
	}, func() { r.pace.slowDown(broadcast) })
}

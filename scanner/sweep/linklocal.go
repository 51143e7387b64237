package sweep

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
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

// discoveryProbe is one link-local discovery protocol: what to send where,
// and which well-known port answers may come back to besides our own.
type discoveryProbe struct {
	name    string
	request func() ([]byte, error)
	group   string // destination multicast group, or "" for the segment broadcast
	port    int
	// answerPort, when set, is bound and joined too: SADP, DHIP and Xiongmai
	// devices often answer to the protocol's port on the group, not to us.
	answerPort int
}

func fixed(b []byte) func() ([]byte, error) { return func() ([]byte, error) { return b, nil } }

func discoveryProbes() []discoveryProbe {
	return []discoveryProbe{
		// mDNS answers to a legacy-unicast query come back to us; responders
		// that answer on the group anyway are heard on 5353.
		{name: ProbeMDNS, request: discovery.MDNSQuery, group: groupMDNS, port: portMDNS, answerPort: portMDNS},
		{name: ProbeWSD, request: fixed(discovery.WSDProbe()), group: groupSSDP, port: portWSD},
		{name: ProbeSADP, request: fixed(discovery.SADPInquiry()), group: groupSSDP, port: portSADP, answerPort: portSADP},
		{name: ProbeDHIP, request: fixed(discovery.DHIPSearch()), group: groupDHIP, port: portDHIP, answerPort: portDHIP},
		{name: ProbeXM, request: fixed(discovery.XMSearch()), port: portXM, answerPort: portXM},
		{name: ProbeSSDP, request: fixed(discovery.SSDPSearch()), group: groupSSDP, port: portSSDP},
	}
}

// linkLocal sends each enabled discovery request once and listens for
// answers for the listen window.
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
	for _, p := range discoveryProbes() {
		if !r.cfg.enabled(p.name) || (p.name == ProbeWSD && r.narrowed()) {
			continue // narrowed: the TCP phase asks each host found by unicast WS-Discovery
		}
		g.Go(func() error {
			if err := r.discoverWith(gctx, p); err != nil && !errors.Is(err, context.Canceled) {
				r.warn("%s discovery: %v", p.name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func (r *run) discoverWith(ctx context.Context, p discoveryProbe) error {
	seg := r.cfg.Segment
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	conn, err := listenUDP(listenCtx, seg, 0, "")
	if err != nil {
		return err
	}
	conns := []net.PacketConn{conn}
	if p.answerPort != 0 {
		if c, err := listenUDP(listenCtx, seg, p.answerPort, p.group); err == nil {
			conns = append(conns, c)
		} else {
			r.warn("%s: cannot listen on port %d for answers sent there (%v); direct answers still count", p.name, p.answerPort, err)
		}
	}
	emit := r.emit
	if p.name == ProbeSSDP {
		descs := &descriptions{r: r, ctx: ctx, seen: map[string]bool{}}
		defer func() {
			stopListening()
			descs.finish()
		}()
		emit = descs.watch(r.emit)
	}
	for _, c := range conns {
		go func() { <-listenCtx.Done(); c.Close() }()
		go r.readAnswers(c, p.name, emit)
	}
	payload, err := p.request()
	if err != nil {
		return err
	}
	dsts, err := r.discoveryDestinations(ctx, p)
	if err != nil {
		return err
	}
	for _, dst := range dsts {
		addr := &net.UDPAddr{IP: dst.AsSlice(), Port: p.port}
		pace := r.waitBroadcast
		if r.narrowed() {
			pace = r.wait // unicast to each target
		}
		if err := pace(ctx); err != nil {
			return err
		}
		if err := r.sendDatagram(ctx, conn, payload, addr, !r.narrowed()); err != nil {
			return fmt.Errorf("sending to %s: %w", addr, err)
		}
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
func (r *run) discoveryDestinations(ctx context.Context, p discoveryProbe) ([]netip.Addr, error) {
	seg := r.cfg.Segment
	if r.narrowed() {
		return r.answeredOrAll(ctx)
	}
	if p.group != "" {
		return []netip.Addr{netip.MustParseAddr(p.group)}, nil
	}
	return []netip.Addr{broadcast(seg.Prefix)}, nil
}

// readAnswers decodes every datagram until the connection closes. It serves
// the multicast discovery sockets and the unicast WS-Discovery socket alike.
func (r *run) readAnswers(c net.PacketConn, probe string, emit scanner.Emit) {
	buf := make([]byte, maxDatagram)
	local := uint16(c.LocalAddr().(*net.UDPAddr).Port)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
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

// decodeDatagram hands an answer to the decoder for its ports.
func (r *run) decodeDatagram(b []byte, m scanner.Meta, emit scanner.Emit) {
	dec, ok := discovery.ByPort(m.SrcPort, m.DstPort)
	if !ok {
		return
	}
	_ = dec(b, m, emit) // undecodable answers are simply not evidence
}

// listenUDP opens a UDP socket on the segment's interface: port 0 for our
// own requests and direct answers, or a protocol port (shared with other
// listeners) joined to group.
func listenUDP(ctx context.Context, seg *Segment, port int, group string) (net.PacketConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = shareBroadcastSocket(fd) })
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
	pc := ipv4.NewPacketConn(c)
	if err := pc.SetMulticastInterface(seg.Interface); err != nil {
		c.Close()
		return nil, err
	}
	_ = pc.SetMulticastLoopback(false)
	_ = pc.SetMulticastTTL(1) // link-local by intent: never past the first router
	if group != "" {
		if err := pc.JoinGroup(seg.Interface, &net.UDPAddr{IP: net.ParseIP(group)}); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

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

package sweep

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/camsweep/camsweep/internal/checksum"
	"github.com/camsweep/camsweep/scanner/arp"
	"github.com/camsweep/camsweep/scanner/retry"
)

// ICMP echo (RFC 792) finds hosts off the segment that answer ping but have
// none of the knocked ports open or refusing (a firewall that drops TCP, a
// camera with its web server off). It needs a raw socket; without one the
// sweep finds them by TCP connect alone and says so once.

const (
	icmpEchoReply   = 0
	icmpEchoRequest = 8
	// echoCookieLen bytes of random data in every echo request of a sweep,
	// which a reply must carry back: with the identifier and the sequence
	// number, a stray or forged reply has 2^-80 odds of passing.
	echoCookieLen = 8
	// echoBackoff is how long an address is given to answer before it is
	// asked again (once, on the schedule of package retry).
	echoBackoff = time.Second
	// maxEchoWait bounds the wait for late replies after the last request.
	maxEchoWait = 10 * time.Second
	// maxEchoReply is read of a datagram: a reply echoes our small request.
	maxEchoReply = 1500
)

// errNoRawICMP says the process may not open a raw ICMP socket.
var errNoRawICMP = errors.New("ICMP echo needs a raw socket (root or CAP_NET_RAW)")

// echoMessage builds an ICMP echo request or reply: type, code 0, checksum,
// identifier, sequence number, then data.
func echoMessage(typ byte, id, seq uint16, data []byte) []byte {
	b := make([]byte, 8+len(data))
	b[0] = typ
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], seq)
	copy(b[8:], data)
	binary.BigEndian.PutUint16(b[2:], checksum.Internet(b))
	return b
}

// parseEchoReply reads an ICMP echo reply as a raw IPv4 socket hands it
// over (IP header removed): it must be type 0, code 0, at least the 8-byte
// header long and carry a checksum that holds. data aliases b.
func parseEchoReply(b []byte) (id, seq uint16, data []byte, ok bool) {
	if len(b) < 8 || b[0] != icmpEchoReply || b[1] != 0 || checksum.Internet(b) != 0 {
		return 0, 0, nil, false
	}
	return binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:]), b[8:], true
}

// echoReply is a reply that carried this sweep's identifier and cookie.
type echoReply struct {
	from netip.Addr
	seq  uint16
}

// pinger is one ICMP echo sweep: the sending loop owns its state.
type pinger struct {
	r       *run
	conn    net.PacketConn
	id      uint16
	cookie  []byte
	seq     uint16
	sent    map[netip.Addr][]uint16 // sequence numbers sent to each silent address
	retries *retry.Schedule
	lastLag time.Duration
	failed  int   // requests the kernel would not send
	sendErr error // the first such failure
}

// listenICMP opens a raw ICMP socket, or says the process may not.
func listenICMP() (net.PacketConn, error) {
	conn, err := net.ListenPacket("ip4:icmp", "0.0.0.0")
	if errors.Is(err, os.ErrPermission) {
		return nil, errNoRawICMP
	}
	return conn, err
}

// pingAll sends an ICMP echo request to each address (at most twice, on
// its own schedule) and marks those that answer live. It returns
// errNoRawICMP at once without the right to a raw socket.
func (r *run) pingAll(ctx context.Context, addrs []netip.Addr) error {
	conn, err := listenICMP()
	if err != nil {
		return err
	}
	defer conn.Close()
	p := &pinger{r: r, conn: conn, cookie: make([]byte, echoCookieLen), sent: map[netip.Addr][]uint16{},
		retries: retry.New(1, echoBackoff)}
	var idb [2]byte
	rand.Read(idb[:])
	rand.Read(p.cookie)
	p.id = binary.BigEndian.Uint16(idb[:])
	replies := make(chan echoReply, 256)
	go readEchoReplies(conn, p.id, p.cookie, replies)
	err = p.run(ctx, addrs, replies)
	if p.failed > 0 {
		r.warn("%d ICMP echo requests could not be sent (first: %v)", p.failed, p.sendErr)
	}
	return err
}

// run asks every address, then the silent ones again when due, and listens
// for late replies at the end, as the ARP sweep does.
func (p *pinger) run(ctx context.Context, addrs []netip.Addr, replies <-chan echoReply) error {
	next := 0
	for next < len(addrs) || len(p.sent) > 0 {
		p.drain(replies)
		if a, n, ok := p.retries.Due(time.Now()); ok {
			if err := p.send(ctx, a, n); err != nil {
				return err
			}
			continue
		}
		if next < len(addrs) {
			a := addrs[next]
			next++
			if err := p.send(ctx, a, 1); err != nil {
				return err
			}
			if p.r.queue == nil { // no knock counts the address
				p.r.asked.Add(1)
			}
			continue
		}
		at, ok := p.retries.Next()
		if !ok {
			break
		}
		if err := p.listen(ctx, replies, time.Until(at)); err != nil {
			return err
		}
	}
	return p.listen(ctx, replies, max(echoBackoff, min(p.lastLag+p.lastLag/2, maxEchoWait)))
}

// send asks a for the n-th time, paced ahead of the connection attempts:
// one echo request is the cheapest way to find a host that answers it.
func (p *pinger) send(ctx context.Context, a netip.Addr, n int) error {
	if !p.r.inScope(a) {
		return nil // never reached: the addresses come from offSegment
	}
	if p.r.isHost(a) { // the knock found it first
		delete(p.sent, a)
		return nil
	}
	if err := p.r.pace.datagram(ctx); err != nil {
		return err
	}
	p.seq++
	msg := echoMessage(icmpEchoRequest, p.id, p.seq, p.cookie)
	dst := &net.IPAddr{IP: a.AsSlice()}
	err := arp.SendPatiently(ctx, func() error { _, err := p.conn.WriteTo(msg, dst); return err },
		func() { p.r.pace.slowDown(false) })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		// This address cannot be asked (no route, a firewall's EPERM); the
		// others still may. Not asked, it gets no retry either.
		p.failed++
		if p.sendErr == nil {
			p.sendErr = err
		}
		return nil
	}
	p.sent[a] = append(p.sent[a], p.seq)
	p.retries.Asked(a, n, time.Now())
	return nil
}

// listen collects replies for d, or until nobody is left to answer.
func (p *pinger) listen(ctx context.Context, replies <-chan echoReply, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for len(p.sent) > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil
		case rep := <-replies:
			p.record(rep)
		}
	}
	return nil
}

// drain takes the replies already queued without blocking.
func (p *pinger) drain(replies <-chan echoReply) {
	for {
		select {
		case rep := <-replies:
			p.record(rep)
		default:
			return
		}
	}
}

// record counts a reply only from an address still silent, and only with a
// sequence number sent to that very address.
func (p *pinger) record(rep echoReply) {
	seqs, silent := p.sent[rep.from]
	if !silent || !slices.Contains(seqs, rep.seq) {
		return
	}
	delete(p.sent, rep.from)
	if lag := p.retries.Answered(rep.from, time.Now()); lag > 0 {
		p.lastLag = lag
	}
	p.r.markLive(rep.from)
}

// readEchoReplies forwards each echo reply carrying id and cookie until the
// socket closes; record decides whether its sender and sequence number are
// ours. A raw socket hears every ICMP message the host receives.
func readEchoReplies(conn net.PacketConn, id uint16, cookie []byte, out chan<- echoReply) {
	buf := make([]byte, maxEchoReply)
	for {
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return // closed at the sweep's end; any other error would recur
		}
		ipa, ok := from.(*net.IPAddr)
		if !ok {
			continue
		}
		addr, ok := netip.AddrFromSlice(ipa.IP)
		if !ok {
			continue
		}
		gotID, seq, data, ok := parseEchoReply(buf[:n])
		if !ok || gotID != id || !bytes.HasPrefix(data, cookie) {
			continue
		}
		select {
		case out <- echoReply{from: addr.Unmap(), seq: seq}:
		default: // a flood must not block the reader; the retry covers a loss
		}
	}
}

// pingNote is the summary's one line when ICMP echo could not run.
func pingNote(err error) string {
	return fmt.Sprintf("%v: hosts off the segment were found by TCP connect only", err)
}

//go:build linux

package arp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/time/rate"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// ErrPermission means raw sockets are not allowed (no CAP_NET_RAW).
var ErrPermission = errors.New("raw ARP needs CAP_NET_RAW (run as root or grant the capability)")

// Options tune a sweep. Zero values get the defaults noted.
type Options struct {
	// Limiter paces every frame sent; shared with the sweep's other probes so
	// the global --rate holds. Nil means 500 frames/s.
	Limiter Limiter
	// Retries is how many more times an unanswered address is asked at
	// least (default 1).
	Retries int
	// MaxRetries is how many more times at most (default 8): passes go on
	// past Retries while the last one still found hosts, which happens when
	// a busy segment or host drops requests or replies, and stop as soon as
	// a pass finds nothing new, so a sparse network costs Retries passes.
	MaxRetries int
	// Wait is how long to listen after each pass (default 300 ms).
	Wait time.Duration
	// TeachKernel writes every answer into the kernel's neighbour table, as
	// the kernel itself would have learned it (stale, so it is checked by
	// unicast before long), and never over an entry already there. The
	// connections a sweep opens next then go out at once instead of each
	// broadcasting its own ARP request first.
	TeachKernel bool
}

// Limiter paces sends; *rate.Limiter is one.
type Limiter interface {
	Wait(context.Context) error
}

// Sweep asks every target on ifi who holds it and emits an arp.mac binding
// for every answer heard from an address in targets. It returns when every
// target answered or the retries are spent, or when ctx ends.
func Sweep(ctx context.Context, ifi *net.Interface, src netip.Addr, targets []netip.Addr, opt Options, emit scanner.Emit) error {
	if len(ifi.HardwareAddr) != 6 {
		return fmt.Errorf("interface %s has no Ethernet address", ifi.Name)
	}
	if opt.Limiter == nil {
		opt.Limiter = rate.NewLimiter(500, 1)
	}
	if opt.Retries == 0 {
		opt.Retries = 1
	}
	if opt.MaxRetries < opt.Retries {
		opt.MaxRetries = max(opt.Retries, 8)
	}
	if opt.Wait == 0 {
		opt.Wait = 300 * time.Millisecond
	}
	f, err := open(ifi)
	if err != nil {
		return err
	}
	defer f.Close()
	var srcMAC observe.MAC
	copy(srcMAC[:], ifi.HardwareAddr)

	sw := &sweeper{pending: make(map[netip.Addr]bool, len(targets)), emit: emit}
	for _, t := range targets {
		if t != src {
			sw.pending[t] = true
		}
	}
	if opt.TeachKernel {
		sw.teach = newTeacher(ifi.Index)
		defer sw.teach.close()
	}
	answers := make(chan Packet, 256)
	go receive(f, answers)

	for pass := 0; pass <= opt.MaxRetries && len(sw.pending) > 0; pass++ {
		before := len(sw.pending)
		for _, t := range targets {
			if err := sw.drain(answers); err != nil {
				return err
			}
			if !sw.pending[t] {
				continue
			}
			if err := opt.Limiter.Wait(ctx); err != nil {
				return err
			}
			if _, err := f.Write(request(srcMAC, src, t)); err != nil {
				return fmt.Errorf("sending ARP on %s: %w", ifi.Name, err)
			}
		}
		if err := sw.listen(ctx, answers, opt.Wait); err != nil {
			return err
		}
		if pass >= opt.Retries && len(sw.pending) == before {
			break // this pass found nobody new: the rest are not there
		}
	}
	return nil
}

// sweeper is one sweep's state, owned by the sending goroutine.
type sweeper struct {
	pending map[netip.Addr]bool // targets not heard from yet
	emit    scanner.Emit
	teach   *teacher // nil: the kernel is not told
}

// listen collects answers for d, or until nothing is pending.
func (sw *sweeper) listen(ctx context.Context, answers <-chan Packet, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for len(sw.pending) > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil
		case p, ok := <-answers:
			if !ok {
				return errors.New("ARP socket closed")
			}
			sw.record(p)
		}
	}
	return nil
}

// drain takes the answers already queued without blocking.
func (sw *sweeper) drain(answers <-chan Packet) error {
	for {
		select {
		case p, ok := <-answers:
			if !ok {
				return errors.New("ARP socket closed")
			}
			sw.record(p)
		default:
			return nil
		}
	}
}

func (sw *sweeper) record(p Packet) {
	if _, inScope := sw.pending[p.SenderIP]; !inScope {
		return // answered already, or not a target: nothing to add
	}
	delete(sw.pending, p.SenderIP)
	if sw.teach != nil {
		sw.teach.learn(p.SenderIP, p.SenderMAC)
	}
	o := p.Observation("arp")
	o.Time = time.Now()
	sw.emit(o)
}

// receive forwards every ARP binding heard until the socket closes; record,
// on the sending goroutine, decides what is in scope, so pending has one owner.
func receive(f *os.File, out chan<- Packet) {
	defer close(out)
	buf := make([]byte, 1514)
	for {
		n, err := f.Read(buf)
		if err != nil {
			return
		}
		p, ok := Parse(buf[:n])
		if !ok || !p.Binding() || p.Op != opReply && p.Op != opRequest {
			continue
		}
		select {
		case out <- p:
		default: // a flood of ARP must not block the reader; retries cover losses
		}
	}
}

// open returns a raw ARP socket bound to ifi, as a pollable file so reads
// honour Close and deadlines.
func open(ifi *net.Interface) (*os.File, error) {
	proto := htons(etherTypeARP)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, int(proto))
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil, ErrPermission
	}
	if err != nil {
		return nil, fmt.Errorf("raw ARP socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("binding ARP socket to %s: %w", ifi.Name, err)
	}
	return os.NewFile(uintptr(fd), "arp:"+ifi.Name), nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

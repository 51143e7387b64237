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

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/retry"
)

// Sweep asks every target on ifi who holds it and emits an arp.mac binding
// for every answer heard from an address in targets. It returns when every
// target answered or the retries are spent, or when ctx ends.
func Sweep(ctx context.Context, ifi *net.Interface, src netip.Addr, targets []netip.Addr, opt Options, emit scanner.Emit) error {
	if len(ifi.HardwareAddr) != 6 {
		return fmt.Errorf("interface %s has no Ethernet address", ifi.Name)
	}
	opt.defaults()
	f, err := open(ifi)
	if err != nil {
		return err
	}
	defer f.Close()
	var srcMAC observe.MAC
	copy(srcMAC[:], ifi.HardwareAddr)

	sw := &sweeper{pending: make(map[netip.Addr]bool, len(targets)), emit: emit,
		retries: retry.New(opt.Retries, opt.Backoff)}
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

	send := func(t netip.Addr, n int) error {
		if err := opt.Limiter.Wait(ctx); err != nil {
			return err
		}
		frame := request(srcMAC, src, t)
		write := func() error { _, err := f.Write(frame); return err }
		if err := SendPatiently(ctx, write, opt.SlowDown); err != nil {
			return fmt.Errorf("sending ARP on %s: %w", ifi.Name, err)
		}
		sw.retries.Asked(t, n, time.Now())
		return nil
	}
	next := 0
	for len(sw.pending) > 0 {
		if err := sw.drain(answers); err != nil {
			return err
		}
		if t, n, ok := sw.retries.Due(time.Now()); ok {
			if err := send(t, n); err != nil {
				return err
			}
			continue
		}
		if next < len(targets) {
			t := targets[next]
			next++
			if sw.pending[t] {
				if err := send(t, 1); err != nil {
					return err
				}
			}
			if opt.Asked != nil {
				opt.Asked()
			}
			continue
		}
		at, ok := sw.retries.Next()
		if !ok {
			break
		}
		if err := sw.listen(ctx, answers, time.Until(at)); err != nil {
			return err
		}
	}
	// Answers that came slowly say more may still come: wait as long as the
	// last one took, within maxFinalWait.
	return sw.listen(ctx, answers, max(opt.Wait, min(sw.lastLag+sw.lastLag/2, maxFinalWait)))
}

// sweeper is one sweep's state, owned by the sending goroutine.
type sweeper struct {
	pending map[netip.Addr]bool // targets not heard from yet
	retries *retry.Schedule
	lastLag time.Duration // how long after its request the last answer came
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
	// A late answer does not slow the sweep: it says the hosts are busy,
	// not that a request was lost, and only a full send queue does that
	// (SendPatiently). It only makes the sweep wait longer at its end.
	if lag := sw.retries.Answered(p.SenderIP, time.Now()); lag > 0 {
		sw.lastLag = lag
	}
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

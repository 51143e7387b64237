package sweep

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"syscall"

	"golang.org/x/sync/errgroup"
)

// livenessPorts are knocked on at an address off the segment before it gets
// the full probes: camera web, TLS, RTSP and SDK ports. A routed /16 is
// mostly empty, and the full probes of every address would cost a dozen
// connection attempts each; an open or refusing port proves a host is there.
var livenessPorts = []uint16{80, 443, 554, 8000}

// liveWorkers is how many addresses are knocked at once. A silent address
// holds its worker for two connect timeouts (its ports, PerHost at a time),
// so the global rate, not the workers, should bound the pace: 512 workers
// with a 700 ms timeout check about 365 silent addresses a second.
const liveWorkers = 512

// findLive finds which addresses off the segment hold a host, by ICMP echo
// and by knocking on a few ports at once, and queues those that answer
// either for the full probes, as ARP does on the segment. Without the right
// to a raw socket it knocks alone and says so once.
func (r *run) findLive(ctx context.Context, addrs []netip.Addr) error {
	if len(addrs) == 0 {
		return nil // nothing off the segment: no raw socket, no note about one
	}
	g, gctx := errgroup.WithContext(ctx)
	if r.cfg.enabled(ProbeICMP) {
		g.Go(func() error {
			err := r.pingAll(gctx, addrs)
			switch {
			case err == nil || gctx.Err() != nil:
				return err
			case errors.Is(err, errNoRawICMP):
				r.noRawICMP.Store(true)
				r.warn("%s", pingNote(err))
			default:
				r.warn("%s", pingNote(fmt.Errorf("ICMP echo could not run: %w", err)))
			}
			return nil
		})
	}
	if r.cfg.enabled(ProbeTCP) {
		g.Go(func() error { return r.knockAll(gctx, addrs) })
	}
	return g.Wait()
}

// knockAll knocks at each address not yet found live.
func (r *run) knockAll(ctx context.Context, addrs []netip.Addr) error {
	ports := r.knockPorts()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(liveWorkers)
	for _, a := range addrs {
		if !r.inScope(a) {
			continue
		}
		g.Go(func() error {
			if !r.isHost(a) && r.knock(gctx, a, ports) {
				r.markLive(a)
			}
			r.asked.Add(1)
			return gctx.Err()
		})
	}
	return g.Wait()
}

// isHost says a has answered something already.
func (r *run) isHost(a netip.Addr) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hosts[a]
}

// knockPorts are the liveness ports among those probed; the first probed
// ports when none of them is.
func (r *run) knockPorts() []uint16 {
	var out []uint16
	for _, p := range livenessPorts {
		if slices.Contains(r.cfg.Ports, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = r.cfg.Ports[:min(len(r.cfg.Ports), len(livenessPorts))]
	}
	return out
}

// knock says whether a host at ip answers a connection to any of ports,
// refusing it included; it stops at the first answer.
func (r *run) knock(ctx context.Context, ip netip.Addr, ports []uint16) bool {
	kctx, stop := context.WithCancel(ctx)
	defer stop()
	var live atomic.Bool
	g := errgroup.Group{}
	g.SetLimit(r.cfg.PerHost)
	for _, port := range ports {
		g.Go(func() error {
			if kctx.Err() != nil {
				return nil
			}
			conn, err := r.dial(kctx, ip, port)
			if err == nil {
				conn.Close()
			}
			if err == nil || errors.Is(err, syscall.ECONNREFUSED) {
				live.Store(true)
				stop()
			}
			return nil
		})
	}
	g.Wait()
	return live.Load()
}

// markLive counts a host that answered a knock and queues it for the probes.
func (r *run) markLive(a netip.Addr) {
	r.mu.Lock()
	r.hosts[a] = true
	r.mu.Unlock()
	r.enqueue(a)
	r.progress(false)
}

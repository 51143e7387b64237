package sweep

import (
	"context"
	"errors"
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

// findLive knocks at each address and queues those that answer for the full
// probes, as ARP does on the segment.
func (r *run) findLive(ctx context.Context, addrs []netip.Addr) error {
	ports := r.knockPorts()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(liveWorkers)
	for _, a := range addrs {
		if !r.inScope(a) {
			continue
		}
		g.Go(func() error {
			live := r.knock(gctx, a, ports)
			r.asked.Add(1)
			if live {
				r.markLive(a)
			}
			return gctx.Err()
		})
	}
	return g.Wait()
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

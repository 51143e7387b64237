// Package sweep runs the active on-site sweep: ARP over the local segment,
// link-local discovery (mDNS, WS-Discovery, SADP, DHIP, Xiongmai search,
// SSDP), then polite TCP probes (HTTP, RTSP, TLS, banners) of every host
// found. Answers go through the same decoders as captured packets. Every send
// is paced by one global limiter and every read is bounded in bytes and time.
package sweep

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/arp"
)

// Probe names, as --probes takes them.
const (
	ProbeARP  = "arp"
	ProbeMDNS = "mdns"
	ProbeWSD  = "wsd"
	ProbeSADP = "sadp"
	ProbeDHIP = "dhip"
	ProbeXM   = "xm"
	ProbeSSDP = "ssdp"
	ProbeTCP  = "tcp" // connect, HTTP, RTSP, TLS, banners, ONVIF on every host found
)

// AllProbes lists every probe in the order they run.
var AllProbes = []string{ProbeARP, ProbeMDNS, ProbeWSD, ProbeSADP, ProbeDHIP, ProbeXM, ProbeSSDP, ProbeTCP}

// DefaultPorts are the camera ports probed on every host found.
var DefaultPorts = []uint16{80, 443, 554, 8000, 8080, 8443, 8554, 37777, 34567, 8899, 23}

// Config says what to sweep and how politely. Zero values get the defaults noted.
type Config struct {
	// Segment is the local network to sweep with ARP and link-local discovery;
	// nil sweeps only Targets, with unicast probes.
	Segment *Segment
	// Targets narrows the sweep to these networks; on a routed network they
	// are reached with unicast probes only.
	Targets []netip.Prefix
	// Probes enables probes by name; nil enables all.
	Probes map[string]bool
	// Rate is the global pace in packets (or connection attempts) per second
	// (default 300).
	Rate float64
	// Ports probed on each host (default DefaultPorts).
	Ports []uint16
	// ConnectTimeout bounds one TCP connect (default 700 ms).
	ConnectTimeout time.Duration
	// ExchangeTimeout bounds one request/response exchange, however slowly a
	// device answers (default 2 s).
	ExchangeTimeout time.Duration
	// ListenWindow is how long multicast answers are collected (default 1.5 s).
	ListenWindow time.Duration
	// PerHost is how many connections one host gets at once (default 2):
	// cameras are fragile.
	PerHost int
	// Workers is how many hosts are probed at once (default 64).
	Workers int
	// Progress, when set, is told how far the sweep is.
	Progress func(Progress)
}

// Progress is a sweep's position.
type Progress struct {
	Phase       string // "discover", "probe", "done"
	Done, Total int    // hosts probed of hosts to probe, in the probe phase
	Hosts       int    // hosts found so far
}

// Summary says what a sweep did.
type Summary struct {
	Unprivileged bool     // raw ARP was not allowed: MACs came from the neighbour table
	Hosts        int      // hosts that answered anything
	Sent         int64    // packets and connection attempts sent
	Warnings     []string // probes that could not run, and why
}

func (c *Config) defaults() {
	if c.Rate <= 0 {
		c.Rate = 300
	}
	if len(c.Ports) == 0 {
		c.Ports = DefaultPorts
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 700 * time.Millisecond
	}
	if c.ExchangeTimeout <= 0 {
		c.ExchangeTimeout = 2 * time.Second
	}
	if c.ListenWindow <= 0 {
		c.ListenWindow = 1500 * time.Millisecond
	}
	if c.PerHost <= 0 {
		c.PerHost = 2
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
}

func (c *Config) enabled(probe string) bool { return c.Probes == nil || c.Probes[probe] }

// run is one sweep's shared state.
type run struct {
	cfg     Config
	limiter *rate.Limiter
	sent    atomic.Int64
	emit    scanner.Emit
	inScope func(netip.Addr) bool

	mu       sync.Mutex
	hosts    map[netip.Addr]bool
	warnings []string
}

// Run sweeps what cfg names and emits every observation in scope. It returns
// when done or when ctx ends; either way what was found has been emitted.
func Run(ctx context.Context, cfg Config, emit scanner.Emit) (Summary, error) {
	cfg.defaults()
	if cfg.Segment == nil && len(cfg.Targets) == 0 {
		return Summary{}, errors.New("nothing to sweep: no interface segment and no targets")
	}
	r := &run{cfg: cfg, limiter: rate.NewLimiter(rate.Limit(cfg.Rate), 1), hosts: map[netip.Addr]bool{}}
	r.inScope = r.scopeFunc()
	var emitMu sync.Mutex
	r.emit = func(o fingerprint.Observation) {
		if o.IP.IsValid() && !r.inScope(o.IP) {
			return // answers from outside what the operator named are not reported
		}
		if o.IP.IsValid() {
			r.addHost(o.IP)
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		emit(o)
	}
	sum := Summary{}
	r.progress(Progress{Phase: "discover"})
	unprivileged, err := r.discover(ctx)
	sum.Unprivileged = unprivileged
	if err == nil {
		err = r.probeHosts(ctx, r.candidates(unprivileged))
	}
	if cfg.Segment != nil && (unprivileged || !cfg.enabled(ProbeARP)) {
		// The TCP and UDP probes made the kernel resolve every host it reached.
		if nerr := arp.ReadNeighbourTable(cfg.Segment.Interface.Name, r.inScope, r.emit); nerr != nil {
			r.warn("reading the neighbour table: %v", nerr)
		}
	}
	r.mu.Lock()
	sum.Hosts, sum.Warnings = len(r.hosts), r.warnings
	r.mu.Unlock()
	sum.Sent = r.sent.Load()
	r.progress(Progress{Phase: "done", Hosts: sum.Hosts})
	if errors.Is(err, context.Canceled) {
		return sum, err // interrupted: what was found is already emitted
	}
	return sum, err
}

// scopeFunc is the one place that says which addresses this sweep may touch.
func (r *run) scopeFunc() func(netip.Addr) bool {
	targets := slices.Clone(r.cfg.Targets)
	seg := r.cfg.Segment
	return func(a netip.Addr) bool {
		if len(targets) > 0 {
			for _, p := range targets {
				if p.Contains(a) {
					return true
				}
			}
			return false
		}
		return seg != nil && seg.Prefix.Contains(a) && a != seg.Addr
	}
}

func (r *run) addHost(a netip.Addr) {
	r.mu.Lock()
	r.hosts[a] = true
	n := len(r.hosts)
	r.mu.Unlock()
	if n <= 32 || n%16 == 0 { // every host while few, so a small segment does not show 0
		r.progress(Progress{Phase: "discover", Hosts: n})
	}
}

func (r *run) warn(format string, args ...any) {
	r.mu.Lock()
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *run) progress(p Progress) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(p)
	}
}

// wait paces one send against the global rate and counts it.
func (r *run) wait(ctx context.Context) error {
	if err := r.limiter.Wait(ctx); err != nil {
		return err
	}
	r.sent.Add(1)
	return nil
}

// discover runs ARP and link-local discovery on the segment, at the same time.
func (r *run) discover(ctx context.Context) (unprivileged bool, err error) {
	seg := r.cfg.Segment
	if seg == nil {
		return false, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	if r.cfg.enabled(ProbeARP) {
		g.Go(func() error {
			targets := segmentTargets(seg, r.cfg.Targets)
			opt := arp.Options{Limiter: r.limiter, OnSend: func() { r.sent.Add(1) }}
			err := arp.Sweep(gctx, seg.Interface, seg.Addr, targets, opt, r.emit)
			if errors.Is(err, arp.ErrPermission) {
				unprivileged = true
				r.warn("ran unprivileged: %v; MACs come from the kernel's neighbour table", err)
				return nil
			}
			return err
		})
	}
	g.Go(func() error { return r.linkLocal(gctx) })
	return unprivileged, g.Wait()
}

// segmentTargets lists the segment's host addresses, narrowed to targets.
func segmentTargets(seg *Segment, targets []netip.Prefix) []netip.Addr {
	all := hosts(seg.Prefix)
	if len(targets) == 0 {
		return all
	}
	var out []netip.Addr
	for _, a := range all {
		for _, p := range targets {
			if p.Contains(a) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// candidates are the hosts the TCP probes visit: every host that answered,
// and, where nothing could find hosts (routed targets, or no raw ARP), every
// address in scope.
func (r *run) candidates(unprivileged bool) []netip.Addr {
	set := map[netip.Addr]bool{}
	r.mu.Lock()
	for a := range r.hosts {
		set[a] = true
	}
	r.mu.Unlock()
	seg := r.cfg.Segment
	for _, p := range r.cfg.Targets {
		local := seg != nil && seg.Prefix.Overlaps(p)
		if local && !unprivileged && r.cfg.enabled(ProbeARP) {
			continue // ARP already found every live host of the segment
		}
		for _, a := range hosts(p) {
			set[a] = true
		}
	}
	if seg != nil && len(r.cfg.Targets) == 0 && (unprivileged || !r.cfg.enabled(ProbeARP)) {
		for _, a := range hosts(seg.Prefix) {
			if a != seg.Addr {
				set[a] = true
			}
		}
	}
	out := make([]netip.Addr, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return out
}

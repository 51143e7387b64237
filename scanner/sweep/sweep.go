// Package sweep runs the active on-site sweep: ARP over the local segment,
// link-local discovery (mDNS, WS-Discovery, SADP, DHIP, Xiongmai search,
// HDS, GigE Vision, SSDP and its EmbeddedNetDeviceControl search, TP-Link's
// TDP, Foscam's MO_I, VStarcam's DH and the Topsee/Anjvision SEARCHIPC
// camera searches), then
// polite TCP probes (HTTP, RTSP, TLS, banners) of every host found,
// started as soon as each host is found. Answers go through the same
// decoders as captured packets. Every send is paced by one global limiter,
// broadcasts and multicasts by a slower one besides, and every read is
// bounded in bytes and time.
package sweep

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/camsweep/camsweep/observe"
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
	ProbeHDS  = "hds"  // HiSilicon reference firmware's LAN search (CamHi/HiChip, JUAN)
	ProbeGVCP = "gvcp" // GigE Vision discovery: machine-vision cameras
	ProbeSSDP = "ssdp"
	ProbeENDC = "endc" // SSDP search for EmbeddedNetDeviceControl (TVT firmware answers it)
	ProbeTDP  = "tdp"  // TP-Link's device discovery on UDP 20002 (Tapo cameras, Kasa/Tapo appliances)
	ProbeMOI  = "moi"  // Foscam's MO_I camera search on UDP 10000
	ProbeDHS  = "dhs"  // VStarcam's DH camera search on UDP 8600
	// ProbeSearchIPC is the Topsee/Anjvision SDK's SYSTEM_SEARCHIPC search on UDP 3001.
	ProbeSearchIPC = "searchipc"
	ProbeICMP      = "icmp" // echo to routed targets, beside the knock, to find hosts before probing them
	ProbeTCP       = "tcp"  // connect, HTTP, RTSP, TLS, banners, ONVIF on every host found
)

// AllProbes lists every probe in the order they run.
var AllProbes = []string{ProbeARP, ProbeMDNS, ProbeWSD, ProbeSADP, ProbeDHIP, ProbeXM, ProbeHDS, ProbeGVCP, ProbeSSDP, ProbeENDC, ProbeTDP, ProbeMOI, ProbeDHS, ProbeSearchIPC, ProbeICMP, ProbeTCP}

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
	// Exclude are networks that never receive a packet addressed to them,
	// and whose answers are not reported, whatever Segment and Targets say.
	Exclude []netip.Prefix
	// Probes enables probes by name; nil enables all.
	Probes map[string]bool
	// Rate is the most packets and connection attempts started per second,
	// in all (default DefaultRate).
	Rate float64
	// BroadcastRate is the most broadcast and multicast packets per second
	// (ARP requests, discovery requests): every host of the segment must
	// handle each one, so they get a gentler pace than unicast (default
	// DefaultBroadcastRate, never above Rate).
	BroadcastRate float64
	// Ports probed on each host (default DefaultPorts).
	Ports []uint16
	// ConnectTimeout bounds one TCP connect (default 700 ms).
	ConnectTimeout time.Duration
	// ExchangeTimeout bounds one request/response exchange, however slowly a
	// device answers (default DefaultExchangeTimeout); one that has not begun
	// to answer in half of it is taken as silent.
	ExchangeTimeout time.Duration
	// ListenWindow is how long multicast answers are collected (default
	// DefaultListenWindow).
	ListenWindow time.Duration
	// PerHost is how many connections one host gets at once (default 2):
	// cameras are fragile.
	PerHost int
	// Workers is how many hosts are probed at once (default 64).
	Workers int
	// Progress, when set, is told how far the sweep is.
	Progress func(Progress)
}

// Default paces. A polite default is per device, not per network: a
// fragile camera gets at most PerHost connections at once whatever the
// global rate, while each broadcast reaches every device, so broadcasts are
// paced well below unicast.
const (
	DefaultRate          = 2000
	DefaultBroadcastRate = 300
	// DefaultListenWindow is how long discovery answers are awaited: SSDP
	// responders wait up to the 1 s MX asked, WS-Discovery ones up to 500 ms.
	DefaultListenWindow = 1500 * time.Millisecond
	// DefaultExchangeTimeout bounds one request and its answer.
	DefaultExchangeTimeout = 2 * time.Second
)

// Progress is a sweep's position. Hosts are probed as they are found, so
// Queued grows while discovery goes on. Run reports it when something
// changes, and at least once a second.
type Progress struct {
	Hosts     int           // hosts that answered so far
	Queued    int           // hosts queued for the TCP probes so far
	Probed    int           // hosts whose TCP probes are done
	Asked     int           // addresses asked so far: by ARP on the segment, by a knock off it
	Addresses int           // addresses to ask in all
	Sent      int64         // packets and connection attempts sent so far
	Elapsed   time.Duration // since the sweep started
	Expected  time.Duration // how long asking every address should take at the paces asked, estimated at the start
	Left      time.Duration // estimated time until every address is asked, from the pace so far
	Done      bool          // the sweep has ended
}

// Summary says what a sweep did.
type Summary struct {
	Unprivileged bool     // raw sockets were not allowed: ARP (MACs came from the neighbour table) or ICMP echo (Warnings say which)
	Hosts        int      // hosts that answered anything
	Sent         int64    // packets and connection attempts sent
	Slowed       bool     // a full send queue made the sweep lower its pace (Warnings say how far)
	Warnings     []string // probes that could not run, and why; paces lowered
}

func (c *Config) defaults() {
	if c.Rate <= 0 {
		c.Rate = DefaultRate
	}
	if c.BroadcastRate <= 0 {
		c.BroadcastRate = DefaultBroadcastRate
	}
	c.BroadcastRate = min(c.BroadcastRate, c.Rate)
	if len(c.Ports) == 0 {
		c.Ports = DefaultPorts
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 700 * time.Millisecond
	}
	if c.ExchangeTimeout <= 0 {
		c.ExchangeTimeout = DefaultExchangeTimeout
	}
	if c.ListenWindow <= 0 {
		c.ListenWindow = DefaultListenWindow
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
	pace    *pacer
	emit    scanner.Emit
	inScope func(netip.Addr) bool
	queue   *hostQueue // hosts for the TCP probes; nil when they do not run
	asks    *hostQueue // hosts for unicast WS-Discovery; nil when it does not run
	probed  atomic.Int64
	asked   atomic.Int64 // addresses asked (ARP) or knocked (off the segment)
	// addresses and expected are the work to ask, known at the start.
	addresses int
	expected  time.Duration
	start     time.Time
	// arpRunning is set while the ARP sweep may still answer for segment hosts.
	arpRunning atomic.Bool
	// arpDone is closed when the ARP sweep has ended (at once without one);
	// arpFound is set if it ran, so the hosts it found are all there is.
	arpDone  chan struct{}
	arpFound atomic.Bool
	// kernelResolves is set when no ARP sweep taught the kernel the segment:
	// the first packet to each segment host then makes the kernel broadcast
	// ARP requests of its own, kernelARPs of them for a silent address.
	kernelResolves atomic.Bool
	// noRawICMP is set when ICMP echo could not open its raw socket.
	noRawICMP  atomic.Bool
	kernelARPs int
	touched    map[netip.Addr]chan struct{} // segment hosts sent to, under mu
	payMu      sync.Mutex                   // one first touch pays at a time

	mu       sync.Mutex
	hosts    map[netip.Addr]bool
	warnings []string
	unsent   map[netip.Addr]error // targets a unicast discovery request could not be sent to

	answers answerSet         // discovery answers decoded: a repeat is not decoded again
	dropped map[string]uint64 // discovery answers the kernel dropped, by probe, under mu

	progressMu sync.Mutex
}

// Run sweeps what cfg names and emits every observation in scope. It returns
// when done or when ctx ends; either way what was found has been emitted.
func Run(ctx context.Context, cfg Config, emit scanner.Emit) (Summary, error) {
	cfg.defaults()
	if cfg.Segment == nil && len(cfg.Targets) == 0 {
		return Summary{}, errors.New("nothing to sweep: no interface segment and no targets")
	}
	pctx, stopPacer := context.WithCancel(ctx)
	defer stopPacer()
	r := &run{cfg: cfg, pace: newPacer(pctx, cfg.Rate, cfg.BroadcastRate), hosts: map[netip.Addr]bool{},
		touched: map[netip.Addr]chan struct{}{}, start: time.Now(), arpDone: make(chan struct{})}
	if cfg.Segment != nil {
		r.kernelARPs = multicastSolicit(cfg.Segment.Interface.Name)
		r.kernelResolves.Store(!cfg.enabled(ProbeARP))
	}
	r.inScope = r.scopeFunc()
	var emitMu sync.Mutex
	r.emit = func(o observe.Observation) {
		if o.IP.IsValid() && !r.inScope(o.IP) {
			return // answers from outside what the operator named are not reported
		}
		if o.IP.IsValid() {
			r.addHost(o.IP, o.Probe)
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		emit(o)
	}
	g, gctx := errgroup.WithContext(ctx)
	if cfg.enabled(ProbeTCP) {
		r.queue = newHostQueue()
		stop := context.AfterFunc(gctx, r.queue.close)
		defer stop()
		g.Go(func() error { return r.probeHosts(gctx) })
	}
	if cfg.enabled(ProbeWSD) {
		r.asks = newHostQueue()
		stop := context.AfterFunc(gctx, r.asks.close)
		defer stop()
		g.Go(func() error { return r.askWSD(gctx) })
	}
	sum := Summary{}
	offSegment, local := r.offSegment(), r.localScope()
	r.plan(offSegment, local)
	g.Go(func() error {
		defer r.closeQueues()
		dg, dctx := errgroup.WithContext(gctx)
		if cfg.enabled(ProbeTCP) || cfg.enabled(ProbeICMP) {
			// Hosts off the segment are pinged and knocked at first: only
			// those that answer get the full probes.
			dg.Go(func() error { return r.findLive(dctx, offSegment) })
		}
		if !cfg.enabled(ProbeTCP) {
			r.queueAll(offSegment) // for unicast WS-Discovery, the one probe left for them
		}
		if !cfg.enabled(ProbeARP) {
			r.queueAll(local)
		}
		dg.Go(func() error {
			unprivileged, err := r.discover(dctx)
			sum.Unprivileged = unprivileged
			return err
		})
		return dg.Wait()
	})
	stopTicks := r.tick(ctx)
	err := g.Wait()
	stopTicks()
	if cfg.Segment != nil && (sum.Unprivileged || !cfg.enabled(ProbeARP)) {
		// The TCP and UDP probes made the kernel resolve every host it reached.
		if nerr := arp.ReadNeighbourTable(cfg.Segment.Interface.Name, r.inScope, r.emit); nerr != nil {
			r.warn("reading the neighbour table: %v", nerr)
		}
	}
	sum.Unprivileged = sum.Unprivileged || r.noRawICMP.Load()
	if note := r.pace.slowedNote(); note != "" {
		sum.Slowed = true
		r.warn("%s", note)
	}
	r.mu.Lock()
	sum.Hosts, sum.Warnings = len(r.hosts), r.warnings
	r.mu.Unlock()
	sum.Sent = r.pace.sent.Load()
	r.progress(true)
	return sum, err // interrupted or not, what was found is already emitted
}

// offSegment lists the target addresses off the local segment, exclusions
// left out: ARP and multicast cannot reach them, so they are found by
// unicast probes only.
func (r *run) offSegment() []netip.Addr {
	seg := r.cfg.Segment
	var out []netip.Addr
	for _, p := range r.cfg.Targets {
		for _, a := range hosts(p) {
			if (seg == nil || !seg.Prefix.Contains(a)) && r.inScope(a) {
				out = append(out, a)
			}
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out) // overlapping targets name an address once
}

// localScope lists the segment's addresses in scope: ours and the
// excluded ones left out.
func (r *run) localScope() []netip.Addr {
	seg := r.cfg.Segment
	if seg == nil {
		return nil
	}
	return slices.DeleteFunc(segmentTargets(seg, r.cfg.Targets), func(a netip.Addr) bool { return a == seg.Addr || !r.inScope(a) })
}

// plan counts the addresses this sweep asks and how long that should take:
// an ARP request each on the segment (a few more for retries), an echo
// request and a knock on a few ports each off it.
func (r *run) plan(offSegment, local []netip.Addr) {
	var secs float64
	if r.cfg.Segment != nil && r.cfg.enabled(ProbeARP) {
		r.addresses += len(local)
		secs += float64(len(local)) * 1.1 / r.cfg.BroadcastRate
	}
	if r.cfg.enabled(ProbeTCP) || r.cfg.enabled(ProbeICMP) {
		r.addresses += len(offSegment)
	}
	var asks, waits float64
	if r.cfg.enabled(ProbeICMP) {
		asks += float64(len(offSegment)) * 1.1 // an echo each, a few retried
	}
	if r.cfg.enabled(ProbeTCP) {
		asks += float64(len(offSegment) * len(r.knockPorts()))
		waits = float64(len(offSegment)) * 2 * r.cfg.ConnectTimeout.Seconds() / liveWorkers
	}
	secs += max(asks/r.cfg.Rate, waits)
	r.expected = time.Duration(secs * float64(time.Second))
}

// tick reports progress once a second until stopped, so a long sweep that
// finds nothing for a while still shows it is alive.
func (r *run) tick(ctx context.Context) (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	tctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-tctx.Done():
				return
			case <-t.C:
				r.progress(false)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// queueAll queues addresses for the TCP probes and unicast WS-Discovery.
func (r *run) queueAll(addrs []netip.Addr) {
	for _, a := range addrs {
		if r.inScope(a) {
			r.enqueue(a)
		}
	}
	r.progress(false)
}

func (r *run) enqueue(a netip.Addr) {
	for _, q := range []*hostQueue{r.queue, r.asks} {
		if q != nil {
			q.add(a)
		}
	}
}

// closeQueues says no more hosts will be found.
func (r *run) closeQueues() {
	for _, q := range []*hostQueue{r.queue, r.asks} {
		if q != nil {
			q.close()
		}
	}
}

// scopeFunc is the one place that says which addresses this sweep may touch.
func (r *run) scopeFunc() func(netip.Addr) bool {
	targets := slices.Clone(r.cfg.Targets)
	exclude := slices.Clone(r.cfg.Exclude)
	seg := r.cfg.Segment
	return func(a netip.Addr) bool {
		if slices.ContainsFunc(exclude, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return false
		}
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

// addHost counts a host that answered and queues it for the TCP probes. A
// segment host that answered something else while ARP is still running
// waits for ARP: the ARP answer teaches the kernel its MAC, and a connection
// before that would make the kernel broadcast an unpaced ARP request of its
// own. The ARP sweep queues whatever waited when it ends.
func (r *run) addHost(a netip.Addr, probe string) {
	r.mu.Lock()
	isNew := !r.hosts[a]
	r.hosts[a] = true
	r.mu.Unlock()
	if probe == "arp" || !r.arpRunning.Load() || !r.cfg.Segment.Prefix.Contains(a) {
		r.enqueue(a)
	}
	if isNew {
		r.progress(false)
	}
}

// queueFound queues every host found so far.
func (r *run) queueFound() {
	r.mu.Lock()
	found := make([]netip.Addr, 0, len(r.hosts))
	for a := range r.hosts {
		found = append(found, a)
	}
	r.mu.Unlock()
	r.queueAll(found)
}

func (r *run) warn(format string, args ...any) {
	r.mu.Lock()
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// progress tells Config.Progress where the sweep is, one call at a time.
func (r *run) progress(done bool) {
	if r.cfg.Progress == nil {
		return
	}
	p := Progress{Probed: int(r.probed.Load()), Done: done, Asked: int(r.asked.Load()), Addresses: r.addresses,
		Sent: r.pace.sent.Load(), Elapsed: time.Since(r.start), Expected: r.expected}
	p.Left = r.expected - p.Elapsed
	if p.Asked > 0 && p.Elapsed > 2*time.Second {
		p.Left = time.Duration(float64(p.Elapsed) * float64(p.Addresses-p.Asked) / float64(p.Asked))
	}
	p.Left = max(p.Left, 0)
	r.mu.Lock()
	p.Hosts = len(r.hosts)
	r.mu.Unlock()
	if r.queue != nil {
		p.Queued = r.queue.len()
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	r.cfg.Progress(p)
}

// wait paces one unicast send.
func (r *run) wait(ctx context.Context) error { return r.pace.unicast(ctx) }

// waitBroadcast paces one broadcast or multicast send.
func (r *run) waitBroadcast(ctx context.Context) error { return r.pace.broadcastWait(ctx) }

// firstTouch holds the first packet to a segment host, when the kernel must
// resolve it, until the broadcasts its ARP requests will cost are paced;
// later packets to the host wait for the first. Otherwise an unprivileged
// sweep would broadcast at the pace of its connections.
func (r *run) firstTouch(ctx context.Context, ip netip.Addr) error {
	if !r.kernelResolving(ip) {
		return nil
	}
	r.mu.Lock()
	paid, seen := r.touched[ip]
	if !seen {
		paid = make(chan struct{})
		r.touched[ip] = paid
	}
	r.mu.Unlock()
	if seen {
		select {
		case <-paid:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer close(paid)
	// One host pays all its permits before the next starts paying: paid in
	// turns, many hosts would finish paying together, and their ARP
	// requests and retries would go out in bursts.
	r.payMu.Lock()
	defer r.payMu.Unlock()
	for range r.kernelARPs {
		if err := r.waitBroadcast(ctx); err != nil {
			return err
		}
	}
	return nil
}

// kernelResolving says the kernel, not an ARP sweep, resolves ip's MAC.
func (r *run) kernelResolving(ip netip.Addr) bool {
	return r.kernelResolves.Load() && r.cfg.Segment != nil && r.cfg.Segment.Prefix.Contains(ip)
}

// multicastSolicit is how many broadcast ARP requests Linux sends for an
// address before giving up on it (net.ipv4.neigh.IFACE.mcast_solicit,
// default 3).
func multicastSolicit(iface string) int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/neigh/" + iface + "/mcast_solicit")
	if err != nil {
		return 3
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n < 1 {
		return 3
	}
	return min(n, 10)
}

// arpPace paces ARP requests, which are broadcasts.
type arpPace struct{ r *run }

func (p arpPace) Wait(ctx context.Context) error { return p.r.waitBroadcast(ctx) }

// discover runs ARP and link-local discovery on the segment, at the same time.
func (r *run) discover(ctx context.Context) (unprivileged bool, err error) {
	seg := r.cfg.Segment
	if seg == nil {
		close(r.arpDone)
		return false, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	if !r.cfg.enabled(ProbeARP) {
		close(r.arpDone)
	} else {
		g.Go(func() error {
			defer close(r.arpDone)
			opt := arp.Options{Limiter: arpPace{r}, TeachKernel: true, SlowDown: func() { r.pace.slowDown(true) },
				Asked: func() { r.asked.Add(1) }}
			r.arpRunning.Store(true)
			defer func() {
				r.arpRunning.Store(false)
				r.queueFound() // hosts that answered other probes first waited for ARP
			}()
			err := arp.Sweep(gctx, seg.Interface, seg.Addr, r.localScope(), opt, r.emit)
			if errors.Is(err, arp.ErrPermission) {
				unprivileged = true
				r.warn("ran unprivileged: %v; MACs come from the kernel's neighbour table", err)
				r.kernelResolves.Store(true)
				r.queueAll(r.localScope()) // no ARP: silent hosts are found only by probing them
				return nil
			}
			r.arpFound.Store(err == nil)
			return err
		})
	}
	g.Go(func() error { return r.linkLocal(gctx) })
	return unprivileged, g.Wait()
}

// answeredOrAll lists the segment hosts in scope that answered ARP, once
// the ARP sweep has ended; every address in scope when no ARP sweep ran.
func (r *run) answeredOrAll(ctx context.Context) ([]netip.Addr, error) {
	select {
	case <-r.arpDone:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if !r.arpFound.Load() {
		return r.localScope(), nil
	}
	seg := r.cfg.Segment
	r.mu.Lock()
	var out []netip.Addr
	for a := range r.hosts {
		if seg.Prefix.Contains(a) {
			out = append(out, a)
		}
	}
	r.mu.Unlock()
	slices.SortFunc(out, netip.Addr.Compare)
	return out, nil
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

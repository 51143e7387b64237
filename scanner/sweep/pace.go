package sweep

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// pacer hands out permission to send at the global rate, broadcasts first.
// One goroutine takes the global limiter's tokens one at a time and grants
// each to a waiting broadcast if there is one: were every sender to reserve
// its own token, the hundreds of unicast connects waiting at once would
// queue each ARP request behind them, and finding hosts, which is what
// feeds the probes, would slow to a crawl.
type pacer struct {
	global    *rate.Limiter
	broadcast *rate.Limiter // broadcasts and multicasts, besides global
	urgent    chan chan struct{}
	normal    chan chan struct{}
	sent      atomic.Int64

	slowMu   sync.Mutex
	lastSlow time.Time // when a pace was last lowered
	slowed   bool
}

// slowDown lowers a pace by a quarter because a send queue was full
// (ENOBUFS): broadcasts when broadcast is set, everything otherwise. It acts
// at most once per slowInterval, so the burst of failures one full queue
// gives lowers the pace once, and never below minPace.
func (p *pacer) slowDown(broadcast bool) {
	p.slowMu.Lock()
	defer p.slowMu.Unlock()
	now := time.Now()
	if now.Sub(p.lastSlow) < slowInterval {
		return
	}
	p.lastSlow, p.slowed = now, true
	l := p.global
	if broadcast {
		l = p.broadcast
	}
	r := max(float64(l.Limit())*0.75, minPace)
	l.SetLimit(rate.Limit(r))
	l.SetBurst(max(1, int(r/100)))
}

const (
	slowInterval = 500 * time.Millisecond
	minPace      = 10
)

// slowedNote says how far the paces were lowered, or "" if they were not.
func (p *pacer) slowedNote() string {
	p.slowMu.Lock()
	defer p.slowMu.Unlock()
	if !p.slowed {
		return ""
	}
	return fmt.Sprintf("the network could not take the pace (a send queue was full): slowed to %.0f packets/s, %.0f broadcasts/s for the rest of the sweep",
		float64(p.global.Limit()), float64(min(p.broadcast.Limit(), p.global.Limit())))
}

// newPacer starts a pacer that hands out permits until ctx ends.
func newPacer(ctx context.Context, perSecond, broadcastPerSecond float64) *pacer {
	p := &pacer{
		global:    newLimiter(perSecond),
		broadcast: newLimiter(broadcastPerSecond),
		urgent:    make(chan chan struct{}),
		normal:    make(chan chan struct{}),
	}
	go p.dispatch(ctx)
	return p
}

// newLimiter paces at perSecond. Its burst is a hundredth of a second's
// worth, at least one: at thousands per second a burst of one would leave
// the pace to timer jitter, while a hundredth of a second is too short for
// any device or link to notice.
func newLimiter(perSecond float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/100)))
}

func (p *pacer) dispatch(ctx context.Context) {
	for p.global.Wait(ctx) == nil {
		var grant chan struct{}
		select {
		case grant = <-p.urgent:
		default:
			select {
			case grant = <-p.urgent:
			case grant = <-p.normal:
			case <-ctx.Done():
				return
			}
		}
		p.sent.Add(1)
		close(grant)
	}
}

// unicast waits for permission to send one unicast packet or connection
// attempt.
func (p *pacer) unicast(ctx context.Context) error { return p.await(ctx, p.normal) }

// datagram waits for permission to send one unicast discovery request,
// ahead of connection attempts: a request answered while the discovery
// window is still open costs the sweep no extra wait at its end.
func (p *pacer) datagram(ctx context.Context) error { return p.await(ctx, p.urgent) }

// broadcastWait waits for permission to send one broadcast or multicast
// packet: its own pace, then the global one ahead of unicast.
func (p *pacer) broadcastWait(ctx context.Context) error {
	if err := p.broadcast.Wait(ctx); err != nil {
		return err
	}
	return p.await(ctx, p.urgent)
}

func (p *pacer) await(ctx context.Context, queue chan chan struct{}) error {
	grant := make(chan struct{})
	select {
	case queue <- grant:
	case <-ctx.Done():
		return ctx.Err()
	}
	<-grant // granted at once: the dispatcher holds a token when it takes a request
	return nil
}

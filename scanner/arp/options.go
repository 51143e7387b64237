package arp

import (
	"context"
	"errors"
	"time"

	"golang.org/x/time/rate"
)

// ErrPermission means raw sockets are not allowed (no CAP_NET_RAW).
var ErrPermission = errors.New("raw ARP needs CAP_NET_RAW (run as root or grant the capability)")

// Options tune a sweep. Zero values get the defaults noted.
type Options struct {
	// Limiter paces every frame sent; shared with the sweep's other probes so
	// the global --rate holds. Nil means 500 frames/s.
	Limiter Limiter
	// Retries is how many more times at most an unanswered address is asked
	// (default 1), each on its own schedule (see package retry).
	Retries int
	// Backoff is how long an address is given to answer before it is asked
	// again (default 2 s, so a slow answer is not taken for a lost one),
	// doubled for each further retry.
	Backoff time.Duration
	// Wait is how long to listen after the last request (default 300 ms).
	Wait time.Duration
	// SlowDown, when set, is called each time the interface's queue is full
	// (ENOBUFS): the caller should lower its pace. The frame is sent again
	// after a pause either way. Answers that come late do not call it: a
	// busy segment queues requests, it does not lose them, and the sweep
	// waits for late answers at its end instead.
	SlowDown func()
	// Asked, when set, is called after each address's first request.
	Asked func()
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

// maxFinalWait bounds the wait for late answers after the last request.
const maxFinalWait = time.Minute

func (o *Options) defaults() {
	if o.Limiter == nil {
		o.Limiter = rate.NewLimiter(500, 1)
	}
	if o.Retries <= 0 {
		o.Retries = 1
	}
	if o.Backoff <= 0 {
		o.Backoff = 2 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = 300 * time.Millisecond
	}
}

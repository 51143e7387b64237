package arp

import (
	"net/netip"
	"time"
)

// Retry policy. Each address is asked on its own schedule: an unanswered one
// is asked again after a backoff, at most Retries more times, independently
// of the others; nobody is asked again because somebody else was silent.
//
// On a sparse network almost every address is silent, and asking each of them
// twice would double the sweep. So retries are spent where they pay: the
// first retryAllFirst retries go to every silent address (a /22 and smaller
// are retried in full, as on a busy segment that drops answers). After that,
// while no retry has ever been answered, only one silent address in
// sampleEvery is retried, as a watch for loss; the first retry that is
// answered proves the segment drops answers, and from then on every silent
// address is retried, the ones passed over before included.
const (
	retryAllFirst = 1024
	sampleEvery   = 16
)

// retry is one address waiting to be asked again.
type retry struct {
	addr  netip.Addr
	asked int // requests sent to it so far
	due   time.Time
}

// retrier decides which silent address is asked again, and when.
type retrier struct {
	max     int           // retries per address
	backoff time.Duration // before the first retry; doubled for each next one
	levels  [][]retry     // waiting, by requests sent so far; fixed delays keep each level in due order
	skipped []retry       // silent addresses passed over while no loss was seen
	sent    int           // retries sent
	seen    int           // silent addresses considered for a retry
	loss    bool          // a retry was answered: the segment drops answers
	pending map[netip.Addr]int
}

func newRetrier(max int, backoff time.Duration) *retrier {
	return &retrier{max: max, backoff: backoff, levels: make([][]retry, max+1), pending: map[netip.Addr]int{}}
}

// asked records a request to a, the n-th to it (1 for the first).
func (rt *retrier) asked(a netip.Addr, n int, now time.Time) {
	rt.pending[a] = n
	if n > 1 {
		rt.sent++
	}
	if n > rt.max {
		return // its last chance
	}
	delay := rt.backoff << (n - 1)
	rt.levels[n] = append(rt.levels[n], retry{addr: a, asked: n, due: now.Add(delay)})
}

// answered records an answer from a, and whether it came after a retry.
func (rt *retrier) answered(a netip.Addr) {
	n, ok := rt.pending[a]
	if !ok {
		return
	}
	delete(rt.pending, a)
	if n > 1 && !rt.loss {
		rt.loss = true
		rt.levels[1] = append(rt.skipped, rt.levels[1]...) // they are overdue: first in line
		rt.skipped = nil
	}
}

// due returns an address to ask again now, with the number of its request.
func (rt *retrier) due(now time.Time) (netip.Addr, int, bool) {
	for n := 1; n <= rt.max; n++ {
		for len(rt.levels[n]) > 0 && !rt.levels[n][0].due.After(now) {
			r := rt.levels[n][0]
			rt.levels[n] = rt.levels[n][1:]
			if _, silent := rt.pending[r.addr]; !silent {
				continue
			}
			if n == 1 && !rt.worthRetrying() {
				rt.skipped = append(rt.skipped, r)
				continue
			}
			return r.addr, r.asked + 1, true
		}
	}
	return netip.Addr{}, 0, false
}

// worthRetrying says whether the next silent address gets its first retry.
func (rt *retrier) worthRetrying() bool {
	rt.seen++
	return rt.loss || rt.seen <= retryAllFirst || rt.seen%sampleEvery == 0
}

// next is when the next retry falls due; false when none waits.
func (rt *retrier) next() (time.Time, bool) {
	var at time.Time
	for _, l := range rt.levels {
		if len(l) > 0 && (at.IsZero() || l[0].due.Before(at)) {
			at = l[0].due
		}
	}
	return at, !at.IsZero()
}

// silent counts the addresses still unanswered.
func (rt *retrier) silent() int { return len(rt.pending) }

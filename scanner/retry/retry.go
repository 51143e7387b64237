// Package retry decides which silent address a sweep asks again, and when:
// each address on its own schedule, so nobody is asked again because
// somebody else was silent. The ARP sweep and the ICMP echo sweep share it.
package retry

import (
	"net/netip"
	"time"
)

// Retry policy. Each address is asked on its own schedule: an unanswered one
// is asked again after a backoff, at most Retries more times, independently
// of the others; nobody is asked again because somebody else was silent.
//
// On a sparse network almost every address is silent, and asking each of
// them twice would double the sweep. So retries are spent where they may
// pay: the first retryAllFirst silent addresses are all retried (a /22 and
// smaller in full). After them, a share of the silent addresses is retried:
// one in sampleEvery as a watch for loss, plus lossWeight times the share of
// answers so far that came only on a retry (their first answer was lost).
// A segment that loses one answer in four gets every silent address retried;
// a sparse, healthy one costs about 1/16 more requests than addresses.
const (
	retryAllFirst = 1024
	sampleEvery   = 16
	lossWeight    = 4
	// minHeard: the loss share is counted over at least this many answers,
	// so one answer lost early in a sweep does not retry everyone.
	minHeard = 32
)

// waiting is one address waiting to be asked again.
type waiting struct {
	addr  netip.Addr
	asked int // requests sent to it so far
	due   time.Time
}

// Schedule decides which silent address is asked again, and when.
type Schedule struct {
	max     int           // retries per address
	backoff time.Duration // before the first retry; doubled for each next one
	levels  [][]waiting   // waiting, by requests sent so far; fixed delays keep each level in due order
	pending map[netip.Addr]int
	askedAt map[netip.Addr]time.Time // when each pending address was last asked
	seen    int                      // silent addresses considered for a first retry
	credit  float64                  // retries earned by the share, not yet spent
	// answers heard to a first request, and to a retry only.
	firstAnswers, retryAnswers int
}

// New schedules at most max retries per address, the first after backoff,
// each next one after twice the wait before it.
func New(max int, backoff time.Duration) *Schedule {
	return &Schedule{max: max, backoff: backoff, levels: make([][]waiting, max+1), pending: map[netip.Addr]int{},
		askedAt: map[netip.Addr]time.Time{}}
}

// Asked records a request to a, the n-th to it (1 for the first).
func (rt *Schedule) Asked(a netip.Addr, n int, now time.Time) {
	rt.pending[a] = n
	rt.askedAt[a] = now
	if n > rt.max {
		return // its last chance
	}
	delay := rt.backoff << (n - 1)
	rt.levels[n] = append(rt.levels[n], waiting{addr: a, asked: n, due: now.Add(delay)})
}

// Answered records an answer from a, heard at now, and returns how long
// after its last request it came (0 if it was not asked).
func (rt *Schedule) Answered(a netip.Addr, now time.Time) time.Duration {
	n, ok := rt.pending[a]
	if !ok {
		return 0
	}
	lag := now.Sub(rt.askedAt[a])
	delete(rt.pending, a)
	delete(rt.askedAt, a)
	// An answer to a retry is taken as a lost first answer only if it came
	// sooner than the first request was given: one later than that may
	// well answer the first request, on a segment that answers late.
	if n > 1 && lag < rt.backoff<<(n-2) {
		rt.retryAnswers++
	} else {
		rt.firstAnswers++
	}
	return lag
}

// Due returns an address to ask again now, with the number of its request.
func (rt *Schedule) Due(now time.Time) (netip.Addr, int, bool) {
	for n := 1; n <= rt.max; n++ {
		for len(rt.levels[n]) > 0 && !rt.levels[n][0].due.After(now) {
			r := rt.levels[n][0]
			rt.levels[n] = rt.levels[n][1:]
			if _, silent := rt.pending[r.addr]; !silent {
				continue
			}
			if n == 1 && !rt.worthRetrying() {
				continue
			}
			return r.addr, r.asked + 1, true
		}
	}
	return netip.Addr{}, 0, false
}

// worthRetrying says whether the next silent address gets its first retry.
func (rt *Schedule) worthRetrying() bool {
	rt.seen++
	if rt.seen <= retryAllFirst {
		return true
	}
	rt.credit += rt.retryShare()
	if rt.credit >= 1 {
		rt.credit--
		return true
	}
	return false
}

// retryShare is the share of silent addresses retried past the first ones.
func (rt *Schedule) retryShare() float64 {
	share := 1.0 / sampleEvery
	heard := max(rt.firstAnswers+rt.retryAnswers, minHeard)
	share += lossWeight * float64(rt.retryAnswers) / float64(heard)
	return min(share, 1)
}

// Next is when the next retry falls due; false when none waits.
func (rt *Schedule) Next() (time.Time, bool) {
	var at time.Time
	for _, l := range rt.levels {
		if len(l) > 0 && (at.IsZero() || l[0].due.Before(at)) {
			at = l[0].due
		}
	}
	return at, !at.IsZero()
}

package sweep

import (
	"net/netip"
	"sync"
)

// hostQueue hands hosts to the probe workers as they are found, each host
// once, so TCP probing starts while ARP and discovery are still finding more.
// It grows without bound only up to the sweep's scope, which CheckScope caps.
type hostQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	seen    map[netip.Addr]bool
	pending []netip.Addr
	closed  bool
}

func newHostQueue() *hostQueue {
	q := &hostQueue{seen: map[netip.Addr]bool{}}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// add queues a host not queued before. After close it queues nothing.
func (q *hostQueue) add(a netip.Addr) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.seen[a] && !q.closed {
		q.seen[a] = true
		q.pending = append(q.pending, a)
		q.cond.Signal()
	}
}

// close says no more hosts will come: next drains what is pending, then
// reports the end.
func (q *hostQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// next waits for a host to probe; false once the queue is closed and empty.
func (q *hostQueue) next() (netip.Addr, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.pending) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.pending) == 0 {
		return netip.Addr{}, false
	}
	a := q.pending[0]
	q.pending = q.pending[1:]
	return a, true
}

// len is how many hosts have been queued in all.
func (q *hostQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.seen)
}

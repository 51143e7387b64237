package sweep

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// Hundreds of unicast connects wait at once during a sweep; an ARP request
// queued behind them would slow finding hosts to their pace. A broadcast
// that starts waiting is granted the next permit.
func TestBroadcastsGoAheadOfWaitingUnicast(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newPacer(ctx, 10, 10) // a permit every 100 ms: scheduling delays stay well below it
	var mu sync.Mutex
	var order []string
	record := func(what string) {
		mu.Lock()
		order = append(order, what)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if p.unicast(ctx) == nil {
				record("unicast")
			}
		})
	}
	time.Sleep(150 * time.Millisecond) // the unicast senders are all waiting
	mu.Lock()
	before := len(order)
	mu.Unlock()
	if err := p.broadcastWait(ctx); err != nil {
		t.Fatal(err)
	}
	record("broadcast")
	wg.Wait()
	at := 0
	for i, w := range order {
		if w == "broadcast" {
			at = i
		}
	}
	// One permit may already be on its way to a unicast sender.
	if at > before+1 {
		t.Errorf("broadcast granted %d permits after it began waiting, behind %d unicast: %v", at-before, at-before, order)
	}
	if got := p.sent.Load(); got != 9 {
		t.Errorf("counted %d sends, want 9", got)
	}
}

// A cancelled sweep releases every sender still waiting.
func TestPacerReleasesWaitersOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := newPacer(ctx, 1, 1)
	errs := make(chan error, 10)
	for range 10 {
		go func() { errs <- p.unicast(ctx) }()
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	failed := 0
	for range 10 {
		if <-errs != nil {
			failed++
		}
	}
	if failed < 8 { // at most the first permit or two were granted before the cancel
		t.Errorf("%d of 10 waiting senders were released by the cancel", failed)
	}
}

// Each host is probed once however often it answers, in the order found.
func TestHostQueueHandsOutEachHostOnce(t *testing.T) {
	q := newHostQueue()
	a, b := netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("198.18.0.3")
	q.add(a)
	q.add(b)
	q.add(a)
	if q.len() != 2 {
		t.Errorf("%d hosts queued, want 2", q.len())
	}
	done := make(chan []netip.Addr)
	go func() {
		var got []netip.Addr
		for {
			h, ok := q.next()
			if !ok {
				done <- got
				return
			}
			got = append(got, h)
		}
	}()
	q.close()
	q.add(netip.MustParseAddr("198.18.0.4")) // after close: dropped
	got := <-done
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("handed out %v, want [%s %s]", got, a, b)
	}
}

// A full send queue lowers the pace by a quarter, once per burst of
// failures, and the sweep says so.
func TestSlowDownLowersThePaceOncePerBurst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newPacer(ctx, 5000, 1000)
	if note := p.slowedNote(); note != "" {
		t.Errorf("note before any slow-down: %q", note)
	}
	for range 20 {
		p.slowDown(true) // one burst of ENOBUFS
	}
	if got := float64(p.broadcast.Limit()); got != 750 {
		t.Errorf("broadcast pace %g after one burst, want 750", got)
	}
	if got := float64(p.global.Limit()); got != 5000 {
		t.Errorf("global pace %g, want untouched 5000", got)
	}
	p.lastSlow = time.Now().Add(-slowInterval)
	p.slowDown(false)
	if got := float64(p.global.Limit()); got != 3750 {
		t.Errorf("global pace %g after a unicast slow-down, want 3750", got)
	}
	if note := p.slowedNote(); note == "" || !strings.Contains(note, "3750 packets/s, 750 broadcasts/s") {
		t.Errorf("note = %q", note)
	}
}

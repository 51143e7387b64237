package retry

import (
	"net/netip"
	"testing"
	"time"
)

// sweepOf plays a sweep of n addresses against the retrier, one request per
// tick of 1 ms, the first asks in order with due retries first, as Sweep
// does; answers holds the request number each answering address answers
// (1: the first, 2: only its retry). It returns the requests per address.
func sweepOf(n int, answers map[int]int, retries int) map[netip.Addr]int {
	rt := New(retries, 50*time.Millisecond)
	addrs := make([]netip.Addr, n)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
	}
	asked := map[netip.Addr]int{}
	index := map[netip.Addr]int{}
	for i, a := range addrs {
		index[a] = i
	}
	now := time.Unix(0, 0)
	ask := func(a netip.Addr, k int) {
		asked[a]++
		rt.Asked(a, k, now)
		if want, ok := answers[index[a]]; ok && want == k {
			rt.Answered(a, now)
		}
	}
	next := 0
	for {
		now = now.Add(time.Millisecond)
		if a, k, ok := rt.Due(now); ok {
			ask(a, k)
			continue
		}
		if next < n {
			ask(addrs[next], 1)
			next++
			continue
		}
		at, ok := rt.Next()
		if !ok {
			return asked
		}
		now = at.Add(-time.Millisecond)
	}
}

func TestSilentAddressesCostAtMostTwoRequests(t *testing.T) {
	const n = 65534
	answers := map[int]int{}
	for i := 0; i < 200; i++ {
		answers[i*327] = 1 // 200 devices spread over a /16, all answering at once
	}
	asked := sweepOf(n, answers, 1)
	total, twice := 0, 0
	for a, k := range asked {
		total += k
		if k > 2 {
			t.Fatalf("%s asked %d times", a, k)
		}
		if k == 2 {
			twice++
		}
	}
	if len(asked) != n {
		t.Fatalf("%d addresses asked, want %d", len(asked), n)
	}
	// No answer was lost: after the first retryAllFirst, one in sampleEvery is retried.
	wantRetries := retryAllFirst + (n-200-retryAllFirst)/sampleEvery
	if twice < wantRetries-1 || twice > wantRetries+1 {
		t.Errorf("%d addresses asked twice, want about %d", twice, wantRetries)
	}
	if float64(total) > 1.1*n {
		t.Errorf("%d requests for %d addresses: more than 1.1 per address", total, n)
	}
}

// A segment that drops answers gets more of its silent addresses retried:
// as many more as the share of answers heard only on a retry says.
func TestRetriesFollowTheLossSeen(t *testing.T) {
	const n = 16384
	retried := func(lost int) int {
		answers := map[int]int{}
		for i := 0; i < 100; i++ {
			answers[i*163+1] = 1
		}
		for i := 0; i < lost; i++ {
			answers[i*37+5] = 2 // among the first, all retried: each lost answer is seen
		}
		twice := 0
		for _, k := range sweepOf(n, answers, 1) {
			if k > 2 {
				t.Fatalf("an address asked %d times", k)
			}
			if k == 2 {
				twice++
			}
		}
		return twice
	}
	healthy, lossy, dropping := retried(0), retried(5), retried(40)
	silentPast := n - 1024 - 145
	if want := 1024 + silentPast/16; healthy < want-5 || healthy > want+5 {
		t.Errorf("healthy: %d retried, want about %d", healthy, want)
	}
	// The share follows the answers heard so far: 5 lost among few answers
	// early, 5 of 105 (1/16 + 4*5/105 = 25%) at the end.
	if low, high := 1024+silentPast/4, n-100-silentPast/10; lossy < low || lossy > high {
		t.Errorf("5 lost answers: %d retried, want between %d and %d", lossy, low, high)
	}
	if want := n - 100; dropping < want-2 {
		t.Errorf("40 lost answers of 140: %d retried, want every silent address (%d)", dropping, want)
	}
}

func TestRetriesFollowTheirBackoff(t *testing.T) {
	rt := New(2, 100*time.Millisecond)
	a := netip.MustParseAddr("10.0.0.1")
	rt.pending[a] = 0
	start := time.Unix(0, 0)
	rt.Asked(a, 1, start)
	if _, _, ok := rt.Due(start.Add(99 * time.Millisecond)); ok {
		t.Fatal("retried before its backoff")
	}
	got, k, ok := rt.Due(start.Add(100 * time.Millisecond))
	if !ok || got != a || k != 2 {
		t.Fatalf("due = %v %d %v, want %v 2", got, k, ok, a)
	}
	rt.Asked(a, 2, start.Add(100*time.Millisecond))
	if at, _ := rt.Next(); !at.Equal(start.Add(300 * time.Millisecond)) {
		t.Errorf("second retry due at %v, want the backoff doubled", at.Sub(start))
	}
	if _, k, ok := rt.Due(start.Add(300 * time.Millisecond)); !ok || k != 3 {
		t.Fatalf("second retry: %d %v", k, ok)
	}
	rt.Asked(a, 3, start.Add(300*time.Millisecond))
	if _, ok := rt.Next(); ok {
		t.Error("a third retry was scheduled with Retries 2")
	}
}

// A segment that answers late (its hosts queue the broadcasts) answers
// after the retry went out; those answers are not lost first answers, and
// must not make the schedule retry every silent address.
func TestLateAnswersAreNotTakenForLoss(t *testing.T) {
	const backoff = time.Second
	rt := New(1, backoff)
	now := time.Unix(0, 0)
	for i := range 64 {
		a := netip.AddrFrom4([4]byte{10, 0, 1, byte(i)})
		rt.Asked(a, 1, now)
		rt.Asked(a, 2, now.Add(backoff))
		if lag := rt.Answered(a, now.Add(backoff+3*backoff)); lag != 3*backoff {
			t.Fatalf("lag %v, want %v", lag, 3*backoff)
		}
	}
	if share := rt.retryShare(); share != 1.0/sampleEvery {
		t.Errorf("late answers raised the retry share to %.2f", share)
	}
	quick := netip.MustParseAddr("10.0.2.1")
	rt.Asked(quick, 1, now)
	rt.Asked(quick, 2, now.Add(backoff))
	rt.Answered(quick, now.Add(backoff+time.Millisecond))
	if rt.retryAnswers != 1 {
		t.Errorf("an answer at once to a retry was not taken for a lost first answer")
	}
}

package sweep

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/checksum"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/retry"
)

// kernelEchoReply is the reply Linux 6.18 sent to an echo request with
// identifier 0x1c2d, sequence 7 and data "camsweep" on the loopback of a
// fresh network namespace (unshare -n), read from a raw socket with the IP
// header removed, as pingAll reads it.
const kernelEchoReply = "000036211c2d000763616d7377656570"

func TestParseEchoReply(t *testing.T) {
	real, _ := hex.DecodeString(kernelEchoReply)
	id, seq, data, ok := parseEchoReply(real)
	if !ok || id != 0x1c2d || seq != 7 || string(data) != "camsweep" {
		t.Fatalf("kernel reply: id %#x seq %d data %q ok %v", id, seq, data, ok)
	}
	built := echoMessage(icmpEchoReply, 0x1c2d, 7, []byte("camsweep"))
	if !bytes.Equal(built, real) {
		t.Errorf("echoMessage built % x, the kernel sent % x", built, real)
	}
	request := echoMessage(icmpEchoRequest, 0x1c2d, 7, []byte("camsweep"))
	unreachable := append([]byte{3, 1}, real[2:]...) // host unreachable, checksum fixed below
	unreachable[2], unreachable[3] = 0, 0
	sum := checksum.Internet(unreachable)
	unreachable[2], unreachable[3] = byte(sum>>8), byte(sum)
	badSum := bytes.Clone(real)
	badSum[9] ^= 0x20 // "cAmsweep": the checksum no longer holds
	badCode := bytes.Clone(real)
	badCode[1] = 1
	for name, b := range map[string][]byte{
		"our own request":     request,
		"destination unreach": unreachable,
		"corrupted data":      badSum,
		"non-zero code":       badCode,
		"short header":        real[:7],
		"empty":               nil,
	} {
		if _, _, _, ok := parseEchoReply(b); ok {
			t.Errorf("%s: taken for an echo reply", name)
		}
	}
	// Header only, no data: a valid reply (some stacks echo nothing back),
	// which readEchoReplies then drops for lacking the cookie.
	if _, _, data, ok := parseEchoReply(echoMessage(icmpEchoReply, 1, 2, nil)); !ok || len(data) != 0 {
		t.Errorf("a reply with no data: ok %v data %q", ok, data)
	}
}

func FuzzParseEchoReply(f *testing.F) {
	real, _ := hex.DecodeString(kernelEchoReply)
	f.Add(real)
	f.Add(echoMessage(icmpEchoReply, 0xffff, 0xffff, bytes.Repeat([]byte{0xff}, 1400)))
	f.Add(echoMessage(icmpEchoRequest, 1, 1, []byte("x")))
	f.Add([]byte{0, 0, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, seq, data, ok := parseEchoReply(b)
		if !ok {
			return
		}
		if len(b) < 8 || b[0] != icmpEchoReply || b[1] != 0 || len(data) != len(b)-8 {
			t.Fatalf("accepted % x", b)
		}
		// What it read is what the message says: built again from its
		// parts, it differs at most in the checksum's two spellings of 0.
		again := echoMessage(icmpEchoReply, id, seq, data)
		if !bytes.Equal(again[4:], b[4:]) || checksum.Internet(again) != 0 {
			t.Fatalf("read id %d seq %d data % x from % x", id, seq, data, b)
		}
	})
}

// pingRun is a run over loopback targets; pingAll skips the test where the
// process may not open a raw socket.
func pingRun(t *testing.T, exclude ...netip.Prefix) *run {
	r := testRun(func(observe.Observation) {})
	r.hosts = map[netip.Addr]bool{}
	r.queue = newHostQueue()
	r.cfg.Targets = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	r.cfg.Exclude = exclude
	r.inScope = r.scopeFunc()
	return r
}

// Loopback answers ping for all of 127/8 with the kernel's own replies: the
// pinger must find the hosts asked, and only them, and never send to an
// excluded address.
func TestPingFindsHostsThatAnswerEcho(t *testing.T) {
	r := pingRun(t, netip.MustParsePrefix("127.0.0.3/32"))
	addrs := []netip.Addr{netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3"), netip.MustParseAddr("127.0.0.4")}
	start := time.Now()
	err := r.pingAll(context.Background(), addrs)
	if errors.Is(err, errNoRawICMP) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("pinging 2 answering addresses took %v", took)
	}
	r.queue.close()
	var queued []netip.Addr
	for a, ok := r.queue.next(); ok; a, ok = r.queue.next() {
		queued = append(queued, a)
	}
	if len(queued) != 2 || queued[0] == addrs[1] || queued[1] == addrs[1] {
		t.Errorf("queued %v, want %s and %s", queued, addrs[0], addrs[2])
	}
	if sent := r.pace.sent.Load(); sent != 2 {
		t.Errorf("%d echo requests paced, want 2 (none to the excluded address, no retry of an answering one)", sent)
	}
}

// A reply must carry back what was sent to its sender: the sequence number
// of a request to another address does not count.
func TestPingRecordsOnlyRepliesToWhatWasSent(t *testing.T) {
	r := pingRun(t)
	p := &pinger{r: r, sent: map[netip.Addr][]uint16{}}
	a, b := netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.5")
	p.sent[a] = []uint16{4}
	p.sent[b] = []uint16{5, 9}
	p.retries = retry.New(1, echoBackoff)
	now := time.Now()
	p.retries.Asked(a, 1, now)
	p.retries.Asked(b, 1, now)
	p.retries.Asked(b, 2, now)
	p.record(echoReply{from: a, seq: 5})                                // b's sequence number
	p.record(echoReply{from: netip.MustParseAddr("127.0.0.9"), seq: 4}) // never asked
	if len(r.hosts) != 0 {
		t.Fatalf("stray replies counted: %v", r.hosts)
	}
	p.record(echoReply{from: b, seq: 9}) // the answer to its retry
	p.record(echoReply{from: a, seq: 4})
	if !r.hosts[a] || !r.hosts[b] || len(p.sent) != 0 {
		t.Errorf("hosts %v, still silent %v", r.hosts, p.sent)
	}
}

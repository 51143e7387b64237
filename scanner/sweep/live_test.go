package sweep

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// A host that refuses a connection is there: the knock counts it live and
// queues it for the full probes; an excluded address is never knocked at.
func TestKnockFindsRefusingAndListeningHosts(t *testing.T) {
	r := testRun(func(observe.Observation) {})
	r.hosts = map[netip.Addr]bool{}
	r.queue = newHostQueue()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	open := uint16(ln.Addr().(*net.TCPAddr).Port)
	closed := freePort(t)
	if !r.knock(context.Background(), netip.MustParseAddr("127.0.0.1"), []uint16{open}) {
		t.Error("a listening port did not count")
	}
	if !r.knock(context.Background(), netip.MustParseAddr("127.0.0.1"), []uint16{closed}) {
		t.Error("a refused connection did not count")
	}
	r.cfg.Ports = []uint16{closed}
	r.cfg.Exclude = []netip.Prefix{netip.MustParsePrefix("127.0.0.3/32")}
	r.inScope = r.scopeFunc()
	addrs := []netip.Addr{netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3")}
	if err := r.findLive(context.Background(), addrs); err != nil {
		t.Fatal(err)
	}
	r.queue.close()
	var queued []netip.Addr
	for a, ok := r.queue.next(); ok; a, ok = r.queue.next() {
		queued = append(queued, a)
	}
	if len(queued) != 1 || queued[0] != addrs[0] || r.asked.Load() != 1 {
		t.Errorf("queued %v after knocking %d, want only %s", queued, r.asked.Load(), addrs[0])
	}
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) uint16 {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := uint16(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	return p
}

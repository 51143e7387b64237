//go:build linux

package sweep

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// Answers the kernel drops because a discovery socket's receive buffer is
// full are counted (SO_RXQ_OVFL, handed with a later datagram) and named in
// one warning: devices the report may be missing.
func TestDroppedDiscoveryAnswersAreCountedAndWarned(t *testing.T) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = countDrops(fd) })
		if serr != nil {
			t.Skipf("SO_RXQ_OVFL: %v", serr)
		}
		return err
	}}
	c, err := lc.ListenPacket(context.Background(), "udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.(*net.UDPConn).SetReadBuffer(1) // the kernel's least: a few datagrams
	out, err := net.Dial("udp4", c.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	answer := make([]byte, 1000)
	for range 200 { // a segment's devices answering at once, unread
		out.Write(answer)
	}
	r := testRun(nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.readAnswers(c, ProbeSADP, func(observe.Observation) {})
	}()
	time.Sleep(200 * time.Millisecond)
	out.Write(answer) // a later answer brings the count
	time.Sleep(200 * time.Millisecond)
	c.Close()
	<-done
	if r.dropped[ProbeSADP] == 0 {
		t.Fatalf("no answer counted as dropped (%v)", r.dropped)
	}
	r.warnDropped()
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], "sadp "+strconv.FormatUint(r.dropped[ProbeSADP], 10)) {
		t.Errorf("warnings %q, want one naming sadp's %d dropped answers", r.warnings, r.dropped[ProbeSADP])
	}
}

// As root the discovery sockets' receive buffer is set past
// net.core.rmem_max: a site's answers to one search arrive at once.
func TestDiscoveryReadBufferIsForcedAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (SO_RCVBUFFORCE)")
	}
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip(err)
	}
	seg := &Segment{Interface: lo, Addr: netip.MustParseAddr("127.0.0.1"), Prefix: netip.MustParsePrefix("127.0.0.0/8")}
	c, err := listenUDP(context.Background(), seg, 0, netip.Addr{})
	if err != nil {
		t.Skipf("no socket on lo: %v", err)
	}
	defer c.Close()
	rc, err := c.(*net.UDPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var got int
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		got, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	if got < discoveryReadBuffer {
		t.Errorf("receive buffer %d bytes, want at least %d", got, discoveryReadBuffer)
	}
}

package sweep

import (
	"bytes"
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
	"github.com/camsweep/camsweep/scanner"
)

// refusing is a socket the kernel refuses to send to one address from, as
// a firewall rule on the sweeping host (EPERM) or a prohibit route does.
type refusing struct {
	net.PacketConn
	refused netip.Addr
}

func (c refusing) WriteTo(b []byte, to net.Addr) (int, error) {
	if ip, _ := netip.AddrFromSlice(to.(*net.UDPAddr).IP.To4()); ip == c.refused {
		return 0, &net.OpError{Op: "write", Net: "udp", Addr: to, Err: os.NewSyscallError("sendto", syscall.EPERM)}
	}
	return c.PacketConn.WriteTo(b, to)
}

// A narrowed sweep sends its discovery requests to each target by unicast.
// One target the kernel refuses to send to must not end the requests to the
// targets after it: it is skipped and named once in a warning.
func TestUnicastDiscoverySkipsATargetItCannotSendTo(t *testing.T) {
	first, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	port := first.LocalAddr().(*net.UDPAddr).Port
	second, err := net.ListenPacket("udp4", net.JoinHostPort("127.0.0.2", strconv.Itoa(port)))
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	defer second.Close()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	r := testRun(nil)
	refused := netip.MustParseAddr("127.0.0.3")
	dsts := []netip.Addr{netip.MustParseAddr("127.0.0.1"), refused, netip.MustParseAddr("127.0.0.2")}
	if err := r.sendEach(context.Background(), refusing{conn, refused}, []byte("search"), dsts, port); err != nil {
		t.Fatalf("sendEach: %v", err)
	}
	for _, c := range []net.PacketConn{first, second} {
		buf := make([]byte, 64)
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _, err := c.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "search" {
			t.Errorf("%s: got %q, %v; want the request", c.LocalAddr(), buf[:n], err)
		}
	}
	if _, ok := r.unsent[refused]; !ok || len(r.unsent) != 1 {
		t.Errorf("unsent %v, want %s alone", r.unsent, refused)
	}
	r.warnUnsent()
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], "1 target (127.0.0.3: ") {
		t.Errorf("warnings %q, want one naming the refused target", r.warnings)
	}
}

// A broadcast discovery request goes out twice, so that one lost datagram
// does not lose the devices it was for.
func TestBroadcastDiscoveryIsSentTwice(t *testing.T) {
	listener, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	r := testRun(nil)
	port := listener.LocalAddr().(*net.UDPAddr).Port
	if err := r.sendRepeated(context.Background(), conn, []byte("search"), []netip.Addr{netip.MustParseAddr("127.0.0.1")}, port); err != nil {
		t.Fatalf("sendRepeated: %v", err)
	}
	got := 0
	buf := make([]byte, 64)
	for {
		listener.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := listener.ReadFrom(buf)
		if err != nil {
			break
		}
		if string(buf[:n]) != "search" {
			t.Fatalf("got %q, want the request", buf[:n])
		}
		got++
	}
	if got != discoveryRepeats {
		t.Fatalf("request arrived %d times, want %d", got, discoveryRepeats)
	}
}

// A device answers both copies of a broadcast request: the repeat is not
// decoded again. A WS-Discovery answer counts as a repeat when only its
// SOAP header ids changed; the same answer from another device and another
// answer of the same device are each decoded.
func TestRepeatedDiscoveryAnswersAreDecodedOnce(t *testing.T) {
	a, err := os.ReadFile("../../testdata/realdata/python-ws-discovery/probe_response_IPCAM_631GA.xml")
	if err != nil {
		t.Fatal(err)
	}
	again := bytes.Replace(a, []byte("<wsa:MessageID>uuid:2419d68a"), []byte("<wsa:MessageID>uuid:99999999"), 1)
	other := bytes.Replace(a, []byte("Model/631GA"), []byte("Model/631GB"), 1)
	if bytes.Equal(a, again) || bytes.Equal(a, other) {
		t.Fatal("test data did not change")
	}
	var obs []observe.Observation
	r := testRun(nil)
	emit := func(o observe.Observation) { obs = append(obs, o) }
	at := func(ip string) scanner.Meta {
		m := r.meta(ProbeWSD, netip.MustParseAddr(ip), 3702)
		m.DstPort = 40000
		return m
	}
	steps := []struct {
		ip      string
		payload []byte
		decoded bool
	}{
		{"192.0.2.10", a, true},
		{"192.0.2.10", again, false}, // the second copy's answer
		{"192.0.2.10", a, false},
		{"192.0.2.11", a, true},     // another device saying the same
		{"192.0.2.10", other, true}, // the same device saying more
	}
	for i, s := range steps {
		before := len(obs)
		r.decodeDatagram(s.payload, at(s.ip), emit)
		if got := len(obs) > before; got != s.decoded {
			t.Errorf("step %d (%s): decoded %v, want %v", i, s.ip, got, s.decoded)
		}
	}
	if r.answers.repeats != 2 {
		t.Errorf("%d repeats counted, want 2", r.answers.repeats)
	}
}

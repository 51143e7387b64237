package sweep

import (
	"context"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// serve runs handle for every connection to a loopback listener.
func serve(t *testing.T, handle func(net.Conn)) (netip.Addr, uint16) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	return ap.Addr(), ap.Port()
}

func testRun(emit func(observe.Observation)) *run {
	cfg := Config{ExchangeTimeout: 1500 * time.Millisecond, Targets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	cfg.defaults()
	r := &run{cfg: cfg, pace: newPacer(context.Background(), 1e6, 1e6), emit: emit}
	r.inScope = r.scopeFunc()
	return r
}

// Hostile devices from the threat model: each must be survived within the
// exchange timeout and cost at most maxRead bytes.
func TestHostileServersAreBounded(t *testing.T) {
	hostile := map[string]func(net.Conn){
		"silent after accept": func(c net.Conn) { time.Sleep(5 * time.Second) },
		"trickles a byte every 100ms": func(c net.Conn) {
			for i := 0; i < 100; i++ {
				if _, err := c.Write([]byte("H")); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		},
		"sends without end": func(c net.Conn) {
			junk := []byte(strings.Repeat("HTTP/1.1 200 OK\r\n", 1000))
			for {
				if _, err := c.Write(junk); err != nil {
					return
				}
			}
		},
	}
	for name, handle := range hostile {
		t.Run(name, func(t *testing.T) {
			ip, port := serve(t, handle)
			r := testRun(func(observe.Observation) {})
			start := time.Now()
			conn, err := r.dial(context.Background(), ip, port)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			got := r.roundTrip(conn, time.Now(), httpGet(ip, "/"), answered("HTTP/", 1))
			// Each server holds on for 5 s or more: ending within twice the
			// timeout shows the timeout ended the exchange, and leaves a
			// loaded test machine room to be slow.
			if took := time.Since(start); took > 2*r.cfg.ExchangeTimeout {
				t.Errorf("exchange took %v, timeout is %v", took, r.cfg.ExchangeTimeout)
			}
			if len(got) > maxRead {
				t.Errorf("kept %d bytes, cap is %d", len(got), maxRead)
			}
		})
	}
}

// A recorded Dahua RTSP answer (scottlamb/retina src/client/testdata,
// MIT OR Apache-2.0; testdata/realdata/retina-rtsp) served on
// loopback goes through the same decoder as a capture would.
func TestAskDecodesRecordedRTSP(t *testing.T) {
	answer, err := os.ReadFile("../../testdata/realdata/retina-rtsp/dahua_options.txt")
	if err != nil {
		t.Fatal(err)
	}
	ip, port := serve(t, func(c net.Conn) {
		buf := make([]byte, 1024)
		c.Read(buf)
		c.Write(answer)
	})
	var got []observe.Observation
	r := testRun(func(o observe.Observation) { got = append(got, o) })
	if !r.ask(context.Background(), ip, port, "rtsp", rtspRequests(ip, port), answered("RTSP/", 2)) {
		t.Fatal("no answer")
	}
	found := false
	for _, o := range got {
		if o.Key == "rtsp.server" && o.Value == "Rtsp Server/3.0" && o.IP == ip && o.Port == port {
			found = true
		}
	}
	if !found {
		t.Errorf("rtsp.server not decoded; got %+v", got)
	}
}

// A server that keeps the connection open after a whole answer: the read
// ends with the answer, not with the next bytes or the idle timeout.
func TestReadEndsWithAWholeAnswer(t *testing.T) {
	answer := readFlowAnswer(t)
	ip, port := serve(t, func(c net.Conn) {
		buf := make([]byte, 1024)
		c.Read(buf)
		c.Write(answer)
		time.Sleep(idleRead / 2)
		c.Write([]byte("LATE"))
		time.Sleep(time.Second)
	})
	r := testRun(func(observe.Observation) {})
	conn, err := r.dial(context.Background(), ip, port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got := r.roundTrip(conn, time.Now(), rtspRequests(ip, port), answered("RTSP/", 2))
	if string(got) != string(answer) {
		t.Errorf("read %q, want the two answers and nothing after", got)
	}
}

// readFlowAnswer is a recorded Dahua OPTIONS answer followed by its
// DESCRIBE answer (scottlamb/retina testdata, MIT OR Apache-2.0), as the
// sweep's two RTSP requests get them.
func readFlowAnswer(t *testing.T) []byte {
	t.Helper()
	var out []byte
	for _, f := range []string{"dahua_options.txt", "dahua_describe_h264_aac_onvif.txt"} {
		b, err := os.ReadFile("../../testdata/realdata/retina-rtsp/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

// Port 8000 is Hikvision's binary SDK port but a web port on other devices:
// a port that does not speak first is asked HTTP on the same connection, so
// the device sees one connection, not two.
func TestBannerPortFallsBackToHTTPOnOneConnection(t *testing.T) {
	page, err := os.ReadFile("../../testdata/service/constructed/recog_hikvision_webs_401.http")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	ip, port := serve(t, func(c net.Conn) {
		accepted.Add(1)
		buf := make([]byte, 1024)
		if n, _ := c.Read(buf); n > 0 {
			c.Write(page)
		}
	})
	var got []observe.Observation
	r := testRun(func(o observe.Observation) { got = append(got, o) })
	conn, err := r.dial(context.Background(), ip, port)
	if err != nil {
		t.Fatal(err)
	}
	r.question(context.Background(), conn, ip, port, askBanner)
	conn.Close()
	if n := accepted.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	if !slices.ContainsFunc(got, func(o observe.Observation) bool {
		return o.Key == "http.status" && o.Value == "401" && o.Probe == "http"
	}) {
		t.Errorf("the HTTP answer was not decoded: %+v", got)
	}
}

// Cancelling the sweep ends an exchange in flight at once, even with a
// device that accepted and then fell silent.
func TestCancelEndsExchangesInFlight(t *testing.T) {
	ip, port := serve(t, func(c net.Conn) { time.Sleep(20 * time.Second) })
	r := testRun(func(observe.Observation) {})
	r.cfg.ExchangeTimeout = 4 * time.Second // far from the cancel, even on a loaded machine
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r.ask(ctx, ip, port, "http", httpGet(ip, "/"), answered("HTTP/", 1))
	if took := time.Since(start); took >= r.cfg.ExchangeTimeout/2 {
		t.Errorf("the exchange went on %v after the sweep was cancelled", took)
	}
}

package sweep

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/arp"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// maxRead bounds what is kept of one answer: enough for headers, a login
// page's first screen and a certificate chain; a device that sends gigabytes
// costs no more than this.
const maxRead = 64 << 10

// idleRead ends a read this long after the last byte: devices that keep
// connections open would otherwise hold every exchange to its full timeout.
const idleRead = 300 * time.Millisecond

// exchange is what one port is asked.
type exchange int

const (
	askHTTP exchange = iota
	askTLS
	askRTSP
	askBanner     // listen for a server-first banner, then try HTTP
	askBannerOnly // listen for a banner; the port speaks a binary protocol HTTP cannot reach
)

func exchangeFor(port uint16) exchange {
	switch port {
	case 443, 8443:
		return askTLS
	case 554, 8554:
		return askRTSP
	case 8000:
		return askBanner // Hikvision's SDK port, but a common web port elsewhere
	case 23, 34567, 37777:
		return askBannerOnly // telnet; Xiongmai DVR-IP and Dahua's private protocol wait for a binary hello
	}
	return askHTTP
}

// probeHosts runs the TCP probes on every host queued, a few hosts at a time
// and a few connections per host, until the queue closes.
func (r *run) probeHosts(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	for range r.cfg.Workers {
		g.Go(func() error {
			for {
				ip, ok := r.queue.next()
				if !ok || gctx.Err() != nil {
					return gctx.Err()
				}
				if err := r.probeHost(gctx, ip); err != nil {
					return err
				}
				r.probed.Add(1)
				r.progress(false)
			}
		})
	}
	return g.Wait()
}

func (r *run) probeHost(ctx context.Context, ip netip.Addr) error {
	if err := r.firstTouch(ctx, ip); err != nil {
		return err
	}
	ports := r.cfg.Ports
	if r.kernelResolving(ip) {
		// The kernel resolves this host for the first connection. If that
		// fails and the kernel never heard from the host, nobody is there:
		// more connections would only make the kernel broadcast again.
		if !r.probePort(ctx, ip, ports[0]) && !arp.Resolved(r.cfg.Segment.Interface.Name, ip) {
			return ctx.Err()
		}
		ports = ports[1:]
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.cfg.PerHost)
	for _, port := range ports {
		g.Go(func() error {
			r.probePort(gctx, ip, port)
			return gctx.Err()
		})
	}
	return g.Wait()
}

// probePort connects to one port and asks it what it is. The connection
// that proves the port open carries the first question: a second connect
// would cost the device and the sweep one more round trip.
// It reports whether the host answered at all: a refused connection counts.
func (r *run) probePort(ctx context.Context, ip netip.Addr, port uint16) (answered bool) {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	defer conn.Close()
	m := r.meta("tcp", ip, port)
	r.emit(m.Observe("tcp.open", strconv.Itoa(int(port))))
	r.question(ctx, conn, ip, port, exchangeFor(port))
	return true
}

// question asks an open port, on the connection that found it open, what
// its kind of port is asked.
func (r *run) question(ctx context.Context, conn net.Conn, ip netip.Addr, port uint16, kind exchange) {
	start := time.Now()
	switch kind {
	case askTLS:
		r.tlsOn(ctx, conn, ip, port)
	case askRTSP:
		r.exchange(conn, start, r.meta("rtsp", ip, port), rtspRequests(ip, port), answered("RTSP/", 2))
	case askBannerOnly:
		r.exchange(conn, start, r.meta("banner", ip, port), nil, nil)
	case askBanner:
		if !r.exchange(conn, start, r.meta("banner", ip, port), nil, nil) {
			// Silent so far: ask HTTP on the same connection, within what is
			// left of the one exchange's time.
			r.exchange(conn, start, r.meta("http", ip, port), httpGet(ip, "/"), answered("HTTP/", 1))
		}
	default:
		root := httpGet(ip, "/")
		if answer := r.roundTrip(conn, start, root, answered("HTTP/", 1)); len(answer) > 0 {
			r.decodeStream(root, answer, r.meta("http", ip, port))
			conn.Close() // per-host concurrency counts open connections
			r.ask(ctx, ip, port, "http", httpGet(ip, "/favicon.ico"), answered("HTTP/", 1))
			r.followPage(ctx, ip, port, "http", answer)
			r.askONVIF(ctx, ip, port)
		}
	}
}

// answered says when a read may stop: once n complete responses of proto
// ("HTTP/" or "RTSP/") have arrived.
func answered(proto string, n int) func([]byte) bool {
	return func(b []byte) bool { return service.CompleteResponses(b, proto) >= n }
}

func (r *run) meta(probe string, ip netip.Addr, port uint16) scanner.Meta {
	m := scanner.Meta{Time: time.Now(), Probe: probe, SrcIP: ip, SrcPort: port}
	if r.cfg.Segment != nil {
		m.DstIP = r.cfg.Segment.Addr
	}
	return m
}

// errOutOfScope refuses a connection the scope does not allow; every
// caller checks scope first, this is the last guard before a packet leaves.
var errOutOfScope = errors.New("address out of the sweep's scope")

func (r *run) dial(ctx context.Context, ip netip.Addr, port uint16) (net.Conn, error) {
	if !r.inScope(ip) {
		return nil, errOutOfScope
	}
	if err := r.wait(ctx); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: r.cfg.ConnectTimeout}
	var conn net.Conn
	err := arp.SendPatiently(ctx, func() (err error) {
		conn, err = d.DialContext(ctx, "tcp4", netip.AddrPortFrom(ip, port).String())
		return err
	}, func() { r.pace.slowDown(false) })
	if err != nil {
		return nil, err
	}
	return bindConn(ctx, conn), nil
}

// boundConn is a connection that ends its reads and writes as soon as ctx
// ends: Ctrl-C must not wait out the exchange timeouts of devices in flight.
type boundConn struct {
	net.Conn
	ctx  context.Context
	stop func() bool
}

// expired is a deadline long past.
var expired = time.Unix(1, 0)

func bindConn(ctx context.Context, conn net.Conn) *boundConn {
	c := &boundConn{Conn: conn, ctx: ctx}
	c.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(expired) })
	return c
}

func (c *boundConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// SetDeadline and SetReadDeadline keep a cancelled connection expired.
func (c *boundConn) SetDeadline(t time.Time) error {
	if c.ctx.Err() != nil {
		t = expired
	}
	return c.Conn.SetDeadline(t)
}

func (c *boundConn) SetReadDeadline(t time.Time) error {
	if c.ctx.Err() != nil {
		t = expired
	}
	return c.Conn.SetReadDeadline(t)
}

// bannerWait is how long a port is given to speak first. Server-first
// services (telnet, FTP-like banners) speak at once; the binary camera
// protocols on 8000, 34567 and 37777 wait for the client, so every one of
// them costs this whole wait.
const bannerWait = 500 * time.Millisecond

// ask sends request on a new connection and decodes the answer, whole when
// done says so. It reports whether anything came back.
func (r *run) ask(ctx context.Context, ip netip.Addr, port uint16, probe string, request []byte, done func([]byte) bool) bool {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return false
	}
	defer conn.Close()
	return r.exchange(conn, time.Now(), r.meta(probe, ip, port), request, done)
}

// exchange sends request (nil: listen for a banner) on conn, reads the
// answer and hands both to the stream decoder that recognises them. The
// exchange that began at start ends by the exchange timeout whatever
// happens; done, when set, says the answer is whole. It reports whether
// anything came back.
func (r *run) exchange(conn net.Conn, start time.Time, m scanner.Meta, request []byte, done func([]byte) bool) bool {
	answer := r.roundTrip(conn, start, request, done)
	if len(answer) == 0 {
		return false
	}
	r.decodeStream(request, answer, m)
	return true
}

// roundTrip writes request (nil: just listen for bannerWait) on conn and
// returns what came back, bounded in bytes and time. A device that has not
// begun to answer within half the exchange timeout is taken as silent: an
// open port that never answers would otherwise cost every sweep the whole
// timeout, and camera web servers answer well within it.
func (r *run) roundTrip(conn net.Conn, start time.Time, request []byte, done func([]byte) bool) []byte {
	deadline := start.Add(r.cfg.ExchangeTimeout)
	firstBy := minTime(deadline, time.Now().Add(r.cfg.ExchangeTimeout/2))
	if request == nil {
		firstBy = minTime(deadline, time.Now().Add(bannerWait))
	}
	conn.SetDeadline(deadline)
	if len(request) > 0 {
		if _, err := conn.Write(request); err != nil {
			return nil
		}
	}
	return readBounded(conn, deadline, firstBy, done)
}

// decodeStream hands one exchange to the decoder that recognises it. The
// port's decoder goes first, as in a capture: it still reads the bytes
// first, and only bytes it cannot name go by the port, so a telnet prompt
// that negotiates no options ("dvr login: ") on 23 is a telnet banner,
// not an unknown binary one.
func (r *run) decodeStream(client, server []byte, m scanner.Meta) {
	dec, ok := service.ForPort(m.SrcPort)
	if !ok {
		dec, ok = service.Detect(client, server)
	}
	if ok {
		_ = dec(client, server, m, r.emit) // an answer nobody understands is no evidence
	}
}

// readBounded reads until EOF, maxRead bytes, done reports the answer whole,
// the deadline, nothing by firstBy, or idleRead without a new byte once
// something has arrived.
func readBounded(conn net.Conn, deadline, firstBy time.Time, done func([]byte) bool) []byte {
	var buf bytes.Buffer
	chunk := make([]byte, 4096)
	conn.SetReadDeadline(firstBy)
	for buf.Len() < maxRead {
		n, err := conn.Read(chunk[:min(len(chunk), maxRead-buf.Len())])
		buf.Write(chunk[:n])
		if err != nil || (n > 0 && done != nil && done(buf.Bytes())) {
			break
		}
		if buf.Len() > 0 {
			conn.SetReadDeadline(minTime(deadline, time.Now().Add(idleRead)))
		}
	}
	return buf.Bytes()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func httpGet(ip netip.Addr, path string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + ip.String() + "\r\nUser-Agent: camsweep\r\nAccept: */*\r\nConnection: close\r\n\r\n")
}

// rtspRequests asks OPTIONS then DESCRIBE of the root URL, without
// credentials: the 401 a camera answers carries its realm.
func rtspRequests(ip netip.Addr, port uint16) []byte {
	url := fmt.Sprintf("rtsp://%s:%d/", ip, port)
	return []byte("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: camsweep\r\n\r\n" +
		"DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: camsweep\r\nAccept: application/sdp\r\n\r\n")
}

// tlsOn records a TLS 1.2 handshake on conn, so the certificate travels in
// clear and the same decoder as a capture reads it, then asks for / over TLS.
func (r *run) tlsOn(ctx context.Context, conn net.Conn, ip netip.Addr, port uint16) {
	deadline := time.Now().Add(r.cfg.ExchangeTimeout)
	// A server that has not sent its certificate by half the timeout is
	// taken as silent, like any port that does not answer.
	conn.SetDeadline(time.Now().Add(r.cfg.ExchangeTimeout / 2))
	rec := &recordingConn{Conn: conn, limit: maxRead}
	tc := tls.Client(rec, identifyingTLS(ip))
	herr := tc.HandshakeContext(ctx)
	r.decodeStream(nil, rec.read.Bytes(), r.meta("tls", ip, port))
	if herr != nil {
		return
	}
	conn.SetDeadline(deadline)
	req := httpGet(ip, "/")
	if _, err := tc.Write(req); err != nil {
		return
	}
	if answer := readBounded(tc, deadline, deadline, answered("HTTP/", 1)); len(answer) > 0 {
		r.decodeStream(req, answer, r.meta("http", ip, port))
		conn.Close() // per-host concurrency counts open connections
		r.followPage(ctx, ip, port, "https", answer)
	}
}

// identifyingTLS is the client side of the sweep's TLS: TLS 1.2, so the
// certificate travels in clear, and no verification.
func identifyingTLS(ip netip.Addr) *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true, // identification, not trust: self-signed camera certificates are the point
		MaxVersion:         tls.VersionTLS12,
		ServerName:         ip.String(),
	}
}

// recordingConn keeps the first bytes read from the wire.
type recordingConn struct {
	net.Conn
	read  bytes.Buffer
	limit int
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if room := c.limit - c.read.Len(); room > 0 {
		c.read.Write(p[:min(n, room)])
	}
	return n, err
}

// askONVIF posts the one ONVIF call that needs no credentials. A SOAP answer
// proves an ONVIF device behind this port even where multicast cannot reach,
// and is then asked GetDeviceInformation, still without credentials: ONVIF
// classes it READ_SYSTEM, which many cameras' access policy leaves open
// (the Besder XM530 answers it), and a refusal (401, a SOAP fault) costs one
// round trip. The answer names maker, model, firmware and serial.
func (r *run) askONVIF(ctx context.Context, ip netip.Addr, port uint16) {
	answer := r.postONVIF(ctx, ip, port, onvifRequest(ip, "GetSystemDateAndTime"))
	if !bytes.Contains(answer, []byte("GetSystemDateAndTimeResponse")) {
		return
	}
	m := r.meta("onvif", ip, port)
	r.emit(m.Observe("onvif.device_service", fmt.Sprintf("http://%s/onvif/device_service", netip.AddrPortFrom(ip, port))))
	req := onvifRequest(ip, "GetDeviceInformation")
	if answer := r.postONVIF(ctx, ip, port, req); len(answer) > 0 {
		r.decodeStream(req, answer, r.meta("onvif", ip, port))
	}
}

// postONVIF posts one ONVIF request on a connection of its own and returns
// the answer (nil when the port would not take it).
func (r *run) postONVIF(ctx context.Context, ip netip.Addr, port uint16, req []byte) []byte {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return nil
	}
	defer conn.Close()
	return r.roundTrip(conn, time.Now(), req, answered("HTTP/", 1))
}

// onvifRequest is the SOAP 1.2 POST of a device-service operation without
// arguments, and without credentials.
func onvifRequest(ip netip.Addr, operation string) []byte {
	body := `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">` +
		`<s:Body><` + operation + ` xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`
	return []byte("POST /onvif/device_service HTTP/1.1\r\nHost: " + ip.String() +
		"\r\nUser-Agent: camsweep\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
}

// wsdGrace is how long answers to the last unicast WS-Discovery Probe are
// awaited: the protocol lets a device wait up to 500 ms (APP_MAX_DELAY).
const wsdGrace = 500 * time.Millisecond

// askWSD sends a WS-Discovery Probe to each host queued, besides the
// multicast one (routed hosts never hear that, and multicast filtering in
// switches or one lost datagram can keep it from a device), and decodes the
// answers. Probes go ahead of connection attempts, so most answers arrive
// while discovery still listens.
func (r *run) askWSD(ctx context.Context) error {
	c, err := net.ListenPacket("udp4", ":0")
	if err != nil {
		r.warn("unicast WS-Discovery: %v", err)
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.readAnswers(c, ProbeWSD, r.emit)
	}()
	defer func() {
		c.Close()
		<-done
	}()
	var last time.Time
	for {
		ip, ok := r.asks.next()
		if !ok || r.firstTouch(ctx, ip) != nil || r.pace.datagram(ctx) != nil {
			break
		}
		r.sendDatagram(ctx, c, discovery.WSDProbe(), &net.UDPAddr{IP: ip.AsSlice(), Port: wsdPort}, false)
		last = time.Now()
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(last.Add(wsdGrace))):
	}
	return nil
}

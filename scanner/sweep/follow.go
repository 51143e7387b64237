package sweep

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/camsweep/camsweep/scanner/service"
)

const (
	// maxRedirects bounds the redirects followed from a web port's root
	// page: enough for a root stub, a login stub and the page they lead to.
	maxRedirects = 3
	// maxSubresources bounds the frames and scripts fetched of the page a
	// redirect chain lands on. Each is one more connection to the device,
	// paced by --rate and read within the exchange timeout and maxRead like
	// any answer.
	maxSubresources = 4
)

// followPage fetches what a browser opening the device's page fetches
// next, given root, the answer to GET / on this port: the same-host
// redirects (3xx Location, meta refresh, a redirect stub's script), then
// the first frames and scripts of the page they land on (frames first: in
// a frameset the login page is a frame). Every answer goes to the
// decoders like the root's, so a camera that names itself only on its
// login page or in its scripts is identified. Nothing is fetched that the
// device's pages do not link, no link is followed off the device, and
// nothing is sent but a plain GET (service.ResolveLink refuses credentials).
// scheme is "http" or "https" (each fetch then makes its own TLS session).
func (r *run) followPage(ctx context.Context, ip netip.Addr, port uint16, scheme string, root []byte) {
	page := &url.URL{Scheme: scheme, Host: netip.AddrPortFrom(ip, port).String(), Path: "/"}
	fetched := map[string]bool{"/": true}
	answer := root
	for range maxRedirects {
		target, ok := service.ResolveLink(page, service.Links(answer).Redirect)
		if !ok || fetched[target] {
			break
		}
		fetched[target] = true
		if answer = r.fetch(ctx, ip, port, scheme, target); len(answer) == 0 {
			return
		}
		page, _ = page.Parse(target) // target came from ResolveLink: it parses
	}
	links := service.Links(answer)
	asked := 0
	for _, src := range append(links.Frames, links.Scripts...) {
		if asked == maxSubresources || ctx.Err() != nil {
			return
		}
		target, ok := service.ResolveLink(page, src)
		if !ok || fetched[target] {
			continue
		}
		fetched[target] = true
		asked++
		if len(r.fetch(ctx, ip, port, scheme, target)) == 0 {
			return // a device that left one ask unanswered gets no more
		}
	}
}

// fetch GETs target on a new connection (in TLS for "https"), decodes the
// answer and returns it. The handshake counts against the exchange timeout.
func (r *run) fetch(ctx context.Context, ip netip.Addr, port uint16, scheme, target string) []byte {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return nil
	}
	defer conn.Close()
	start := time.Now()
	var c net.Conn = conn
	if scheme == "https" {
		conn.SetDeadline(start.Add(r.cfg.ExchangeTimeout / 2))
		tc := tls.Client(conn, identifyingTLS(ip))
		if tc.HandshakeContext(ctx) != nil {
			return nil
		}
		c = tc
	}
	request := httpGet(ip, target)
	answer := r.roundTrip(c, start, request, answered("HTTP/", 1))
	if len(answer) > 0 {
		r.decodeStream(request, answer, r.meta("http", ip, port))
	}
	return answer
}

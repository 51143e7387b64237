package sweep

import (
	"context"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// maxDescriptions bounds how many UPnP descriptions one sweep fetches.
const maxDescriptions = 256

// descriptions fetches each UPnP device description as its SSDP LOCATION
// is answered, while discovery still listens, at most maxDescriptions per
// sweep.
type descriptions struct {
	r       *run
	ctx     context.Context
	mu      sync.Mutex
	seen    map[string]bool
	done    bool // no fetch starts once set
	fetches sync.WaitGroup
}

// watch passes observations on and starts a fetch for each new ssdp.location.
func (d *descriptions) watch(next scanner.Emit) scanner.Emit {
	return func(o observe.Observation) {
		next(o)
		if o.Key != "ssdp.location" {
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.done || d.seen[o.Value] || len(d.seen) >= maxDescriptions {
			return
		}
		d.seen[o.Value] = true
		d.fetches.Go(func() { d.r.fetchDescription(d.ctx, o.Value, o.IP) })
	}
}

// finish starts no more fetches and waits for those started to end.
func (d *descriptions) finish() {
	d.mu.Lock()
	d.done = true
	d.mu.Unlock()
	d.fetches.Wait()
}

// fetchDescription gets one UPnP device description, but only from the
// device that announced it: a LOCATION naming another host is never followed,
// so an answer cannot steer the sweep outside its scope.
func (r *run) fetchDescription(ctx context.Context, location string, from netip.Addr) {
	u, err := url.Parse(location)
	if err != nil || u.Scheme != "http" {
		return
	}
	host, err := netip.ParseAddr(u.Hostname())
	if err != nil || host != from || !r.inScope(host) {
		return
	}
	port := 80
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return
		}
	}
	body := r.get(ctx, host, uint16(port), u.RequestURI())
	if len(body) == 0 {
		return
	}
	if dec, ok := discovery.ByRawKey("upnp.description"); ok {
		m := r.meta(ProbeSSDP, host, uint16(port))
		_ = dec(httpBody(body), m, r.emit)
	}
}

// get fetches path over plain HTTP, bounded like every other exchange.
func (r *run) get(ctx context.Context, ip netip.Addr, port uint16, path string) []byte {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return nil
	}
	defer conn.Close()
	return r.roundTrip(conn, time.Now(), httpGet(ip, path), answered("HTTP/", 1))
}

// httpBody returns what follows the header block of a raw HTTP response.
func httpBody(resp []byte) []byte {
	for i := 0; i+3 < len(resp); i++ {
		if resp[i] == '\r' && resp[i+1] == '\n' && resp[i+2] == '\r' && resp[i+3] == '\n' {
			return resp[i+4:]
		}
	}
	return resp
}

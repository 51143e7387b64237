package sweep

import (
	"context"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// maxDescriptions bounds how many UPnP descriptions one sweep fetches.
const maxDescriptions = 256

// locationSet remembers the SSDP LOCATION URLs answered during discovery.
type locationSet struct {
	mu   sync.Mutex
	seen map[string]netip.Addr
}

// watch passes observations on and remembers each ssdp.location.
func (l *locationSet) watch(next scanner.Emit) scanner.Emit {
	return func(o fingerprint.Observation) {
		if o.Key == "ssdp.location" {
			l.mu.Lock()
			if l.seen == nil {
				l.seen = map[string]netip.Addr{}
			}
			if len(l.seen) < maxDescriptions {
				l.seen[o.Value] = o.IP
			}
			l.mu.Unlock()
		}
		next(o)
	}
}

type location struct {
	url string
	ip  netip.Addr
}

func (l *locationSet) list() []location {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]location, 0, len(l.seen))
	for u, ip := range l.seen {
		out = append(out, location{u, ip})
	}
	return out
}

// fetchDescriptions gets each UPnP device description, but only from the
// device that announced it: a LOCATION naming another host is never followed,
// so an answer cannot steer the sweep outside its scope.
func (r *run) fetchDescriptions(ctx context.Context, locs []location) {
	for _, l := range locs {
		u, err := url.Parse(l.url)
		if err != nil || u.Scheme != "http" {
			continue
		}
		host, err := netip.ParseAddr(u.Hostname())
		if err != nil || host != l.ip || !r.inScope(host) {
			continue
		}
		port := 80
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
				continue
			}
		}
		path := u.RequestURI()
		body := r.get(ctx, host, uint16(port), path)
		if len(body) == 0 {
			continue
		}
		if dec, ok := discovery.ByRawKey("upnp.description"); ok {
			m := r.meta(ProbeSSDP, host, uint16(port))
			_ = dec(httpBody(body), m, r.emit)
		}
	}
}

// get fetches path over plain HTTP, bounded like every other exchange.
func (r *run) get(ctx context.Context, ip netip.Addr, port uint16, path string) []byte {
	conn, err := r.dial(ctx, ip, port)
	if err != nil {
		return nil
	}
	defer conn.Close()
	deadline := time.Now().Add(r.cfg.ExchangeTimeout)
	conn.SetDeadline(deadline)
	if _, err := conn.Write(httpGet(ip, path)); err != nil {
		return nil
	}
	return readBounded(conn, deadline)
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

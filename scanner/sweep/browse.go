package sweep

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/grandcat/zeroconf"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// browseTypes are the DNS-SD service types browsed with zeroconf: the ones
// cameras and recorders announce (_miio._udp: Mi Home cameras among other
// miIO devices). (The raw query in requests.go also asks for the DNS-SD
// enumeration, which zeroconf does not resolve.)
var browseTypes = []string{"_CGI._tcp", "_http._tcp", "_rtsp._tcp", "_onvif._tcp", "_axis-video._tcp", "_psia._tcp", "_miio._udp"}

// browseMDNS resolves camera service instances on the segment with
// zeroconf (browse, then SRV/TXT/A resolution) for the listen window and
// emits them with the same keys the mDNS decoder uses.
func (r *run) browseMDNS(ctx context.Context) error {
	seg := r.cfg.Segment
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ListenWindow)
	defer cancel()
	var wg sync.WaitGroup
	for _, service := range browseTypes {
		res, err := zeroconf.NewResolver(zeroconf.SelectIfaces([]net.Interface{*seg.Interface}), zeroconf.SelectIPTraffic(zeroconf.IPv4))
		if err != nil {
			return err
		}
		entries := make(chan *zeroconf.ServiceEntry, 16)
		if err := r.waitBroadcast(ctx); err != nil {
			return err
		}
		if err := res.Browse(ctx, service, "local.", entries); err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range entries {
				r.emitServiceEntry(e)
			}
		}()
	}
	<-ctx.Done()
	wg.Wait()
	return nil
}

// emitServiceEntry turns one resolved instance into observations about the
// address it resolved to; an instance without an address in scope says
// nothing about a host this sweep may report.
func (r *run) emitServiceEntry(e *zeroconf.ServiceEntry) {
	for _, a := range e.AddrIPv4 {
		ip, ok := netip.AddrFromSlice(a.To4())
		if !ok {
			continue
		}
		m := scanner.Meta{Time: time.Now(), Probe: ProbeMDNS, SrcIP: ip, SrcPort: mdnsPort}
		for _, o := range serviceEntryObservations(e, m) {
			r.emit(o)
		}
	}
}

// serviceEntryObservations is the pure mapping from a resolved DNS-SD
// instance to the mdns.* keys of docs/observation-keys.md.
func serviceEntryObservations(e *zeroconf.ServiceEntry, m scanner.Meta) []observe.Observation {
	clip := func(s string) string { return observe.Clip(s, observe.MaxValueLen) }
	service := strings.TrimSuffix(e.Service, ".")
	out := []observe.Observation{
		m.Observe("mdns.instance", clip(e.Instance+"."+service+"."+strings.TrimSuffix(e.Domain, "."))),
		m.Observe("mdns.service", clip(service)),
	}
	if h := strings.TrimSuffix(e.HostName, "."); h != "" {
		out = append(out, m.Observe("mdns.hostname", clip(h)))
	}
	for i, t := range e.Text {
		if i == 32 {
			break // a TXT record is bounded here as everywhere else
		}
		if t != "" {
			out = append(out, m.Observe("mdns.txt", clip(t)))
		}
	}
	return out
}

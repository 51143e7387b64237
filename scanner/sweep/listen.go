package sweep

import (
	"context"
	"errors"
	"net/netip"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/live"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// ListenDuring listens to cfg's segment, as `camsweep listen` does, until
// the returned stop is called: what devices say unasked reaches emit, the
// devices no sweep can ask among them (one with no address of its own,
// heard by its ARP probes or DHCP; one on an address of another subnet,
// heard by its announcements). The sweep's own frames are left out (it
// reads its own exchanges) and so is everything excluded addresses sent.
// site names the site's own ranges beyond the private ones. stop returns
// the capture's error if it ended early. It needs root or CAP_NET_RAW.
func ListenDuring(ctx context.Context, cfg Config, site []netip.Prefix, emit scanner.Emit) (stop func() error, err error) {
	seg := cfg.Segment
	if seg == nil {
		return nil, errors.New("only a local segment can be listened to")
	}
	opt := pcap.Options{Local: append([]netip.Prefix{seg.Prefix}, site...), Probe: "listen"}
	return live.Start(ctx, seg.Interface.Name, seg.Interface.HardwareAddr, notExcluded(cfg.Exclude, emit), opt)
}

// notExcluded passes on the observations of every address but the
// excluded ones, whose answers a sweep never reports.
func notExcluded(exclude []netip.Prefix, emit scanner.Emit) scanner.Emit {
	return func(o observe.Observation) {
		for _, p := range exclude {
			if o.IP.IsValid() && p.Contains(o.IP) {
				return
			}
		}
		emit(o)
	}
}

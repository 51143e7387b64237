package discovery

import (
	"net/netip"
	"sync"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// onceKey identifies a fact: who it is about and what it says.
type onceKey struct {
	mac        observe.MAC
	ip         netip.Addr
	key, value string
}

// Once wraps a decoder so that each distinct fact (MAC, IP, key, value) is
// emitted once, however many datagrams repeat it: a PPPP video flow says
// "p2p.protocol=cs2-pppp" thousands of times, mDNS and SSDP re-announce
// every few seconds. Memory is bounded: after capacity distinct facts the
// memory is cleared and facts may be emitted again. The decoders
// themselves stay pure; this is for callers that see whole captures. Safe
// for concurrent use.
func Once(d scanner.Decoder, capacity int) scanner.Decoder {
	var mu sync.Mutex
	seen := make(map[onceKey]struct{})
	return func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		return d(payload, m, func(o observe.Observation) {
			k := onceKey{o.MAC, o.IP, o.Key, o.Value}
			mu.Lock()
			_, dup := seen[k]
			if !dup {
				if len(seen) >= capacity {
					clear(seen)
				}
				seen[k] = struct{}{}
			}
			mu.Unlock()
			if !dup {
				emit(o)
			}
		})
	}
}

package discovery

import (
	"net/netip"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// maxValue bounds every observation value (observe.MaxValueLen).
const maxValue = observe.MaxValueLen

// clip trims surrounding white space and bounds the value by the one rule
// every decoder shares (observe.Clip). Inner white space and control
// characters are kept as sent: the report layer escapes them.
func clip(s string) string {
	return strings.TrimSpace(observe.Clip(strings.TrimSpace(s), maxValue))
}

// sink emits observations about one sender, dropping empty values and
// repeats within one payload (mDNS repeats names in every record).
type sink struct {
	meta scanner.Meta
	emit scanner.Emit
	few  [][2]string            // emitted so far, while few
	many map[[2]string]struct{} // beyond sinkFew, so hostile messages stay linear
}

const sinkFew = 16

func newSink(m scanner.Meta, emit scanner.Emit) *sink {
	return &sink{meta: m, emit: emit}
}

// field emits key=value about the sender, once per payload.
func (s *sink) field(key, value string) {
	value = clip(value)
	if value == "" || s.repeated(key, value) {
		return
	}
	s.emit(s.meta.Observe(key, value))
}

// binding emits a MAC+IP binding the protocol itself asserts: the payload
// names its own hardware address and IPv4 address.
func (s *sink) binding(key string, mac observe.MAC, ip netip.Addr) {
	if mac.IsZero() || mac.Multicast() || s.repeated(key, mac.String()) {
		return
	}
	o := s.meta.Observe(key, mac.String())
	o.MAC = mac
	if ip.IsValid() && !ip.IsUnspecified() {
		o.IP = ip
	}
	s.emit(o)
}

func (s *sink) repeated(key, value string) bool {
	k := [2]string{key, value}
	if s.many != nil {
		if _, ok := s.many[k]; ok {
			return true
		}
		s.many[k] = struct{}{}
		return false
	}
	for _, e := range s.few {
		if e == k {
			return true
		}
	}
	if len(s.few) < sinkFew {
		s.few = append(s.few, k)
		return false
	}
	s.many = make(map[[2]string]struct{}, 2*sinkFew)
	for _, e := range s.few {
		s.many[e] = struct{}{}
	}
	s.many[k] = struct{}{}
	return false
}

// aboutSelf returns m with its sender set to the device's own address from
// the payload when m has none (raw keys given to identify carry no socket).
func aboutSelf(m scanner.Meta, own netip.Addr) scanner.Meta {
	if !m.SrcIP.IsValid() && own.IsValid() && !own.IsUnspecified() {
		m.SrcIP = own
	}
	return m
}

// parseIPv4 reads a dotted IPv4 address, ignoring a "/prefix" suffix.
func parseIPv4(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}
	}
	return a
}

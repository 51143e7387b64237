package pcap

import (
	"hash/maphash"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// boundedMap remembers a value per key up to a limit. When full it forgets
// everything and starts again: a repeat may then be reported twice, which
// the engine merges, while memory stays bounded whatever the capture holds.
type boundedMap[K comparable, V any] struct {
	m     map[K]V
	limit int
}

func newBoundedMap[K comparable, V any](limit int) boundedMap[K, V] {
	return boundedMap[K, V]{m: make(map[K]V), limit: limit}
}

func (s *boundedMap[K, V]) get(k K) (V, bool) {
	v, ok := s.m[k]
	return v, ok
}

func (s *boundedMap[K, V]) set(k K, v V) {
	if _, ok := s.m[k]; !ok && len(s.m) >= s.limit {
		clear(s.m)
	}
	s.m[k] = v
}

// boundedSet is a boundedMap of keys alone.
type boundedSet[K comparable] struct{ boundedMap[K, struct{}] }

func newBoundedSet[K comparable](limit int) boundedSet[K] {
	return boundedSet[K]{newBoundedMap[K, struct{}](limit)}
}

// add reports whether k is new.
func (s *boundedSet[K]) add(k K) bool {
	if _, ok := s.m[k]; ok {
		return false
	}
	s.set(k, struct{}{})
	return true
}

// observationSet remembers observations by a 64-bit hash of everything but
// the time (VLAN included), so a repeated announcement is emitted once.
type observationSet struct {
	seed maphash.Seed
	set  boundedSet[uint64]
}

func newObservationSet(limit int) observationSet {
	return observationSet{seed: maphash.MakeSeed(), set: newBoundedSet[uint64](limit)}
}

func (s *observationSet) add(o observe.Observation) bool {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.Write(o.MAC[:])
	ip := o.IP.As16()
	h.Write(ip[:])
	h.WriteByte(byte(o.Port >> 8))
	h.WriteByte(byte(o.Port))
	h.WriteByte(byte(o.VLAN >> 8)) // the same fact on another VLAN places the device there too
	h.WriteByte(byte(o.VLAN))
	h.WriteString(o.Probe)
	h.WriteByte(0)
	h.WriteString(o.Key)
	h.WriteByte(0)
	h.WriteString(o.Value)
	return s.set.add(h.Sum64())
}

// datagramSet remembers datagrams by a 64-bit hash of their payload (or
// the parts of it that matter) and of everything in their Meta a decoder
// may read except the time.
type datagramSet struct {
	seed maphash.Seed
	set  boundedSet[uint64]
}

func newDatagramSet(limit int) datagramSet {
	return datagramSet{seed: maphash.MakeSeed(), set: newBoundedSet[uint64](limit)}
}

// key hashes a datagram's Meta and the parts of its payload.
func (s *datagramSet) key(m *scanner.Meta, head, tail []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.Write(m.SrcMAC[:])
	h.Write(m.DstMAC[:])
	src, dst := m.SrcIP.As16(), m.DstIP.As16()
	h.Write(src[:])
	h.Write(dst[:])
	var ports [6]byte
	ports[0], ports[1] = byte(m.SrcPort>>8), byte(m.SrcPort)
	ports[2], ports[3] = byte(m.DstPort>>8), byte(m.DstPort)
	ports[4], ports[5] = byte(m.VLAN>>8), byte(m.VLAN)
	h.Write(ports[:])
	h.WriteString(m.Probe)
	h.WriteByte(0)
	var n [8]byte
	for i := range n {
		n[i] = byte(len(head) >> (8 * i))
	}
	h.Write(n[:]) // so that no split of the same bytes gives the same key
	h.Write(head)
	h.Write(tail)
	return h.Sum64()
}

func (s *datagramSet) seen(k uint64) bool {
	_, ok := s.set.m[k]
	return ok
}

func (s *datagramSet) remember(k uint64) { s.set.add(k) }

package pcap

import (
	"hash/maphash"

	"github.com/camsweep/camsweep/observe"
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

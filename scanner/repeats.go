package scanner

import "hash/maphash"

// RepeatSet remembers UDP datagrams decoded already, so that a repeat (a
// device announcing itself again, answering both copies of a search) is not
// decoded again: decoding is pure, so it would only give the same
// observations once more. A datagram is known by a 64-bit hash of its Meta
// but the time, and of the parts of its payload its observations depend on
// (discovery.RepeatKey's head and tail). When the set holds limit keys it
// forgets them all: a repeat is then decoded again, which costs time, never
// a device, while memory stays bounded. Not safe for concurrent use.
type RepeatSet struct {
	seed  maphash.Seed
	m     map[uint64]struct{}
	limit int
}

// NewRepeatSet returns a set that holds at most limit keys.
func NewRepeatSet(limit int) RepeatSet {
	return RepeatSet{seed: maphash.MakeSeed(), m: make(map[uint64]struct{}), limit: limit}
}

// Key hashes a datagram's Meta (all but the time) and the parts of its
// payload.
func (s *RepeatSet) Key(m *Meta, head, tail []byte) uint64 {
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

// Seen reports whether a datagram with this key was remembered.
func (s *RepeatSet) Seen(k uint64) bool {
	_, ok := s.m[k]
	return ok
}

// Remember keeps k (a datagram decoded without error).
func (s *RepeatSet) Remember(k uint64) {
	if _, ok := s.m[k]; !ok && len(s.m) >= s.limit {
		clear(s.m)
	}
	s.m[k] = struct{}{}
}

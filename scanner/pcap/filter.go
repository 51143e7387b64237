package pcap

import "github.com/camsweep/camsweep/observe"

// seenCache is a direct-mapped cache of the 64-bit hashes of recently seen
// keys, in front of a map: most packets repeat a recent (MAC, IP) pair, and
// a hash and one compare are much cheaper than a map lookup. Two keys
// sharing a slot and all 64 bits of hash would hide one binding; at 2^-52
// per pair that is not worth a compare of the whole key.
type seenCache struct {
	slots [1 << 15]uint64
	at    [1 << 15]int64 // capture time put with the slot's hash (putAt)
}

func (c *seenCache) hit(h uint64) bool { return c.slots[h>>(64-15)] == h }

func (c *seenCache) put(h uint64) { c.slots[h>>(64-15)] = h }

// hitSince is hit for a key put (putAt) at or after since.
func (c *seenCache) hitSince(h uint64, since int64) bool {
	i := h >> (64 - 15)
	return c.slots[i] == h && c.at[i] >= since
}

func (c *seenCache) putAt(h uint64, t int64) {
	i := h >> (64 - 15)
	c.slots[i], c.at[i] = h, t
}

// endpointFilter remembers, with false positives but no false negatives,
// which (address, port) pairs have ever been the server end of a tracked
// flow, so that a segment of a flow nobody tracks skips the map lookups.
type endpointFilter struct {
	bits [1 << 14]uint64 // 2^20 bits: 128 KiB
}

func (f *endpointFilter) index(ip []byte, port uint16) (int, uint64) {
	h := endpointHash(ip, port) >> (64 - 20)
	return int(h >> 6), 1 << (h & 63)
}

func (f *endpointFilter) add(ip []byte, port uint16) {
	i, bit := f.index(ip, port)
	f.bits[i] |= bit
}

func (f *endpointFilter) mayHave(ip []byte, port uint16) bool {
	i, bit := f.index(ip, port)
	return f.bits[i]&bit != 0
}

func (f *endpointFilter) reset() { clear(f.bits[:]) }

// endpointHash mixes an address and a port (Fibonacci hashing over the
// address words); the high bits are the well-mixed ones.
func endpointHash(ip []byte, port uint16) uint64 {
	var x uint64
	if len(ip) == 4 {
		x = uint64(ip[0])<<24 | uint64(ip[1])<<16 | uint64(ip[2])<<8 | uint64(ip[3])
	} else {
		for i := 0; i < 16; i += 8 {
			w := uint64(ip[i])<<56 | uint64(ip[i+1])<<48 | uint64(ip[i+2])<<40 | uint64(ip[i+3])<<32 |
				uint64(ip[i+4])<<24 | uint64(ip[i+5])<<16 | uint64(ip[i+6])<<8 | uint64(ip[i+7])
			x = (x ^ w) * 0x9e3779b97f4a7c15
		}
	}
	return (x<<16 | uint64(port)) * 0x9e3779b97f4a7c15
}

// bindingHash mixes a MAC, an address and the binding kind.
func bindingHash(m observe.MAC, ip []byte, kind bindKind, vlan uint16) uint64 {
	x := uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
	x = (x | uint64(vlan&0x0fff)<<48 | uint64(kind)<<60) * 0x9e3779b97f4a7c15 // MAC, VLAN and kind in their own bits
	return x ^ endpointHash(ip, uint16(len(ip)))
}

// Package observe is the observation vocabulary every probe, decoder and
// importer shares: the Observation (one fact seen on the wire), the MAC
// address type, the registry of observation keys with what each one means to
// the engine, and the one rule for bounding a value. It imports nothing of
// camsweep, so decoders can use it without pulling in the signature database
// or the OUI table.
package observe

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// MAC is a 48-bit IEEE hardware address. The zero value means "unknown".
// It is an array, not a slice, so the pcap hot path can copy it without allocating.
type MAC [6]byte

// ParseMAC accepts the spellings devices use: aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF
// (Hikvision SADP), aabb.ccdd.eeff and aabbccddeeff.
func ParseMAC(s string) (MAC, error) {
	var m MAC
	digits := 0
	for _, c := range []byte(strings.TrimSpace(s)) {
		if c == ':' || c == '-' || c == '.' {
			continue
		}
		v, ok := hexValue(c)
		if !ok || digits == 12 {
			return MAC{}, fmt.Errorf("invalid MAC address %q", s)
		}
		m[digits/2] = m[digits/2]<<4 | v
		digits++
	}
	if digits != 12 {
		return MAC{}, fmt.Errorf("invalid MAC address %q", s)
	}
	return m, nil
}

// hexValue is the value of one hexadecimal digit, either case.
func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// String formats the address as lower-case, colon-separated hex.
func (m MAC) String() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, v := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, digits[v>>4], digits[v&0xf])
	}
	return string(b)
}

// IsZero reports whether the address is unknown.
func (m MAC) IsZero() bool { return m == MAC{} }

// Multicast reports whether the group bit is set (never a device's own address).
func (m MAC) Multicast() bool { return m[0]&1 == 1 }

// Local reports whether the locally-administered bit is set: randomized or
// self-assigned addresses whose prefix says nothing about the maker.
func (m MAC) Local() bool { return m[0]&2 == 2 }

// MarshalText implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; an empty string is the zero MAC.
func (m *MAC) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = MAC{}
		return nil
	}
	v, err := ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Observation is one fact seen on the wire: which probe saw it, when, the MAC
// and/or IP it belongs to, and one key/value field. Probes and decoders know
// protocols, never vendors: the key vocabulary is Keys (keys.go), documented in
// docs/observation-keys.md.
//
// MAC and IP set together assert that this MAC holds this IP. Only decoders
// whose protocol asserts it (ARP, DHCP leases, discovery payloads carrying the
// device's own address, and the weak "link.ip" binding) set both.
type Observation struct {
	Time  time.Time  `json:"ts,omitzero"`
	Probe string     `json:"probe"`
	MAC   MAC        `json:"mac,omitzero"`
	IP    netip.Addr `json:"ip,omitzero"`
	Port  uint16     `json:"port,omitempty"`
	// VLAN is the 802.1Q id of the frame the observation came in (0:
	// untagged or unknown). It places the device on that VLAN only when the
	// observation also carries the device's MAC, the proof that the frame
	// came from the device itself and not through a router.
	VLAN  uint16 `json:"vlan,omitempty"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

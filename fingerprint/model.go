package fingerprint

import (
	"encoding/hex"
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
	clean := strings.NewReplacer(":", "", "-", "", ".", "").Replace(strings.TrimSpace(s))
	if len(clean) != 12 {
		return m, fmt.Errorf("invalid MAC address %q", s)
	}
	if _, err := hex.Decode(m[:], []byte(clean)); err != nil {
		return m, fmt.Errorf("invalid MAC address %q", s)
	}
	return m, nil
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
// protocols, never vendors: the key vocabulary is docs/observation-keys.md.
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

// Kind is what a device is. The first seven are the kinds DESIGN.md names for
// surveillance equipment; the rest let the engine say "not a camera" plainly.
type Kind string

const (
	KindCamera        Kind = "camera"
	KindNVR           Kind = "nvr"
	KindDVR           Kind = "dvr"
	KindDoorbell      Kind = "doorbell"
	KindAccessControl Kind = "access-control"
	KindThermal       Kind = "thermal"
	KindUnknown       Kind = "unknown"
	KindPrinter       Kind = "printer"
	KindNetwork       Kind = "network" // router, switch, access point, bridge
	KindPhone         Kind = "phone"
	KindIoT           Kind = "iot"  // smart plug, hub, other non-surveillance appliance
	KindHost          Kind = "host" // general-purpose computer or server
)

// Surveillance reports whether the kind is video-surveillance equipment.
func (k Kind) Surveillance() bool {
	switch k {
	case KindCamera, KindNVR, KindDVR, KindDoorbell, KindAccessControl, KindThermal:
		return true
	}
	return false
}

// Evidence is one observation that led to a conclusion about a device, with the
// signature (if any) that read it.
type Evidence struct {
	Probe     string `json:"probe"`
	Key       string `json:"key"`
	Value     string `json:"value"`
	Port      uint16 `json:"port,omitempty"`
	Signature string `json:"signature,omitempty"`
	// Sets names what the evidence set, e.g. "vendor=Hikvision model=DS-2CD2042WD-I".
	Sets string `json:"sets,omitempty"`
}

// Device is the engine's merged view of one network device. Unknown fields are
// left empty and omitted from JSON, never guessed.
type Device struct {
	MAC MAC          `json:"mac,omitzero"`
	IPs []netip.Addr `json:"ips,omitempty"`
	// MACVendor is the IEEE registrant of the MAC's block, as registered.
	MACVendor string `json:"mac_vendor,omitempty"`
	// MACNote explains a MAC whose prefix cannot be looked up ("locally administered", ...).
	MACNote    string     `json:"mac_note,omitempty"`
	Hostname   string     `json:"hostname,omitempty"`
	Vendor     string     `json:"vendor,omitempty"` // the manufacturer behind the device
	Brand      string     `json:"brand,omitempty"`  // the name on the box
	Model      string     `json:"model,omitempty"`
	Firmware   string     `json:"firmware,omitempty"`
	Serial     string     `json:"serial,omitempty"`
	Kind       Kind       `json:"kind,omitempty"`
	Confidence float64    `json:"confidence,omitempty"`
	Restricted bool       `json:"restricted"`
	Basis      []string   `json:"basis,omitempty"` // public basis of the restriction
	Ports      []uint16   `json:"ports,omitempty"` // ports seen answering
	VLANs      []uint16   `json:"vlans,omitempty"` // 802.1Q VLANs the device was seen on
	Zone       string     `json:"zone,omitempty"`  // set by policy
	FirstSeen  time.Time  `json:"first_seen,omitzero"`
	LastSeen   time.Time  `json:"last_seen,omitzero"`
	Evidence   []Evidence `json:"evidence"`
	// ImportedFrom names the reports (of sensors) the device was read from;
	// it was identified again here from their evidence.
	ImportedFrom []Origin `json:"imported_from,omitempty"`
}

// Origin is one imported report: the file, the host and program that wrote
// it, and when.
type Origin struct {
	Report    string    `json:"report"`
	Host      string    `json:"host,omitempty"`
	Tool      string    `json:"tool,omitempty"` // name and version, "camsweep 0.9.0"
	Generated time.Time `json:"generated,omitzero"`
}

package fingerprint

import (
	"net/netip"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// MAC, ParseMAC and Observation live in package observe, the vocabulary the
// decoders share without importing the engine; these aliases keep the
// engine's callers reading naturally.
type (
	MAC         = observe.MAC
	Observation = observe.Observation
)

// ParseMAC accepts the spellings devices use (see observe.ParseMAC).
func ParseMAC(s string) (MAC, error) { return observe.ParseMAC(s) }

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

// Verdict is what a device means for the auditor (docs/policy.md, "Verdict").
type Verdict string

const (
	// VerdictRestricted: the evidence shows video-surveillance equipment of a
	// restricted maker (a surveillance kind, or a maker whose every product
	// line is surveillance equipment).
	VerdictRestricted Verdict = "restricted"
	// VerdictReview: a restricted maker, but the evidence does not show what
	// the product is; the auditor must check it.
	VerdictReview Verdict = "review"
	// VerdictClear: neither.
	VerdictClear Verdict = "clear"
)

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
	MACNote    string  `json:"mac_note,omitempty"`
	Hostname   string  `json:"hostname,omitempty"`
	Vendor     string  `json:"vendor,omitempty"` // the manufacturer behind the device
	Brand      string  `json:"brand,omitempty"`  // the name on the box
	Model      string  `json:"model,omitempty"`
	Firmware   string  `json:"firmware,omitempty"`
	Serial     string  `json:"serial,omitempty"`
	Kind       Kind    `json:"kind,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	// Restricted: the catalogue's judgement that this is surveillance
	// equipment of a maker with a public basis against it, whatever the basis.
	Restricted bool `json:"restricted"`
	// Review: the maker is restricted in the catalogue, but the evidence does
	// not show whether the device is surveillance equipment.
	Review bool     `json:"review,omitempty"`
	Basis  []string `json:"basis,omitempty"` // public basis against the maker (restricted or review)
	// Verdict is the conclusion under the policy in force (its profiles
	// decide which makers count); the engine sets the catalogue's own.
	Verdict   Verdict    `json:"verdict"`
	Ports     []uint16   `json:"ports,omitempty"` // ports seen answering
	VLANs     []uint16   `json:"vlans,omitempty"` // 802.1Q VLANs the device was seen on
	Zone      string     `json:"zone,omitempty"`  // set by policy
	FirstSeen time.Time  `json:"first_seen,omitzero"`
	LastSeen  time.Time  `json:"last_seen,omitzero"`
	Evidence  []Evidence `json:"evidence"`
}

// Judged returns the device's verdict, derived from Restricted and Review for
// a device no engine or policy judged (an imported report of an older version).
func (d *Device) Judged() Verdict {
	switch {
	case d.Verdict != "":
		return d.Verdict
	case d.Restricted:
		return VerdictRestricted
	case d.Review:
		return VerdictReview
	}
	return VerdictClear
}

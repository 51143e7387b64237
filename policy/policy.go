package policy

import (
	"time"

	"github.com/camsweep/camsweep/fingerprint"
)

// Policy is the operator's view of the networks. This file is a placeholder
// with the agreed API; the policy owner replaces it with the real thing.
type Policy struct{}

// ZoneInfo describes one zone for reports.
type ZoneInfo struct {
	Name      string   `json:"name"`
	Site      string   `json:"site,omitempty"`
	CIDRs     []string `json:"cidrs,omitempty"`
	VLANs     []int    `json:"vlans,omitempty"`
	Core      bool     `json:"core"`
	Sensitive bool     `json:"sensitive"`
}

// Default is the policy used without a policy file: no zones, every
// restricted device is a finding at the default severity.
func Default() *Policy { return &Policy{} }

// Load reads a policy file. Placeholder: the policy owner implements it.
func Load(path string) (*Policy, error) { return Default(), nil }

// Zones lists the configured zones.
func (p *Policy) Zones() []ZoneInfo { return nil }

// Apply sets each device's Zone and returns the findings, most severe first.
func (p *Policy) Apply(devs []fingerprint.Device, now time.Time) []Finding {
	var out []Finding
	for _, d := range devs {
		if !d.Restricted {
			continue
		}
		f := Finding{Severity: SeverityMedium, MAC: d.MAC, Vendor: d.Vendor, Model: d.Model, Basis: d.Basis,
			Reason: "restricted vendor " + d.Vendor}
		if len(d.IPs) > 0 {
			f.IP = d.IPs[0]
		}
		out = append(out, f)
	}
	return out
}

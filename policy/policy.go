package policy

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
)

// Policy is the operator's view of the networks: sites and zones, the
// restricted-vendor profiles that count, and the exceptions granted.
// The zero value is not useful; use Default, Load or Parse.
type Policy struct {
	sites      []site
	zones      []zone // flattened, each pointing back at its site
	profiles   []Profile
	exceptions []Exception
	// anyBasis: no profile was named, so every device the catalogue marks
	// restricted counts (the behaviour without a policy file).
	anyBasis bool
}

type site struct {
	name      string
	sensitive bool
}

type zone struct {
	ZoneInfo
	prefixes []netip.Prefix
}

// ZoneInfo describes one zone for reports. Sensitive is the effective value:
// a zone is sensitive when it or its site is marked so.
type ZoneInfo struct {
	Name      string   `json:"name"`
	Site      string   `json:"site,omitempty"`
	CIDRs     []string `json:"cidrs,omitempty"`
	VLANs     []int    `json:"vlans,omitempty"`
	Core      bool     `json:"core"`
	Sensitive bool     `json:"sensitive"`
}

// Default is the policy used without a policy file: no zones, every
// restricted device is a finding at the default severity (medium).
func Default() *Policy { return &Policy{anyBasis: true} }

// Zones lists the configured zones in file order.
func (p *Policy) Zones() []ZoneInfo {
	out := make([]ZoneInfo, 0, len(p.zones))
	for _, z := range p.zones {
		zi := z.ZoneInfo
		zi.CIDRs = slices.Clone(zi.CIDRs)
		zi.VLANs = slices.Clone(zi.VLANs)
		out = append(out, zi)
	}
	return out
}

// Sites lists the configured site names in file order.
func (p *Policy) Sites() []string {
	out := make([]string, 0, len(p.sites))
	for _, s := range p.sites {
		out = append(out, s.name)
	}
	return out
}

// Profiles lists the restricted-vendor profiles in force.
func (p *Policy) Profiles() []Profile { return slices.Clone(p.profiles) }

// Exceptions lists the exceptions granted, expired ones included.
func (p *Policy) Exceptions() []Exception { return slices.Clone(p.exceptions) }

// Apply sets each device's Zone and returns the findings, most severe first.
// Findings suppressed by a current exception are kept and marked, never dropped.
func (p *Policy) Apply(devs []fingerprint.Device, now time.Time) []Finding {
	var out []Finding
	for i := range devs {
		d := &devs[i]
		pl := p.place(d)
		d.Zone = ""
		if pl.zone != nil {
			d.Zone = pl.zone.Name
		}
		f, ok := p.judge(d, pl.zone)
		if !ok {
			continue
		}
		if pl.ip.IsValid() {
			f.IP = pl.ip // the address that placed the device in its zone
		}
		f.VLAN = pl.vlan
		p.applyExceptions(&f, d, now)
		out = append(out, f)
	}
	SortFindings(out)
	return out
}

// placement is the zone a device is in and what put it there: one of its
// addresses or one of its VLANs.
type placement struct {
	zone *zone
	ip   netip.Addr
	vlan uint16
}

// place puts a device in a zone. Each address falls in the zone of the most
// specific prefix holding it (equal prefixes: the zone listed first), each
// VLAN in the first zone listing it, and of those zones the one where a
// restricted device would be most severe wins (ties: addresses first): a
// device with one leg on a core network is on it.
func (p *Policy) place(d *fingerprint.Device) placement {
	var best placement
	consider := func(c placement) {
		if c.zone != nil && (best.zone == nil || severityFor(c.zone).rank() > severityFor(best.zone).rank()) {
			best = c
		}
	}
	for _, ip := range d.IPs {
		consider(placement{zone: p.zoneOfAddr(ip.Unmap()), ip: ip})
	}
	for _, id := range d.VLANs {
		consider(placement{zone: p.zoneOfVLAN(id), vlan: id})
	}
	return best
}

// zoneOfVLAN is the first zone that lists the VLAN id.
func (p *Policy) zoneOfVLAN(id uint16) *zone {
	for i := range p.zones {
		if slices.Contains(p.zones[i].VLANs, int(id)) {
			return &p.zones[i]
		}
	}
	return nil
}

func (p *Policy) zoneOfAddr(ip netip.Addr) *zone {
	var best *zone
	bestBits := -1
	for i := range p.zones {
		for _, pfx := range p.zones[i].prefixes {
			if pfx.Bits() > bestBits && pfx.Contains(ip) {
				best, bestBits = &p.zones[i], pfx.Bits()
			}
		}
	}
	return best
}

// judge gives the device its verdict under this policy and decides whether
// it is a finding and at which severity.
func (p *Policy) judge(d *fingerprint.Device, z *zone) (Finding, bool) {
	f := Finding{MAC: d.MAC, Vendor: d.Vendor, Model: d.Model}
	if len(d.IPs) > 0 {
		f.IP = d.IPs[0]
	}
	if z != nil {
		f.Zone, f.Site = z.Name, z.Site
	}
	switch profiles, basis, verdict := p.verdictFor(d); verdict {
	case fingerprint.VerdictRestricted:
		f.Basis, f.Profiles = basis, profiles
		f.Severity = severityFor(z)
		f.Reason = restrictedReason(d, z, profiles, basis)
		return p.verdictOf(d, f, verdict), true
	case fingerprint.VerdictReview:
		f.Basis, f.Profiles = basis, profiles
		f.Severity = SeverityReview
		f.Reason = unclearProductReason(d, z, profiles, basis)
		return p.verdictOf(d, f, verdict), true
	}
	if z != nil && z.Core && d.Kind.Surveillance() && d.Vendor == "" {
		f.Severity = SeverityReview
		f.Reason = unknownCameraReason(d, z)
		return p.verdictOf(d, f, fingerprint.VerdictReview), true
	}
	d.Verdict = fingerprint.VerdictClear
	return Finding{}, false
}

// verdictOf records the verdict on the device and its finding.
func (p *Policy) verdictOf(d *fingerprint.Device, f Finding, v fingerprint.Verdict) Finding {
	d.Verdict, f.Verdict = v, v
	return f
}

// severityFor is the rule from the UK Cabinet Office guidance: keep them off
// core networks (critical), stop them on sensitive sites (high), consider
// removing them everywhere else (medium).
func severityFor(z *zone) Severity {
	switch {
	case z == nil:
		return SeverityMedium
	case z.Core:
		return SeverityCritical
	case z.Sensitive:
		return SeverityHigh
	}
	return SeverityMedium
}

// verdictFor returns the device's verdict under the profiles in force, the
// profiles that count it and the union of the catalogue bases they accepted,
// in the device's order. Without profiles the catalogue's own judgement
// (every basis) stands.
func (p *Policy) verdictFor(d *fingerprint.Device) ([]string, []string, fingerprint.Verdict) {
	if p.anyBasis {
		switch {
		case d.Restricted:
			return nil, slices.Clone(d.Basis), fingerprint.VerdictRestricted
		case d.Review:
			return nil, slices.Clone(d.Basis), fingerprint.VerdictReview
		}
		return nil, nil, fingerprint.VerdictClear
	}
	for _, v := range []fingerprint.Verdict{fingerprint.VerdictRestricted, fingerprint.VerdictReview} {
		if names, basis := p.countedBy(d, v); len(names) > 0 {
			return names, basis, v
		}
	}
	return nil, nil, fingerprint.VerdictClear
}

// countedBy returns the profiles under which the device has verdict v and
// the bases they accepted.
func (p *Policy) countedBy(d *fingerprint.Device, v fingerprint.Verdict) ([]string, []string) {
	var names []string
	accepted := map[string]bool{}
	for _, pr := range p.profiles {
		basis := pr.matchBasis(d, v)
		if len(basis) == 0 && !pr.matchVendor(d, v) {
			continue
		}
		names = append(names, pr.Name)
		for _, b := range basis {
			accepted[b] = true
		}
	}
	var basis []string
	for _, b := range d.Basis {
		if accepted[b] {
			basis = append(basis, b)
		}
	}
	return names, basis
}

// SortFindings orders findings most severe first, suppressed ones after the
// rest of their severity, then by site, zone, IP and MAC.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(b.Severity.rank(), a.Severity.rank()); c != 0 {
			return c
		}
		if a.Suppressed() != b.Suppressed() {
			if a.Suppressed() {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Zone, b.Zone); c != 0 {
			return c
		}
		if c := a.IP.Compare(b.IP); c != 0 {
			return c
		}
		return strings.Compare(a.MAC.String(), b.MAC.String())
	})
}

// SiteRanges lists every zone's CIDRs: the site's own networks. Captures
// inventory hosts there like hosts on private addresses, also where a site
// numbers its networks from public space.
func (p *Policy) SiteRanges() []netip.Prefix {
	var out []netip.Prefix
	for _, z := range p.zones {
		out = append(out, z.prefixes...)
	}
	return out
}

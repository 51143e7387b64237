package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// Schema names the version of the JSON document. A change that removes or
// changes the meaning of a field needs a new version; adding fields does not.
const Schema = "camsweep.report/v1"

// Result is one run's complete outcome: what every renderer (table, JSON,
// CSV, HTML) draws from. Its JSON form is the machine interface.
type Result struct {
	Schema    string    `json:"schema"`
	Tool      Tool      `json:"tool"`
	Generated time.Time `json:"generated"`
	Source    Source    `json:"source"`
	// OUIDate is the date of the IEEE registry used for MAC lookups.
	OUIDate string `json:"oui_registry_date,omitempty"`
	// Unprivileged says active probes ran without raw-socket rights, so some were skipped.
	Unprivileged bool `json:"unprivileged,omitempty"`
	// Partial says the input was truncated or corrupt: the results are incomplete.
	Partial   bool                 `json:"partial,omitempty"`
	Warnings  []string             `json:"warnings,omitempty"`
	Devices   []fingerprint.Device `json:"devices"`
	Findings  []policy.Finding     `json:"findings"`
	Zones     []policy.ZoneInfo    `json:"zones,omitempty"`
	Inventory []SiteInventory      `json:"inventory"`
}

// Tool identifies the program that produced the result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Source says what the result was computed from.
type Source struct {
	Command string   `json:"command"`          // "pcap", "identify", "sweep", "audit"
	Inputs  []string `json:"inputs,omitempty"` // files, interfaces or CIDRs
}

// SiteInventory counts devices per vendor at one site ("" when no policy names sites).
type SiteInventory struct {
	Site    string        `json:"site,omitempty"`
	Vendors []VendorCount `json:"vendors"`
}

// VendorCount is how many devices of one vendor a site has, and how many of
// them have the verdict restricted or review. Vendor is "" for devices no
// signature or OUI named.
type VendorCount struct {
	Vendor     string `json:"vendor,omitempty"`
	Devices    int    `json:"devices"`
	Restricted int    `json:"restricted"`
	Review     int    `json:"review"`
}

// New returns a Result with the schema set and empty (not null) lists, so
// consumers can always iterate devices, findings and inventory.
func New(tool Tool, generated time.Time, source Source) *Result {
	return &Result{
		Schema:    Schema,
		Tool:      tool,
		Generated: generated.UTC().Truncate(time.Second),
		Source:    source,
		Devices:   []fingerprint.Device{},
		Findings:  []policy.Finding{},
		Inventory: []SiteInventory{},
	}
}

// Fill sets devices, findings and zones, gives each device and finding its
// verdict (derived for results of older versions) and computes the inventory.
func (r *Result) Fill(devs []fingerprint.Device, findings []policy.Finding, zones []policy.ZoneInfo) {
	if devs == nil {
		devs = []fingerprint.Device{}
	}
	if findings == nil {
		findings = []policy.Finding{}
	}
	for i := range devs {
		devs[i].Verdict = devs[i].Judged()
	}
	for i := range findings {
		findings[i].Verdict = findingVerdict(findings[i])
	}
	r.Devices, r.Findings, r.Zones = devs, findings, zones
	r.Inventory = BuildInventory(devs, zones)
}

// findingVerdict is a finding's verdict, derived from its severity when the
// finding was made by a version that did not record it.
func findingVerdict(f policy.Finding) fingerprint.Verdict {
	switch {
	case f.Verdict != "":
		return f.Verdict
	case f.Severity == policy.SeverityReview:
		return fingerprint.VerdictReview
	}
	return fingerprint.VerdictRestricted
}

// BuildInventory counts devices per site and vendor. A device's site is the
// site of its zone; sites and vendors are sorted by name for stable output.
func BuildInventory(devs []fingerprint.Device, zones []policy.ZoneInfo) []SiteInventory {
	siteOfZone := make(map[string]string, len(zones))
	for _, z := range zones {
		siteOfZone[z.Name] = z.Site
	}
	type key struct{ site, vendor string }
	counts := map[key]*VendorCount{}
	for _, d := range devs {
		k := key{siteOfZone[d.Zone], d.Vendor}
		c := counts[k]
		if c == nil {
			c = &VendorCount{Vendor: d.Vendor}
			counts[k] = c
		}
		c.Devices++
		switch d.Judged() {
		case fingerprint.VerdictRestricted:
			c.Restricted++
		case fingerprint.VerdictReview:
			c.Review++
		}
	}
	bySite := map[string][]VendorCount{}
	for k, c := range counts {
		bySite[k.site] = append(bySite[k.site], *c)
	}
	out := make([]SiteInventory, 0, len(bySite))
	for site, vendors := range bySite {
		slices.SortFunc(vendors, func(a, b VendorCount) int { return cmp.Compare(a.Vendor, b.Vendor) })
		out = append(out, SiteInventory{Site: site, Vendors: vendors})
	}
	slices.SortFunc(out, func(a, b SiteInventory) int { return cmp.Compare(a.Site, b.Site) })
	return out
}

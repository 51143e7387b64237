package store

import (
	"encoding/json"
	"net/netip"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
)

// Run is one audit to be stored: the site it covers and the full result.
type Run struct {
	Site   string
	Result *report.Result
}

// RunSummary is one stored run with its counts, as history lists it.
type RunSummary struct {
	ID         int64     `json:"id"`
	Site       string    `json:"site"`
	Time       time.Time `json:"time"`
	Command    string    `json:"command,omitempty"`
	Devices    int       `json:"devices"`
	Restricted int       `json:"restricted"`
	Findings   int       `json:"findings"` // not suppressed by an exception
	Critical   int       `json:"critical"`
	High       int       `json:"high"`
	Medium     int       `json:"medium"`
	Review     int       `json:"review"`
	Suppressed int       `json:"suppressed"`
	// Partial: the inputs were truncated or interrupted; the run is kept but
	// not used as the baseline of the next comparison.
	Partial bool `json:"partial,omitempty"`
}

// DeviceRecord is the part of a device that history compares.
type DeviceRecord struct {
	Identity string `json:"identity"`
	MAC      string `json:"mac,omitempty"`
	// IPs is comma-separated as stored; JSON writes it as an array, like
	// every other camsweep document.
	IPs        string `json:"-"`
	Vendor     string `json:"vendor,omitempty"`
	Brand      string `json:"brand,omitempty"`
	Model      string `json:"model,omitempty"`
	Firmware   string `json:"firmware,omitempty"`
	Serial     string `json:"serial,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Site       string `json:"site,omitempty"`
	Zone       string `json:"zone,omitempty"`
	Restricted bool   `json:"restricted"`
	// Severity is the device's worst unsuppressed finding in the run, "" if none.
	Severity string `json:"severity,omitempty"`
	// PreviousSeverity is set in a diff's escalated list: the finding's
	// severity in the earlier run.
	PreviousSeverity string    `json:"previous_severity,omitempty"`
	FirstSeen        time.Time `json:"first_seen,omitzero"`
	LastSeen         time.Time `json:"last_seen,omitzero"`
}

// MarshalJSON writes ips as an array of addresses (empty when none).
func (r DeviceRecord) MarshalJSON() ([]byte, error) {
	type plain DeviceRecord
	return json.Marshal(struct {
		plain
		IPs []string `json:"ips"`
	}{plain(r), r.IPList()})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *DeviceRecord) UnmarshalJSON(b []byte) error {
	type plain DeviceRecord
	var v struct {
		plain
		IPs []string `json:"ips"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = DeviceRecord(v.plain)
	r.IPs = strings.Join(v.IPs, ",")
	return nil
}

// IPList is the record's addresses as a list.
func (r DeviceRecord) IPList() []string {
	if r.IPs == "" {
		return []string{}
	}
	return strings.Split(r.IPs, ",")
}

// Identity is how a device is recognised across runs: its MAC, else its
// serial, else model and IP. A placeholder MAC (one firmware ships on many
// units, from the vendor catalogue) identifies nobody: with an address it is
// kept as a hint. Only a device with none of these falls back to its IP, and
// says so in the key.
func Identity(d *fingerprint.Device) string {
	placeholder := isPlaceholder(d.MAC)
	switch {
	case !d.MAC.IsZero() && !placeholder:
		return "mac:" + d.MAC.String()
	case d.Serial != "":
		return "serial:" + strings.ToUpper(d.Serial)
	case d.Model != "" && len(d.IPs) > 0:
		return "model:" + d.Model + "@" + d.IPs[0].String()
	case placeholder && len(d.IPs) > 0:
		return "placeholder-mac:" + d.MAC.String() + "@" + d.IPs[0].String()
	case len(d.IPs) > 0:
		return "ip-only:" + d.IPs[0].String()
	case placeholder:
		return "placeholder-mac:" + d.MAC.String()
	}
	return "unknown"
}

// isPlaceholder asks the embedded vendor catalogue; if it cannot load (a
// build defect its own tests catch) every MAC counts as unique.
func isPlaceholder(m fingerprint.MAC) bool {
	if m.IsZero() {
		return false
	}
	db, err := fingerprint.Default()
	if err != nil || db.Catalogue == nil {
		return false
	}
	_, ok := db.Catalogue.Placeholder(m)
	return ok
}

// recordsOf builds the rows stored for a run's devices; each device gets its
// worst unsuppressed finding. Duplicate identities keep the first device.
func recordsOf(r *report.Result) []DeviceRecord {
	worst := policy.IndexFindings(r.Findings)
	siteOfZone := map[string]string{}
	for _, z := range r.Zones {
		siteOfZone[z.Name] = z.Site
	}
	out := make([]DeviceRecord, 0, len(r.Devices))
	seen := make(map[string]bool, len(r.Devices))
	for i := range r.Devices {
		d := &r.Devices[i]
		rec := DeviceRecord{
			Identity: Identity(d), Vendor: d.Vendor, Brand: d.Brand, Model: d.Model,
			Firmware: d.Firmware, Serial: d.Serial, Kind: string(d.Kind), Site: siteOfZone[d.Zone], Zone: d.Zone,
			Restricted: d.Restricted, IPs: joinIPs(d.IPs), FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC(),
		}
		if seen[rec.Identity] {
			continue
		}
		seen[rec.Identity] = true
		if !d.MAC.IsZero() {
			rec.MAC = d.MAC.String()
		}
		rec.Severity = string(worst.Of(d))
		out = append(out, rec)
	}
	return out
}

func joinIPs(ips []netip.Addr) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ",")
}

// summarize counts a result for the runs table.
func summarize(site string, r *report.Result) RunSummary {
	s := RunSummary{Site: site, Time: r.Generated.UTC(), Command: r.Source.Command, Devices: len(r.Devices), Partial: r.Partial}
	for _, d := range r.Devices {
		if d.Restricted {
			s.Restricted++
		}
	}
	for _, f := range r.Findings {
		if f.Suppressed() {
			s.Suppressed++
			continue
		}
		s.Findings++
		switch f.Severity {
		case policy.SeverityCritical:
			s.Critical++
		case policy.SeverityHigh:
			s.High++
		case policy.SeverityMedium:
			s.Medium++
		case policy.SeverityReview:
			s.Review++
		}
	}
	return s
}

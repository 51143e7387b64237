package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/policy"
)

// DiffSchema names the version of the JSON form of a Diff
// (docs/schema/diff.v1.json). Removing or changing a field needs a new one.
const DiffSchema = "camsweep.diff/v1"

// Diff is what changed between two runs. Every list is empty, never nil, so
// its JSON form always has arrays.
type Diff struct {
	Schema  string         `json:"schema"`
	From    RunSummary     `json:"from"`
	To      RunSummary     `json:"to"`
	New     []DeviceRecord `json:"new"`
	Gone    []DeviceRecord `json:"gone"`
	Changed []Change       `json:"changed"`
	// NewFindings are devices with a finding in To that had none in From
	// (new devices included); Escalated had one in both, more severe in To
	// (PreviousSeverity says what it was), so "new or worse" is
	// new_findings + escalated; Resolved had one in From and none in To.
	NewFindings []DeviceRecord `json:"new_findings"`
	Escalated   []DeviceRecord `json:"escalated"`
	Resolved    []DeviceRecord `json:"resolved_findings"`
}

// Change is one device seen in both runs whose compared fields differ.
type Change struct {
	Before DeviceRecord  `json:"before"`
	After  DeviceRecord  `json:"after"`
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one field's old and new value.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.New)+len(d.Gone)+len(d.Changed)+len(d.NewFindings)+len(d.Escalated)+len(d.Resolved) == 0
}

// Compare matches the devices of two runs and reports what changed (From
// and To are left for the caller). Devices match by identity (MAC, else
// serial, else model+IP), then, for the rest, by serial and then by model+IP
// as long as their MACs do not contradict it.
func Compare(from, to []DeviceRecord) *Diff {
	d := &Diff{Schema: DiffSchema, New: []DeviceRecord{}, Gone: []DeviceRecord{}, Changed: []Change{},
		NewFindings: []DeviceRecord{}, Escalated: []DeviceRecord{}, Resolved: []DeviceRecord{}}
	pairs, restFrom, restTo := match(from, to)
	for _, p := range pairs {
		if fields := changedFields(p[0], p[1]); len(fields) > 0 {
			d.Changed = append(d.Changed, Change{Before: p[0], After: p[1], Fields: fields})
		}
		before, after := policy.Severity(p[0].Severity), policy.Severity(p[1].Severity)
		switch {
		case before == "" && after != "":
			d.NewFindings = append(d.NewFindings, p[1])
		case before != "" && after == "":
			d.Resolved = append(d.Resolved, p[0])
		case after.Rank() > before.Rank():
			up := p[1]
			up.PreviousSeverity = p[0].Severity
			d.Escalated = append(d.Escalated, up)
		}
	}
	for _, r := range restTo {
		if r.Severity != "" {
			d.NewFindings = append(d.NewFindings, r)
		}
	}
	for _, r := range restFrom {
		if r.Severity != "" {
			d.Resolved = append(d.Resolved, r)
		}
	}
	d.New = append(d.New, restTo...)
	d.Gone = append(d.Gone, restFrom...)
	byID := func(a, b DeviceRecord) int { return cmp.Compare(a.Identity, b.Identity) }
	for _, list := range [][]DeviceRecord{d.New, d.Gone, d.NewFindings, d.Escalated, d.Resolved} {
		slices.SortFunc(list, byID)
	}
	slices.SortFunc(d.Changed, func(a, b Change) int { return cmp.Compare(a.After.Identity, b.After.Identity) })
	return d
}

// match pairs records of two runs in three passes of decreasing certainty.
func match(from, to []DeviceRecord) (pairs [][2]DeviceRecord, restFrom, restTo []DeviceRecord) {
	restFrom, restTo = from, to
	passes := []func(DeviceRecord) string{
		func(d DeviceRecord) string { return d.Identity },
		func(d DeviceRecord) string {
			if d.Serial == "" {
				return ""
			}
			return strings.ToUpper(d.Serial)
		},
		func(d DeviceRecord) string {
			if d.Model == "" || d.IPs == "" {
				return ""
			}
			return d.Model + "@" + firstOf(d.IPs)
		},
	}
	for _, key := range passes {
		var p [][2]DeviceRecord
		p, restFrom, restTo = matchBy(key, restFrom, restTo)
		pairs = append(pairs, p...)
	}
	return pairs, restFrom, restTo
}

func matchBy(key func(DeviceRecord) string, from, to []DeviceRecord) (pairs [][2]DeviceRecord, restFrom, restTo []DeviceRecord) {
	index := make(map[string]int, len(from))
	for i, d := range from {
		if k := key(d); k != "" {
			if _, dup := index[k]; !dup {
				index[k] = i
			}
		}
	}
	used := make([]bool, len(from))
	for _, d := range to {
		k := key(d)
		i, ok := index[k]
		if k == "" || !ok || used[i] || macsConflict(from[i], d) {
			restTo = append(restTo, d)
			continue
		}
		used[i] = true
		pairs = append(pairs, [2]DeviceRecord{from[i], d})
	}
	for i, d := range from {
		if !used[i] {
			restFrom = append(restFrom, d)
		}
	}
	return pairs, restFrom, restTo
}

// macsConflict: two known, different MACs are two devices, whatever else matches.
func macsConflict(a, b DeviceRecord) bool {
	return a.MAC != "" && b.MAC != "" && a.MAC != b.MAC
}

func firstOf(ips string) string {
	first, _, _ := strings.Cut(ips, ",")
	return first
}

// changedFields lists what an operator acts on: firmware (re-flashed), IP
// (re-addressed), zone (moved), model, and the device's worst finding.
func changedFields(a, b DeviceRecord) []FieldChange {
	var out []FieldChange
	add := func(field, x, y string) {
		if x != y {
			out = append(out, FieldChange{Field: field, From: x, To: y})
		}
	}
	// A firmware or model not seen this time is not a change: the probe that
	// reads it may simply not have answered.
	if a.Firmware != "" && b.Firmware != "" {
		add("firmware", a.Firmware, b.Firmware)
	}
	add("ip", a.IPs, b.IPs)
	add("zone", a.Zone, b.Zone)
	if a.Model != "" && b.Model != "" {
		add("model", a.Model, b.Model)
	}
	add("severity", a.Severity, b.Severity)
	return out
}

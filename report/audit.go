package report

import (
	"time"

	"github.com/camsweep/camsweep/policy"
)

// AuditContext is what an audit report shows besides the run itself: the
// site that was audited, what changed since that site's previous complete
// run, and how the site's counts went over its recent runs. The store
// computes it; the report package only draws it (it cannot import the store).
type AuditContext struct {
	Site string
	Run  RunRef
	// Previous is the run compared against; nil on a site's first run.
	Previous *RunRef
	// New are devices not in the previous run, Gone those no longer seen,
	// Escalated those whose worst finding got more severe (a device moved
	// into a core zone, say), NewFindings those with a finding they lacked.
	New, Gone, Escalated, NewFindings []ChangedDevice
	// Trend is the site's recent runs, oldest first, this run last.
	Trend []TrendPoint
}

// RunRef names one stored run.
type RunRef struct {
	ID   int64
	Time time.Time
}

// ChangedDevice is one device in a comparison between runs.
type ChangedDevice struct {
	MAC, IPs, Vendor, Model, Kind, Zone string
	Restricted                          bool
	// Severity is the device's worst open finding in the run it is listed
	// from; Before is its severity in the previous run (escalations).
	Severity, Before policy.Severity
}

// TrendPoint is one run's counts.
type TrendPoint struct {
	Run                            RunRef
	Devices, Restricted            int
	Critical, High, Medium, Review int
	Partial                        bool
}

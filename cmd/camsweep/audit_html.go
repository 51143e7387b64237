package main

import (
	"context"
	"io"
	"slices"

	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/store"
)

// trendRuns is how many of a site's runs the audit report's trend shows.
const trendRuns = 12

// auditContext gathers what an audit report shows besides the run: the
// comparison with the site's previous complete run (d, nil on a first run)
// and the site's recent runs.
func auditContext(ctx context.Context, st store.Store, sum store.RunSummary, d *store.Diff) (*report.AuditContext, error) {
	a := &report.AuditContext{Site: sum.Site, Run: report.RunRef{ID: sum.ID, Time: sum.Time}}
	if d != nil {
		a.Previous = &report.RunRef{ID: d.From.ID, Time: d.From.Time}
		a.New = changedDevices(d.New)
		a.Gone = changedDevices(d.Gone)
		a.NewFindings = changedDevices(d.NewFindings)
		a.Escalated = escalations(d)
	}
	runs, err := st.History(ctx, sum.Site, trendRuns*4)
	if err != nil {
		return nil, err
	}
	// History is newest first; the trend ends with this run, oldest first.
	var trend []report.TrendPoint
	for _, r := range runs {
		if r.ID > sum.ID {
			continue // a later run: this report is of an older one
		}
		trend = append(trend, report.TrendPoint{Run: report.RunRef{ID: r.ID, Time: r.Time},
			Devices: r.Devices, Restricted: r.Restricted, Critical: r.Critical, High: r.High,
			Medium: r.Medium, Review: r.Review, Partial: r.Partial})
		if len(trend) == trendRuns {
			break
		}
	}
	slices.Reverse(trend)
	a.Trend = trend
	return a, nil
}

// escalations are the devices whose worst open finding got more severe
// (high to critical after a move into a core zone, say), as the store's diff lists them.
func escalations(d *store.Diff) []report.ChangedDevice {
	out := make([]report.ChangedDevice, len(d.Escalated))
	for i, r := range d.Escalated {
		out[i] = changedDevice(r)
		out[i].Before = policy.Severity(r.PreviousSeverity)
	}
	return out
}

func changedDevices(recs []store.DeviceRecord) []report.ChangedDevice {
	out := make([]report.ChangedDevice, len(recs))
	for i, r := range recs {
		out[i] = changedDevice(r)
	}
	return out
}

func changedDevice(r store.DeviceRecord) report.ChangedDevice {
	return report.ChangedDevice{MAC: r.MAC, IPs: r.IPs, Vendor: r.Vendor, Model: r.Model, Kind: r.Kind,
		Zone: r.Zone, Restricted: r.Restricted, Severity: policy.Severity(r.Severity)}
}

// auditHTML renders the HTML report of a stored audit run with its context.
func auditHTML(a *report.AuditContext) func(io.Writer, *report.Result) error {
	return func(w io.Writer, r *report.Result) error { return report.WriteAuditHTML(w, r, a) }
}

// storedAuditContext is auditContext for a run read back from the store.
func storedAuditContext(ctx context.Context, st store.Store, id int64) (*report.AuditContext, error) {
	sum, err := st.Summary(ctx, id)
	if err != nil {
		return nil, err
	}
	var d *store.Diff
	if prev, ok, err := st.Previous(ctx, sum.Site, id); err != nil {
		return nil, err
	} else if ok {
		if d, err = st.Diff(ctx, prev.ID, id); err != nil {
			return nil, err
		}
	}
	return auditContext(ctx, st, sum, d)
}

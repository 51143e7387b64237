package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
)

// Exception is an accepted risk: one device, by MAC or serial, with who
// accepted it, why, and until when. An expired exception stops suppressing.
type Exception struct {
	MAC           fingerprint.MAC `json:"mac,omitzero"`
	Serial        string          `json:"serial,omitempty"`
	Justification string          `json:"justification"`
	Owner         string          `json:"owner"`
	// Expires is the last day (UTC) the exception holds.
	Expires time.Time `json:"expires"`
}

// Matches reports whether the exception names this device.
func (e Exception) Matches(d *fingerprint.Device) bool {
	if !e.MAC.IsZero() && e.MAC == d.MAC {
		return true
	}
	return e.Serial != "" && d.Serial != "" && strings.EqualFold(e.Serial, d.Serial)
}

// ActiveAt reports whether the exception still holds at now: through the
// whole of its expiry day, UTC.
func (e Exception) ActiveAt(now time.Time) bool {
	return now.Before(e.Expires.AddDate(0, 0, 1))
}

// Label names the exception in findings and reports.
func (e Exception) Label() string {
	who := "device"
	switch {
	case !e.MAC.IsZero():
		who = "MAC " + e.MAC.String()
	case e.Serial != "":
		who = "serial " + e.Serial
	}
	return fmt.Sprintf("%s, owner %s, until %s: %s", who, e.Owner, e.Expires.Format(time.DateOnly), e.Justification)
}

// applyExceptions marks f suppressed by the first current exception for the
// device, or notes an expired one so the reader sees why it is back.
func (p *Policy) applyExceptions(f *Finding, d *fingerprint.Device, now time.Time) {
	var expired *Exception
	for i := range p.exceptions {
		e := &p.exceptions[i]
		if !e.Matches(d) {
			continue
		}
		if e.ActiveAt(now) {
			f.Exception = e.Label()
			f.ExpiredException = ""
			return
		}
		if expired == nil {
			expired = e
		}
	}
	if expired != nil {
		f.ExpiredException = expired.Label()
		f.Reason += fmt.Sprintf(" An exception (owner %s) expired on %s and no longer suppresses this finding.",
			expired.Owner, expired.Expires.Format(time.DateOnly))
	}
}

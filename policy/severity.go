package policy

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
)

// SeverityNone as a --fail-on threshold means "never fail on findings".
const SeverityNone Severity = "none"

// rank orders severities; unknown values rank 0, below review.
func (s Severity) rank() int {
	switch s {
	case SeverityReview:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	case SeverityNone:
		return 99
	}
	return 0
}

// ParseSeverity reads a severity name as a user types it (case-insensitive):
// review, medium, high, critical, or none (a threshold nothing reaches).
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want review, medium, high, critical or none)", s)
	}
	return v, nil
}

// AtLeast reports whether s is as severe as threshold or more. Nothing is at
// least SeverityNone.
func (s Severity) AtLeast(threshold Severity) bool {
	if threshold == SeverityNone || s == SeverityNone {
		return false
	}
	return s.rank() > 0 && s.rank() >= threshold.rank()
}

// Suppressed reports whether a current exception covers the finding.
func (f Finding) Suppressed() bool { return f.Exception != "" }

// FailsAt reports whether any finding not suppressed by an exception is at
// least threshold: the --fail-on rule for schedulers.
func FailsAt(fs []Finding, threshold Severity) bool {
	for _, f := range fs {
		if !f.Suppressed() && f.Severity.AtLeast(threshold) {
			return true
		}
	}
	return false
}

// Rank orders severities for sorting: 0 for none or unknown, then review,
// medium, high and critical.
func (s Severity) Rank() int {
	if s == SeverityNone {
		return 0
	}
	return s.rank()
}

// WorstFindings indexes the worst unsuppressed finding of each device. A
// finding names the device by MAC and address together (the address that
// placed it in its zone): a placeholder MAC is shared by many devices, and a
// device without a MAC has only its addresses.
type WorstFindings map[findingKey]*Finding

type findingKey struct {
	mac fingerprint.MAC
	ip  netip.Addr
}

// IndexFindings builds the index; suppressed findings do not count. It
// points into fs, which must not change while the index is used.
func IndexFindings(fs []Finding) WorstFindings {
	out := WorstFindings{}
	for i := range fs {
		f := &fs[i]
		if f.Suppressed() {
			continue
		}
		k := findingKey{f.MAC, f.IP}
		if cur, ok := out[k]; !ok || f.Severity.rank() > cur.Severity.rank() {
			out[k] = f
		}
	}
	return out
}

// Of is the severity of the worst unsuppressed finding about d, "" when it
// has none.
func (w WorstFindings) Of(d *fingerprint.Device) Severity {
	if f := w.Finding(d); f != nil {
		return f.Severity
	}
	return ""
}

// Finding is the worst unsuppressed finding about d (the first of its
// addresses' when they tie), nil when it has none.
func (w WorstFindings) Finding(d *fingerprint.Device) *Finding {
	ips := d.IPs
	if len(ips) == 0 {
		ips = []netip.Addr{{}}
	}
	var out *Finding
	for _, ip := range ips {
		if f, ok := w[findingKey{d.MAC, ip}]; ok && (out == nil || f.Severity.rank() > out.Severity.rank()) {
			out = f
		}
	}
	return out
}

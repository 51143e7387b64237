package policy

import (
	"fmt"
	"strings"
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

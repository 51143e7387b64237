package policy

import (
	"net/netip"

	"github.com/camsweep/camsweep/fingerprint"
)

// Severity orders findings; higher is worse.
type Severity string

const (
	SeverityReview   Severity = "review"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Finding is one device the operator must act on, with a plain-language reason.
type Finding struct {
	Severity Severity `json:"severity"`
	// Verdict is the device's verdict: restricted, or review (a restricted
	// maker whose product is unclear, or an unidentified camera on a core
	// network).
	Verdict fingerprint.Verdict `json:"verdict"`
	MAC     fingerprint.MAC     `json:"mac,omitzero"`
	IP      netip.Addr          `json:"ip,omitzero"`
	// VLAN is the 802.1Q VLAN that placed the device in its zone, when no
	// address did.
	VLAN   uint16   `json:"vlan,omitempty"`
	Site   string   `json:"site,omitempty"`
	Zone   string   `json:"zone,omitempty"`
	Vendor string   `json:"vendor,omitempty"`
	Model  string   `json:"model,omitempty"`
	Basis  []string `json:"basis,omitempty"`
	Reason string   `json:"reason"`
	// Exception names the exception that suppressed this finding, if any;
	// suppressed findings are kept in the report, marked, never dropped.
	Exception string `json:"exception,omitempty"`
	// Profiles names the restricted-vendor profiles under which the device is
	// restricted (none under the default policy and for review findings).
	Profiles []string `json:"profiles,omitempty"`
	// ExpiredException names an exception that matched the device but has
	// expired: it no longer suppresses the finding.
	ExpiredException string `json:"expired_exception,omitempty"`
}

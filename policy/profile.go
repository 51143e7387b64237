package policy

import (
	"slices"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
)

// Profile selects which devices count as restricted. A built-in profile names
// catalogue bases (the engine sets Device.Restricted and Device.Basis from
// fingerprint/data/vendors.yaml); a user profile may also list vendor names.
type Profile struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Bases       []string `json:"bases,omitempty"`   // catalogue bases that make a device restricted
	Vendors     []string `json:"vendors,omitempty"` // maker or brand names (user profiles)
	Builtin     bool     `json:"builtin,omitempty"`
}

// Built-in profile names.
const (
	ProfileUKNIL2022 = "uk-nil-2022"
	ProfileUSNDAA889 = "us-ndaa-889"
)

// BuiltinProfiles returns the profiles every policy may name.
func BuiltinProfiles() []Profile {
	return []Profile{
		{
			Name:        ProfileUKNIL2022,
			Description: "UK Cabinet Office, Nov 2022: visual surveillance equipment from companies subject to the PRC National Intelligence Law",
			Bases:       []string{"prc-nil"},
			Builtin:     true,
		},
		{
			Name:        ProfileUSNDAA889,
			Description: "US NDAA FY2019 §889: Huawei, ZTE, Hytera, Hikvision, Dahua, their subsidiaries and affiliates",
			Bases:       []string{"ndaa-889"},
			Builtin:     true,
		},
	}
}

func builtinProfile(name string) (Profile, bool) {
	for _, p := range BuiltinProfiles() {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// matchBasis returns the device's bases this profile accepts, when the
// catalogue gave the device verdict v (restricted or review).
func (pr Profile) matchBasis(d *fingerprint.Device, v fingerprint.Verdict) []string {
	switch {
	case v == fingerprint.VerdictRestricted && d.Restricted:
	case v == fingerprint.VerdictReview && d.Review:
	default:
		return nil
	}
	var out []string
	for _, b := range d.Basis {
		if slices.Contains(pr.Bases, b) {
			out = append(out, b)
		}
	}
	return out
}

// matchVendor reports whether the device's maker or brand is on the profile's
// vendor list and the device has verdict v under it. Surveillance equipment
// (or a maker the catalogue already restricts) is restricted; a device of
// unknown kind is for review; anything else does not count, so listing a
// maker that also sells routers does not flag the routers it identified. A
// camera the catalogue sent to review stays there: only hearsay (names it
// asked for, a mention) ties it to its maker, and listing the maker does not
// make hearsay proof.
func (pr Profile) matchVendor(d *fingerprint.Device, v fingerprint.Verdict) bool {
	unknownKind := d.Kind == "" || d.Kind == fingerprint.KindUnknown
	switch {
	case v == fingerprint.VerdictRestricted && (d.Kind.Surveillance() && !d.Review || d.Restricted):
	case v == fingerprint.VerdictReview && (unknownKind || d.Review):
	default:
		return false
	}
	for _, name := range pr.Vendors {
		if (d.Vendor != "" && strings.EqualFold(name, d.Vendor)) || (d.Brand != "" && strings.EqualFold(name, d.Brand)) {
			return true
		}
	}
	return false
}

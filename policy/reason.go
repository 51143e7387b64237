package policy

import (
	"fmt"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/observe"
)

// basisTitles are the plain names of the catalogue's bases, for reasons a
// manager reads. Unknown bases are shown by their id.
var basisTitles = map[string]string{
	"prc-nil":        "PRC National Intelligence Law (2017)",
	"fcc-covered":    "FCC Covered List",
	"us-entity-list": "US Entity List",
	"ndaa-889":       "NDAA FY2019 §889",
}

func basisText(basis []string) string {
	names := make([]string, 0, len(basis))
	for _, b := range basis {
		if t, ok := basisTitles[b]; ok {
			names = append(names, t)
		} else {
			names = append(names, b)
		}
	}
	return strings.Join(names, "; ")
}

// deviceText names the device as "Hikvision camera DS-2CD2042WD-I (sold as EZVIZ)".
func deviceText(d *fingerprint.Device) string {
	vendor := d.Vendor
	if vendor == "" {
		vendor = "Unknown-vendor"
	}
	return vendor + " " + productText(d)
}

// productText names the product without its maker: "camera DS-2CD2042WD-I
// (sold as EZVIZ)".
func productText(d *fingerprint.Device) string {
	parts := []string{}
	kind := string(d.Kind)
	switch d.Kind {
	case "", fingerprint.KindUnknown:
		kind = "device"
	case fingerprint.KindNVR, fingerprint.KindDVR:
		kind = strings.ToUpper(kind)
	}
	parts = append(parts, kind)
	if d.Model != "" {
		parts = append(parts, d.Model)
	}
	s := strings.Join(parts, " ")
	if d.Brand != "" && !strings.EqualFold(d.Brand, d.Vendor) {
		s += " (sold as " + d.Brand + ")"
	}
	return s
}

func placeText(z *zone) string {
	if z == nil {
		return "on a network outside every configured zone"
	}
	var kind []string
	if z.Core {
		kind = append(kind, "core")
	}
	if z.Sensitive {
		kind = append(kind, "sensitive")
	}
	s := fmt.Sprintf("in zone %q", z.Name)
	if len(kind) > 0 {
		s = fmt.Sprintf("in %s zone %q", strings.Join(kind, ", "), z.Name)
	}
	if z.Site != "" {
		s += fmt.Sprintf(" at site %q", z.Site)
	}
	return s
}

func actionText(z *zone) string {
	switch severityFor(z) {
	case SeverityCritical:
		return "Such equipment must be kept off core networks: disconnect or move it."
	case SeverityHigh:
		return "Such equipment should not be installed on sensitive sites: plan its removal."
	}
	return "Consider removing it."
}

func restrictedReason(d *fingerprint.Device, z *zone, profiles []string, basis []string) string {
	s := fmt.Sprintf("%s %s is made by a restricted vendor", deviceText(d), placeText(z))
	return s + countedText(profiles, basis) + ". " + actionText(z)
}

// countedText names the profiles that count the device and the bases they
// accepted: " under profile uk-nil-2022 (basis: ...)". A single profile with
// no basis counted the maker by name (" listed in profile X").
func countedText(profiles []string, basis []string) string {
	var s string
	switch {
	case len(profiles) == 1 && len(basis) == 0:
		s = " listed in profile " + profiles[0]
	case len(profiles) == 1:
		s = " under profile " + profiles[0]
	case len(profiles) > 1:
		s = " under profiles " + strings.Join(profiles, ", ")
	}
	if len(basis) > 0 {
		s += " (basis: " + basisText(basis) + ")"
	}
	return s
}

func unknownCameraReason(d *fingerprint.Device, z *zone) string {
	return fmt.Sprintf("%s %s: the maker could not be identified. Check who made it before it stays on a core network.",
		deviceText(d), placeText(z))
}

// unclearProductReason says what is known of a restricted maker's device
// whose product the evidence does not show, and what the auditor must check.
func unclearProductReason(d *fingerprint.Device, z *zone, profiles []string, basis []string) string {
	if d.Kind.Surveillance() {
		return hearsayReason(d, z, profiles, basis)
	}
	s := fmt.Sprintf("%s %s is made by %s, a restricted vendor", deviceText(d), placeText(z), d.Vendor)
	s += countedText(profiles, basis) + ", but the evidence does not show what the product is"
	if known := knownText(d); known != "" {
		s += " (known: " + known + ")"
	}
	return s + ". Check the device (its label, web page or asset record): if it is a camera, recorder or other " +
		"surveillance equipment it is restricted; if it is not, record an exception for it."
}

// hearsayReason is the review reason of surveillance equipment that only
// hearsay ties to a restricted maker (the engine gives such a device review,
// never restricted): the names it asked for (its cloud's, which the maker's
// phone app asks too) or a mention of the maker (a page, a name other
// firmware copies). It says what the evidence points to without saying the
// maker made it, which is what the auditor must check.
func hearsayReason(d *fingerprint.Device, z *zone, profiles []string, basis []string) string {
	var s string
	if askedOnly(d) {
		s = fmt.Sprintf("Device %s: only the names it asked for point to %s %s, and %s is a restricted vendor%s; "+
			"but the names a device asks for do not show what it is (a phone with the maker's app asks the maker's cloud too), "+
			"so the evidence does not show what the product is", placeText(z), article(d.Vendor), deviceText(d), d.Vendor, countedText(profiles, basis))
	} else {
		s = fmt.Sprintf("%s %s: only a mention points to %s, a restricted vendor%s, "+
			"and a mention (a page, a name other makers' firmware copies) does not show who made it",
			capitalised(productText(d)), placeText(z), d.Vendor, countedText(profiles, basis))
	}
	if known := knownText(d); known != "" {
		s += " (known: " + known + ")"
	}
	return s + ". Check the device (its label, web page or asset record): if it is " + d.Vendor + "'s surveillance equipment " +
		"it is restricted; if it is not, record an exception for it."
}

// askedOnly reports whether every piece of evidence naming the maker is a
// name the device asked for (observe's Asked keys).
func askedOnly(d *fingerprint.Device) bool {
	named := false
	for _, e := range d.Evidence {
		if strings.Contains(e.Sets, "vendor=") {
			if !observe.IsAsked(e.Key) {
				return false
			}
			named = true
		}
	}
	return named
}

// article is "an" before a name read with a vowel sound first (Annke,
// EZVIZ, Imou, Opticam), else "a" (a Hikvision, a Uniview).
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOaeio", rune(name[0])) {
		return "an"
	}
	return "a"
}

// capitalised is s with its first letter upper case ("camera …" → "Camera …").
func capitalised(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// maxKnown bounds how many pieces of evidence a review reason quotes, and
// maxKnownValue how much of each (device strings can be long).
const (
	maxKnown      = 3
	maxKnownValue = 80
)

// knownText quotes the evidence that named the maker or brand (the MAC
// block, a cloud name, a banner) and what says where the device is (an
// access point's network name). The report escapes it on output.
func knownText(d *fingerprint.Device) string {
	var parts []string
	for _, e := range d.Evidence {
		if !strings.Contains(e.Sets, "vendor=") && !strings.Contains(e.Sets, "brand=") && !observe.Locates(e.Key) {
			continue
		}
		v := e.Value
		if r := []rune(v); len(r) > maxKnownValue {
			v = string(r[:maxKnownValue]) + "…"
		}
		parts = append(parts, e.Key+"="+v)
		if len(parts) == maxKnown {
			break
		}
	}
	return strings.Join(parts, "; ")
}

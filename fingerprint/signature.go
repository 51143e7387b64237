package fingerprint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/camsweep/camsweep/observe"
)

// Requirement is another observation of the same device that must also match.
type Requirement struct {
	Key     string `yaml:"key"`
	Pattern string `yaml:"pattern"`

	re *regexp.Regexp
}

// Example is a real observed value that must match, with the outputs it must yield.
type Example struct {
	Value    string            `yaml:"value"`
	With     map[string]string `yaml:"with"`
	Vendor   string            `yaml:"vendor"`
	Brand    string            `yaml:"brand"`
	Kind     Kind              `yaml:"kind"`
	Model    string            `yaml:"model"`
	Firmware string            `yaml:"firmware"`
	Serial   string            `yaml:"serial"`
}

// Signature reads one observation key and, when its pattern matches, says what
// that proves about the device.
type Signature struct {
	ID      string   `yaml:"id"`
	Key     string   `yaml:"key"`
	Keys    []string `yaml:"keys"` // instead of key: the same evidence in any of these keys (a model scheme)
	Pattern string   `yaml:"pattern"`
	// Except is a pattern over the same value that takes a match back: names
	// of a claimed domain that the sources show only a maker's phone app or
	// a cloud client asking (cloud.yaml), so a phone asking them is no device.
	Except     string        `yaml:"except"`
	Requires   []Requirement `yaml:"requires"`
	Vendor     string        `yaml:"vendor"`
	Brand      string        `yaml:"brand"`
	Kind       Kind          `yaml:"kind"`
	Model      string        `yaml:"model"`
	Firmware   string        `yaml:"firmware"`
	Serial     string        `yaml:"serial"`
	Weight     float64       `yaml:"weight"`
	Precedence int           `yaml:"precedence"` // 0..9: how well sourced its model, firmware, serial and kind are (higher wins before weight)
	// MakerPrecedence (0..9) is how well sourced the maker it names is,
	// counted only between two restricted makers (decide, rankMakers): 2,
	// the device's own maker field (an ONVIF Manufacturer, a UPnP
	// manufacturer, a name or manufacturer scope); 1, a maker read from
	// the shape of a model name (a model scheme); 0, weight alone.
	MakerPrecedence int       `yaml:"maker_precedence"`
	Source          string    `yaml:"source"`
	Examples        []Example `yaml:"examples"`
	NearMisses      []string  `yaml:"near_misses"`
	// Mention marks text that only mentions the maker (its brand as a word
	// in a page): a device's own page says it, but so do a VMS's list of
	// supported brands and a shop's links. Like a cloud name the device
	// asked for, it alone gives review, never restricted.
	Mention bool `yaml:"mention"`

	File    string `yaml:"-"` // the data file it came from
	re      *regexp.Regexp
	except  *regexp.Regexp // compiled Except; nil: none
	needles []string       // literals one of which every match holds (prefilter.go); nil: none known
}

// ReadKeys returns the observation keys the signature reads: its key, or
// each of its keys.
func (s *Signature) ReadKeys() []string {
	if len(s.Keys) > 0 {
		return s.Keys
	}
	return []string{s.Key}
}

// Asked reports whether the signature reads what the device asked for (its
// keys are all asked keys, as compile makes sure) rather than what it is.
func (s *Signature) Asked() bool { return observe.IsAsked(s.ReadKeys()[0]) }

// Hearsay reports evidence that is not the device speaking of itself: what
// it asked for, or a page's mere mention of a maker.
func (s *Signature) Hearsay() bool { return s.Asked() || s.Mention }

// Match is what one signature concluded from one observed value.
type Match struct {
	Sig      *Signature
	Vendor   string // maker: the signature's, or the catalogue maker of its brand
	Brand    string // canonical brand name, empty if none or not catalogued
	Kind     Kind
	Model    string
	Firmware string
	Serial   string
	// Weight is what the match counts towards Vendor: the signature's weight,
	// lowered when only a weakly linked brand names the maker.
	Weight float64
	// byWeakBrand: the maker is named only through a weakly linked brand
	// (a relabeller that sources from other makers too).
	byWeakBrand bool
	// span is where in the (cleaned) value the pattern matched.
	span [2]int
}

// Sets describes what the match set, for evidence ("vendor=Hikvision model=DS-2CD2042WD-I").
func (m Match) Sets() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("vendor", m.Vendor)
	add("brand", m.Brand)
	add("kind", string(m.Kind))
	add("model", m.Model)
	add("firmware", m.Firmware)
	add("serial", m.Serial)
	return strings.Join(parts, " ")
}

var validKinds = map[Kind]bool{
	KindCamera: true, KindNVR: true, KindDVR: true, KindDoorbell: true, KindAccessControl: true,
	KindThermal: true, KindUnknown: true, KindPrinter: true, KindNetwork: true, KindPhone: true,
	KindIoT: true, KindHost: true,
}

var sigIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*){2,}$`)

// compile checks the signature against the catalogue and compiles its
// patterns. Errors name the file, the signature id and the field.
func (s *Signature) compile(cat *Catalogue) error {
	where := func(field string) string { return fmt.Sprintf("%s: signature %q: %s", s.File, s.ID, field) }
	if !sigIDPattern.MatchString(s.ID) {
		return fmt.Errorf("%s: want <family>.<protocol>.<what> in lower case", where("id"))
	}
	if (s.Key == "") == (len(s.Keys) == 0) {
		return fmt.Errorf("%s: want either key or keys", where("key"))
	}
	for _, k := range s.Keys {
		if k == "" || observe.IsAsked(k) != observe.IsAsked(s.Keys[0]) {
			// An asked key says what the device asked for, not what it is:
			// it shares a signature only with other asked keys (a cloud name
			// in a DNS question or a TLS server name), so that the
			// signature as a whole is asked or not (onlyHearsay).
			return fmt.Errorf("%s: %q is empty, or mixes keys of what the device asked for with keys of what it is", where("keys"), k)
		}
	}
	re, err := regexp.Compile(s.Pattern)
	if err != nil || s.Pattern == "" {
		return fmt.Errorf("%s: %v", where("pattern"), errOrEmpty(err))
	}
	s.re, s.needles = re, needlesOf(s.Pattern)
	if s.Except != "" {
		if s.except, err = regexp.Compile(s.Except); err != nil {
			return fmt.Errorf("%s: %v", where("except"), err)
		}
	}
	for i := range s.Requires {
		r := &s.Requires[i]
		if r.Key == "" {
			return fmt.Errorf("%s: missing key", where(fmt.Sprintf("requires[%d]", i)))
		}
		if r.re, err = regexp.Compile(r.Pattern); err != nil || r.Pattern == "" {
			return fmt.Errorf("%s: %v", where(fmt.Sprintf("requires[%d].pattern", i)), errOrEmpty(err))
		}
	}
	if s.Vendor != "" {
		if _, ok := cat.Vendor(s.Vendor); !ok {
			return fmt.Errorf("%s: %q is not in vendors.yaml", where("vendor"), s.Vendor)
		}
	}
	if s.Brand != "" && !strings.Contains(s.Brand, "$") {
		if _, ok := cat.Brand(s.Brand); !ok {
			return fmt.Errorf("%s: %q is not a catalogued brand", where("brand"), s.Brand)
		}
	}
	if s.Kind != "" && !validKinds[s.Kind] {
		return fmt.Errorf("%s: unknown kind %q", where("kind"), s.Kind)
	}
	if s.Weight <= 0 || s.Weight > 1 {
		return fmt.Errorf("%s: %v not in (0,1]", where("weight"), s.Weight)
	}
	if s.Precedence < 0 || s.Precedence > 9 {
		return fmt.Errorf("%s: %d not in 0..9", where("precedence"), s.Precedence)
	}
	if s.MakerPrecedence < 0 || s.MakerPrecedence > 9 {
		return fmt.Errorf("%s: %d not in 0..9", where("maker_precedence"), s.MakerPrecedence)
	}
	if s.MakerPrecedence > 0 && s.Vendor == "" && s.Brand == "" {
		return fmt.Errorf("%s: a signature that names no maker or brand has no maker to rank", where("maker_precedence"))
	}
	if len(s.Examples) == 0 {
		return fmt.Errorf("%s: a signature needs at least one real example", where("examples"))
	}
	for i, ex := range s.Examples {
		if ex.Kind != "" && !validKinds[ex.Kind] {
			return fmt.Errorf("%s: unknown kind %q", where(fmt.Sprintf("examples[%d].kind", i)), ex.Kind)
		}
	}
	return nil
}

func errOrEmpty(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("empty pattern")
}

// valueLookup answers "does this device have a value of key matching re".
type valueLookup func(key string, re *regexp.Regexp) bool

// apply matches the signature against one value of its key. It reports false
// when the pattern or any requirement does not match.
// folded is foldText(value), shared by the signatures of one fact.
func (s *Signature) apply(value, folded string, others valueLookup, cat *Catalogue) (Match, bool) {
	if !s.mayMatch(folded) {
		return Match{}, false
	}
	idx := s.re.FindStringSubmatchIndex(value)
	if idx == nil || s.except != nil && s.except.MatchString(value) {
		return Match{}, false
	}
	for _, r := range s.Requires {
		if others == nil || !others(r.Key, r.re) {
			return Match{}, false
		}
	}
	expand := func(tmpl string) string {
		if tmpl == "" {
			return ""
		}
		return strings.TrimSpace(string(s.re.ExpandString(nil, tmpl, value, idx)))
	}
	m := Match{Sig: s, Vendor: s.Vendor, Kind: s.Kind, Weight: s.Weight,
		Model: expand(s.Model), Firmware: expand(s.Firmware), Serial: expand(s.Serial), span: [2]int{idx[0], idx[1]}}
	if name := expand(s.Brand); name != "" {
		if b, ok := cat.Brand(name); ok {
			m.Brand = b.Name
			m.Vendor, m.Weight = brandMaker(s, b)
			m.byWeakBrand = s.Vendor == "" && b.Link == LinkWeak
		}
	}
	return m, true
}

// brandMaker decides which maker a brand-setting signature counts for. A
// signature that names its own vendor keeps it (a foreign brand on Hikvision
// firmware stays Hikvision); otherwise the brand's catalogue link decides.
func brandMaker(s *Signature, b *Brand) (string, float64) {
	if s.Vendor != "" {
		return s.Vendor, s.Weight
	}
	switch b.Link {
	case LinkWeak:
		return b.maker.Name, s.Weight / 2
	case LinkFirmware:
		return "", s.Weight
	}
	return b.maker.Name, s.Weight
}

package fingerprint

import (
	"fmt"
	"regexp"

	"github.com/camsweep/camsweep/observe"
)

// CheckExamples runs a signature's examples and near-misses and returns one
// line per problem: an example that does not match or does not yield what it
// states, an example of a signature with requirements that matches without
// them, or a near-miss that matches. Values are matched as the engine
// matches them, through observe.MatchText. The package tests run it over the whole
// database; signature authors can run it over a file in progress.
func (db *Database) CheckExamples(s *Signature) []string {
	var problems []string
	for i, ex := range s.Examples {
		problems = append(problems, db.checkExample(s, i, ex)...)
	}
	takenBack := false
	for _, nm := range s.NearMisses {
		text := observe.MatchText(nm)
		if !s.re.MatchString(text) {
			continue
		}
		if s.except != nil && s.except.MatchString(text) {
			takenBack = true
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: %s: near-miss %q matches %s", s.File, s.ID, nm, s.Pattern))
	}
	if s.except != nil && !takenBack {
		// an exception is there for real names: one of them is a near-miss
		problems = append(problems, fmt.Sprintf("%s: %s: no near-miss matches the pattern and is taken back by except %s", s.File, s.ID, s.Except))
	}
	return problems
}

func (db *Database) checkExample(s *Signature, i int, ex Example) []string {
	others := func(key string, re *regexp.Regexp) bool {
		v, ok := ex.With[key]
		return ok && re.MatchString(observe.MatchText(v))
	}
	where := fmt.Sprintf("%s: %s: example[%d] %q", s.File, s.ID, i, ex.Value)
	text := observe.MatchText(ex.Value)
	m, ok := s.apply(text, foldText(text), others, db.Catalogue)
	if !ok {
		return []string{fmt.Sprintf("%s does not match %s (with %v)", where, s.Pattern, ex.With)}
	}
	var problems []string
	for _, w := range []struct{ field, want, got string }{
		{"vendor", ex.Vendor, m.Vendor}, {"brand", ex.Brand, m.Brand}, {"kind", string(ex.Kind), string(m.Kind)},
		{"model", ex.Model, m.Model}, {"firmware", ex.Firmware, m.Firmware}, {"serial", ex.Serial, m.Serial},
	} {
		if w.want != "" && w.want != w.got {
			problems = append(problems, fmt.Sprintf("%s: %s = %q, want %q", where, w.field, w.got, w.want))
		}
	}
	if len(s.Requires) > 0 {
		if _, ok := s.apply(text, foldText(text), nil, db.Catalogue); ok {
			problems = append(problems, where+" matches without its required observations")
		}
	}
	return problems
}

package fingerprint

import (
	"regexp"
	"testing"
)

// TestSignatureExamples runs every example and near-miss in the embedded
// database: a signature without proof, or whose proof does not hold, fails.
func TestSignatureExamples(t *testing.T) {
	db, err := LoadDatabase()
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Signatures) == 0 {
		t.Fatal("no signatures loaded")
	}
	for _, s := range db.Signatures {
		t.Run(s.ID, func(t *testing.T) {
			for i, ex := range s.Examples {
				checkExample(t, db, s, i, ex)
			}
			for _, nm := range s.NearMisses {
				if s.re.MatchString(nm) {
					t.Errorf("%s: near-miss %q matches %s", s.File, nm, s.Pattern)
				}
			}
		})
	}
}

func checkExample(t *testing.T, db *Database, s *Signature, i int, ex Example) {
	t.Helper()
	others := func(key string, re *regexp.Regexp) bool {
		v, ok := ex.With[key]
		return ok && re.MatchString(v)
	}
	m, ok := s.apply(ex.Value, others, db.Catalogue)
	if !ok {
		t.Errorf("%s: example[%d] %q does not match %s (with %v)", s.File, i, ex.Value, s.Pattern, ex.With)
		return
	}
	want := []struct{ field, want, got string }{
		{"vendor", ex.Vendor, m.Vendor}, {"brand", ex.Brand, m.Brand}, {"kind", string(ex.Kind), string(m.Kind)},
		{"model", ex.Model, m.Model}, {"firmware", ex.Firmware, m.Firmware}, {"serial", ex.Serial, m.Serial},
	}
	for _, w := range want {
		if w.want != "" && w.want != w.got {
			t.Errorf("%s: example[%d] %q: %s = %q, want %q", s.File, i, ex.Value, w.field, w.got, w.want)
		}
	}
	if len(s.Requires) > 0 {
		if _, ok := s.apply(ex.Value, nil, db.Catalogue); ok {
			t.Errorf("%s: example[%d] matches without its required observations", s.File, i)
		}
	}
}

package fingerprint

import (
	"path"
	"strings"
	"testing"
)

// TestModelSchemesRankTheirMaker: every model scheme of models.yaml that
// names a maker ranks it at maker precedence 1 (its header), and every
// signature reading a device's manufacturer field at 2, so a scheme added
// later cannot outweigh a device's own maker field by weight alone, nor a
// manufacturer field be outranked by one (identify.go rankMakers).
func TestModelSchemesRankTheirMaker(t *testing.T) {
	db, err := LoadDatabase()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range db.Signatures {
		if path.Base(s.File) == "models.yaml" && s.Vendor != "" && s.MakerPrecedence != 1 {
			t.Errorf("%s: %s names maker %s by a model's shape: want maker_precedence: 1", s.File, s.ID, s.Vendor)
		}
		if strings.HasSuffix(s.ReadKeys()[0], ".manufacturer") && (s.Vendor != "" || s.Brand != "") && len(s.Requires) == 0 && s.MakerPrecedence != 2 {
			t.Errorf("%s: %s reads the device's manufacturer field: want maker_precedence: 2", s.File, s.ID)
		}
	}
}

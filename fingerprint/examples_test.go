package fingerprint

import (
	"strings"
	"testing"
	"testing/fstest"
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
		for _, p := range db.CheckExamples(s) {
			t.Error(p)
		}
	}
}

// TestCheckExamplesCatchesBadProof: the runner must fail a wrong expected
// output, a non-matching example, a matching near-miss and an example that
// matches without its required observation.
func TestCheckExamplesCatchesBadProof(t *testing.T) {
	vendors := "basis: {}\nvendors:\n  - {name: Acme}\n  - {name: Other}\n"
	sigs := `signatures:
  - id: acme.http.server
    key: http.server
    pattern: '^Acme/(?P<v>[0-9.]+)$'
    vendor: Acme
    firmware: '${v}'
    weight: 0.5
    examples:
      - {value: "Acme/1.0", firmware: "2.0"}
      - {value: "Acme 1.0"}
      - {value: "Acme/1.0", vendor: Other}
    near_misses: ["Acme/3"]
  - id: acme.http.title
    key: http.title
    pattern: 'Acme'
    requires: [{key: http.server, pattern: '.'}]
    weight: 0.5
    examples:
      - {value: "Acme", with: {http.server: "x"}}
`
	db, err := LoadDatabaseFS(fstest.MapFS{"d/vendors.yaml": {Data: []byte(vendors)},
		"d/signatures/a.yaml": {Data: []byte(sigs)}}, "d")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(append(db.CheckExamples(db.Signatures[0]), db.CheckExamples(db.Signatures[1])...), "\n")
	for _, want := range []string{`firmware = "1.0", want "2.0"`, `"Acme 1.0" does not match`,
		`vendor = "Acme", want "Other"`, `near-miss "Acme/3" matches`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing problem %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "without its required") {
		t.Errorf("title example should need its requirement:\n%s", got)
	}
}

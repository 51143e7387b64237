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

// TestExceptTakesMatchesBack: a value the signature's except matches is not
// claimed, an except must take back one of the near-misses, and a broken
// except pattern is a load error.
func TestExceptTakesMatchesBack(t *testing.T) {
	vendors := "basis: {}\nvendors:\n  - {name: Acme}\n"
	sigs := `signatures:
  - id: acme.dns.cloud
    keys: [dns.query, tls.sni]
    pattern: '(?:^|\.)acme\.example$'
    except: '^api\.acme\.example$'
    vendor: Acme
    weight: 0.3
    examples: [{value: "dev.acme.example"}]
    near_misses: ["api.acme.example"]
  - id: acme.dns.cloud-unused-except
    keys: [dns.query]
    pattern: '(?:^|\.)acme\.example$'
    except: '^www\.acme\.example$'
    vendor: Acme
    weight: 0.3
    examples: [{value: "dev.acme.example"}]
    near_misses: ["acme.example.org"]
`
	db, err := LoadDatabaseFS(fstest.MapFS{"d/vendors.yaml": {Data: []byte(vendors)},
		"d/signatures/a.yaml": {Data: []byte(sigs)}}, "d")
	if err != nil {
		t.Fatal(err)
	}
	if p := db.CheckExamples(db.Signatures[0]); len(p) > 0 {
		t.Errorf("the taken-back near-miss should pass: %v", p)
	}
	if _, ok := db.Signatures[0].apply("api.acme.example", foldText("api.acme.example"), nil, db.Catalogue); ok {
		t.Error("api.acme.example matched although except takes it back")
	}
	if _, ok := db.Signatures[0].apply("dev.acme.example", foldText("dev.acme.example"), nil, db.Catalogue); !ok {
		t.Error("dev.acme.example should still match")
	}
	if got := strings.Join(db.CheckExamples(db.Signatures[1]), "\n"); !strings.Contains(got, "taken back by except") {
		t.Errorf("an except no near-miss exercises should be reported, got %q", got)
	}
	bad := strings.Replace(sigs, `'^api\.acme\.example$'`, `'(api'`, 1)
	if _, err := LoadDatabaseFS(fstest.MapFS{"d/vendors.yaml": {Data: []byte(vendors)},
		"d/signatures/a.yaml": {Data: []byte(bad)}}, "d"); err == nil || !strings.Contains(err.Error(), "except") {
		t.Errorf("a broken except should fail to load, got %v", err)
	}
}

// Package schematest checks JSON documents against the JSON Schemas the
// project publishes in docs/schema, for tests: every JSON output camsweep
// writes is tested against its schema, so the published contract and the
// code cannot drift apart.
package schematest

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema files in docs/schema, one per document type.
const (
	Report  = "report.v1.json"
	Diff    = "diff.v1.json"
	History = "history.v1.json"
	Audit   = "audit.v1.json"
	// ReportLine is one line of --format jsonl.
	ReportLine = "report-line.v1.json"
)

var (
	mu       sync.Mutex
	compiled = map[string]*jsonschema.Schema{}
)

// Dir is the directory of the published schemas.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "schema")
}

func schema(name string) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[name]; ok {
		return s, nil
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time, ipv4 and ipv6 are checked, not just noted
	s, err := c.Compile(filepath.Join(Dir(), name))
	if err != nil {
		return nil, err
	}
	compiled[name] = s
	return s, nil
}

// Check reports whether doc is valid against the named schema; the error
// says which field breaks which rule.
func Check(name string, doc []byte) error {
	s, err := schema(name)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// Valid fails the test when doc does not match the named schema. A new
// field in an output must be added to its schema in docs/schema (adding a
// field keeps the version; removing or changing one needs a new version).
func Valid(t testing.TB, name string, doc []byte) {
	t.Helper()
	if err := Check(name, doc); err != nil {
		t.Errorf("output does not match docs/schema/%s (a new field belongs in the schema too):\n%v\ndocument:\n%.2000s", name, err, doc)
	}
}

// ValidLines checks every line of a JSON Lines document against the named
// schema, and that there is at least one line.
func ValidLines(t testing.TB, name string, doc []byte) {
	t.Helper()
	lines := bytes.Split(bytes.TrimSpace(doc), []byte("\n"))
	if len(lines) == 0 || len(lines[0]) == 0 {
		t.Errorf("no JSON lines to check against docs/schema/%s", name)
		return
	}
	for i, line := range lines {
		if err := Check(name, line); err != nil {
			t.Errorf("line %d does not match docs/schema/%s:\n%v\n%.1000s", i+1, name, err, line)
		}
	}
}

package fingerprint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/camsweep/camsweep/observe"
)

// A misspelt key in a signature file is refused with its file, line and key:
// without the registry it loaded and silently matched nothing.
func TestMistypedKeyFailsLoad(t *testing.T) {
	sigs, err := os.ReadFile("data/signatures/dahua.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vendors, err := os.ReadFile("data/vendors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const good, bad = "key: http.favicon_mmh3", "key: http.favicon_mm3"
	if !strings.Contains(string(sigs), good) {
		t.Fatalf("dahua.yaml no longer reads http.favicon_mmh3; pick another key for this test")
	}
	broken := strings.Replace(string(sigs), good, bad, 1)
	line := 1 + strings.Count(broken[:strings.Index(broken, bad)], "\n")
	fsys := fstest.MapFS{
		"d/vendors.yaml":          {Data: vendors},
		"d/signatures/dahua.yaml": {Data: []byte(broken)},
	}
	_, err = LoadDatabaseFS(fsys, "d")
	if err == nil {
		t.Fatal("a signature reading http.favicon_mm3 loaded")
	}
	for _, want := range []string{fmt.Sprintf("d/signatures/dahua.yaml:%d:", line), `"http.favicon_mm3"`, `did you mean "http.favicon_mmh3"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return fmtInt(n/10) + string(rune('0'+n%10))
}

// The registry and docs/observation-keys.md list the same keys.
func TestKeyRegistryMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/observation-keys.md")
	if err != nil {
		t.Fatal(err)
	}
	keyLike := regexp.MustCompile("`([a-z0-9]+\\.[a-z0-9_]+)`")
	documented := map[string]bool{}
	for _, m := range keyLike.FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, k := range observe.Keys() {
		if !documented[k.Name] {
			t.Errorf("%s is registered (observe/keys.go) but not documented in docs/observation-keys.md", k.Name)
		}
		delete(documented, k.Name)
	}
	for k := range documented {
		t.Errorf("%s is documented in docs/observation-keys.md but not registered in observe/keys.go", k)
	}
	// The document's context-only list is the registry's.
	section := string(doc)
	if i := strings.Index(section, "## Context only"); i >= 0 {
		section = section[i:]
	} else {
		t.Fatal(`docs/observation-keys.md has no "## Context only" section`)
	}
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	var listed []string
	for _, m := range keyLike.FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	var context []string
	for _, k := range observe.Keys() {
		if k.Role == observe.Context {
			context = append(context, k.Name)
		}
	}
	slices.Sort(listed)
	slices.Sort(context)
	if !slices.Equal(listed, context) {
		t.Errorf("docs/observation-keys.md context-only list %v, registry %v", listed, context)
	}
}

// Every fact key is read by some signature, and every key but the raw input
// ones is written by some decoder: a registered key nobody writes or reads is
// a dead signal.
func TestEveryKeyIsWrittenAndRead(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, s := range db.Signatures {
		for _, k := range s.ReadKeys() {
			read[k] = true
		}
		for _, r := range s.Requires {
			read[r.Key] = true
		}
	}
	written := decoderLiterals(t)
	for _, k := range observe.Keys() {
		if k.Role == observe.Fact && !read[k.Name] {
			t.Errorf("%s is a fact key no signature reads: add a signature or register it as context", k.Name)
		}
		if k.Role == observe.Context && read[k.Name] {
			t.Errorf("%s is registered as context but signatures read it: make it a fact key", k.Name)
		}
		if !written[k.Name] {
			t.Errorf("%s is written by no decoder (no string literal %q in scanner/ or the importers)", k.Name, k.Name)
		}
	}
}

// decoderLiterals collects the quoted strings of the non-test Go files of the
// decoders (scanner/) and importers (cmd/camsweep, importers, the audit's
// report import), which is where keys are written.
func decoderLiterals(t *testing.T) map[string]bool {
	t.Helper()
	lit := regexp.MustCompile(`"([a-z0-9]+\.[a-z0-9_]+)"`)
	found := map[string]bool{}
	for _, root := range []string{"../scanner", "../cmd/camsweep", "../importer", "../audit"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
				found[m[1]] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return found
}

// Decoders and probes know protocols, never vendors: nothing under scanner/
// imports the engine (which embeds the signature database and the OUI
// table); they share the vocabulary through package observe.
func TestDecodersDoNotImportTheEngine(t *testing.T) {
	const engine = `"github.com/camsweep/camsweep/fingerprint"`
	err := filepath.WalkDir("../scanner", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), engine) {
			t.Errorf("%s imports fingerprint: decoders import observe for Observation and MAC", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

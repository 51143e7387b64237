package fingerprint

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/camsweep/camsweep/observe"
	"github.com/goccy/go-yaml"
)

//go:embed data
var embedded embed.FS

// Database is the catalogue and every signature, validated and compiled.
// It is immutable after loading and safe for concurrent use.
type Database struct {
	Catalogue  *Catalogue
	Signatures []*Signature // in file order, files sorted by name

	byKey map[string][]*Signature
}

// LoadDatabase loads the database embedded in the binary.
func LoadDatabase() (*Database, error) { return LoadDatabaseFS(embedded, "data") }

var defaultDB = sync.OnceValues(LoadDatabase)

// Default returns the embedded database, loaded once.
func Default() (*Database, error) { return defaultDB() }

// LoadDatabaseFS loads vendors.yaml and signatures/*.yaml under dir of fsys.
func LoadDatabaseFS(fsys fs.FS, dir string) (*Database, error) {
	cat, err := loadCatalogue(fsys, path.Join(dir, "vendors.yaml"))
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, path.Join(dir, "signatures", "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	db := &Database{Catalogue: cat, byKey: map[string][]*Signature{}}
	seen := map[string]string{}
	for _, f := range files {
		sigs, err := loadSignatures(fsys, f, cat)
		if err != nil {
			return nil, err
		}
		for _, s := range sigs {
			if prev, dup := seen[s.ID]; dup {
				return nil, fmt.Errorf("%s: signature %q: id: duplicate (also in %s)", f, s.ID, prev)
			}
			seen[s.ID] = f
			db.Signatures = append(db.Signatures, s)
			for _, k := range s.ReadKeys() {
				db.byKey[k] = append(db.byKey[k], s)
			}
		}
	}
	return db, nil
}

func loadCatalogue(fsys fs.FS, name string) (*Catalogue, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var cat Catalogue
	if err := decodeStrict(data, &cat); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := cat.index(name); err != nil {
		return nil, err
	}
	return &cat, nil
}

func loadSignatures(fsys fs.FS, name string, cat *Catalogue) ([]*Signature, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Signatures []*Signature `yaml:"signatures"`
	}
	if err := decodeStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	for i, s := range doc.Signatures {
		if s == nil {
			return nil, fmt.Errorf("%s: signatures[%d]: empty entry", name, i)
		}
		s.File = name
		if err := s.compile(cat); err != nil {
			return nil, err
		}
		if err := checkKeys(s, data); err != nil {
			return nil, err
		}
	}
	return doc.Signatures, nil
}

// checkKeys rejects a signature that reads a key outside the observation
// registry: a misspelt key would otherwise match nothing, silently. The
// error names the file, the line, the signature and the key.
func checkKeys(s *Signature, data []byte) error {
	fail := func(field, key string) error {
		hint := ""
		if near := observe.Suggest(key); near != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", near)
		}
		return fmt.Errorf("%s:%d: signature %q: %s: unknown observation key %q%s; keys are listed in observe/keys.go and docs/observation-keys.md",
			s.File, lineAfter(data, "id: "+s.ID, key), s.ID, field, key, hint)
	}
	for _, k := range s.ReadKeys() {
		if !observe.Known(k) {
			return fail("key", k)
		}
	}
	for i, r := range s.Requires {
		if !observe.Known(r.Key) {
			return fail(fmt.Sprintf("requires[%d].key", i), r.Key)
		}
	}
	for i, ex := range s.Examples {
		for k := range ex.With {
			if !observe.Known(k) {
				return fail(fmt.Sprintf("examples[%d].with", i), k)
			}
		}
	}
	return nil
}

// lineAfter returns the 1-based line of the first mention of needle at or
// after the line holding anchor, for error messages (0 when not found).
func lineAfter(data []byte, anchor, needle string) int {
	lines := strings.Split(string(data), "\n")
	start := max(0, slices.IndexFunc(lines, func(l string) bool {
		l = strings.TrimPrefix(strings.TrimSpace(l), "- ")
		return strings.ReplaceAll(strings.ReplaceAll(l, `"`, ""), "'", "") == anchor
	}))
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], needle) {
			return i + 1
		}
	}
	return 0
}

// decodeStrict rejects unknown fields, so a misspelt field name fails the
// load instead of being silently ignored.
func decodeStrict(data []byte, v any) error {
	return yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField()).Decode(v)
}

// ForKey returns the signatures that read an observation key.
func (db *Database) ForKey(key string) []*Signature { return db.byKey[key] }

// Reads reports whether a signature of key matches value by its pattern
// (and not its exception); what it requires of other facts is not asked. An
// importer splitting text another tool printed (nmap's VERSION column) asks
// it where a value the signatures read ends.
func (db *Database) Reads(key, value string) bool {
	for _, s := range db.ForKey(key) {
		if s.re.MatchString(value) && (s.except == nil || !s.except.MatchString(value)) {
			return true
		}
	}
	return false
}

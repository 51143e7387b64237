package oui

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The table format, one block per line, gzip-compressed:
//
//	# camsweep-oui 1
//	# date: 2026-08-26
//	# source: ...
//	PREFIX<TAB>Organisation<TAB>Country
const tableMagic = "# camsweep-oui 1"

//go:embed registry.txt.gz
var embedded []byte

// maxTable bounds how much of an override file is read: the real registry is
// about 3 MB uncompressed.
const maxTable = 64 << 20

// EnvFile names an environment variable that, when set, points at the table
// file Default reads instead of the user's override (tests use it).
const EnvFile = "CAMSWEEP_OUI_FILE"

var (
	defaultOnce sync.Once
	defaultReg  *Registry
	defaultErr  error
)

// Default returns the registry the tool uses: the override written by
// `camsweep oui update` when one exists and reads cleanly, else the embedded one.
func Default() (*Registry, error) {
	defaultOnce.Do(func() {
		if path, err := OverridePath(); err == nil {
			if f, err := os.Open(path); err == nil {
				defer f.Close()
				if r, err := ReadTable(f); err == nil {
					defaultReg = r
					return
				} else {
					defaultErr = fmt.Errorf("oui override %s: %w (remove it or run oui update again)", path, err)
					return
				}
			}
		}
		defaultReg, defaultErr = Embedded()
	})
	return defaultReg, defaultErr
}

// Embedded returns the registry compiled into the binary.
func Embedded() (*Registry, error) { return ReadTable(bytes.NewReader(embedded)) }

// OverridePath is where WriteOverride saves a rebuilt table: $CAMSWEEP_OUI_FILE,
// else camsweep/oui.txt.gz under the user's configuration directory.
func OverridePath() (string, error) {
	if p := os.Getenv(EnvFile); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "camsweep", "oui.txt.gz"), nil
}

// ReadTable parses a gzip-compressed table as written by WriteTable. The
// whole text is read into one string and each entry's fields are slices of
// it: every report-producing command loads the registry before its work, and
// a line at a time (three strings, a growing slice and maps) cost 80 ms.
func ReadTable(r io.Reader) (*Registry, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a camsweep OUI table: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxTable))
	if err != nil {
		return nil, fmt.Errorf("reading table: %w", err)
	}
	text := string(raw)
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimSuffix(first, "\r") != tableMagic {
		return nil, errors.New("not a camsweep OUI table: bad header")
	}
	b := newBuilderSized("", "", strings.Count(rest, "\n")+1)
	for line := 2; rest != ""; line++ {
		var text string
		text, rest, _ = strings.Cut(rest, "\n")
		if err := b.addLine(text); err != nil {
			return nil, fmt.Errorf("table line %d: %w", line, err)
		}
	}
	if len(b.r.entries) == 0 {
		return nil, errors.New("table holds no blocks")
	}
	return b.r, nil
}

// addLine takes one table line: a header comment or PREFIX<TAB>ORG[<TAB>COUNTRY].
func (b *builder) addLine(text string) error {
	if v, ok := strings.CutPrefix(text, "# date: "); ok {
		b.r.date = v
		return nil
	}
	if v, ok := strings.CutPrefix(text, "# source: "); ok {
		b.r.source = v
		return nil
	}
	prefix, org, ok := strings.Cut(text, "\t")
	if !ok {
		return errors.New("want PREFIX<TAB>ORG")
	}
	org, country, _ := strings.Cut(org, "\t")
	return b.add(prefix, org, country)
}

// WriteTable writes r in the table format ReadTable reads.
func (r *Registry) WriteTable(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	fmt.Fprintf(bw, "%s\n# date: %s\n# source: %s\n", tableMagic, r.date, r.source)
	for _, e := range r.entries {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", e.Prefix, clean(e.Org), clean(e.Country))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// WriteOverride saves r where Default will find it, atomically: a failed write
// leaves the previous table in place. It returns the path written.
func (r *Registry) WriteOverride() (string, error) {
	path, err := OverridePath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".oui-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := r.WriteTable(tmp); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// clean keeps the line-based table format intact whatever a registrant name holds.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

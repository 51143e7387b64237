package oui

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// csvFiles are the IEEE registry exports LoadCSVDir reads, as the IEEE and
// Debian's ieee-data name them. oui.csv is required; the others are read when
// present because without them MA-M and MA-S blocks resolve to "IEEE
// Registration Authority".
var csvFiles = []struct {
	name     string
	registry string
	digits   int
	required bool
}{
	{"oui.csv", "MA-L", 6, true},
	{"mam.csv", "MA-M", 7, false},
	{"oui36.csv", "MA-S", 9, false},
	{"iab.csv", "IAB", 9, false},
}

// maxCSV bounds one CSV file; the real oui.csv is about 3 MB.
const maxCSV = 256 << 20

// LoadCSVDir builds a registry from the IEEE CSV files in dir. A malformed
// file is refused with its name and line number; nothing is half-loaded.
func LoadCSVDir(dir string) (*Registry, error) {
	b := newBuilder("", "IEEE CSV files in "+dir)
	var newest time.Time
	var read []string
	for _, spec := range csvFiles {
		path := filepath.Join(dir, spec.name)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) && !spec.required {
			continue
		}
		if err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil && st.ModTime().After(newest) {
			newest = st.ModTime()
		}
		err = readCSV(b, f, spec.registry, spec.digits)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		read = append(read, spec.name)
	}
	b.r.date = snapshotDate(dir, newest)
	b.r.source = fmt.Sprintf("IEEE CSV (%s) from %s", strings.Join(read, ", "), dir)
	return b.r, nil
}

// snapshotDate prefers the registry's own download stamp (Debian's ieee-data
// keeps one in .lastupdate, seconds since the epoch) over file times, which a
// copy resets.
func snapshotDate(dir string, newest time.Time) string {
	if b, err := os.ReadFile(filepath.Join(dir, ".lastupdate")); err == nil {
		if secs, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && secs > 0 {
			return time.Unix(secs, 0).UTC().Format("2006-01-02")
		}
	}
	return newest.UTC().Format("2006-01-02")
}

// readCSV adds one IEEE CSV file: Registry,Assignment,Organization Name,Organization Address.
func readCSV(b *builder, r io.Reader, registry string, digits int) error {
	cr := csv.NewReader(io.LimitReader(r, maxCSV))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("line 1: %w", err)
	}
	if len(header) < 3 || !strings.EqualFold(strings.TrimPrefix(header[0], "\ufeff"), "Registry") || !strings.EqualFold(header[1], "Assignment") {
		return errors.New("line 1: not an IEEE registry CSV (want header Registry,Assignment,Organization Name,...)")
	}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			if n == 0 {
				return errors.New("no assignments")
			}
			return nil
		}
		if err != nil {
			return err // csv.ParseError names the line
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		if len(rec) < 3 {
			return fmt.Errorf("line %d: %d fields, want at least 3", line, len(rec))
		}
		if rec[0] != registry {
			return fmt.Errorf("line %d: registry %q in a %s file", line, rec[0], registry)
		}
		if len(rec[1]) != digits {
			return fmt.Errorf("line %d: assignment %q is not %d hex digits", line, rec[1], digits)
		}
		if err := b.add(rec[1], rec[2], ""); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

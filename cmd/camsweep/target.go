package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// target is where a command writes its report: a format and a file ("" or
// "-": standard output). It is settled and checked before any work, so a
// typo or a missing directory costs nothing; and if writing still fails at
// the end, the report is written elsewhere rather than lost.
type target struct {
	format string
	path   string
	// fallbackDir takes the report when path cannot be written at the end
	// ("": the temporary directory).
	fallbackDir string
}

// formatOfExtension maps file extensions to the format they name.
var formatOfExtension = map[string]string{".html": "html", ".htm": "html", ".json": "json", ".csv": "csv", ".jsonl": "jsonl", ".txt": "table"}

// settleTarget decides the format of a report written to path and checks the
// file can be written. The extension decides when --format was not given;
// when it was, an extension naming another format is refused (a text table
// in report.html is never what was meant). formatFlag and pathFlag name the
// flags in messages; allowed lists the formats the command writes.
func settleTarget(format string, explicit bool, path, formatFlag, pathFlag string, allowed []string) (target, error) {
	if format == "" {
		format = "table" // the flag's default, unless the file's extension says otherwise
	}
	t := target{format: format, path: path}
	if t.toStdout() {
		t.path = ""
	} else if byExt, ok := formatOfExtension[strings.ToLower(filepath.Ext(path))]; ok && byExt != format {
		if explicit {
			return t, usageError("%s %s does not match %s %s (a %s file): drop %s or change the file name",
				formatFlag, format, pathFlag, path, byExt, formatFlag)
		}
		t.format = byExt
	}
	if !slices.Contains(allowed, t.format) {
		return t, usageError("unknown %s %q (want %s)", formatFlag, t.format, strings.Join(allowed, ", "))
	}
	if !t.toStdout() {
		if err := checkWritable(t.path); err != nil {
			return t, usageError("%s %s: %v", pathFlag, t.path, err)
		}
	}
	return t, nil
}

func (t target) toStdout() bool { return t.path == "" || t.path == "-" }

// checkWritable proves a file can be created at path: its directory exists
// and takes a new file, and path is not a directory.
func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory")
	} else if err == nil && !st.Mode().IsRegular() {
		return nil // a device or pipe is written in place (writeAtomic)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s does not exist", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".camsweep-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %v", dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// write renders to standard output or to the file, replaced atomically so a
// scheduler never reads half a report. When the file cannot be written, the
// report goes to the fallback directory and the error names where it is.
func (t target) write(stdout io.Writer, render func(io.Writer) error) error {
	if t.toStdout() {
		return render(stdout)
	}
	err := writeAtomic(t.path, render)
	if err == nil {
		return nil
	}
	dir := t.fallbackDir
	if dir == "" {
		dir = os.TempDir()
	}
	saved := filepath.Join(dir, fmt.Sprintf("camsweep-%s-%s", time.Now().UTC().Format("20060102T150405Z"), filepath.Base(t.path)))
	if ferr := writeAtomic(saved, render); ferr != nil {
		return fmt.Errorf("%w; writing it to %s instead also failed: %v", err, saved, ferr)
	}
	return fmt.Errorf("%w; the report was written to %s instead", err, saved)
}

// writeAtomic replaces a regular file (or creates it) through a temporary
// file and a rename. A path that is not a regular file (a FIFO, /dev/null,
// /dev/stdout) is written in place: a rename would put a plain file where the
// device or pipe was.
func writeAtomic(path string, render func(io.Writer) error) error {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return writeInPlace(path, render)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".camsweep-*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func writeInPlace(path string, render func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := render(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

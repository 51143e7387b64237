//go:build linux

package labtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/internal/labreq"
	"github.com/camsweep/camsweep/report"
)

// binary is the camsweep executable under test, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if lab.Unavailable() == "" {
		dir, err := os.MkdirTemp("", "camsweep-labtest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "camsweep")
		build := exec.Command("go", "build", "-o", binary, "github.com/camsweep/camsweep/cmd/camsweep")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building camsweep:", err)
			return 1
		}
		// The binary runs as nobody in the unprivileged test.
		os.Chmod(dir, 0o755)
	}
	return m.Run()
}

// newLab builds a /24 lab, or skips (fails under CAMSWEEP_REQUIRE_LAB=1)
// where labs cannot be built.
func newLab(t *testing.T, opts lab.Options) *lab.Lab {
	t.Helper()
	labreq.Require(t)
	l, err := lab.New(opts)
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("closing the lab: %v", err)
		}
	})
	return l
}

func profiles(t *testing.T) []camsim.Profile {
	t.Helper()
	ps, err := camsim.LoadProfiles(camsim.Data(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// startAll starts every camsim profile in l and returns the devices by name.
func startAll(t *testing.T, l *lab.Lab) map[string]*camsim.Device {
	t.Helper()
	devs, err := StartDevices(context.Background(), l, profiles(t))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*camsim.Device{}
	for _, d := range devs {
		out[d.Profile.Name] = d
	}
	return out
}

// sweepRun is one camsweep process run in the scanner namespace.
type sweepRun struct {
	stdout, stderr []byte
	exit           int
	took           time.Duration
}

// sweep runs camsweep with args inside the scanner namespace of l, as the
// command prefix says (nil: as root), and waits at most limit.
func sweep(t *testing.T, l *lab.Lab, limit time.Duration, prefix []string, args ...string) sweepRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	argv := append(append(append([]string{}, prefix...), binary), args...)
	cmd := l.Scanner().Command(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := sweepRun{stdout: stdout.Bytes(), stderr: stderr.Bytes(), took: time.Since(start), exit: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		t.Fatalf("camsweep %v still running after %v (killed); stderr:\n%s", args, limit, stderr.Bytes())
	}
	if err != nil && r.exit != 2 { // 2: ran, and found restricted devices
		t.Fatalf("camsweep %v: %v; stderr:\n%s", args, err, stderr.Bytes())
	}
	return r
}

func parseReport(t *testing.T, b []byte) *report.Result {
	t.Helper()
	var r report.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, b)
	}
	if r.Schema != report.Schema {
		t.Fatalf("schema %q, want %q", r.Schema, report.Schema)
	}
	return &r
}

// labOptions is the lab every sweep test uses: the default /24.
func labOptions() lab.Options { return lab.Options{} }

//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/labreq"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
)

func TestDemoSaysPlainlyItNeedsRoot(t *testing.T) {
	labOK := func() string { return "" }
	msg := demoUnavailable(1000, labOK)
	if !strings.Contains(msg, "needs root") || !strings.Contains(msg, "sudo camsweep demo") {
		t.Errorf("non-root message %q does not say it needs root and how to run it", msg)
	}
	if msg := demoUnavailable(0, labOK); msg != "" {
		t.Errorf("root with labs available: %q", msg)
	}
	if msg := demoUnavailable(0, func() string { return "no netns" }); !strings.Contains(msg, "no netns") {
		t.Errorf("lab reason not passed on: %q", msg)
	}
}

func TestDemoProfilesCoverEveryDemoDevice(t *testing.T) {
	ps, err := demoProfiles("")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range demoDevices {
		if _, ok := ps[d.profile]; !ok {
			t.Errorf("demo device %q has no profile", d.profile)
		}
	}
}

// demoBinary builds camsweep for a test that runs it as a process (the demo
// re-executes itself in the lab's scanner namespace).
func demoBinary(t *testing.T) string {
	t.Helper()
	labreq.Require(t)
	bin := filepath.Join(t.TempDir(), "camsweep")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// labNamespaces lists the namespaces a demo process with pid left behind.
func labNamespaces(t *testing.T, pid int) []string {
	t.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "cslab-"+strconv.Itoa(pid)+"-") {
			left = append(left, e.Name())
		}
	}
	return left
}

func TestDemoSweepsItsLabAndRemovesIt(t *testing.T) {
	bin := demoBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "demo", "--format", "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.Bytes())
	}
	if left := labNamespaces(t, cmd.Process.Pid); len(left) > 0 {
		t.Errorf("namespaces left behind: %v", left)
	}
	var res report.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("report: %v\n%s", err, stdout.Bytes())
	}
	// Every restricted device of the core zone is critical, of the CCTV zone medium.
	want := map[string]policy.Severity{}
	ps, _ := demoProfiles("")
	for _, d := range demoDevices {
		if ps[d.profile].Expect.Restricted {
			sev := policy.Severity("medium")
			if d.core {
				sev = "critical"
			}
			want[ps[d.profile].MAC] = sev
		}
	}
	got := map[string]policy.Severity{}
	for _, f := range res.Findings {
		got[f.MAC.String()] = f.Severity
	}
	for mac, sev := range want {
		if got[mac] != sev {
			t.Errorf("finding for %s: %q, want %q", mac, got[mac], sev)
		}
	}
	if len(res.Devices) < len(demoDevices)-1 {
		t.Errorf("%d devices reported for %d simulated", len(res.Devices), len(demoDevices))
	}
	if !strings.Contains(stderr.String(), "lab removed") {
		t.Errorf("demo did not say it removed the lab:\n%s", stderr.Bytes())
	}
}

func TestDemoCtrlCRemovesTheLab(t *testing.T) {
	bin := demoBinary(t)
	cmd := exec.Command(bin, "demo")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "sweeping it") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("demo never started sweeping:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // mid-sweep
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demo still running 15 s after Ctrl-C:\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != exitPartial {
		t.Errorf("exit %d after Ctrl-C, want %d (partial)\n%s", code, exitPartial, stderr.String())
	}
	if left := labNamespaces(t, cmd.Process.Pid); len(left) > 0 {
		t.Errorf("namespaces left behind after Ctrl-C: %v", left)
	}
}

// A Ctrl-C that reaches the sweep before it has set up its own handling
// kills it outright: the demo still exits partial, not with the -1 of a
// killed process (seen as exit 255 on a loaded machine).
func TestDemoCtrlCBeforeTheSweepHandlesItIsPartial(t *testing.T) {
	cases := map[string]struct {
		script string
		want   int
	}{
		"killed by the signal":         {"exec sleep 30", exitPartial},
		"stops and reports on its own": {"trap 'exit 3' INT; sleep 5 & wait", exitPartial},
		"fails on its own":             {"trap 'exit 1' INT; sleep 5 & wait", exitError},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			sweep := exec.Command("sh", "-c", c.script)
			if err := sweep.Start(); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			err := waitSweep(ctx, sweep)
			ee, ok := err.(*exitErr)
			if !ok || ee.code != c.want {
				t.Errorf("waitSweep = %v, want exit %d", err, c.want)
			}
		})
	}
}

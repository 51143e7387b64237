package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/scanner/sweep"
)

// Without a terminal, a long sweep writes a line every 10 s, a short one
// nothing; -q silences both.
func TestSweepLogWritesEveryIntervalForLongSweeps(t *testing.T) {
	var out bytes.Buffer
	log := sweepLog(&out, 10*time.Second, time.Minute)
	long := sweep.Progress{Hosts: 12, Asked: 3000, Addresses: 65534, Expected: 4 * time.Minute}
	for s := 1; s <= 25; s++ {
		p := long
		p.Elapsed, p.Sent, p.Left = time.Duration(s)*time.Second, int64(300*s), 3*time.Minute+time.Duration(25-s)*time.Second
		log(p)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || lines[0] != "camsweep: 12 hosts found, 3000/65534 addresses asked, 300 packets/s, about 3m15s left" {
		t.Errorf("lines over 25 s: %q", lines)
	}
	out.Reset()
	short := sweep.Progress{Hosts: 3, Asked: 100, Addresses: 254, Expected: 2 * time.Second, Elapsed: 20 * time.Second}
	log(short)
	if out.Len() != 0 {
		t.Errorf("a sweep expected to take 2 s wrote %q", out.String())
	}
	if sweepProgress(&out, true) != nil {
		t.Error("-q still reports progress")
	}
}

// A targets file and exclusions reach the plan, and a bad line is named.
func TestSweepFlagsReadTargetAndExcludeFiles(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.txt")
	if err := os.WriteFile(targets, []byte("10.9.0.0/24 # lab\n10.9.1.7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := sweepOptions{targetsFile: targets, exclude: "10.9.0.1, 10.9.0.2", rate: 100, bcastRate: 50,
		discWait: time.Second, timeout: time.Second}
	cfg, inputs, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Targets) != 2 || len(cfg.Exclude) != 2 || inputs[0] != "10.9.0.0/24,10.9.1.7" {
		t.Errorf("targets %v exclude %v inputs %q", cfg.Targets, cfg.Exclude, inputs)
	}
	if err := os.WriteFile(targets, []byte("10.9.0.0/24\n10.9.0.0/40\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli(t, "", "sweep", "--targets-file", targets)
	if code != exitError || !strings.Contains(stderr, "--targets-file: "+targets+":2:") {
		t.Errorf("bad line: exit %d, %q", code, stderr)
	}
	code, _, stderr = cli(t, "", "sweep", "--targets", "10.0.0.0/15")
	if code != exitError || !strings.Contains(stderr, "--yes") {
		t.Errorf("a /15 without --yes: exit %d, %q", code, stderr)
	}
}

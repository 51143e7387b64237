package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/report"
)

// captureExpectations is testdata/realdata/expectations.yaml: what camsweep
// pcap must find in each real capture (the file's header explains the fields).
type captureExpectations struct {
	Captures []struct {
		File   string              `yaml:"file"`
		Args   []string            `yaml:"args"`
		Expect []deviceExpectation `yaml:"expect"`
	} `yaml:"captures"`
}

type deviceExpectation struct {
	MAC      string `yaml:"mac"`
	IP       string `yaml:"ip"`
	Verdict  string `yaml:"verdict"`
	Vendor   string `yaml:"vendor"`
	Brand    string `yaml:"brand"`
	Model    string `yaml:"model"`
	Firmware string `yaml:"firmware"`
	Kind     string `yaml:"kind"`
	Why      string `yaml:"why"`
	Miss     string `yaml:"miss"`
}

func (e deviceExpectation) String() string {
	id := strings.TrimSpace(e.MAC + " " + e.IP)
	return fmt.Sprintf("%s %s", id, e.Verdict)
}

// TestRealCapturesMeetTheirExpectations runs camsweep pcap on every real
// capture in testdata/realdata and holds it to the expectations written from
// reading the packets: each device's verdict, maker and model, and no
// restricted device that no expectation names (phones, plugs and PCs of
// restricted makers among them). Known misses are logged with their reason,
// and logged again when they start to be met, so the table can be updated.
func TestRealCapturesMeetTheirExpectations(t *testing.T) {
	table := readCaptureExpectations(t)
	listed := map[string]bool{}
	met, misses, total := 0, 0, 0
	for _, c := range table.Captures {
		listed[c.File] = true
		name := strings.Join(append([]string{c.File}, c.Args...), " ")
		args := append([]string{"pcap", "-q", "--format", "json", "--fail-on", "none"}, c.Args...)
		_, out, stderr := cli(t, "", append(args, realData(c.File))...)
		if out == "" {
			t.Errorf("%s: no report (%s)", name, stderr)
			continue
		}
		r := decodeJSON(t, out)
		for _, e := range c.Expect {
			total++
			problem := checkDeviceExpectation(r, e)
			switch {
			case e.Miss != "" && problem != "":
				misses++
				t.Logf("%s: %s: known miss (%s): %s", name, e, e.Miss, problem)
			case e.Miss != "":
				met++
				t.Logf("%s: %s: the known miss is now met: drop its miss mark", name, e)
			case problem != "":
				t.Errorf("%s: %s (%s): %s", name, e, e.Why, problem)
			default:
				met++
			}
		}
		for _, d := range r.Devices {
			if d.Verdict == fingerprint.VerdictRestricted && !expectsRestricted(c.Expect, d) {
				t.Errorf("%s: %s %v restricted (%s %s, %s) but no expectation says so", name, d.MAC, d.IPs, d.Vendor, d.Model, d.Kind)
			}
		}
	}
	for _, f := range realCaptureFiles(t) {
		if !listed[f] {
			t.Errorf("%s has no expectations in testdata/realdata/expectations.yaml", f)
		}
	}
	t.Logf("real captures: %d files in %d runs, %d expectations, %d met, %d known misses", len(listed), len(table.Captures), total, met, misses)
}

func readCaptureExpectations(t *testing.T) captureExpectations {
	t.Helper()
	data, err := os.ReadFile(realData("expectations.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var table captureExpectations
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField()).Decode(&table); err != nil {
		t.Fatalf("expectations.yaml: %v", err)
	}
	for _, c := range table.Captures {
		for _, e := range c.Expect {
			if e.MAC == "" && e.IP == "" || !slices.Contains([]string{"restricted", "review", "clear", "not-camera", "not-restricted"}, e.Verdict) || e.Why == "" {
				t.Fatalf("expectations.yaml: %s: %+v needs a mac or ip, a known verdict and why", c.File, e)
			}
		}
	}
	return table
}

// realCaptureFiles lists every capture under testdata/realdata as origin/file.
func realCaptureFiles(t *testing.T) []string {
	t.Helper()
	root := realData("")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext == ".pcap" || ext == ".pcapng" {
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkDeviceExpectation says what about e the report r does not meet, or "".
func checkDeviceExpectation(r *report.Result, e deviceExpectation) string {
	d, found := findExpectedDevice(r, e)
	if !found {
		if e.Verdict == "not-camera" || e.Verdict == "not-restricted" {
			return ""
		}
		return "not in the report"
	}
	var problems []string
	switch e.Verdict {
	case "not-camera":
		if d.Verdict == fingerprint.VerdictRestricted || d.Kind.Surveillance() {
			problems = append(problems, fmt.Sprintf("reported as a %s, %s", d.Kind, d.Verdict))
		}
	case "not-restricted":
		if d.Verdict == fingerprint.VerdictRestricted {
			problems = append(problems, "restricted")
		}
	default:
		if string(d.Verdict) != e.Verdict {
			problems = append(problems, fmt.Sprintf("verdict %s", d.Verdict))
		}
	}
	for _, f := range []struct{ name, want, got string }{
		{"vendor", e.Vendor, d.Vendor}, {"brand", e.Brand, d.Brand}, {"model", e.Model, d.Model},
		{"firmware", e.Firmware, d.Firmware}, {"kind", e.Kind, string(d.Kind)},
	} {
		switch {
		case f.want == "-" && f.got != "":
			problems = append(problems, fmt.Sprintf("%s %q, want none", f.name, f.got))
		case f.want != "" && f.want != "-" && f.want != f.got:
			problems = append(problems, fmt.Sprintf("%s %q, want %q", f.name, f.got, f.want))
		}
	}
	return strings.Join(problems, "; ")
}

// findExpectedDevice finds the device e names: by MAC (holding e's address
// too when both are given), else by address.
func findExpectedDevice(r *report.Result, e deviceExpectation) (fingerprint.Device, bool) {
	var ip netip.Addr
	if e.IP != "" {
		ip = netip.MustParseAddr(e.IP)
	}
	mac, _ := fingerprint.ParseMAC(e.MAC)
	for _, d := range r.Devices {
		if e.MAC != "" && d.MAC != mac {
			continue
		}
		if ip.IsValid() && !slices.Contains(d.IPs, ip) {
			continue
		}
		return d, true
	}
	return fingerprint.Device{}, false
}

// expectsRestricted reports whether an expectation names d as restricted.
func expectsRestricted(expect []deviceExpectation, d fingerprint.Device) bool {
	for _, e := range expect {
		if e.Verdict != "restricted" {
			continue
		}
		if found, ok := findExpectedDevice(&report.Result{Devices: []fingerprint.Device{d}}, e); ok && found.MAC == d.MAC {
			return true
		}
	}
	return false
}

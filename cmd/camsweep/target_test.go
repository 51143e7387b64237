package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var sitePcap = filepath.Join(repo, "testdata", "pcap", "site-sample.pcapng")

// TestOutputCheckedBeforeWork: a report file that cannot be written, or whose
// name contradicts its format, is refused before any input is read, sent or
// stored (audit --report x.pdf used to store the run and then exit 1; -o into
// a missing directory failed only after the work).
func TestOutputCheckedBeforeWork(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "r.json")
	for _, args := range [][]string{
		{"pcap", "-o", missing, sitePcap},
		{"identify", "-o", missing, identifyData("hikvision-nmap.jsonl")},
		{"pcap", "-o", t.TempDir(), sitePcap}, // a directory, not a file
	} {
		code, out, stderr := cli(t, "", args...)
		if code != exitError || out != "" || strings.Contains(stderr, "devices") || !strings.Contains(stderr, "-o ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q: want a refusal before the work", strings.Join(args, " "), code, out, stderr)
		}
	}

	dir, config := auditSite(t, "  site: hq\n  store: audit.db\n  reports: [sensor.json]\n")
	writeSensorReport(t, filepath.Join(dir, "sensor.json"), nightOne(t))
	for _, report := range []string{filepath.Join(dir, "x.pdf"), filepath.Join(dir, "gone", "x.html")} {
		code, _, stderr := cli(t, "", "audit", "--config", config, "--report", report)
		if code != exitError || !strings.Contains(stderr, "--report") {
			t.Errorf("audit --report %s: exit %d %q", report, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "audit.db")); err == nil {
			t.Fatalf("audit --report %s stored a run before refusing it", report)
		}
	}
	code, _, stderr := cli(t, "", "audit", "--config", config, "--report", filepath.Join(dir, "x.html"), "--report-format", "csv")
	if code != exitError || !strings.Contains(stderr, "does not match") {
		t.Errorf("audit --report x.html --report-format csv: exit %d %q", code, stderr)
	}
}

// TestFormatFollowsTheFileName: with -o and no --format, the extension
// decides (as audit --report always did) in every command; an explicit
// --format that contradicts the extension is refused.
func TestFormatFollowsTheFileName(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	if code, _, stderr := cli(t, "", "pcap", "--fail-on", "none", "-o", page, sitePcap); code != exitOK {
		t.Fatalf("pcap -o r.html: exit %d %s", code, stderr)
	}
	if body, _ := os.ReadFile(page); !bytes.HasPrefix(bytes.TrimSpace(body), []byte("<!DOCTYPE html>")) {
		t.Errorf("pcap -o r.html wrote %.80q, not HTML", body)
	}
	code, _, stderr := cli(t, "", "pcap", "--format", "table", "-o", page, sitePcap)
	if code != exitError || !strings.Contains(stderr, "--format table does not match -o "+page) {
		t.Errorf("pcap --format table -o r.html: exit %d %q", code, stderr)
	}
	if code, _, _ := cli(t, "", "pcap", "--format", "table", "-o", filepath.Join(dir, "r.txt"), "--fail-on", "none", sitePcap); code != exitOK {
		t.Errorf("--format table -o r.txt: exit %d", code)
	}

	adir, config := auditSite(t, "  site: hq\n  store: audit.db\n  reports: [sensor.json]\n  fail_on: none\n")
	writeSensorReport(t, filepath.Join(adir, "sensor.json"), nightOne(t))
	for range 2 {
		if code, _, stderr := cli(t, "", "audit", "--config", config); code != exitOK {
			t.Fatalf("audit: exit %d %s", code, stderr)
		}
	}
	for _, c := range []struct {
		args  []string
		check func([]byte) bool
	}{
		{[]string{"report", "latest", "--config", config, "-o", filepath.Join(dir, "run.csv")}, func(b []byte) bool { return bytes.HasPrefix(b, []byte("mac,ips,")) }},
		{[]string{"diff", "2", "--config", config, "-o", filepath.Join(dir, "d.json")}, func(b []byte) bool { return json.Valid(b) && bytes.Contains(b, []byte(`"camsweep.diff/v1"`)) }},
		{[]string{"history", "--config", config, "-o", filepath.Join(dir, "h.json")}, func(b []byte) bool { return json.Valid(b) && bytes.Contains(b, []byte(`"camsweep.history/v1"`)) }},
	} {
		out := c.args[len(c.args)-1]
		code, _, stderr := cli(t, "", c.args...)
		body, _ := os.ReadFile(out)
		if code != exitOK || !c.check(body) {
			t.Errorf("%s: exit %d %s, wrote %.80q", strings.Join(c.args, " "), code, stderr, body)
		}
	}
	code, _, stderr = cli(t, "", "history", "--config", config, "-o", filepath.Join(dir, "h.csv"))
	if code != exitError || !strings.Contains(stderr, `unknown --format "csv" (want table, json)`) {
		t.Errorf("history -o h.csv: exit %d %q", code, stderr)
	}
}

// TestReportFallsBackWhenWritingFails: a report whose file cannot be
// written at the end (the directory went away during a long sweep) is
// written to the fallback directory, and the error names it.
func TestReportFallsBackWhenWritingFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fallback := t.TempDir()
	tg, err := settleTarget("table", false, filepath.Join(dir, "night.json"), "--format", "-o", formatList())
	if err != nil || tg.format != "json" {
		t.Fatalf("settle: %+v %v", tg, err)
	}
	tg.fallbackDir = fallback
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	err = tg.write(io.Discard, func(w io.Writer) error { _, err := io.WriteString(w, `{"kept": true}`); return err })
	if err == nil {
		t.Fatal("writing into a removed directory succeeded")
	}
	saved, _ := filepath.Glob(filepath.Join(fallback, "camsweep-*-night.json"))
	if len(saved) != 1 || !strings.Contains(err.Error(), saved[0]) {
		t.Fatalf("error %q, fallback files %v", err, saved)
	}
	if body, _ := os.ReadFile(saved[0]); string(body) != `{"kept": true}` {
		t.Errorf("fallback holds %q", body)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the error lost its cause: %v", err)
	}
}

// TestFindingsNameTheDeviceEverywhere: every finding, in every format an
// audit produces (its cron-mail text, the diff, table, JSON, CSV, HTML),
// names the device's IP, MAC, site, zone, vendor, model and when it was
// seen. The audit text used to say only "Hikvision ... in core zone".
// Capture: the constructed site sample (testdata/pcap/SOURCES.md), whose
// Hikvision camera 44:19:b6:3a:7c:21 sits in 10.20.0.0/24, core here.
func TestFindingsNameTheDeviceEverywhere(t *testing.T) {
	abs, _ := filepath.Abs(sitePcap)
	dir, config := auditSite(t, "  site: hq\n  store: audit.db\n  captures: ["+abs+"]\n  fail_on: none\n")
	code, mail, stderr := cli(t, "", "audit", "--config", config)
	if code != exitOK {
		t.Fatalf("audit: exit %d %s", code, stderr)
	}
	code, js, _ := cli(t, "", "report", "latest", "--config", config, "--format", "json")
	var r struct {
		Findings []struct {
			MAC, IP, Site, Zone, Vendor, Model string
			FirstSeen                          string `json:"first_seen"`
			LastSeen                           string `json:"last_seen"`
		}
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil || code != exitOK {
		t.Fatalf("report json: exit %d %v", code, err)
	}
	var hik *struct {
		MAC, IP, Site, Zone, Vendor, Model string
		FirstSeen                          string `json:"first_seen"`
		LastSeen                           string `json:"last_seen"`
	}
	for i, f := range r.Findings {
		if f.MAC == "" || f.IP == "" || f.Site == "" || f.Zone == "" || f.Vendor == "" || f.FirstSeen == "" || f.LastSeen == "" {
			t.Errorf("JSON finding lacks a field: %+v", f)
		}
		if f.MAC == "44:19:b6:3a:7c:21" {
			hik = &r.Findings[i]
		}
	}
	if hik == nil || hik.Model == "" {
		t.Fatalf("no Hikvision finding with a model: %+v", r.Findings)
	}
	first, _ := time.Parse(time.RFC3339, hik.FirstSeen)
	seen := first.UTC().Format("2006-01-02 15:04")
	outputs := map[string]string{"audit text": mail}
	for _, format := range []string{"table", "csv", "html"} {
		_, out, _ := cli(t, "", "report", "latest", "--config", config, "--format", format)
		outputs[format] = out
	}
	writeSensorReport(t, filepath.Join(dir, "empty.json"), nil) // night 2: the camera is gone
	_, config2 := auditSite(t, "  site: hq\n  store: "+filepath.Join(dir, "audit.db")+"\n  reports: ["+filepath.Join(dir, "empty.json")+"]\n  fail_on: none\n")
	_, outputs["diff text"], _ = cli(t, "", "audit", "--config", config2)
	for name, out := range outputs {
		when := seen
		if name == "csv" {
			when = first.UTC().Format("2006-01-02T15:04") // CSV keeps RFC 3339 times
		}
		for _, want := range []string{hik.IP, hik.MAC, hik.Site, hik.Zone, hik.Vendor, hik.Model, when} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q of the Hikvision finding:\n%.3000s", name, want, out)
			}
		}
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/report"
)

// repo is the repository root, where the shared testdata lives.
const repo = "../.."

// cli runs camsweep as main would and returns exit code, stdout and stderr.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// oneLine asserts stderr is exactly one line (no usage dump, no stack) and
// mentions want.
func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("want one stderr line mentioning %q, got:\n%s", want, stderr)
	}
}

func TestOUILookups(t *testing.T) {
	cases := []struct{ mac, want string }{
		// MA-L: Hikvision's block (the D-Link/agsh-onvif Hikvision camera MAC).
		{"28:57:be:65:7d:d5", "28:57:BE:00:00:00/24 MA-L  Hangzhou Hikvision Digital Technology Co.,Ltd."},
		// Dahua as SADP/DHIP spell it, with dashes and upper case.
		{"4C-11-BF-C2-0B-9D", "4C:11:BF:00:00:00/24 MA-L  Zhejiang Dahua Technology Co., Ltd."},
		// MA-S: the 36-bit block wins over the IEEE's own 70:B3:D5 MA-L.
		{"70:b3:d5:0a:30:00", "/36 MA-S  Solace Systems Inc."},
		{"02:00:00:00:00:01", "locally administered"},
		{"01:00:5e:00:00:fb", "multicast"},
	}
	for _, c := range cases {
		code, out, stderr := cli(t, "", "oui", c.mac)
		if code != exitOK || !strings.Contains(out, c.want) {
			t.Errorf("oui %s: exit %d, stdout %q, stderr %q; want %q", c.mac, code, out, stderr, c.want)
		}
	}
}

func TestOUIHiSiliconPlaceholderIsNotABB(t *testing.T) {
	// 00:00:23:34:45:66 is the HiSilicon SDK's default MAC, left in countless
	// cheap cameras; its block belongs to ABB, which made none of them.
	code, out, _ := cli(t, "", "oui", "00:00:23:34:45:66")
	if code != exitOK || !strings.Contains(strings.ToLower(out), "placeholder") {
		t.Errorf("exit %d, stdout %q: want the placeholder explained", code, out)
	}
}

// One bad argument is reported on its own line; the good ones before and
// after it are still looked up, and the exit code says something was wrong.
func TestOUIBadArgumentDoesNotAbortTheOthers(t *testing.T) {
	code, out, stderr := cli(t, "", "oui", "44:19:b6:00:00:01", "not-a-mac", "4C-11-BF-C2-0B-9D")
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{"Hangzhou Hikvision", "Zhejiang Dahua"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	oneLine(t, stderr, `"not-a-mac" is not a MAC address`)
}

func TestOUIUpdateFromIEEECSV(t *testing.T) {
	t.Setenv("CAMSWEEP_OUI_FILE", filepath.Join(t.TempDir(), "oui.txt.gz"))
	dir := filepath.Join(repo, "oui", "testdata", "ieee-csv")
	if _, err := os.Stat(filepath.Join(dir, "oui.csv")); err != nil {
		t.Fatalf("oui package test CSVs not present: %v", err)
	}
	// Debian's ieee-data 20220827.1 is older than the embedded registry:
	// installing it would forget four years of blocks.
	code, out, stderr := cli(t, "", "oui", "update", "--from", dir)
	if code != exitError || out != "" {
		t.Fatalf("older registry: exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "dated 2022-08-27, older than the embedded one")
	if _, err := os.Stat(os.Getenv("CAMSWEEP_OUI_FILE")); err == nil {
		t.Fatal("a refused registry was written")
	}
	code, out, stderr = cli(t, "", "oui", "update", "--force", "--from", dir)
	if code != exitOK || !strings.Contains(out, "wrote ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(os.Getenv("CAMSWEEP_OUI_FILE")); err != nil {
		t.Errorf("override not written: %v", err)
	}
	code, _, stderr = cli(t, "", "oui", "update")
	if code != exitError {
		t.Errorf("update without --from: exit %d", code)
	}
	oneLine(t, stderr, "--from")
}

// The same files with a download stamp newer than the embedded snapshot are
// taken without --force.
func TestOUIUpdateNewerNeedsNoForce(t *testing.T) {
	t.Setenv("CAMSWEEP_OUI_FILE", filepath.Join(t.TempDir(), "oui.txt.gz"))
	src := filepath.Join(repo, "oui", "testdata", "ieee-csv")
	dir := t.TempDir()
	for _, name := range []string{"oui.csv", "mam.csv", "oui36.csv", "iab.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stamp := time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	if err := os.WriteFile(filepath.Join(dir, ".lastupdate"), []byte(strconv.FormatInt(stamp, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := cli(t, "", "oui", "update", "--from", dir)
	if code != exitOK || !strings.Contains(out, "dated 2099-01-02") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestPcapMissingFileIsOneLine(t *testing.T) {
	code, out, stderr := cli(t, "", "pcap", filepath.Join(t.TempDir(), "nope.pcap"))
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "no such file")
}

func TestPcapDirectoryIsOneLine(t *testing.T) {
	code, _, stderr := cli(t, "", "pcap", t.TempDir())
	if code != exitError {
		t.Errorf("exit %d", code)
	}
	oneLine(t, stderr, "is a directory")
}

func TestPcapNonCaptureFileIsOneLine(t *testing.T) {
	// A real file that is not a capture: this package's own source.
	code, out, stderr := cli(t, "", "pcap", "main.go")
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "not a pcap or pcapng capture")
}

func TestBadFlagsAreOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"pcap", "--format", "xml", "x.pcap"},
		{"pcap", "--fail-on", "severe", "x.pcap"},
		{"pcap", "--no-such-flag", "x.pcap"},
		{"pcap"},
		{"identify", "a", "b"},
	} {
		code, out, stderr := cli(t, "", args...)
		if code != exitError || out != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and one line", args, code, out, stderr)
		}
	}
}

func TestHelpDocumentsExitCodesWithExamples(t *testing.T) {
	code, out, _ := cli(t, "", "--help")
	for _, want := range []string{"Exit codes:", "  2  ran; at least one finding", "  3  ran, but the input", "camsweep pcap capture.pcapng"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	// README: "Every command prints --help with examples".
	for _, sub := range []string{"pcap", "identify", "oui", "oui update", "version", "audit", "history", "diff", "report", "sweep", "listen", "demo"} {
		_, out, _ := cli(t, "", append(strings.Fields(sub), "--help")...)
		if !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help has no examples", sub)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := cli(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "camsweep ") || !strings.Contains(out, "OUI registry ") {
		t.Errorf("exit %d, %q", code, out)
	}
	// --version is the habit of every other tool; it says the same.
	code, flagOut, stderr := cli(t, "", "--version")
	if code != exitOK || flagOut != out {
		t.Errorf("--version: exit %d, %q (stderr %q); want %q", code, flagOut, stderr, out)
	}
}

// decodeJSON parses a --format json report.
func decodeJSON(t *testing.T, out string) *report.Result {
	t.Helper()
	r, err := report.ReadJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out)
	}
	if r.Schema != report.Schema {
		t.Errorf("schema %q", r.Schema)
	}
	return r
}

func deviceByMAC(t *testing.T, r *report.Result, mac string) fingerprint.Device {
	t.Helper()
	m, _ := fingerprint.ParseMAC(mac)
	for _, d := range r.Devices {
		if d.MAC == m {
			return d
		}
	}
	t.Fatalf("no device %s among %d", mac, len(r.Devices))
	return fingerprint.Device{}
}

// TestPcapWrongSecondFileStopsBeforeReading: a file that is not a capture
// among several is refused before any is read. The first file here is a real
// capture cut short, which warns when read: the one line on stderr shows it
// was not.
func TestPcapWrongSecondFileStopsBeforeReading(t *testing.T) {
	data, err := os.ReadFile(realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, data[:len(data)-7], 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", cut, "main.go")
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	oneLine(t, stderr, "main.go: not a pcap or pcapng capture")
}

// TestFormatHelpStatesItsDefaultOnce: --format's default is the -o file's
// extension, else table. The help said so and then cobra added
// (default "table"), two defaults that disagree for "-o report.html"; pcap's
// observations were listed after the default, as if they were part of it.
func TestFormatHelpStatesItsDefaultOnce(t *testing.T) {
	for _, sub := range []string{"pcap", "identify", "sweep", "listen", "history", "report", "diff"} {
		_, out, _ := cli(t, "", sub, "--help")
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "--format") {
				line = l
			}
		}
		if !strings.HasSuffix(line, "(default: from the -o file's extension, else table)") || strings.Count(line, "default") != 1 {
			t.Errorf("%s --help: --format should end with its one default:\n%s", sub, line)
		}
		if sub == "pcap" && !strings.Contains(line, "jsonl, observations (") {
			t.Errorf("pcap --help: observations is not among the formats:\n%s", line)
		}
	}
	// Without --format or -o, the table is still what is written.
	code, out, _ := cli(t, "", "identify", "-q", identifyData("hikvision-nmap.jsonl"))
	if code != exitFindings || !strings.Contains(out, "FINDINGS (") {
		t.Errorf("identify without --format: exit %d, not a table:\n%s", code, out)
	}
	// With -o, the extension picks it.
	path := filepath.Join(t.TempDir(), "r.json")
	if code, _, stderr := cli(t, "", "identify", "-q", "-o", path, identifyData("hikvision-nmap.jsonl")); code != exitFindings {
		t.Fatalf("identify -o r.json: exit %d: %s", code, stderr)
	}
	if data, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		t.Errorf("identify -o r.json wrote no JSON: %v %.80s", err, data)
	}
}

// TestSummaryCountsWhatTheTableLists: the table lists identified devices and
// counts the other addresses; the summary said "3 devices" beside
// "DEVICES (1)" and "1 findings". It now says how many were identified, in
// English.
func TestSummaryCountsWhatTheTableLists(t *testing.T) {
	capture := filepath.Join(repo, "testdata", "realdata", "hidden-patterns", "tapo-c200_boot.pcap")
	code, out, stderr := cli(t, "", "pcap", capture)
	if code != exitFindings { // the camera is restricted (a Tapo C200 by its host name beside its Tapo Care endpoint)
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"camsweep: read 147 packets from 1 file\n", "camsweep: 3 devices (1 identified), 1 restricted, 0 to review, 1 finding\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(out, "DEVICES (1)\n  (2 other addresses seen but not identified") {
		t.Errorf("the table does not list 1 device and count 2 addresses:\n%s", out)
	}
}

// TestArgumentCountErrorsSayTheUsage: cobra's "requires at least 1 arg(s),
// only received 0" left a new user to guess what pcap or oui wanted; the
// line now carries the command's usage.
func TestArgumentCountErrorsSayTheUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"pcap"}, "usage: camsweep pcap FILE...|- [flags] (see camsweep pcap --help)"},
		{[]string{"oui"}, "usage: camsweep oui MAC..."},
		{[]string{"identify", "a.jsonl", "b.jsonl"}, "usage: camsweep identify [FILE|-]"},
		{[]string{"report"}, "usage: camsweep report RUN|latest"},
	} {
		code, out, stderr := cli(t, "", c.args...)
		if code != exitError || out != "" {
			t.Errorf("%v: exit %d, stdout %q", c.args, code, out)
		}
		oneLine(t, stderr, c.want)
	}
}

// TestHelpListsEveryReportFormat: report and audit --report write jsonl too,
// but their help listed "html, json, csv or table"; every format a command
// writes is named in its help.
func TestHelpListsEveryReportFormat(t *testing.T) {
	for _, c := range []struct{ sub, flag string }{
		{"pcap", "--format"}, {"identify", "--format"}, {"sweep", "--format"}, {"listen", "--format"},
		{"report", "--format"}, {"audit", "--report-format"},
	} {
		_, out, _ := cli(t, "", c.sub, "--help")
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), c.flag+" ") {
				line = l
			}
		}
		for _, f := range formatList() {
			if !strings.Contains(line, f) {
				t.Errorf("%s --help: %s does not name %s:\n%s", c.sub, c.flag, f, line)
			}
		}
	}
	_, out, _ := cli(t, "", "--help")
	if !strings.Contains(out, "Render a stored audit run as a table, html, json, jsonl or csv") {
		t.Errorf("camsweep --help: report's summary does not name every format")
	}
}

// TestErrorsNeverCarryTerminalEscapes: an error quotes a file name or an
// argument, and a name can hold an escape sequence (a capture named by a
// sensor, a glob over a share): it must not reach the terminal.
func TestErrorsNeverCarryTerminalEscapes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "obs\x1b]0;owned\x07\x1b[2J.jsonl")
	if err := os.WriteFile(bad, []byte("42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pcap", filepath.Join(dir, "missing\x1b[2J.pcap")},
		{"identify", filepath.Join(dir, "missing\x1b[2J.jsonl")},
		{"identify", "-q", bad},
		{"pcap", bad},
	} {
		code, _, stderr := cli(t, "", args...)
		if code == exitOK || !strings.HasPrefix(stderr, "camsweep: ") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		if strings.ContainsAny(stderr, "\x1b\x07") {
			t.Errorf("%q: an escape reached stderr: %q", args, stderr)
		}
	}
}

// TestOUIUpdateSaysWhatFromWants: a directory without oui.csv, or a file
// given as --from, is told what --from wants, not "open DIR/oui.csv: no such
// file or directory"; the registry is left as it was.
func TestOUIUpdateSaysWhatFromWants(t *testing.T) {
	store := filepath.Join(t.TempDir(), "oui.txt.gz")
	t.Setenv("CAMSWEEP_OUI_FILE", store)
	empty := t.TempDir()
	file := filepath.Join(empty, "oui.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{
		empty: "holds no oui.csv: give the directory of the IEEE CSV exports",
		file:  "is a file: give the directory holding the IEEE oui.csv",
	} {
		code, _, stderr := cli(t, "", "oui", "update", "--from", dir)
		if code != exitError {
			t.Errorf("--from %s: exit %d", dir, code)
		}
		oneLine(t, stderr, want)
	}
	if _, err := os.Stat(store); err == nil {
		t.Errorf("a refused update wrote %s", store)
	}
}

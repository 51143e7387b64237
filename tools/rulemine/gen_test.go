package main

import (
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"testing"
)

// TestSampleMatchesItsRule checks the generator on nmap-style expressions:
// the sample must match, optional headers are kept, "any text" is empty.
func TestSampleMatchesItsRule(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`^HTTP/1\.0 200 OK\r\nDate: .*\r\nServer: App-webs/\r\n`, "HTTP/1.0 200 OK\r\nDate: \r\nServer: App-webs/\r\n"},
		{`^RTSP/1\.0 200 OK\r\nServer: H264DVR ([\d.]+)\r\n`, "RTSP/1.0 200 OK\r\nServer: H264DVR 1111\r\n"},
		{`^HTTP/1\.1 200 OK\r\nCONNECTION: close\r\n(?:P3P: CP=CAO PSA OUR\r\n)?CONTENT-TYPE: text/html`, "HTTP/1.1 200 OK\r\nCONNECTION: close\r\nP3P: CP=CAO PSA OUR\r\nCONTENT-TYPE: text/html"},
		{`^\x00\x00\x01\x01@\n`, "\x00\x00\x01\x01@\n"},
	}
	for _, c := range cases {
		got, ok := sample(perlToRE2(c.expr), syntax.Perl)
		if !ok || got != c.want {
			t.Errorf("sample(%q) = %q, %v; want %q", c.expr, got, ok, c.want)
		}
		if !regexp.MustCompile(perlToRE2(c.expr)).MatchString(got) {
			t.Errorf("sample(%q) = %q does not match its rule", c.expr, got)
		}
	}
	if _, ok := sample(`(?<=a)b`, syntax.Perl); ok {
		t.Error("a look-behind (not RE2) gave a sample")
	}
}

func TestPerlNulEscape(t *testing.T) {
	if got := perlToRE2(`^\0\0\x01\\0`); got != `^\x00\x00\x01\\0` {
		t.Errorf("perlToRE2 = %q", got)
	}
}

func TestMakerOf(t *testing.T) {
	for product, want := range map[string]string{
		"Hikvision IP camera httpd":  "Hikvision",
		"CP Plus DVR http interface": "Dahua",
		"Cross DVR httpd":            "TVT",
		"HiLinux IP camera rtspd":    "HiSilicon",
		"Lorex IP camera rtspd":      "",
		"Axis 2100 webcam":           "",
		"ReeCam IP Camera httpd":     "Reecam",
	} {
		if got := makerOf(product); got != want {
			t.Errorf("makerOf(%q) = %q, want %q", product, got, want)
		}
	}
}

// ruleFile writes a rule set's text into a temporary file named name and
// sets mineAll for the test (all: keep every rule), restored afterwards.
func ruleFile(t *testing.T, name, src string, all bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	was := mineAll
	t.Cleanup(func() { mineAll = was })
	mineAll = all
	return path
}

// entriesByRule indexes a reader's entries by their rule id.
func entriesByRule(entries []entry) map[string]entry {
	byRule := make(map[string]entry, len(entries))
	for _, e := range entries {
		byRule[e.Rule] = e
	}
	return byRule
}

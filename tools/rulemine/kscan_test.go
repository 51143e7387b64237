package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestMineKscan reads real kscan rules (lcvvvv/kscan static/fingerprint.txt
// @ cf76af2, lines 5131, 5138, 5139, 5124, 5126, 8215, 9544 and 18225): each
// test in its field, a Response text placed by its form, the RTSP and
// telnet protocols, an unread protocol skipped, a ~= expression sampled
// with its mid-expression anchor dropped.
func TestMineKscan(t *testing.T) {
	src := strings.Join([]string{
		"Hikvision-Cameras-and-Surveillance\tCert=\"subject: o=product root ca, ou=ip camera\" && Response=\"server: app-webs/\"",
		"Hikvision-Cameras-and-Surveillance\tProtocol=\"telnet\" && Response=\"hikvision login:\"",
		"Hikvision-Cameras-and-Surveillance\tCert=\"o=hikvision, ou=ipcamera\"",
		"Hikvision-Cameras-and-Surveillance\tBody=\"id=\\\"divpswstrength\\\"\" && Body=\"id=\\\"divanonymous\\\"\"",
		"Hikvision-Cameras-and-Surveillance\tResponse=\"server: hikvision\" && Protocol=\"rtsp\"",
		"Dahua-DVR\tProtocol=\"dahua\"",
		"Beward-Camera\tTitle=\"web service\" && Header=\"server: ipcamera-webs\"",
		"uClinux-httpd\tHeader~=\"(server: ^uClinux-httpd ([\\\\d\\\\.]+)$)\"",
		"Dahua-Cameras-and-Surveillance\t(Title!=\"watashi service\" && Body=\"a\") && Body=\"b\"",
	}, "\n")
	path := ruleFile(t, "fingerprint.txt", src, true)
	entries, skipped, err := mineKscan(path)
	if err != nil || len(skipped) != 1 || !strings.Contains(skipped[0], ":6: way 1 tests the dahua protocol") {
		t.Fatalf("mineKscan: %v, skipped %q (want the dahua protocol way)", err, skipped)
	}
	byRule := entriesByRule(entries)
	at := func(line string) entry { return byRule["kscan:static/fingerprint.txt:"+line] }
	if e := at("1"); e.Maker != "Hikvision" || e.Key != "http.headers" || !strings.Contains(e.Value, "\r\nServer: app-webs/\r\n") ||
		!strings.Contains(e.Provenance, "not in the answer: cert=subject: o=product root ca") {
		t.Errorf("server and certificate entry = %+v", e)
	}
	if e := at("2"); e.Key != "telnet.banner" || e.Value != "hikvision login:" {
		t.Errorf("telnet entry = %+v", e)
	}
	if e := at("3"); e.Key != "tls.subject" || e.Value != "o=hikvision, ou=ipcamera" {
		t.Errorf("certificate entry = %+v", e)
	}
	if e := at("4"); !strings.HasSuffix(e.Value, "\r\n\r\nid=\"divpswstrength\"\nid=\"divanonymous\"") {
		t.Errorf("escaped quotes entry = %+v", e)
	}
	if e := at("5"); e.Key != "rtsp.response" || !strings.Contains(e.Value, "\r\nServer: hikvision\r\n") {
		t.Errorf("RTSP entry = %+v", e)
	}
	if e := at("7"); e.Maker != "" || !strings.Contains(e.Value, "\r\nserver: ipcamera-webs\r\n\r\n<title>web service</title>") {
		t.Errorf("title and header entry = %+v", e)
	}
	if e := at("8"); !strings.Contains(e.Value, "\r\nserver: uClinux-httpd 1111\r\n") {
		t.Errorf("expression entry = %+v", e)
	}
	if e := at("9"); !strings.HasSuffix(e.Value, "\r\n\r\na\nb") {
		t.Errorf("negation entry = %+v, want the positive tests only", e)
	}
}

// TestKscanSplitPart leaves out a rule of the list's split part that
// repeats a test of a rule above it, and keeps one that does not.
func TestKscanSplitPart(t *testing.T) {
	lines := make([]string, kscanSplitFirst+1)
	for i := range lines {
		lines[i] = "Filler\tBody=\"x\""
	}
	lines[0] = "Dahua-Cameras-and-Surveillance\tBody!=\"/css/oem.css\" && Title==\"web service\""
	lines[kscanSplitFirst-1] = "Dahua-Cameras-and-Surveillance\tBody=\"/css/oem.css\""
	lines[kscanSplitFirst] = "Dahua-Cameras-and-Surveillance\tBody=\"nav_margin\""
	path := ruleFile(t, "fingerprint.txt", strings.Join(lines, "\n"), true)
	entries, skipped, err := mineKscan(path)
	if err != nil {
		t.Fatal(err)
	}
	byRule := entriesByRule(entries)
	if _, kept := byRule[fmtLine(kscanSplitFirst)]; kept || !strings.Contains(strings.Join(skipped, "\n"), fmtLine(kscanSplitFirst)+": a test of the rule at line 1") {
		t.Errorf("the split-out negation was kept (skipped %q)", skipped)
	}
	if _, kept := byRule[fmtLine(kscanSplitFirst+1)]; !kept {
		t.Error("a rule of the split part that repeats nothing was left out")
	}
}

func fmtLine(n int) string { return fmt.Sprintf("kscan:static/fingerprint.txt:%d", n) }

// TestDropKnown leaves out an entry another source gives in any letter
// case, keeps a new one, and never reads the source being rebuilt.
func TestDropKnown(t *testing.T) {
	corpus := t.TempDir()
	known := []entry{{Rule: "goby#1", Key: "http.headers", Value: "Server: App-webs/"}}
	if err := write(filepath.Join(corpus, "goby", "entries.jsonl.gz"), known); err != nil {
		t.Fatal(err)
	}
	self := []entry{{Rule: "kscan:2", Key: "http.headers", Value: "<title>dvr</title>"}}
	if err := write(filepath.Join(corpus, "kscan", "entries.jsonl.gz"), self); err != nil {
		t.Fatal(err)
	}
	mined := []entry{
		{Rule: "kscan:1", Key: "http.headers", Value: "server: app-webs/"},
		{Rule: "kscan:2", Key: "http.headers", Value: "<title>dvr</title>"},
	}
	kept, held, err := dropKnown(mined, corpus, filepath.Join(corpus, "kscan"))
	if err != nil || held != 1 || len(kept) != 1 || kept[0].Rule != "kscan:2" {
		t.Fatalf("dropKnown = %+v, %d left out, %v; want kscan:2 kept", kept, held, err)
	}
	restore, err := caseFrom(corpus, filepath.Join(corpus, "kscan"))
	if err != nil {
		t.Fatal(err)
	}
	if got := restore("app-webs/"); got != "App-webs/" {
		t.Errorf("case of app-webs/ = %q, want the known source's App-webs/", got)
	}
	if got := restore("<title>dvr</title>"); got != "<title>dvr</title>" {
		t.Errorf("case of a text only the rebuilt source holds = %q, want it unchanged", got)
	}
}

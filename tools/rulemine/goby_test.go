package main

import (
	"strings"
	"testing"
)

// TestMineGoby reads real Goby rules as chainreactors/fingers keeps them
// (resources/goby.json @ 7848ea1): labelled features under a logic, negations
// left out, each feature placed where its form says a device sends it.
func TestMineGoby(t *testing.T) {
	src := `[
{"name": "HIKVISION-视频监控", "logic": "a|| (b&&c&&d) ||e||f", "rule": [
 {"label": "a", "feature": "realm=\\\"Hikvision", "is_equal": true},
 {"label": "b", "feature": "realm=\\\"Hikvision", "is_equal": true},
 {"label": "c", "feature": "couchdb", "is_equal": false},
 {"label": "d", "feature": "drupal", "is_equal": false},
 {"label": "e", "feature": "Hikvision login:", "is_equal": true},
 {"label": "f", "feature": "o=Hikvision, ou=IPCamera", "is_equal": true}]},
{"name": "dahua-视频监控", "logic": "(c&&d) ||l", "rule": [
 {"label": "c", "feature": "rtsp", "is_equal": true},
 {"label": "d", "feature": "Server: Dahua Rtsp", "is_equal": true},
 {"label": "l", "feature": "Basic realm=\\\"DahuaRtsp", "is_equal": true}]},
{"name": "Dahua-DVR", "logic": "a|| (b&&c)", "rule": [
 {"label": "a", "feature": "dahua", "is_equal": true},
 {"label": "b", "feature": "snmp", "is_equal": true},
 {"label": "c", "feature": "Dahuatech DVR", "is_equal": true}]},
{"name": "XM熊迈-视频监控", "logic": "a", "rule": [{"label": "a", "feature": "NETSurveillance WEB", "is_equal": true}]},
{"name": "broken", "logic": "a&&", "rule": [{"label": "a", "feature": "x", "is_equal": true}]}
]`
	path := ruleFile(t, "goby.json", src, true)
	entries, skipped, err := mineGoby(path)
	if err != nil || len(skipped) != 2 {
		t.Fatalf("mineGoby: %v, skipped %q (want the snmp way and the broken logic)", err, skipped)
	}
	byRule := entriesByRule(entries)
	if e := byRule["goby:resources/goby.json#1#1"]; e.Maker != "Hikvision" || !strings.Contains(e.Value, "WWW-Authenticate: Basic realm=\"Hikvision\"\r\n") {
		t.Errorf("realm entry = %+v", e)
	}
	if _, dup := byRule["goby:resources/goby.json#1#2"]; dup {
		t.Error("the way repeating the realm (its negations left out) was kept twice")
	}
	if e := byRule["goby:resources/goby.json#1#3"]; e.Key != "telnet.banner" || e.Value != "Hikvision login:" {
		t.Errorf("telnet entry = %+v", e)
	}
	if e := byRule["goby:resources/goby.json#1#4"]; e.Key != "tls.subject" || e.Value != "o=Hikvision, ou=IPCamera" {
		t.Errorf("certificate entry = %+v", e)
	}
	if e := byRule["goby:resources/goby.json#2#1"]; e.Key != "rtsp.response" || !strings.Contains(e.Value, "\r\nServer: Dahua Rtsp\r\n") {
		t.Errorf("RTSP server entry = %+v", e)
	}
	if e := byRule["goby:resources/goby.json#2#2"]; e.Key != "rtsp.response" || !strings.Contains(e.Value, "WWW-Authenticate: Basic realm=\"DahuaRtsp\"") {
		t.Errorf("RTSP realm entry = %+v, want an RTSP answer (the realm names RTSP)", e)
	}
	if e := byRule["goby:resources/goby.json#3#1"]; e.Maker != "Dahua" || !strings.HasSuffix(e.Value, "\r\n\r\ndahua") {
		t.Errorf("bare word entry = %+v", e)
	}
	if e := byRule["goby:resources/goby.json#4"]; e.Maker != "Xiongmai" || e.Scope != "device" {
		t.Errorf("熊迈 entry = %+v, want Xiongmai's", e)
	}
}

// TestGobyText decodes the list's escapes: quotes and raw banner bytes.
func TestGobyText(t *testing.T) {
	for in, want := range map[string]string{
		`realm=\"Hikvision`:                     `realm="Hikvision`,
		`\xff\xfd\x01Hik-B20-S login:`:          "\xff\xfd\x01Hik-B20-S login:",
		`window.location.href = \"/doc/page/`:   `window.location.href = "/doc/page/`,
		`cgi-bin/main.cgi?web_id=1&langinfo=-3`: `cgi-bin/main.cgi?web_id=1&langinfo=-3`,
	} {
		if got := gobyText(in); got != want {
			t.Errorf("gobyText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzGobyAnswer: rule files are input too; no feature list may panic the
// placement, and an answer comes with a key or a reason.
func FuzzGobyAnswer(f *testing.F) {
	for _, seed := range []string{"rtsp\nServer: Dahua Rtsp", "Hikvision login:", "o=Hikvision, ou=IPCamera", "snmp\nx", "realm=\"x", `\xff\xfb`, ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var texts []string
		for _, line := range strings.Split(s, "\n") {
			texts = append(texts, gobyText(line))
		}
		key, _, why := gobyAnswer(texts)
		if key == "" && why == "" {
			t.Fatalf("gobyAnswer(%q): no key and no reason", texts)
		}
	})
}

package main

import (
	"strings"
	"testing"
)

// TestMineFingers reads real chainreactors/fingers web rules
// (resources/fingers_http.json @ 7848ea1): each body or header text, each
// expression's sample and each favicon hash is one entry; a rule answering
// its own probe is skipped.
func TestMineFingers(t *testing.T) {
	src := `[
{"focus": true, "name": "hikvision摄像头", "rule": [{"favicon": {"md5": ["89b932fcc47cf4ca3faadb0cfdef89cf"], "mmh3": ["999357577"]}, "regexps": {"body": ["doc/page/login.asp"], "header": ["DVRDVS-Webs"]}}]},
{"name": "大华视频监控", "rule": [{"regexps": {"header": ["ZheJiang Dahua Technology"], "regexp": ["NVR[0-9]{4}HS"]}}]},
{"name": "probe", "rule": [{"send_data": "\\x00", "regexps": {"body": ["x"]}}]}
]`
	path := ruleFile(t, "fingers_http.json", src, true)
	entries, skipped, err := mineFingers(path)
	if err != nil || len(skipped) != 1 || len(entries) != 6 {
		t.Fatalf("mineFingers = %d entries, skipped %q, %v; want 6 and the probe rule", len(entries), skipped, err)
	}
	byRule := entriesByRule(entries)
	want := map[string]string{
		"fingers:resources/fingers_http.json#1.1.1": "\r\n\r\ndoc/page/login.asp",
		"fingers:resources/fingers_http.json#1.1.2": "Server: DVRDVS-Webs\r\n",
		"fingers:resources/fingers_http.json#1.1.3": "89b932fcc47cf4ca3faadb0cfdef89cf",
		"fingers:resources/fingers_http.json#1.1.4": "999357577",
		"fingers:resources/fingers_http.json#2.1.1": "Server: ZheJiang Dahua Technology\r\n",
		"fingers:resources/fingers_http.json#2.1.2": "\r\n\r\nNVR",
	}
	for rule, part := range want {
		e, ok := byRule[rule]
		if !ok || !strings.Contains(e.Value, part) {
			t.Errorf("%s = %+v, want a value holding %q", rule, e, part)
		}
	}
	if e := byRule["fingers:resources/fingers_http.json#1.1.1"]; e.Maker != "Hikvision" || e.Scope != "device" {
		t.Errorf("Hikvision entry = %+v", e)
	}
	if e := byRule["fingers:resources/fingers_http.json#1.1.3"]; e.Key != "http.favicon_md5" {
		t.Errorf("md5 entry = %+v", e)
	}
}

// FuzzFingersEntries: rule files are input too; no text or expression may
// panic the reader, and each text is an entry or a skip.
func FuzzFingersEntries(f *testing.F) {
	for _, seed := range []string{"doc/page/login.asp", "NVR[0-9]{4}HS", "realm=\"x", "(", `\xff`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, skipped := fingersEntries(entry{Rule: "fuzz"}, []string{s}, []string{s}, []string{s}, []string{s}, nil, []string{s})
		if len(out)+len(skipped) != 5 {
			t.Fatalf("%q: %d entries and %d skips, want 5 in all", s, len(out), len(skipped))
		}
	})
}

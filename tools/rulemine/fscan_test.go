package main

import (
	"strings"
	"testing"
)

// TestMineFscan reads real fscan rules (shadow1ng/fscan
// webscan/fingerprint/rules.go @ 760c8ea): one entry per alternative of an
// expression, in the page, a header or a cookie, and an MD5 as the favicon.
func TestMineFscan(t *testing.T) {
	src := "package fingerprint\n\nvar RuleDatas = []RuleData{\n" +
		"\t{Name: \"360网站卫士\", Type: \"headers\", Rule: \"(360wzws|CWAP-waf)\"},\n" +
		"\t{Name: \"Shiro\", Type: \"cookie\", Rule: \"(=deleteMe|rememberMe=)\"},\n" +
		"\t{Name: \"深信服防火墙类产品\", Type: \"code\", Rule: \"(SANGFOR FW)\"},\n" +
		"}\n\nvar Md5Datas = []Md5Data{\n\t{\"Hikvision-视频监控\", \"89b932fcc47cf4ca3faadb0cfdef89cf\"},\n}\n"
	path := ruleFile(t, "rules.go", src, true)
	entries, skipped, err := mineFscan(path)
	if err != nil || len(skipped) != 0 || len(entries) != 6 {
		t.Fatalf("mineFscan: %v, %d entries, skipped %q", err, len(entries), skipped)
	}
	byRule := entriesByRule(entries)
	if e := byRule["fscan:webscan/fingerprint/rules.go:RuleDatas#1#2"]; !strings.Contains(e.Value, "\r\nServer: CWAP-waf\r\n") {
		t.Errorf("header entry = %+v", e)
	}
	if e := byRule["fscan:webscan/fingerprint/rules.go:RuleDatas#2#2"]; !strings.Contains(e.Value, "\r\nSet-Cookie: rememberMe=\r\n") {
		t.Errorf("cookie entry = %+v", e)
	}
	if e := byRule["fscan:webscan/fingerprint/rules.go:RuleDatas#3"]; !strings.HasSuffix(e.Value, "\r\n\r\nSANGFOR FW") {
		t.Errorf("page entry = %+v", e)
	}
	if e := byRule["fscan:webscan/fingerprint/rules.go:Md5Datas#1"]; e.Key != "http.favicon_md5" || e.Maker != "Hikvision" {
		t.Errorf("MD5 entry = %+v", e)
	}
}

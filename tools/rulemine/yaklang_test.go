package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMineYaklang reads rules as yaklang's common/fp/iotdevfp/rule.go keeps
// them (@ c94a38a): the vendor label names the maker, the class the scope, a
// flag is placed where a device sends it, a favicon hash is its own key.
func TestMineYaklang(t *testing.T) {
	src := "package iotdevfp\n\nvar extraRuleRaw = `[\n" +
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "tongwei", "flag": "IDCS_LOGIN_NBSP", "is_dev": true}` + "\n]`\n\n" +
		"var disabledRaw = `[{\"dev_class\": \"router\", \"dev_vendor\": \"huawei\", \"flag\": \"unsafe-inline\", \"is_dev\": true}]`\n\n" +
		"var ruleRaw = `[\n" + strings.Join([]string{
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "dahua", "flag": "server:\\s*dahua", "is_dev": true}`,
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "hikvision", "flag": "digest\\s*realm=\"hikvision", "is_dev": true}`,
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "tiandy", "flag": "tiandy\\s*rtsp\\s*server", "is_dev": true}`,
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "hikvision", "flag": "/doc/page/login.asp?_", "is_dev": true}`,
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "xm030", "flag": "http://xmsecu.com:8080/ocx/NewActive.exe", "is_dev": true}`,
		`{"dev_class": "ip_cam", "dev_model": "", "dev_vendor": "tvt", "favicon": {"hash": 492290497}, "is_dev": true}`,
		`{"dev_class": "nvr", "dev_model": "dss", "dev_vendor": "dahua", "flag": "<title>dss", "is_dev": true}`,
		`{"dev_class": "router", "dev_model": "", "dev_vendor": "tp-link", "flag": "TP-LINK Wireless", "is_dev": true}`,
		`{"app_class": "server", "app_name": "apache:tomcat", "flag": "Server: Apache-Coyote", "is_dev": false}`,
	}, ",\n") + "\n]`\n"
	path := filepath.Join(t.TempDir(), "rule.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(all bool) { mineAll = all }(mineAll)
	mineAll = true
	entries, skipped, err := mineYaklang(path)
	if err != nil || len(skipped) != 0 || len(entries) != 10 {
		t.Fatalf("mineYaklang = %d entries, skipped %v, %v; want 10 (disabledRaw not loaded)", len(entries), skipped, err)
	}
	by := map[string]entry{}
	for _, e := range entries {
		by[e.Rule[strings.LastIndex(e.Rule, ":")+1:]] = e
	}
	want := []struct{ id, maker, scope, key, holds string }{
		{"ruleRaw#1", "Dahua", "device", "http.headers", "\r\nServer: dahua\r\n"},
		{"ruleRaw#2", "Hikvision", "device", "http.headers", "\r\nWWW-Authenticate: digest realm=\"hikvision\"\r\n"},
		{"ruleRaw#3", "Tiandy", "device", "rtsp.response", "\r\nServer: tiandy rtsp server\r\n"},
		{"ruleRaw#4", "Hikvision", "device", "http.headers", "\r\n\r\n/doc/page/login.asp?_"},
		{"ruleRaw#5", "Xiongmai", "device", "http.headers", "\r\n\r\nhttp://xmsecu.com:8080/ocx/NewActive.exe"},
		{"ruleRaw#6", "TVT", "device", "http.favicon_mmh3", "492290497"},
		{"ruleRaw#7", "Dahua", "platform", "http.headers", "<title>dss"},
		{"ruleRaw#8", "", "other", "http.headers", "TP-LINK Wireless"},
		{"ruleRaw#9", "", "other", "http.headers", "\r\nServer: Apache-Coyote\r\n"},
		{"extraRuleRaw#1", "TVT", "device", "http.headers", "IDCS_LOGIN_NBSP"},
	}
	for _, w := range want {
		e, ok := by[w.id]
		if !ok || e.Maker != w.maker || e.Scope != w.scope || e.Key != w.key || !strings.Contains(e.Value, w.holds) {
			t.Errorf("%s = %+v, want maker %q scope %s key %s holding %q", w.id, e, w.maker, w.scope, w.key, w.holds)
		}
	}
}

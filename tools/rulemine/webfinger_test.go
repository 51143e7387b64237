package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAlternatives checks the reading of dismap expressions on real rules
// (zhzyker/dismap configs/rule.go @ bb670d2): every top-level alternative is
// page text, including one whose text holds an unbalanced parenthesis, and a
// real class or repeat goes through the sample generator.
func TestAlternatives(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		// line 3319: quotes, parentheses and ";" are page text
		{`(window.location.href = "html/webplugin.html";|rsvideoocx.cab)`, []string{`window.location.href = "html/webplugin.html";`, "rsvideoocx.cab"}},
		// line 940: "')" closes nothing; the bars after it still split
		{`(dahuartsp|'nav_margin').style.visibility = 'visible|tl("huazhonghua"))`, []string{"dahuartsp", "'nav_margin').style.visibility = 'visible", `tl("huazhonghua")`}},
		// line 1804: "?", "+" and "()" are the page's own characters
		{`(/ui/css/ui.css?version=" + new date().gettime)`, []string{`/ui/css/ui.css?version=" + new date().gettime`}},
		// line 1733: an anchor mid-pattern (the rule cannot match itself): the text
		{`($.nvr.model_name="prn-4011")`, []string{`$.nvr.model_name="prn-4011"`}},
		// a real class: a sample the expression accepts
		{`(nvr[0-9]+hs)`, []string{"nvr1111hs"}},
		// escaped punctuation is the character itself
		{`(a\.b|c\(d\))`, []string{"a.b", "c(d)"}},
	}
	for _, c := range cases {
		got, ok := alternatives(c.expr)
		if !ok || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("alternatives(%q) = %q, %v; want %q", c.expr, got, ok, c.want)
		}
	}
}

// TestHeaderLine checks where a rule's header text goes: a realm into a
// challenge, a named header as it is, a bare word into Server.
func TestHeaderLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{`realm="hikvision`, `WWW-Authenticate: Basic realm="hikvision"`},
		{`basic realm="welcome to ipcam !"`, `WWW-Authenticate: basic realm="welcome to ipcam !"`},
		{"server: dahua drs", "server: dahua drs"},
		{"p3p: cp=cao psa our", "p3p: cp=cao psa our"},
		{"jaws/", "Server: jaws/"},
		{"Huawei Auth-Http", "Server: Huawei Auth-Http"},
	}
	for _, c := range cases {
		if got := headerLine(c.in); got != c.want {
			t.Errorf("headerLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMineDismap reads a few real RuleData lines as Go source: an "or" rule
// over body and header gives one entry per part, an icon rule one per hash,
// and the maker, scope and correction come from the rule's name.
func TestMineDismap(t *testing.T) {
	src := `package configs

var RuleData = []RuleLab{
	{1, "Tiandy-Cameras-and-Surveillance", "body", "", InStr{"(name=\"tiandyvideo\" id=\"nvsvideo\"|<link href=\"tdvideo.css\" rel=\"stylesheet\">)", "", ""}, ReqHttp{"", "", nil, ""}},
	{1, "Uniview-VM8500", "body", "", InStr{"(vm8500-imos110)", "", ""}, ReqHttp{"", "", nil, ""}},
	{1, "Kedacom-Example", "body|header", "or", InStr{"(kedacom-body)", "(realm=\"kedacom)", ""}, ReqHttp{"", "", nil, ""}},
	{1, "zoneminder", "ico", "", InStr{"", "", "(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB)"}, ReqHttp{"", "", nil, ""}},
	{1, "HuaWei-Camera", "body", "", InStr{"(action=\"/goform/web_usrloginproc)", "", ""}, ReqHttp{"", "", nil, ""}},
	{1, "MeterSphere", "body", "", InStr{"(<title>MeterSphere</title>)", "", ""}, ReqHttp{"", "", nil, ""}},
}
`
	path := filepath.Join(t.TempDir(), "rule.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(all bool) { mineAll = all }(mineAll)
	mineAll = false
	const corrected = "dismap:configs/rule.go:8" // the HuaWei-Camera line of this file
	makerCorrections[corrected] = "test"
	defer delete(makerCorrections, corrected)
	entries, skipped, err := mineDismap(path)
	if err != nil || len(skipped) != 0 {
		t.Fatalf("mineDismap: %v, skipped %v", err, skipped)
	}
	byRule := map[string]entry{}
	for _, e := range entries {
		byRule[e.Rule] = e
	}
	if len(entries) != 7 { // Tiandy, Uniview, Kedacom x2, two icons, Huawei; MeterSphere left out
		t.Fatalf("%d entries, want 7: %+v", len(entries), entries)
	}
	tiandy := byRule["dismap:configs/rule.go:4#1"]
	if tiandy.Maker != "Tiandy" || tiandy.Scope != "device" || !strings.Contains(tiandy.Value, `name="tiandyvideo" id="nvsvideo"`+"\n"+`<link href="tdvideo.css"`) {
		t.Errorf("Tiandy entry = %+v", tiandy)
	}
	if vm := byRule["dismap:configs/rule.go:5#1"]; vm.Maker != "Uniview" || vm.Scope != "platform" {
		t.Errorf("VM8500 entry = %+v, want a Uniview platform entry", vm)
	}
	if h := byRule["dismap:configs/rule.go:6#1"]; !strings.Contains(h.Value, "WWW-Authenticate: Basic realm=\"kedacom\"\r\n") {
		t.Errorf("Kedacom header entry = %q", h.Value)
	}
	if b := byRule["dismap:configs/rule.go:6#2"]; !strings.HasSuffix(b.Value, "\r\n\r\nkedacom-body") {
		t.Errorf("Kedacom body entry = %q", b.Value)
	}
	if ico := byRule["dismap:configs/rule.go:7#ico2"]; ico.Key != "http.favicon_md5" || ico.Value != strings.Repeat("b", 32) {
		t.Errorf("icon entry = %+v", ico)
	}
	if hw := byRule["dismap:configs/rule.go:8#1"]; hw.Maker != "" || !strings.Contains(hw.Product, "maker corrected") {
		t.Errorf("HuaWei-Camera entry = %+v, want the maker corrected", hw)
	}
}

// TestMineEHole reads real finger.json rules (EdgeSecurityTeam/EHole @
// 9a91e0b): keywords all in one answer at their location, a favicon hash per
// keyword, Chinese maker names mapped.
func TestMineEHole(t *testing.T) {
	src := `{"fingerprint": [
	{"cms": "TVT 公司产品", "method": "faviconhash", "location": "body", "keyword": ["492290497"]},
	{"cms": "海康威视 流媒体管理服务器", "method": "keyword", "location": "body", "keyword": ["流媒体管理服务器", "MSHTML", "login"]},
	{"cms": "NUUO 摄像头", "method": "keyword", "location": "title", "keyword": ["Network Video Recorder Login"]},
	{"cms": "Huawei user-login", "method": "keyword", "location": "header", "keyword": ["Huawei Auth-Http"]}
]}`
	path := filepath.Join(t.TempDir(), "finger.json")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(all bool) { mineAll = all }(mineAll)
	mineAll = true
	entries, _, err := mineEHole(path)
	if err != nil || len(entries) != 4 {
		t.Fatalf("mineEHole = %d entries, %v", len(entries), err)
	}
	if e := entries[0]; e.Maker != "TVT" || e.Scope != "device" || e.Key != "http.favicon_mmh3" || e.Value != "492290497" {
		t.Errorf("TVT entry = %+v", e)
	}
	if e := entries[1]; e.Maker != "Hikvision" || e.Scope != "platform" || !strings.HasSuffix(e.Value, "流媒体管理服务器\nMSHTML\nlogin") {
		t.Errorf("Hikvision entry = %+v", e)
	}
	if e := entries[2]; e.Maker != "" || e.Scope != "device" || !strings.Contains(e.Value, "<title>Network Video Recorder Login</title>") {
		t.Errorf("NUUO entry = %+v", e)
	}
	if e := entries[3]; e.Scope != "other" || e.Maker != "" || !strings.Contains(e.Value, "Server: Huawei Auth-Http\r\n") {
		t.Errorf("Huawei router entry = %+v, want a precision entry", e)
	}
}

// FuzzAlternatives: rule files are input too; no expression may panic the
// reader, and an accepted expression gives at least one alternative.
func FuzzAlternatives(f *testing.F) {
	for _, seed := range []string{
		`(dahuartsp|'nav_margin').style.visibility = 'visible|tl("huazhonghua"))`,
		`($.nvr.model_name="prn-4011")`,
		`(nvr[0-9]+hs)`,
		`((a)|(b))`,
		`(a\`,
		`[`,
		`realm="x`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		parts, ok := alternatives(expr)
		if ok && len(parts) == 0 {
			t.Fatalf("alternatives(%q) ok with none", expr)
		}
		for _, p := range parts {
			_ = headerLine(p)
		}
	})
}

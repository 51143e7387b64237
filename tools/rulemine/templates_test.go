package main

import (
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestDSLParts checks the reading of nuclei DSL matchers on expressions of
// real templates (nuclei-templates @ 159879a5).
func TestDSLParts(t *testing.T) {
	cases := []struct {
		expr        string
		ways        int
		body, heads string // what the first way holds, joined by |
	}{
		// http/exposed-panels/reolink-panel.yaml
		{`contains(body, "Reolink</title>")`, 1, "Reolink</title>", ""},
		// http/exposed-panels/lorex-panel.yaml: every word of contains_all in one page
		{`contains_all(tolower(body), "<title>web service</title>", "lorex")`, 1, "<title>web service</title>|lorex", ""},
		// contains_any: each word is a way
		{`contains_any(body, "/LOREX_webplugin", "lorex_msg")`, 2, "/LOREX_webplugin", ""},
		// "&&" joins, status tests are left out
		{`status_code == 200 && contains(header, "Server: Hikvision-Webs") && contains(body, "login")`, 1, "login", "Server: Hikvision-Webs"},
		// "||" gives one way per side
		{`contains(body, "a") || contains(body, "b")`, 2, "a", ""},
		// a header word without a name becomes a header of its own
		{`contains(tolower(header), "app-webs")`, 1, "", "X-Matched: app-webs"},
		// regex through the sample generator
		{`regex("<title>NVR [0-9]+</title>", body)`, 1, "<title>NVR 1111</title>", ""},
		// quotes and parentheses inside a literal do not end the call
		{`contains(body, "f(\"x\")")`, 1, `f("x")`, ""},
	}
	for _, c := range cases {
		ways, ok := dslParts(c.expr)
		if !ok || len(ways) != c.ways {
			t.Errorf("dslParts(%q) = %d ways, %v; want %d", c.expr, len(ways), ok, c.ways)
			continue
		}
		if got := strings.Join(ways[0].body, "|"); got != c.body {
			t.Errorf("dslParts(%q) body = %q, want %q", c.expr, got, c.body)
		}
		if got := strings.Join(ways[0].headers, "|"); got != c.heads {
			t.Errorf("dslParts(%q) headers = %q, want %q", c.expr, got, c.heads)
		}
	}
	for _, expr := range []string{`status_code == 200`, `len(body) > 10`, `compare_versions(version, "< 2.0")`} {
		if ways, ok := dslParts(expr); ok {
			t.Errorf("dslParts(%q) = %v, want no text test", expr, ways)
		}
	}
}

// TestListOfProducts checks that a template about no surveillance product
// whose matchers carry names (nuclei's favicon-detect) gives each matcher
// its own product, and that the others are left out unless -all.
func TestListOfProducts(t *testing.T) {
	src := `id: favicon-detect
info:
  name: favicon-detection
  severity: info
http:
  - method: GET
    matchers:
      - type: dsl
        name: "proxmox"
        dsl:
          - "status_code==200 && (\"213144638\" == mmh3(base64_py(body)))"
      - type: dsl
        name: "zhejiang-uniview-technologies"
        dsl:
          - "status_code==200 && (\"-1240222446\" == mmh3(base64_py(body)))"
`
	var tpl template
	if err := yaml.Unmarshal([]byte(src), &tpl); err != nil {
		t.Fatal(err)
	}
	entries, _ := templateEntries(tpl, "nuclei-templates:http/technologies/favicon-detect.yaml", "favicon-detect favicon-detection")
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	if e := entries[0]; isSurveillance(e.what) || e.Value != "213144638" {
		t.Errorf("proxmox entry = %+v: want a non-surveillance product with its hash", e)
	}
	if e := entries[1]; !isSurveillance(e.what) || e.Maker != "Uniview" || e.Key != "http.favicon_mmh3" || e.Value != "-1240222446" {
		t.Errorf("uniview entry = %+v: want a Uniview favicon entry", e)
	}
}

// TestMakerCorrections checks that a rule whose own text names the wrong
// maker names none, and says why.
func TestMakerCorrections(t *testing.T) {
	src := `id: xvr-login
info:
  name: XVR Login Panel - Detect
  severity: info
  metadata:
    vendor: dahuasecurity
    product: xvr5xxx
http:
  - method: GET
    matchers-condition: and
    matchers:
      - type: word
        words:
          - '<title>XVR LOGIN</title>'
      - type: status
        status:
          - 200
`
	var tpl template
	if err := yaml.Unmarshal([]byte(src), &tpl); err != nil {
		t.Fatal(err)
	}
	entries, _ := templateEntries(tpl, "nuclei-templates:http/exposed-panels/xvr-login.yaml", "xvr-login XVR Login Panel dahuasecurity xvr5xxx")
	if len(entries) != 1 || entries[0].Maker != "" || !strings.Contains(entries[0].Product, "maker corrected") {
		t.Fatalf("entries = %+v, want one entry with no maker and the correction", entries)
	}
	if !strings.Contains(entries[0].Value, "<title>XVR LOGIN</title>") {
		t.Errorf("value = %q", entries[0].Value)
	}
}

func TestHalfTitleCompleted(t *testing.T) {
	r := response{body: []string{"Reolink</title>", "x</title>y"}}
	if got := r.raw(); !strings.Contains(got, "<title>Reolink</title>") || !strings.Contains(got, "<title>x</title>y") {
		t.Errorf("raw() = %q, want the titles opened", got)
	}
	r = response{body: []string{"<title>a</title>"}}
	if got := r.raw(); strings.Contains(got, "<title><title>") {
		t.Errorf("raw() = %q opened a title twice", got)
	}
}

// FuzzDSLParts: rule files are input too; no expression may panic the reader.
func FuzzDSLParts(f *testing.F) {
	for _, seed := range []string{
		`contains(body, "Reolink</title>")`,
		`contains_all(tolower(body), "a", "b") && contains_any(header, "c", 'd')`,
		`regex("(?i)nvr[0-9]+", body) || status_code == 200`,
		`contains(body, "unterminated`,
		`contains(((`,
		`contains(body, "a\"b") || ||`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		ways, ok := dslParts(expr)
		if ok && len(ways) == 0 {
			t.Fatalf("dslParts(%q) ok with no way", expr)
		}
	})
}

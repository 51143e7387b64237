package main

import (
	"os"
	"strings"
	"testing"
)

// TestMineWappalyzer reads real Wappalyzer technologies (enthec/webappanalyzer
// src/technologies @ 1b9eee8: GoAhead, mini_httpd, 2ClickShop's meta,
// Adminer's html): one entry per pattern, tags dropped, each in its place.
func TestMineWappalyzer(t *testing.T) {
	dir := t.TempDir()
	src := `{
 "GoAhead": {"cats": [22], "headers": {"Server": "GoAhead"}},
 "mini_httpd": {"cats": [22], "headers": {"Server": "mini_httpd(?:/([\\d.]+))?\\;version:\\1"}},
 "2ClickShop": {"cats": [6], "meta": {"author": ["^Trol Intermedia / 2ClickShop$"]}},
 "Adminer": {"cats": [3], "html": ["adminer</a> <span class=\"version\">([\\d.]+)</span>\\;version:\\1"], "cookies": {"adminer_sid": ""}}
}`
	was := mineAll
	t.Cleanup(func() { mineAll = was })
	mineAll = true
	if err := os.WriteFile(dir+"/a.json", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, skipped, err := mineWappalyzer(dir)
	if err != nil || len(skipped) != 0 || len(entries) != 5 {
		t.Fatalf("mineWappalyzer: %v, %d entries, skipped %q", err, len(entries), skipped)
	}
	byRule := entriesByRule(entries)
	at := func(id string) entry { return byRule["wappalyzer:src/technologies/a.json#"+id] }
	if e := at("GoAhead/headers/Server"); e.Scope != "other" || !strings.Contains(e.Value, "\r\nServer: GoAhead\r\n") {
		t.Errorf("server entry = %+v", e)
	}
	if e := at("mini_httpd/headers/Server"); !strings.Contains(e.Value, "\r\nServer: mini_httpd/1111\r\n") {
		t.Errorf("version-tagged entry = %+v", e)
	}
	if e := at("2ClickShop/meta/author#1"); !strings.HasSuffix(e.Value, `<meta name="author" content="Trol Intermedia / 2ClickShop">`) {
		t.Errorf("meta entry = %+v", e)
	}
	if e := at("Adminer/html#1"); !strings.HasSuffix(e.Value, `adminer</a> <span class="version">1111</span>`) {
		t.Errorf("html entry = %+v", e)
	}
	if e := at("Adminer/cookies/adminer_sid"); !strings.Contains(e.Value, "\r\nSet-Cookie: adminer_sid=1\r\n") {
		t.Errorf("cookie entry = %+v", e)
	}
}

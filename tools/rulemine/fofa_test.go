package main

import (
	"strings"
	"testing"
)

// TestFofaWays reads real FOFA queries of ARL's app/dicts/webapp.json @
// b398e70 and TideFinger's cms_finger.db fofa table @ 4f0bdbc: disjunctions,
// a parenthesised conjunction, "==", unquoted values, quotes inside a value.
func TestFofaWays(t *testing.T) {
	for _, c := range []struct {
		query string
		want  []string // each way's tests, field=value joined by " & "
	}{
		{`header="Hikvision" || (body="updateTips" && body="doc/page/login.asp") || header="_goaheadwebSessionId" || header="DVRDVS-Webs"`,
			[]string{"header=Hikvision", "body=updateTips & body=doc/page/login.asp", "header=_goaheadwebSessionId", "header=DVRDVS-Webs"}},
		{`body="content="Camera Life" || body="This site is powered by Camera Life"`,
			[]string{`body=content="Camera Life`, "body=This site is powered by Camera Life"}},
		{`title="OnSSI Video Clients" || body="x-value="On-Net Surveillance Systems Inc.""`,
			[]string{"title=OnSSI Video Clients", `body=x-value="On-Net Surveillance Systems Inc."`}},
		{`body="259F9FDF-97EA-4C59-B957-5160CAB6884E" || title=="DVR-WebClient"`,
			[]string{"body=259F9FDF-97EA-4C59-B957-5160CAB6884E", "title=DVR-WebClient"}},
		{`header=webcamXP||title=webcamXP||server="webcamXP 5"`,
			[]string{"header=webcamXP", "title=webcamXP", "server=webcamXP 5"}},
		{`body="DCS-950G".toLowerCase()" || title=="DCS-5300"`,
			[]string{`body=DCS-950G".toLowerCase()`, "title=DCS-5300"}},
		{`server="TornadoServer"&&Celery`, nil}, // a bare word is no test
		{`(title="a" || title="b") && body!="c" && body="d"`,
			[]string{"title=a & body=d", "title=b & body=d"}},
	} {
		ways, ok := fofaWays(c.query)
		if ok != (c.want != nil) {
			t.Errorf("fofaWays(%q) ok = %v", c.query, ok)
			continue
		}
		var got []string
		for _, w := range ways {
			var tests []string
			for _, test := range w {
				tests = append(tests, test.field+"="+test.value)
			}
			got = append(got, strings.Join(tests, " & "))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("fofaWays(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}

// TestMineARL reads real webapp.json rules (TophantTechnology/ARL @ b398e70):
// one entry per way, each test where a device sends it, duplicates once.
func TestMineARL(t *testing.T) {
	src := `{
 "NETSurveillance": {"cats": [1111], "headers": [], "html": [], "title": ["NETSurveillance"], "icon": "default.png", "website": "https://www.riskivy.com/", "fofa_rule": "title=\"NETSurveillance\""},
 " SQ-WEBCAM": {"cats": [1111], "headers": ["SQ-WEBCAM", "SQ-WEBCAM"], "html": [], "title": [], "icon": "default.png", "website": "https://www.riskivy.com/", "fofa_rule": "header=\"SQ-WEBCAM\" || header=\"SQ-WEBCAM\""},
 "Kedacom-TrueSens": {"cats": [1111], "headers": ["KEDACOM"], "html": ["/img/kedacom-logo.jpg"], "title": [], "icon": "default.png", "website": "https://www.riskivy.com/", "fofa_rule": "header=\"KEDACOM\" || body=\"/img/kedacom-logo.jpg\""},
 "Panasonic Network Camera": {"cats": [1111], "headers": [], "html": ["MultiCameraFrame?Mode=Motion&Language"], "title": [], "icon": "default.png", "website": "https://www.riskivy.com/", "fofa_rule": "server=\"U S Software Web Server\" || body=\"MultiCameraFrame?Mode=Motion&Language\""},
 "APISIX": {"cats": [1111], "headers": [], "html": [], "title": [], "icon": "default.png", "website": "https://www.riskivy.com/", "fofa_rule": ""}
}`
	path := ruleFile(t, "webapp.json", src, true)
	entries, skipped, err := mineARL(path)
	if err != nil || len(skipped) != 1 {
		t.Fatalf("mineARL: %v, skipped %q", err, skipped)
	}
	byRule := entriesByRule(entries)
	if len(entries) != 6 {
		t.Errorf("%d entries, want 6: %v", len(entries), byRule)
	}
	if e := byRule["ARL:app/dicts/webapp.json#NETSurveillance"]; e.Maker != "Xiongmai" || e.Scope != "device" || !strings.HasSuffix(e.Value, "\r\n\r\n<title>NETSurveillance</title>") {
		t.Errorf("NETSurveillance entry = %+v", e)
	}
	if e := byRule["ARL:app/dicts/webapp.json#SQ-WEBCAM#1"]; !strings.Contains(e.Value, "Server: SQ-WEBCAM\r\n") {
		t.Errorf("SQ-WEBCAM entry = %+v", e)
	}
	if e := byRule["ARL:app/dicts/webapp.json#Kedacom-TrueSens#2"]; e.Maker != "Kedacom" || e.Scope != "platform" {
		t.Errorf("Kedacom TrueSens entry = %+v, want a platform entry (videoconferencing)", e)
	}
	if e := byRule["ARL:app/dicts/webapp.json#Panasonic Network Camera#1"]; e.Maker != "" || !strings.Contains(e.Value, "Server: U S Software Web Server\r\n") {
		t.Errorf("Panasonic entry = %+v", e)
	}
}

// TestMineFOFAList reads TideFinger's fofa table as exported (id, name,
// query): the ids name the rules, an icon_hash alone is the favicon, a
// banner test is no page.
func TestMineFOFAList(t *testing.T) {
	src := "1894\t海康威视（Hikvision）\theader=\"Hikvision\" || (body=\"updateTips\" && body=\"doc/page/login.asp\")\n" +
		"17\tZTE FTP\tprotocol=ftp && banner=\"ZTE FTP\"\n" +
		"9000\tconstructed icon\ticon_hash=\"-1240222446\"\n"
	path := ruleFile(t, "fofa.tsv", src, true)
	entries, skipped, err := mineFOFAList(path, "TideFinger:cms_finger.db/fofa")
	if err != nil || len(entries) != 3 || len(skipped) != 1 {
		t.Fatalf("mineFOFAList = %d entries, skipped %q, %v", len(entries), skipped, err)
	}
	if e := entries[1]; e.Rule != "TideFinger:cms_finger.db/fofa#1894#2" || e.Maker != "Hikvision" || !strings.HasSuffix(e.Value, "\r\n\r\nupdateTips\ndoc/page/login.asp") {
		t.Errorf("Hikvision body entry = %+v", e)
	}
	if e := entries[2]; e.Key != "http.favicon_mmh3" || e.Value != "-1240222446" {
		t.Errorf("icon entry = %+v", e)
	}
	if _, _, err := mineFOFAList(ruleFile(t, "bad.tsv", "no tabs here\n", true), "x"); err == nil {
		t.Error("a line without tabs was accepted")
	}
}

// FuzzFofaWays: rule files are input too; no query may panic the reader or
// expand past its bound, and an accepted query gives a way.
func FuzzFofaWays(f *testing.F) {
	for _, seed := range []string{
		`header="Hikvision" || (body="updateTips" && body="doc/page/login.asp")`,
		`body="x-value="On-Net Surveillance Systems Inc.""`,
		`title=="DVR-WebClient"`,
		`header=webcamXP||title=webcamXP`,
		`(a="1"||b="2")&&(c="3"||d="4")&&(e="5"||f="6")`,
		`body!="x"`,
		`((((`,
		`title="`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		ways, ok := fofaWays(query)
		if ok && len(ways) == 0 || len(ways) > maxFofaWays {
			t.Fatalf("fofaWays(%q) = %d ways, ok %v", query, len(ways), ok)
		}
		_, _ = fofaEntries(entry{Rule: "fuzz"}, query)
	})
}

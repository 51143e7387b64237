package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Goby's web and service fingerprints as chainreactors/fingers keeps them
// (resources/goby.json): a product name, a logic expression over labels
// ("a|| (b&&c)") and the labelled features, each a text the answer holds
// (or, is_equal false, must not hold). The conversion dropped the field a
// feature was tested in, so a feature is placed where its own form says a
// device sends it: a telnet login prompt in a telnet banner, a certificate
// subject as the TLS subject, a realm in a challenge, "Name: value" as a
// header, a server name as the Server header, anything else in the page;
// the word "rtsp", or a realm or server name holding it, makes the answer
// an RTSP one.

type gobyRule struct {
	Name  string `json:"name"`
	Logic string `json:"logic"`
	Rule  []struct {
		Label   string `json:"label"`
		Feature string `json:"feature"`
		IsEqual bool   `json:"is_equal"`
	} `json:"rule"`
}

// mineGoby reads the JSON list; rule ids are the list index and the name.
func mineGoby(path string) ([]entry, []string, error) {
	var rules []gobyRule
	if err := readJSON(path, &rules); err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for i, r := range rules {
		rule := fmt.Sprintf("goby:resources/goby.json#%d", i+1)
		es, sk := gobyEntries(webEntry(rule, strings.TrimSpace(r.Name)), r)
		entries, skipped = append(entries, es...), append(skipped, sk...)
	}
	return keepSurveillance(entries), skipped, nil
}

// gobyEntries gives one entry per way of a rule's logic.
func gobyEntries(base entry, r gobyRule) ([]entry, []string) {
	features := map[string]fofaTest{}
	for _, f := range r.Rule {
		features[f.Label] = fofaTest{field: "goby", value: gobyText(f.Feature), negated: !f.IsEqual}
	}
	p := &fofaParser{s: r.Logic, atom: func(p *fofaParser) (fofaTest, bool) {
		p.space()
		start := p.i
		for p.i < len(p.s) && (isAlnum(p.s[p.i]) || p.s[p.i] == '_') {
			p.i++
		}
		t, ok := features[p.s[start:p.i]]
		return t, ok
	}}
	ways, ok := p.ways()
	if !ok {
		return nil, []string{base.Rule + ": the logic does not parse"}
	}
	return wayEntries(base, ways, func(e *entry, way []fofaTest) string {
		var texts []string
		for _, t := range way {
			texts = append(texts, t.value)
		}
		var why string
		e.Key, e.Value, why = gobyAnswer(texts)
		return why
	})
}

// gobyHex is a \xNN escape the list keeps for a banner's raw bytes.
var gobyHex = regexp.MustCompile(`\\x[0-9a-fA-F]{2}`)

// gobyText turns a feature's text into the characters the device sends: the
// list escapes quotes (realm=\"x) and raw bytes (\xff).
func gobyText(s string) string {
	s = gobyHex.ReplaceAllStringFunc(s, func(h string) string {
		b, _ := strconv.ParseUint(h[2:], 16, 8)
		return string([]byte{byte(b)})
	})
	return unescape(s)
}

var (
	gobyTelnet       = regexp.MustCompile(`(?i)\blogin:\s*$|^\xff[\xfb-\xfe]`)
	gobySubjectLabel = regexp.MustCompile(`(?i)^(?:subject:|commonname:)\s*`)
	gobyRTSPHeader   = regexp.MustCompile(`(?i)^(?:Server|WWW-Authenticate):.*rtsp`)
	gobySubject      = regexp.MustCompile(`(?i)^(?:subject:\s*|commonname:\s*)?(?:cn|o|ou|c|st|l)=[^,]+(?:,\s*(?:cn|o|ou|c|st|l)=[^,]+)*$|^commonname:`)
)

// gobyAnswer builds the answer holding all of a way's texts, or gives why
// it cannot: a protocol word with nothing camsweep reads (snmp), texts of
// two kinds of answer at once.
func gobyAnswer(texts []string) (key, value, why string) {
	var telnet, subject, page []string
	rtsp := false
	for _, t := range texts {
		switch low := strings.ToLower(strings.TrimSpace(t)); {
		case low == "rtsp":
			rtsp = true
		case low == "telnet":
		case low == "snmp" || low == "ftp" || low == "ssh":
			return "", "", "tests the " + low + " protocol"
		case gobyTelnet.MatchString(t):
			telnet = append(telnet, t)
		case gobySubject.MatchString(strings.TrimSpace(t)):
			subject = append(subject, strings.TrimSpace(t))
		default:
			page = append(page, t)
		}
	}
	switch {
	case len(telnet) > 0 && len(subject)+len(page) == 0:
		return "telnet.banner", strings.Join(telnet, "\r\n"), ""
	case len(subject) == 1 && len(telnet)+len(page) == 0:
		s := gobySubjectLabel.ReplaceAllString(subject[0], "")
		if !strings.Contains(s, "=") {
			s = "CN=" + s
		}
		return "tls.subject", s, ""
	case len(page) > 0 && len(telnet)+len(subject) == 0:
		return gobyPage(page, rtsp)
	case len(texts) == 0:
		return "", "", "tests nothing the answer holds"
	}
	return "", "", "mixes texts of several protocols"
}

// gobyPage places page and header texts in one HTTP (or RTSP) answer, each
// where yakPlace puts a flag.
func gobyPage(texts []string, rtsp bool) (key, value, why string) {
	var r response
	for _, t := range texts {
		placeText(&r, t)
	}
	for _, h := range r.headers { // a realm or server naming RTSP is an RTSP server's (realm="DahuaRtsp")
		rtsp = rtsp || gobyRTSPHeader.MatchString(h)
	}
	if !rtsp {
		return "http.headers", r.raw(), ""
	}
	if len(r.body) > 0 {
		return "", "", "puts page text in an RTSP answer"
	}
	return "rtsp.response", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n" + strings.Join(r.headers, "\r\n") + "\r\n\r\n", ""
}

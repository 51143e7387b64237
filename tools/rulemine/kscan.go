package main

import (
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
)

// kscan's web and service fingerprints (lcvvvv/kscan static/fingerprint.txt):
// one rule a line, a product name and a tab, then a query in a FOFA-like
// language that, unlike Goby's list as chainreactors/fingers keeps it, says
// where each text is tested: Title, Body, Header, Response (the whole answer
// of any protocol), Cert (the certificate), Icon (the favicon's mmh3), Hash,
// Port and Protocol, with =, == and != as FOFA has them, ~= for a regular
// expression, and values quoted with backslash escapes (Body="id=\"x\"").
// The texts are mostly lower-cased, as the list keeps them.

// mineKscan reads the list; rule ids are the line numbers.
func mineKscan(path string) ([]entry, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	parts := kscanParts(lines)
	var entries []entry
	var skipped []string
	for n, line := range lines {
		rule := fmt.Sprintf("kscan:static/fingerprint.txt:%d", n+1)
		name, query, ok := strings.Cut(line, "\t")
		if !ok {
			skipped = append(skipped, rule+": no tab between name and query")
			continue
		}
		if tests := kscanTestText.FindAllStringSubmatch(query, -1); len(tests) == 1 && n+1 >= kscanSplitFirst && n+1 <= kscanSplitLast {
			if whole, split := parts[kscanPartKey(name, tests[0])]; split {
				skipped = append(skipped, fmt.Sprintf("%s: a test of the rule at line %d, split out by the list (a part of a conjunction, a negation or the whole rule there)", rule, whole))
				continue
			}
		}
		es, sk := kscanEntries(webEntry(rule, strings.TrimSpace(name)), query)
		entries, skipped = append(entries, es...), append(skipped, sk...)
	}
	return keepSurveillance(entries), skipped, nil
}

// kscanEntries gives one entry per way of a rule's query.
func kscanEntries(base entry, query string) ([]entry, []string) {
	p := &fofaParser{s: query, atom: (*fofaParser).kscanTest}
	ways, ok := p.ways()
	if !ok {
		return nil, []string{base.Rule + ": the query does not parse"}
	}
	return wayEntries(base, ways, kscanAnswer)
}

// kscanTest reads Field="value" (=, ==, != or ~=), the value in double
// quotes with backslash escapes. A ~= expression becomes the shortest text
// it accepts (gen.go), as nmap's and WhatWeb's are.
func (p *fofaParser) kscanTest() (fofaTest, bool) {
	p.space()
	start := p.i
	for p.i < len(p.s) && (isAlnum(p.s[p.i]) || p.s[p.i] == '_') {
		p.i++
	}
	t := fofaTest{field: strings.ToLower(p.s[start:p.i])}
	regex := false
	switch {
	case t.field == "":
		return t, false
	case p.eat("!="):
		t.negated = true
	case p.eat("~="):
		regex = true
	case p.eat("=="), p.eat("="):
	default:
		return t, false
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return t, false
	}
	var b strings.Builder
	for j := p.i + 1; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '\\' && j+1 < len(p.s): // the list quotes as Go does: \\d is the expression's \d
			j++
			b.WriteByte(p.s[j])
		case c == '"':
			p.i = j + 1
			t.value = b.String()
			if regex && !t.negated {
				return kscanSample(t)
			}
			return t, true
		default:
			b.WriteByte(c)
		}
	}
	return t, false
}

// kscanCase, when set, gives a lower-cased text of a surveillance rule the
// letter case another public rule set writes the same text in (the list
// keeps its texts lower-cased, as kscan matches them without case; a device
// sends App-webs/, not app-webs/).
var kscanCase func(string) string

// kscanAnswer builds the answer of one way into e: titles, bodies and
// headers in one HTTP answer (an RTSP one where the way tests the RTSP
// protocol), a Response text placed where its form says a device sends it
// (a login prompt in a telnet banner, a header, a server name, page text),
// a certificate text alone as the TLS subject, an icon hash alone as the
// favicon; what the answer cannot hold is named in the provenance.
func kscanAnswer(e *entry, way []fofaTest) (skip string) {
	var r response
	var telnet, certs, icons, unread []string
	rtsp := false
	for _, t := range way {
		if kscanCase != nil && e.Maker != "" { // only where recall is measured: a guessed case must not make a near-miss
			t.value = kscanCase(t.value)
		}
		if r.addField(t.field, t.value) {
			continue
		}
		switch t.field {
		case "response":
			if gobyTelnet.MatchString(t.value) {
				telnet = append(telnet, t.value)
			} else {
				placeText(&r, t.value)
			}
		case "cert":
			certs = append(certs, t.value)
		case "icon":
			icons = append(icons, t.value)
		case "protocol":
			switch strings.ToLower(t.value) {
			case "rtsp":
				rtsp = true
			case "telnet", "http", "https":
			default:
				return "tests the " + t.value + " protocol"
			}
		default:
			unread = append(unread, t.field+"="+t.value)
		}
	}
	for _, h := range r.headers {
		rtsp = rtsp || gobyRTSPHeader.MatchString(h)
	}
	page := len(r.headers)+len(r.body) > 0
	switch {
	case len(telnet) > 0 && page:
		return "mixes a telnet prompt and page texts"
	case len(telnet) > 0:
		e.Key, e.Value = "telnet.banner", strings.Join(telnet, "\r\n")
	case page && rtsp && len(r.body) > 0:
		return "puts page text in an RTSP answer"
	case page && rtsp:
		e.Key, e.Value = "rtsp.response", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"+strings.Join(r.headers, "\r\n")+"\r\n\r\n"
	case page:
		e.Key, e.Value = "http.headers", r.raw()
	case len(certs) == 1 && len(icons) == 0:
		s := gobySubjectLabel.ReplaceAllString(strings.TrimSpace(certs[0]), "")
		if !strings.Contains(s, "=") {
			s = "CN=" + s
		}
		e.Key, e.Value, certs = "tls.subject", s, nil
	case len(icons) == 1 && len(certs) == 0:
		e.Key, e.Value, icons = "http.favicon_mmh3", icons[0], nil
	default:
		return "tests only " + strings.Join(append(append(certs, icons...), unread...), ", ")
	}
	for _, c := range certs {
		unread = append(unread, "cert="+c)
	}
	for _, i := range icons {
		unread = append(unread, "icon="+i)
	}
	if len(unread) > 0 {
		e.Provenance += "; not in the answer: " + strings.Join(unread, ", ")
	}
	return ""
}

// kscanSample turns a ~= expression into the shortest text it accepts. The
// list's expressions converted from WhatWeb anchor the header value inside
// the group ("(server: ^Viking)"): such an anchor, which nothing can match,
// is read as the start or end of the value.
func kscanSample(t fofaTest) (fofaTest, bool) {
	s, ok := sample(t.value, syntax.Perl)
	if !ok {
		s, ok = sample(midAnchor.ReplaceAllString(t.value, "$1"), syntax.Perl)
	}
	t.value = s
	return t, ok
}

// midAnchor is a ^ that does not start the expression or a $ that does not
// end it (outside a class: the list's expressions put none there).
var midAnchor = regexp.MustCompile(`([^\\\[])[\^$]`)

// kscanSplitFirst and kscanSplitLast bound the part of the list (at
// cf76af2d, 2023-08-22) that holds one test a line, sorted by product name
// (Body tests, then Header tests, from "08CMS" to "Zope"): the tests of the
// rules above it split out, one rule each.
const kscanSplitFirst, kscanSplitLast = 15977, 18202

// kscanTestText finds the field tests of a query: field, operator, value.
var kscanTestText = regexp.MustCompile(`([A-Za-z_]+)(!=|==|~=|=)"((?:[^"\\]|\\.)*)"`)

// kscanParts maps each test of the rules outside the split part of the list
// to the rule's line. That part (lines kscanSplitFirst to kscanSplitLast)
// repeats the tests above it as rules of their own, a title test as a body
// test, parentheses dropped, negations included
// (Dahua-Cameras-and-Surveillance Body="/css/oem.css", which the whole rule
// excludes): a rule there found here is that split, not a rule its authors
// wrote, and the whole rule's entry stands for the devices it detects.
func kscanParts(lines []string) map[string]int {
	parts := map[string]int{}
	for n, line := range lines {
		if n+1 >= kscanSplitFirst && n+1 <= kscanSplitLast {
			continue
		}
		name, query, _ := strings.Cut(line, "\t")
		for _, t := range kscanTestText.FindAllStringSubmatch(query, -1) {
			if _, seen := parts[kscanPartKey(name, t)]; !seen {
				parts[kscanPartKey(name, t)] = n + 1
			}
		}
	}
	return parts
}

// kscanPartKey names a test by product and text, the text as the
// split-out rules write it (lower-cased, without the parentheses the
// splitting dropped: syslanguage.substring0,2).
func kscanPartKey(name string, test []string) string {
	text := strings.NewReplacer("(", "", ")", "", `\"`, `"`).Replace(strings.ToLower(test[3]))
	return strings.ToLower(strings.TrimSpace(name)) + "\x00" + strings.TrimSpace(text)
}

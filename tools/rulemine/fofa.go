package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// FOFA-style queries: the rule language of ARL's app/dicts/webapp.json
// (fofa_rule), TideFinger's fofa table and the Goby-derived lists:
// title="x" || (body="a" && body="b") || header="y" || icon_hash="123".
// A query is read as a disjunction of conjunctions; each conjunction is one
// answer holding all its positive tests (a negation, field!="x", is left
// out: the answer simply lacks the text).

// fofaTest is one field test of a query.
type fofaTest struct {
	field, value string
	negated      bool
}

// maxFofaWays bounds the answers one query expands into ((a||b)&&(c||d)...).
const maxFofaWays = 64

// fofaWays reads a query into its ways: each way is the list of positive
// tests one answer must pass. ok is false when the query does not parse.
func fofaWays(query string) (ways [][]fofaTest, ok bool) {
	return (&fofaParser{s: query}).ways()
}

// ways reads the whole expression.
func (p *fofaParser) ways() (ways [][]fofaTest, ok bool) {
	ways, ok = p.or()
	p.space()
	if !ok || p.i != len(p.s) {
		return nil, false
	}
	return ways, len(ways) > 0
}

type fofaParser struct {
	s string
	i int
	// atom reads one test where the query has one; nil reads a FOFA field
	// test (fofaParser.test). Goby's logic names labelled features instead.
	atom func(p *fofaParser) (fofaTest, bool)
}

func (p *fofaParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *fofaParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *fofaParser) or() ([][]fofaTest, bool) {
	ways, ok := p.and()
	for ok && p.eat("||") {
		var more [][]fofaTest
		more, ok = p.and()
		ways = append(ways, more...)
	}
	return ways, ok && len(ways) <= maxFofaWays
}

func (p *fofaParser) and() ([][]fofaTest, bool) {
	ways, ok := p.factor()
	for ok && p.eat("&&") {
		var right [][]fofaTest
		if right, ok = p.factor(); !ok {
			break
		}
		var product [][]fofaTest
		for _, l := range ways {
			for _, r := range right {
				product = append(product, append(append([]fofaTest(nil), l...), r...))
			}
		}
		if ways = product; len(ways) > maxFofaWays {
			return nil, false
		}
	}
	return ways, ok
}

func (p *fofaParser) factor() ([][]fofaTest, bool) {
	if p.eat("(") {
		ways, ok := p.or()
		return ways, ok && p.eat(")")
	}
	read := (*fofaParser).test
	if p.atom != nil {
		read = p.atom
	}
	t, ok := read(p)
	if !ok {
		return nil, false
	}
	if t.negated {
		return [][]fofaTest{nil}, true
	}
	return [][]fofaTest{{t}}, true
}

// test reads field=value, field=="value" or field!="value". A quoted value
// ends at the first quote followed by the end, ")", "||" or "&&": these
// lists quote page text unescaped (body="content="Camera Life").
func (p *fofaParser) test() (fofaTest, bool) {
	p.space()
	start := p.i
	for p.i < len(p.s) && (isAlnum(p.s[p.i]) || p.s[p.i] == '_' || p.s[p.i] == '.') {
		p.i++
	}
	t := fofaTest{field: strings.ToLower(p.s[start:p.i])}
	switch {
	case t.field == "":
		return t, false
	case p.eat("!="):
		t.negated = true
	case p.eat("=="), p.eat("="):
	default:
		return t, false
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		for j := p.i + 1; j < len(p.s); j++ {
			if p.s[j] == '"' && fofaValueEnds(p.s[j+1:]) {
				t.value, p.i = p.s[p.i+1:j], j+1
				return t, true
			}
		}
		return t, false
	}
	start = p.i
	for p.i < len(p.s) && !fofaValueEnds(p.s[p.i:]) && p.s[p.i] != ' ' {
		p.i++
	}
	t.value = p.s[start:p.i]
	return t, t.value != ""
}

// fofaValueEnds reports whether rest, what follows a value, closes it.
func fofaValueEnds(rest string) bool {
	rest = strings.TrimLeft(rest, " \t)")
	return rest == "" || strings.HasPrefix(rest, "||") || strings.HasPrefix(rest, "&&")
}

// fofaEntries gives one entry per way of a rule's query: its title, body,
// header and server tests in one answer, or its icon hash as the favicon.
// Tests of what camsweep does not see as a page (cert, port, protocol) are
// left out; a way of nothing else is skipped.
func fofaEntries(base entry, query string) ([]entry, []string) {
	if strings.TrimSpace(query) == "" {
		return nil, []string{base.Rule + ": no query"}
	}
	ways, ok := fofaWays(query)
	if !ok {
		return nil, []string{base.Rule + ": the query does not parse"}
	}
	return wayEntries(base, ways, fofaAnswer)
}

// fofaAnswer builds the answer of one way of a FOFA query into e, or says
// why the way gives none.
func fofaAnswer(e *entry, way []fofaTest) (skip string) {
	var r response
	var icons, unread []string
	for _, t := range way {
		if r.addField(t.field, t.value) {
			continue
		}
		switch t.field {
		case "server":
			r.headers = append(r.headers, "Server: "+t.value)
		case "icon_hash":
			icons = append(icons, t.value)
		default:
			unread = append(unread, t.field+"="+t.value)
		}
	}
	switch {
	case len(r.headers)+len(r.body) > 0:
		e.Key, e.Value = "http.headers", r.raw()
		if len(icons) > 0 {
			e.Provenance += "; the rule also wants favicon mmh3 " + strings.Join(icons, " and ")
		}
	case len(icons) == 1:
		e.Key, e.Value = "http.favicon_mmh3", icons[0]
	default:
		return "tests only " + strings.Join(append(icons, unread...), ", ")
	}
	if len(unread) > 0 {
		e.Provenance += "; not in the answer: " + strings.Join(unread, ", ")
	}
	return ""
}

// wayEntries gives one entry per way of a rule, each built by answer (which
// says why when a way gives none), numbered when the rule has several ways
// and kept once when two ways give the same answer (header="x" || header="x").
func wayEntries(base entry, ways [][]fofaTest, answer func(e *entry, way []fofaTest) (skip string)) ([]entry, []string) {
	var out []entry
	var skipped []string
	seen := map[string]bool{}
	for n, way := range ways {
		e := base
		if len(ways) > 1 {
			e.Rule = fmt.Sprintf("%s#%d", base.Rule, n+1)
		}
		if why := answer(&e, way); why != "" {
			skipped = append(skipped, fmt.Sprintf("%s: way %d %s", base.Rule, n+1, why))
			continue
		}
		if seen[e.Key+e.Value] {
			continue
		}
		seen[e.Key+e.Value] = true
		out = append(out, e)
	}
	return out, skipped
}

// mineARL reads ARL's app/dicts/webapp.json: products by name, each with a
// FOFA query (fofa_rule) that its headers/html/title lists repeat in part.
func mineARL(path string) ([]entry, []string, error) {
	var doc map[string]struct {
		FofaRule string `json:"fofa_rule"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, nil, err
	}
	rules := make([]fofaRule, 0, len(doc))
	for name, r := range doc {
		rules = append(rules, fofaRule{id: "ARL:app/dicts/webapp.json#" + strings.TrimSpace(name), name: name, query: r.FofaRule})
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].id < rules[j].id })
	entries, skipped := mineFofaRules(rules)
	return entries, skipped, nil
}

// fofaRule is one product's query.
type fofaRule struct{ id, name, query string }

// mineFOFAList reads a tab-separated list of id, product name and FOFA
// query, one rule a line: how a rule set kept in a database (TideFinger's
// cms_finger.db fofa table) is exported for mining.
func mineFOFAList(path, source string) ([]entry, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var rules []fofaRule
	for n, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: want id, name and query separated by tabs", path, n+1)
		}
		rules = append(rules, fofaRule{id: source + "#" + f[0], name: f[1], query: f[2]})
	}
	entries, skipped := mineFofaRules(rules)
	return entries, skipped, nil
}

func mineFofaRules(rules []fofaRule) ([]entry, []string) {
	var entries []entry
	var skipped []string
	for _, r := range rules {
		es, sk := fofaEntries(webEntry(r.id, r.name), r.query)
		entries, skipped = append(entries, es...), append(skipped, sk...)
	}
	return keepSurveillance(entries), skipped
}

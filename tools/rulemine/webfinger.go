package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Chinese web-fingerprint rule sets: EHole's finger.json and dismap's
// configs/rule.go. Both name their products in a free mix of Chinese and
// English; cnMakerOf and cnScopeOf read the Chinese names.

// eholeRule is one fingerprint of EHole's finger.json: every keyword must be
// in the location (body, title or header); a faviconhash keyword is the
// Shodan-style mmh3 of the favicon.
type eholeRule struct {
	CMS      string   `json:"cms"`
	Method   string   `json:"method"`
	Location string   `json:"location"`
	Keyword  []string `json:"keyword"`
}

// mineEHole gives one entry per fingerprint (all its keywords in one
// answer) and one per favicon hash. source names the list in rule ids: EHole,
// or a list kept in EHole's format (EASY233/Finger's library/finger.json).
func mineEHole(path, source string) ([]entry, []string, error) {
	var doc struct {
		Fingerprint []eholeRule `json:"fingerprint"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for i, r := range doc.Fingerprint {
		rule := fmt.Sprintf("%s:finger.json#%d", source, i+1)
		e := webEntry(rule, r.CMS)
		switch {
		case r.Method == "faviconhash":
			for n, h := range r.Keyword {
				fe := e
				fe.Rule = fmt.Sprintf("%s.%d", rule, n+1)
				fe.Key, fe.Value = "http.favicon_mmh3", strings.TrimSpace(h)
				entries = append(entries, fe)
			}
			continue
		case r.Method != "keyword" || len(r.Keyword) == 0:
			skipped = append(skipped, rule+": method "+r.Method+" gives no sample")
			continue
		}
		var resp response
		switch r.Location {
		case "title":
			resp.body = append(resp.body, "<title>"+strings.Join(r.Keyword, " ")+"</title>")
		case "header":
			for _, k := range r.Keyword {
				resp.headers = append(resp.headers, headerLine(k))
			}
		default:
			resp.body = append(resp.body, r.Keyword...)
		}
		e.Key, e.Value = "http.headers", resp.raw()
		entries = append(entries, e)
	}
	return keepSurveillance(entries), skipped, nil
}

// dismapRule is one element of dismap's RuleData: Type says which of the
// body regex, the header regex and the favicon MD5 regex apply, Mode
// whether all of them must ("and") or any ("", "or").
type dismapRule struct {
	line               int
	name, typ, mode    string
	body, header, icon string
	reqMethod, reqPath string
}

// mineDismap reads configs/rule.go as Go source (never compiled or run).
// Each rule's regular expressions are case-insensitive alternations of page
// text; every alternative goes into the one answer the rule was written from,
// as FingerprintHub's word lists do.
func mineDismap(path string) ([]entry, []string, error) {
	rules, err := readDismapRules(path)
	if err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for _, r := range rules {
		rule := fmt.Sprintf("dismap:configs/rule.go:%d", r.line)
		base := webEntry(rule, r.name)
		if r.reqPath != "" {
			base.Provenance += "; the answer to " + r.reqMethod + " " + r.reqPath
		}
		var body, head response
		ok := true
		if strings.Contains(r.typ, "body") && r.body != "" {
			parts, good := alternatives(r.body)
			body.body, ok = parts, ok && good
		}
		if strings.Contains(r.typ, "header") && r.header != "" {
			parts, good := alternatives(r.header)
			for _, p := range parts {
				head.headers = append(head.headers, headerLine(p))
			}
			ok = ok && good
		}
		if !ok {
			skipped = append(skipped, rule+": an expression gives no sample")
			continue
		}
		var icons []string
		if strings.Contains(r.typ, "ico") && r.icon != "" {
			icons, _ = alternatives(r.icon)
		}
		and := strings.HasPrefix(r.mode, "and")
		switch {
		case and:
			all := response{headers: head.headers, body: body.body}
			if len(all.headers)+len(all.body) > 0 {
				e := base
				e.Key, e.Value = "http.headers", all.raw()
				if len(icons) > 0 {
					e.Provenance += "; the rule also wants favicon MD5 " + strings.Join(icons, " or ")
				}
				entries = append(entries, e)
				continue
			}
		default:
			n := 0
			for _, resp := range []response{head, body} {
				if len(resp.headers)+len(resp.body) == 0 {
					continue
				}
				n++
				e := base
				e.Rule = fmt.Sprintf("%s#%d", rule, n)
				e.Key, e.Value = "http.headers", resp.raw()
				entries = append(entries, e)
			}
		}
		for i, h := range icons {
			e := base
			e.Rule = fmt.Sprintf("%s#ico%d", rule, i+1)
			e.Key, e.Value = "http.favicon_md5", strings.ToLower(h)
			entries = append(entries, e)
		}
	}
	return keepSurveillance(entries), skipped, nil
}

// readDismapRules reads the RuleData composite literal: {Rank, Name, Type,
// Mode, InStr{Body, Header, IcoMd5}, ReqHttp{Method, Path, Header, Body}}.
func readDismapRules(path string) ([]dismapRule, error) {
	fset := token.NewFileSet()
	lists, err := listLiterals(fset, path)
	if err != nil {
		return nil, err
	}
	var rules []dismapRule
	for _, lit := range lists["RuleData"] {
		if len(lit.Elts) < 6 {
			continue
		}
		r := dismapRule{line: fset.Position(lit.Pos()).Line}
		r.name, r.typ, r.mode = stringLit(lit.Elts[1]), stringLit(lit.Elts[2]), stringLit(lit.Elts[3])
		if in, ok := lit.Elts[4].(*ast.CompositeLit); ok && len(in.Elts) == 3 {
			r.body, r.header, r.icon = stringLit(in.Elts[0]), stringLit(in.Elts[1]), stringLit(in.Elts[2])
		}
		if req, ok := lit.Elts[5].(*ast.CompositeLit); ok && len(req.Elts) >= 2 {
			r.reqMethod, r.reqPath = stringLit(req.Elts[0]), stringLit(req.Elts[1])
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("%s: no RuleData entries", path)
	}
	return rules, nil
}

// listLiterals parses a Go file of rule tables and gives, for each variable
// whose value is a composite literal, that literal's elements that are
// composite literals themselves (the rules), by variable name.
func listLiterals(fset *token.FileSet, path string) (map[string][]*ast.CompositeLit, error) {
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	lists := map[string][]*ast.CompositeLit{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
			return true
		}
		list, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return false
		}
		for _, elt := range list.Elts {
			if lit, ok := elt.(*ast.CompositeLit); ok {
				lists[vs.Names[0].Name] = append(lists[vs.Names[0].Name], lit)
			}
		}
		return false
	})
	return lists, nil
}

func stringLit(e ast.Expr) string {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return ""
	}
	s, err := strconv.Unquote(b.Value)
	if err != nil {
		return ""
	}
	return s
}

// alternatives splits a "(a|b|c)" expression at its top-level bars and gives
// each alternative as the page text it stands for: the text itself where the
// author copied page text (dismap's patterns are page text in which ".",
// "?" and "()" are incidental), else the shortest string the alternative
// accepts. ok is false when an alternative gives neither.
func alternatives(expr string) (parts []string, ok bool) {
	inner := expr
	// dismap wraps every expression in one group, and its page text may hold
	// an unbalanced parenthesis ("'nav_margin').style"): the outer pair is
	// dropped unless the expression is a bar between groups.
	if strings.HasPrefix(inner, "(") && strings.HasSuffix(inner, ")") && !strings.Contains(inner, ")|(") {
		inner = inner[1 : len(inner)-1]
	}
	for _, alt := range splitAlternatives(inner) {
		if strings.TrimSpace(alt) == "" {
			continue
		}
		text, good := pageText(alt)
		if !good {
			return nil, false
		}
		parts = append(parts, text)
	}
	return parts, len(parts) > 0
}

// splitAlternatives splits a regular expression at the bars outside groups
// (quotes are page text here, unlike in nuclei DSL).
func splitAlternatives(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case '|':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// realRegex marks an alternative that uses the regular-expression language
// on purpose (a class, a class escape, "any text", a counted repeat), not
// page text in which ".", "?", "+" and "()" are incidental.
var realRegex = regexp.MustCompile(`\[[^\]]*\]|\\[dswDSW]|\.[*+?]|\{[0-9]+(,[0-9]*)?\}`)

func pageText(alt string) (string, bool) {
	literal := unescape(alt)
	if !realRegex.MatchString(alt) {
		return literal, true
	}
	if s, ok := sample(alt, syntax.Perl); ok { // the rule's own letter case
		return s, true
	}
	// An expression that cannot match its own text ("$.nvr.model_name=":
	// an anchor mid-pattern) is page text the author copied unescaped.
	return literal, !strings.ContainsAny(alt, "[]{}*+")
}

// unescape drops the backslash of an escaped punctuation character.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && !isAlnum(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// headerName is a "name: value" header line as a rule quotes it.
var headerName = regexp.MustCompile(`^[A-Za-z0-9-]+:\s`)

// headerLine turns a header text a rule wants into the header that carries
// it: a realm is a WWW-Authenticate challenge (its quote closed), a named
// header stays as it is, and text naming no header is the Server value (what
// these rule sets' bare header words are: "jaws/", "avtech", "reecam", a
// model name; the rule does not say which header, and Server is the one a
// device names itself in).
func headerLine(h string) string {
	h = strings.TrimSpace(h)
	switch {
	case strings.Contains(strings.ToLower(h), "realm="):
		if strings.Count(h, `"`)%2 == 1 {
			h += `"`
		}
		if low := strings.ToLower(h); !strings.HasPrefix(low, "basic ") && !strings.HasPrefix(low, "digest ") {
			h = "Basic " + h
		}
		return "WWW-Authenticate: " + h
	case headerName.MatchString(h):
		return h
	}
	return "Server: " + h
}

// webEntry starts an entry for a rule whose product text is name.
func webEntry(rule, name string) entry {
	e := entry{Rule: rule, Product: name, Maker: cnMakerOf(name), Brand: brandOf(name),
		Scope: cnScopeOf(name), Provenance: "constructed_from_rule_words", what: name}
	if why, wrong := makerCorrections[rule]; wrong {
		e.Maker, e.Product = "", e.Product+" [maker corrected: "+why+"]"
	}
	return e
}

// keepSurveillance keeps the surveillance entries, and with -all the others
// as precision entries (scope other, no maker).
func keepSurveillance(entries []entry) []entry {
	var out []entry
	for _, e := range entries {
		if !isSurveillance(e.what) && !cnSurveillance.MatchString(e.what) {
			if !mineAll {
				continue
			}
			e.Scope, e.Maker, e.Brand = "other", "", ""
		}
		out = append(out, e)
	}
	return out
}

// cnSurveillance are the Chinese (and Chinese-set English) words of
// surveillance products and makers: camera, monitoring, video recording,
// and the restricted makers' Chinese names.
var cnSurveillance = regexp.MustCompile(`(?i)摄像|监控|录像|视频|球机|枪机|海康|萤石|大华|乐橙|宇视|天地伟业|雄迈|熊迈|同为|科达|汉邦|中维|cloudsee|jovision|raysharp|hanbang|\btvt\b|cameras-and-surveillance|\bipc[0-9]`)

// cnMakerTable maps Chinese maker names (and makers the older rule sets never
// named) to catalogue makers; makerTable is asked first.
var cnMakerTable = []struct {
	re    *regexp.Regexp
	maker string
}{
	{regexp.MustCompile(`海康|萤石`), "Hikvision"},
	{regexp.MustCompile(`大华|乐橙`), "Dahua"},
	{regexp.MustCompile(`宇视`), "Uniview"},
	{regexp.MustCompile(`天地伟业`), "Tiandy"},
	{regexp.MustCompile(`雄迈|熊迈`), "Xiongmai"}, // 熊迈: Goby's spelling (XM熊迈-视频监控: NETSurveillance WEB)
	{regexp.MustCompile(`同为`), "TVT"},
	{regexp.MustCompile(`科达`), "Kedacom"},
	{regexp.MustCompile(`(?i)汉邦|hanbang`), "Hanbang"},
	{regexp.MustCompile(`(?i)中维|jovision|cloudsee`), "Jovision"},
	{regexp.MustCompile(`(?i)raysharp`), "Raysharp"},
	{regexp.MustCompile(`(?i)huawei|华为`), "Huawei"},
}

func cnMakerOf(name string) string {
	if m := makerOf(name); m != "" {
		return m
	}
	for _, m := range cnMakerTable {
		if m.re.MatchString(name) {
			return m.maker
		}
	}
	return ""
}

// cnPlatformWords mark, beyond platformWords, the makers' platform products
// these rule sets name: video-management and storage servers, TV walls and
// multi-screen controllers, face and image analysis, streaming-media servers
// conference systems, DSS, Kedacom's Phoenix client and its TrueSens
// videoconferencing line (WhatWeb plugins/kedacom-truesens.rb), and the
// English names Goby gives the same products (TV wall, big screen control,
// video image information library, diagnostic tools, ESS storage), and
// chainreactors/fingers' Chinese ones (磁盘阵列 disk arrays, 网络键盘 network
// keyboards, 云眼 Uniview's cloud).
var cnPlatformWords = regexp.MustCompile(`(?i)server|服务器|管理系统|tv-wall|tvwall|multi-screen|多屏|viid|视频图像信息库|\bwp\b|face|人脸|analysis|retrieval|检索|structured|quality|backup|备份|storage|unistor|raid|redundant|\bvm[0-9.]+|\btms[0-9]|\bisc\b|ezclould|cloudeye|\bude\b|\bsg\b|sxm|审讯|on-demand|viewshot|mediaserver|流媒体|会议|conferenc|\bsmc\b|综合|安防管理|cload|recovery|\bdss\b|phoenix|truesens|tv wall|big screen|information (?:library|database)|diagnostic|car remote|\bess[0-9]|video cloud|security platform|multimedia platform|磁盘阵列|键盘|云眼`)

// cnDeviceWords name a camera, NVR or DVR outright, whatever else the name
// says ("JAWS Web Server (IP Camera)", "Cloudsee-Cameras-and-Surveillance").
var cnDeviceWords = regexp.MustCompile(`(?i)camera|\bnvr|\bdvr|摄像`)

// cnPlatformFirst name a maker's platform product even beside a device word:
// a DVR access gateway (Kedacom-DVR-Access-gateway, 科达DVR接入网关) connects
// recorders to a platform, DSS written dahua_dss is Dahua's platform, and
// 视讯 (video communication) is Kedacom's conferencing line.
var cnPlatformFirst = regexp.MustCompile(`(?i)gateway|网关|_dss\b|视讯`)

func cnScopeOf(name string) string {
	if cnPlatformFirst.MatchString(name) {
		return "platform"
	}
	if cnDeviceWords.MatchString(name) {
		return "device"
	}
	if platformWords.MatchString(name) || cnPlatformWords.MatchString(name) {
		return "platform"
	}
	return "device"
}

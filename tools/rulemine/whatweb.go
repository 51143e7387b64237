package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strings"
)

// WhatWeb plugins (plugins/*.rb) are Ruby: a Plugin.define block whose
// `matches [ {...}, ... ]` array lists, one hash per way, what a page holds
// (:text, :regexp, or a :version/:model/... expression that also must match),
// where (:search: the body by default, "headers[server]" a header) and on
// which page (:url). The plugin files are read as text, never run; a hash
// this reader cannot place (Ruby code, an MD5 of a whole page, a URL test)
// is skipped and listed.

// mineWhatWeb gives one entry per match hash of every plugin under dir.
func mineWhatWeb(dir string) ([]entry, []string, error) {
	var entries []entry
	var skipped []string
	err := eachRuleFile(dir, ".rb", func(_, rel string, data []byte) {
		es, sk := pluginEntries(string(data), "WhatWeb:plugins/"+filepath.ToSlash(rel))
		entries = append(entries, es...)
		skipped = append(skipped, sk...)
	})
	return keepSurveillance(entries), skipped, err
}

var (
	pluginName        = regexp.MustCompile(`(?m)^\s*name\s+["']([^"']+)["']`)
	pluginDescription = regexp.MustCompile(`(?m)^\s*description\s+["']([^"'\n]*)`)
	matchesStart      = regexp.MustCompile(`(?m)^\s*matches\s*\[`)
)

func pluginEntries(src, rule string) ([]entry, []string) {
	name := firstGroup(pluginName, src)
	if name == "" {
		return nil, []string{rule + ": no plugin name"}
	}
	loc := matchesStart.FindStringIndex(src)
	if loc == nil {
		return nil, []string{rule + ": no matches array (Ruby code only)"}
	}
	product := strings.TrimSpace(name + " " + firstGroup(pluginDescription, src))
	var entries []entry
	var skipped []string
	for i, h := range rubyHashes(src[loc[1]:]) {
		id := fmt.Sprintf("%s#%d", rule, i+1)
		e := webEntry(rule, product)
		e.Rule = id
		if ok := fillFromMatch(&e, h); !ok {
			skipped = append(skipped, id+": a match this reader cannot place")
			continue
		}
		entries = append(entries, e)
	}
	return entries, skipped
}

func firstGroup(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// rubyValue is one value of a match hash: a string, or a regular expression
// with its Ruby flags.
type rubyValue struct {
	text  string
	regex bool
	flags string
}

// fillFromMatch sets an entry's key and value from one match hash.
func fillFromMatch(e *entry, h map[string]rubyValue) bool {
	if md5, ok := h["md5"]; ok {
		url := h["url"].text
		if !strings.HasSuffix(strings.ToLower(url), ".ico") {
			return false // the MD5 of a whole page: no observation carries it
		}
		e.Key, e.Value = "http.favicon_md5", strings.ToLower(md5.text)
		return true
	}
	var text string
	var ok bool
	if v, has := h["text"]; has && !v.regex {
		text, ok = v.text, true
	}
	for _, k := range []string{"regexp", "version", "model", "firmware", "string", "os", "module", "account", "filepath"} {
		if ok {
			break
		}
		if v, has := h[k]; has && v.regex {
			text, ok = rubySample(v)
		}
	}
	if !ok || strings.TrimSpace(text) == "" {
		return false
	}
	var r response
	switch search := strings.ToLower(h["search"].text); {
	case search == "" || search == "body":
		r.body = append(r.body, text)
	case strings.HasPrefix(search, "headers[") && strings.HasSuffix(search, "]"):
		r.headers = append(r.headers, headerCase(search[len("headers["):len(search)-1])+": "+text)
	case search == "headers":
		r.headers = append(r.headers, headerLine(text))
	default:
		return false // uri, status and other tests name no answer text
	}
	e.Key, e.Value = "http.headers", r.raw()
	if url := h["url"].text; url != "" {
		e.Provenance += "; the answer to GET " + url
	}
	return true
}

// headerCase writes a header name as servers send it (server → Server).
func headerCase(name string) string {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

// rubySample gives the shortest text a Ruby regular expression accepts, or
// false where Go's syntax cannot read it.
func rubySample(v rubyValue) (string, bool) {
	flags := syntax.Perl
	if strings.Contains(v.flags, "i") {
		flags |= syntax.FoldCase
	}
	if strings.Contains(v.flags, "m") { // Ruby's m is dot-matches-newline
		flags |= syntax.DotNL
	}
	if strings.Contains(v.flags, "x") {
		return "", false
	}
	return sample(v.text, flags)
}

// rubyHashes reads the top-level {...} hash literals of a matches array up
// to its closing bracket, each as its :key => value pairs. Comments, strings
// and regular expressions are skipped over, so a brace inside them does not
// count.
func rubyHashes(s string) []map[string]rubyValue {
	var out []map[string]rubyValue
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '#':
			i = skipLine(s, i)
		case ']':
			return out
		case '{':
			h, end := rubyHash(s, i+1)
			if end < 0 {
				return out
			}
			out = append(out, h)
			i = end
		}
	}
	return out
}

func skipLine(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// rubyHash reads pairs from s[i:] up to the closing brace and returns the
// pairs and the brace's index (-1 when the hash does not close).
func rubyHash(s string, i int) (map[string]rubyValue, int) {
	h := map[string]rubyValue{}
	for i < len(s) {
		i = skipSpace(s, i)
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '}':
			return h, i
		case ',':
			i++
			continue
		case '#':
			i = skipLine(s, i)
			continue
		}
		key, next := rubyKey(s, i)
		if key == "" {
			return h, skipTo(s, i, '}')
		}
		i = skipSpace(s, next)
		v, next, ok := rubyLiteral(s, i)
		if !ok {
			i = skipValue(s, i)
			continue
		}
		h[key] = v
		i = next
	}
	return h, -1
}

func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// skipTo gives the index of the next c at or after i, or -1.
func skipTo(s string, i int, c byte) int {
	if j := strings.IndexByte(s[i:], c); j >= 0 {
		return i + j
	}
	return -1
}

// skipValue steps over a value this reader does not take (a number, a
// symbol, an array) to the next comma or the closing brace.
func skipValue(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ',', '}':
			if depth <= 0 {
				return i
			}
		}
	}
	return i
}

// rubyKey reads ":key =>" or "key:" and returns the key and the index after
// the arrow or colon.
func rubyKey(s string, i int) (string, int) {
	j := i
	if s[j] == ':' {
		j++
	}
	start := j
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
		j++
	}
	key := s[start:j]
	if key == "" {
		return "", i
	}
	k := skipSpace(s, j)
	switch {
	case strings.HasPrefix(s[k:], "=>"):
		return key, k + 2
	case start == i && k < len(s) && s[k] == ':':
		return key, k + 1
	}
	return "", i
}

// rubyLiteral reads a quoted string or a /regex/flags literal at s[i:].
func rubyLiteral(s string, i int) (rubyValue, int, bool) {
	if i >= len(s) {
		return rubyValue{}, i, false
	}
	q := s[i]
	if q != '\'' && q != '"' && q != '/' {
		return rubyValue{}, i, false
	}
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if c == '\\' && j+1 < len(s) {
			n := s[j+1]
			j++
			switch {
			case q == '/':
				if n != '/' {
					b.WriteByte('\\')
				}
				b.WriteByte(n)
			case q == '\'' && n != '\'' && n != '\\':
				b.WriteByte('\\')
				b.WriteByte(n)
			case q == '"' && n == 'n':
				b.WriteByte('\n')
			case q == '"' && n == 't':
				b.WriteByte('\t')
			case q == '"' && n == 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(n)
			}
			continue
		}
		if c == q {
			v := rubyValue{text: b.String(), regex: q == '/'}
			j++
			if v.regex {
				for j < len(s) && strings.IndexByte("imxounse", s[j]) >= 0 {
					v.flags += string(s[j])
					j++
				}
			}
			return v, j, true
		}
		b.WriteByte(c)
	}
	return rubyValue{}, i, false
}

package main

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// dslCall is one text test of a nuclei DSL expression: contains(body, "x"),
// contains_all(tolower(body), "a", "b"), contains_any(header, "a", "b"),
// regex("expr", body).
var dslCall = regexp.MustCompile(`(contains_all|contains_any|contains|icontains|regex)\(`)

// dslString is a quoted string literal of a DSL expression.
var dslString = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'`)

// dslParts reads the page parts a DSL expression tests: one response per
// way the expression can hold ("||" between calls gives several, and so does
// a contains_any standing alone; "&&" joins, taking a contains_any's first
// word). Tests it cannot read (versions, lengths, status) are left out: the
// sample holds what the rule's words need, nothing more. False when the
// expression tests no text.
func dslParts(expr string) ([]response, bool) {
	var ways []response
	alternatives := splitTopLevel(expr, "||")
	for _, alternative := range alternatives {
		var readable [][]response
		for _, call := range dslCalls(alternative) {
			if rs, ok := callResponses(call); ok {
				readable = append(readable, rs)
			}
		}
		if len(alternatives) == 1 && len(readable) == 1 {
			ways = append(ways, readable[0]...)
			continue
		}
		var all response
		for _, rs := range readable {
			all.headers = append(all.headers, rs[0].headers...)
			all.body = append(all.body, rs[0].body...)
		}
		if len(all.headers) > 0 || len(all.body) > 0 {
			ways = append(ways, all)
		}
	}
	return ways, len(ways) > 0
}

// dslCalls returns the text of each contains/regex call of an expression,
// from its name to its closing parenthesis.
func dslCalls(expr string) []string {
	var calls []string
	for _, loc := range dslCall.FindAllStringIndex(expr, -1) {
		eachUnquoted(expr, loc[1]-1, func(i, depth int) bool {
			if expr[i] == ')' && depth == 0 {
				calls = append(calls, expr[loc[0]:i+1])
				return true
			}
			return false
		})
	}
	return calls
}

// callResponses gives, for one call, the responses that satisfy it.
func callResponses(call string) ([]response, bool) {
	name := call[:strings.IndexByte(call, '(')]
	args := call[len(name)+1 : len(call)-1]
	var words []string
	for _, m := range dslString.FindAllStringSubmatch(args, -1) {
		lit := m[1]
		if lit == "" {
			lit = m[2]
		}
		if s, err := strconv.Unquote(`"` + lit + `"`); err == nil {
			lit = s
		}
		words = append(words, lit)
	}
	if len(words) == 0 {
		return nil, false
	}
	part := "body"
	if strings.Contains(args, "header") {
		part = "header"
	}
	put := func(r *response, w string) {
		if part == "header" {
			if !strings.Contains(w, ":") {
				w = "X-Matched: " + w
			}
			r.headers = append(r.headers, strings.TrimSpace(w))
			return
		}
		r.body = append(r.body, w)
	}
	switch name {
	case "regex":
		s, ok := sample(words[0], syntax.Perl)
		if !ok {
			return nil, false
		}
		var r response
		put(&r, s)
		return []response{r}, true
	case "contains_any":
		var rs []response
		for _, w := range words {
			var r response
			put(&r, w)
			rs = append(rs, r)
		}
		return rs, true
	default: // contains, icontains, contains_all: the text holds every word
		var r response
		for _, w := range words {
			put(&r, w)
		}
		return []response{r}, true
	}
}

// splitTopLevel splits an expression at sep outside quotes and parentheses.
func splitTopLevel(expr, sep string) []string {
	var out []string
	start := 0
	eachUnquoted(expr, 0, func(i, depth int) bool {
		if depth == 0 && i >= start && strings.HasPrefix(expr[i:], sep) {
			out = append(out, expr[start:i])
			start = i + len(sep)
		}
		return false
	})
	return append(out, expr[start:])
}

// eachUnquoted calls fn with each byte index of s from start on that is
// outside a quoted literal, and the parenthesis depth there (counted from
// start, a '(' included, a ')' excluded), until fn returns true.
func eachUnquoted(s string, start int, fn func(i, depth int) bool) {
	depth, quote := 0, byte(0)
	for i := start; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
			continue
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
		if fn(i, depth) {
			return
		}
	}
}

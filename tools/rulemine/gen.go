package main

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// sample returns a short string the expression accepts, or false. Optional
// parts are taken once (a header a rule allows is a header some device sent),
// "any text" is left empty, and a repeated class gives a few characters.
func sample(expr string, flags syntax.Flags) (string, bool) {
	re, err := syntax.Parse(expr, flags)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	walk(&b, re.Simplify())
	s := b.String()
	full, err := regexp.Compile(expr)
	if err != nil {
		return "", false
	}
	if flags&syntax.FoldCase != 0 {
		full = regexp.MustCompile("(?i)" + expr)
	}
	if flags&syntax.DotNL != 0 {
		full = regexp.MustCompile("(?s)" + full.String())
	}
	return s, full.MatchString(s)
}

func walk(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		b.WriteRune(pick(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture:
		walk(b, re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			walk(b, s)
		}
	case syntax.OpAlternate:
		walk(b, re.Sub[0])
	case syntax.OpStar:
		if !anyText(re.Sub[0]) {
			walk(b, re.Sub[0])
		}
	case syntax.OpPlus:
		n := 1
		if re.Sub[0].Op == syntax.OpCharClass {
			n = 4
		}
		for range n {
			walk(b, re.Sub[0])
		}
	case syntax.OpQuest:
		walk(b, re.Sub[0])
	case syntax.OpRepeat:
		n := re.Min
		if n == 0 {
			n = 1
		}
		for range n {
			walk(b, re.Sub[0])
		}
	}
}

// anyText reports whether a starred expression is "any text" (.*, [^\r\n]*),
// which a sample leaves out.
func anyText(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpCharClass:
		return len(re.Rune) >= 2 && re.Rune[len(re.Rune)-1] >= 0xFFFF
	}
	return false
}

// pick chooses a readable character of a class: a digit or letter if the
// class has one, else its first printable character.
func pick(ranges []rune) rune {
	for _, want := range []rune{'1', 'a', 'A', ' ', '.', '-', '_'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < ranges[i]+256; r++ {
			if unicode.IsPrint(r) {
				return r
			}
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'x'
}

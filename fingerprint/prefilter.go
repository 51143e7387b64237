package fingerprint

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
)

// A page body is kept to 16 KiB and Go's regexp scans text without a
// literal prefix at a few MB/s, so running every http.body signature over
// every kept body would make identification of a capture with many web
// servers take minutes. Most patterns cannot match without one of a few
// literal strings ("hikvision", "webs", "NETSurveillance"...): a signature
// that has such a set is run only on text that contains one of them, which
// strings.Contains answers at memory speed. The set is derived from the
// pattern itself, so it can never reject a value the pattern would match.

// minNeedle is the shortest literal worth searching for: shorter ones are
// in nearly every body and cost more than they save.
const minNeedle = 3

// needlesOf returns literals, lowered as foldText lowers, one of which is in
// every text the pattern matches; nil when the pattern has no such set.
func needlesOf(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	set, ok := required(re.Simplify())
	if !ok {
		return nil
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// required returns a set of literals one of which every match of re
// contains, or false when none is known.
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		if len(lit) < minNeedle || (re.Flags&syntax.FoldCase != 0 && !ascii(lit)) {
			return nil, false
		}
		return []string{foldText(lit)}, true
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return required(re.Sub[0])
	case syntax.OpConcat:
		// Any one part's set will do; the one whose shortest literal is
		// longest rejects most text. A run of parts that each match one of
		// a few strings (a literal, a small character class, an alternation
		// of literals) matches one of their products, which is a set too:
		// ZD[0-9] needs one of zd0 ... zd9, (?:CM|LX)IP one of cmip, lxip.
		var best []string
		for _, sub := range re.Sub {
			if set, ok := required(sub); ok && shortest(set) > shortest(best) {
				best = set
			}
		}
		if set := bestRun(flatConcat(re.Sub)); shortest(set) > shortest(best) {
			best = set
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set, ok := required(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, true
	}
	return nil, false
}

// maxProduct bounds the strings one run of parts may expand to, and
// maxClass the characters of a class taken into a run.
const (
	maxProduct = 64
	maxClass   = 10
)

// flatConcat lists the parts of a concatenation, with the parts of nested
// concatenations and captures of them in their place: adjacency is what a
// run needs, and grouping does not change it.
func flatConcat(subs []*syntax.Regexp) []*syntax.Regexp {
	var out []*syntax.Regexp
	for _, sub := range subs {
		for sub.Op == syntax.OpCapture {
			sub = sub.Sub[0]
		}
		if sub.Op == syntax.OpConcat {
			out = append(out, flatConcat(sub.Sub)...)
		} else {
			out = append(out, sub)
		}
	}
	return out
}

// bestRun returns, of the products of runs of adjacent parts with few
// strings each, the one whose shortest string is longest (at least
// minNeedle), or nil. A part repeated at least once (x+, x{2,}) takes one
// copy into a run and then ends it: the text after its first copy may be
// another copy.
func bestRun(parts []*syntax.Regexp) []string {
	var best []string
	for i := range parts {
		product := []string{""}
		for _, p := range parts[i:] {
			set, repeated := fewStrings(p)
			if set == nil || len(product)*len(set) > maxProduct {
				break
			}
			product = crossProduct(product, set)
			if shortest(product) >= minNeedle && shortest(product) > shortest(best) {
				best = product
			}
			if repeated {
				break
			}
		}
	}
	return best
}

// fewStrings returns the strings re matches, lowered as foldText lowers,
// when they are few; repeated reports a part that may repeat its strings
// (its set then is one copy's). Nil when they are many or unknown.
func fewStrings(re *syntax.Regexp) (set []string, repeated bool) {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 && !ascii(lit) {
			return nil, false
		}
		return []string{foldText(lit)}, false
	case syntax.OpCharClass:
		return classStrings(re.Rune), false
	case syntax.OpCapture:
		return fewStrings(re.Sub[0])
	case syntax.OpPlus:
		set, _ = fewStrings(re.Sub[0])
		return set, true
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		set, _ = fewStrings(re.Sub[0])
		return set, true
	case syntax.OpQuest:
		if set, rep := fewStrings(re.Sub[0]); set != nil && !rep {
			return append(set, ""), false
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, rep := fewStrings(sub)
			if s == nil || rep || len(set)+len(s) > maxProduct {
				return nil, false
			}
			set = append(set, s...)
		}
		return set, false
	case syntax.OpConcat:
		product := []string{""}
		for _, sub := range flatConcat(re.Sub) {
			s, rep := fewStrings(sub)
			if s == nil || rep || len(product)*len(s) > maxProduct {
				return nil, false
			}
			product = crossProduct(product, s)
		}
		return product, false
	}
	return nil, false
}

// classStrings returns the characters of a small class, lowered as
// foldText lowers (the Kelvin sign and long s as k and s); nil for a large
// class or one with other non-ASCII characters.
func classStrings(ranges []rune) []string {
	var set []string
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1]-ranges[i] >= maxClass {
			return nil
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			c := r
			switch {
			case r == '\u212a':
				c = 'k'
			case r == '\u017f':
				c = 's'
			case r >= utf8.RuneSelf:
				return nil
			}
			if c := foldText(string(c)); !slices.Contains(set, c) {
				set = append(set, c)
			}
		}
		if len(set) > maxClass {
			return nil
		}
	}
	return set
}

// crossProduct returns every string of a followed by one of b.
func crossProduct(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func shortest(set []string) int {
	if len(set) == 0 {
		return 0
	}
	n := len(set[0])
	for _, s := range set[1:] {
		n = min(n, len(s))
	}
	return n
}

// ascii reports whether s is ASCII: a case-insensitive literal is searched
// for only then, as foldText folds no other letters (a case-sensitive one
// in any script is found as it is, foldText changing only ASCII letters).
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// kelvinLongS maps the two non-ASCII runes that case-fold to ASCII letters
// (KELVIN SIGN to k, LATIN SMALL LETTER LONG S to s), so that a
// case-insensitive pattern that matches them is not rejected.
var kelvinLongS = strings.NewReplacer("\u212a", "k", "\u017f", "s")

// foldText lowers ASCII letters (and the two runes that fold to them): the
// text the needles of every signature of a fact are looked for in.
func foldText(s string) string {
	if strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f") {
		s = kelvinLongS.Replace(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return observe.ASCIILower(s)
		}
	}
	return s
}

// mayMatch reports whether folded (foldText of the value) holds one of the
// signature's needles, or the signature has none.
func (s *Signature) mayMatch(folded string) bool {
	if s.needles == nil {
		return true
	}
	for _, n := range s.needles {
		if strings.Contains(folded, n) {
			return true
		}
	}
	return false
}

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
		// longest rejects most text.
		var best []string
		for _, sub := range re.Sub {
			if set, ok := required(sub); ok && shortest(set) > shortest(best) {
				best = set
			}
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

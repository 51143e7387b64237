package report

import (
	"unicode"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
)

// Limits on how much of a device-supplied value a table cell shows; the JSON
// and CSV keep the value whole (escaped for their format).
const (
	MaxCell = 64 // runes in an ordinary table cell
	MaxWhy  = 72 // runes in the "why" (evidence) cell
	// MaxReason bounds a finding's reason in the table. A reason is camsweep's
	// own sentence quoting at most a few bounded device strings, and it ends
	// with what to do (disconnect, plan removal, check the label): cut at a
	// cell's length, every table lost that part.
	MaxReason = 1024
)

// replacement marks where a hostile or unprintable character was.
const replacement = '\uFFFD'

// Clean makes a device-supplied string safe to print on a terminal: escape
// sequences (CSI, OSC, other ESC forms and their C1 equivalents) are removed,
// other control characters, invalid UTF-8 and bidirectional overrides become
// U+FFFD so the reader sees something was there, white space is folded to
// single spaces, and the result is cut to max runes with "…" (max <= 0: no cut).
func Clean(s string, max int) string {
	if plainText(s, max) {
		return s // nearly every value: nothing to remove, fold or cut
	}
	return clean(s, max)
}

// clean is Clean's work on a value that needs it.
func clean(s string, max int) string {
	out := make([]rune, 0, min(len(s), 128))
	space := false
	for i := 0; i < len(s); {
		if max > 0 && len(out) > max {
			break // enough to know it will be cut
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if skip := observe.EscapeLen(s[i:], r, size); skip > 0 {
			i += skip
			continue
		}
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = replacement
		case unicode.IsSpace(r):
			space = len(out) > 0
			continue
		case unicode.IsControl(r), isBidiControl(r), !unicode.IsPrint(r) && !unicode.IsMark(r):
			r = replacement
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r)
	}
	if max > 0 && len(out) > max {
		out = append(out[:max-1], '…')
	}
	return string(out)
}

// plainText reports a value Clean leaves as it is: printable characters
// (no control, format or bidirectional ones, no invalid UTF-8), single
// ASCII spaces between words, and at most max runes (when max > 0).
func plainText(s string, max int) bool {
	space := true // a space in front is folded away
	runes := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			if space {
				return false
			}
			space = true
			i++
		case c > ' ' && c < 0x7f:
			space = false
			i++
		case c < utf8.RuneSelf:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
				return false
			}
			space = false
			i += size
		}
		if runes++; max > 0 && runes > max {
			return false
		}
	}
	return !space || s == ""
}

// isBidiControl reports the characters that reorder text on screen
// ("Trojan Source"): embeddings, overrides, isolates and marks.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

package report

import (
	"unicode"
	"unicode/utf8"
)

// Limits on how much of a device-supplied value a table cell shows; the JSON
// and CSV keep the value whole (escaped for their format).
const (
	MaxCell = 64 // runes in an ordinary table cell
	MaxWhy  = 72 // runes in the "why" (evidence) cell
)

// replacement marks where a hostile or unprintable character was.
const replacement = '\uFFFD'

// Clean makes a device-supplied string safe to print on a terminal: escape
// sequences (CSI, OSC, other ESC forms and their C1 equivalents) are removed,
// other control characters, invalid UTF-8 and bidirectional overrides become
// U+FFFD so the reader sees something was there, white space is folded to
// single spaces, and the result is cut to max runes with "…" (max <= 0: no cut).
func Clean(s string, max int) string {
	out := make([]rune, 0, min(len(s), 128))
	space := false
	for i := 0; i < len(s); {
		if max > 0 && len(out) > max {
			break // enough to know it will be cut
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if skip := escapeLen(s[i:], r, size); skip > 0 {
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

// escapeLen returns how many bytes of the terminal escape sequence starting
// at s (whose first rune is r, size bytes long) to drop, or 0 if none starts here.
func escapeLen(s string, r rune, size int) int {
	switch r {
	case 0x1b: // ESC
		if len(s) < 2 {
			return 1
		}
		switch s[1] {
		case '[':
			return 2 + csiBody(s[2:])
		case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: strings up to ST or BEL
			return 2 + stringBody(s[2:])
		}
		if s[1] >= 0x20 && s[1] < 0x7f {
			return 2 // two-character escape (ESC 7, ESC c, ...)
		}
		return 1
	case 0x9b: // C1 CSI
		return size + csiBody(s[size:])
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // C1 OSC, DCS, SOS, PM, APC
		return size + stringBody(s[size:])
	}
	return 0
}

// csiBody is the length of a CSI sequence's parameters and final byte.
func csiBody(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x40 && c <= 0x7e {
			return i + 1
		}
		if c < 0x20 || c > 0x7e {
			return i // malformed: stop before the odd byte, which is cleaned on its own
		}
	}
	return len(s)
}

// stringBody is the length of an OSC/DCS-style string up to and including its
// terminator (BEL, ESC \ or C1 ST). An unterminated string runs to the end.
func stringBody(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C ST
			return i + 2
		}
	}
	return len(s)
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

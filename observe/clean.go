package observe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MatchText is the value signatures match: what a person would read on a
// screen. Terminal escape sequences, control characters, invisible format
// characters (zero-width, bidirectional controls) and invalid bytes are
// dropped, tab, CR and LF are kept (a body or a key=value answer is read line
// by line) and other control white space and every Unicode space (no-break,
// ideographic, ...) becomes a space, so that a
// control character inside a device string cannot hide it from a signature
// ("App-\x00webs/", "DS-2CD\x1b[0m2042"). Observations keep the value as sent;
// the report escapes it on output.
func MatchText(s string) string {
	if plainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if skip := EscapeLen(s[i:], r, size); skip > 0 {
			i += skip
			continue
		}
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
		case r == '\t', r == '\n', r == '\r':
			b.WriteRune(r) // line structure: body and key=value patterns read it
		case r == '\v', r == '\f', r != ' ' && unicode.Is(unicode.Zs, r):
			// A no-break, ideographic or other Unicode space reads as a
			// space: a certificate name written with no-break spaces
			// ("Dahua\u00a0Device\u00a0NVR\u00a0CA") is the same name.
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainASCII reports a value of printable ASCII only, which MatchText leaves
// as it is (nearly every value).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// EscapeLen returns how many bytes of the terminal escape sequence starting
// at s (whose first rune is r, size bytes long) to drop, or 0 if none starts
// here: CSI, OSC and the other string sequences, two-character escapes, and
// their C1 forms.
func EscapeLen(s string, r rune, size int) int {
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

// ASCIILower lower-cases the ASCII letters of s and leaves every other byte
// as it is: the result has s's length, so an index found in it is an index
// into s (strings.ToLower may change the length of non-ASCII text).
func ASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

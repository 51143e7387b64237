package discovery

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// PythonJSON rewrites a JSON document that a Python client printed as a
// dict ({u'params': {u'type': u'IPC-D2B20-ZS'}, u'result': True, u'id': 6},
// Python 2's repr, or Python 3's without the u) as the JSON it was: quoted
// strings with their u, b or r prefix in JSON's quotes, True, False and
// None as JSON's words. false for text that holds no dict, or that is
// still no JSON so rewritten.
func PythonJSON(text string) ([]byte, bool) {
	s := strings.TrimSpace(text)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") || len(s) > maxJSONBytes {
		return nil, false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			end, lit, ok := pyStringAt(s, i)
			if !ok {
				return nil, false
			}
			q, _ := json.Marshal(lit)
			b.Write(q)
			i = end
		case (c == 'u' || c == 'b' || c == 'r' || c == 'U' || c == 'B' || c == 'R') && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"') && (i == 0 || !isWordByte(s[i-1])):
			// a string's prefix: the string follows
		case isWordByte(c) && (i == 0 || !isWordByte(s[i-1])):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			switch w := s[i:j]; w {
			case "True":
				b.WriteString("true")
			case "False":
				b.WriteString("false")
			case "None":
				b.WriteString("null")
			default:
				b.WriteString(w)
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	out := []byte(b.String())
	if !json.Valid(out) {
		return nil, false
	}
	return out, true
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c == '+' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// PythonString reads the Python (or JSON) string literal in single or
// double quotes that opens s, and returns its text and what follows it;
// false when s opens no string or the string is cut.
func PythonString(s string) (value, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end, lit, ok := pyStringAt(s, 0)
	if !ok {
		return "", s, false
	}
	return lit, s[end+1:], true
}

// pyStringAt reads the Python string literal whose quote is at i: its
// closing quote's index and its text (\\, \', \", \n, \r, \t, \xHH and
// \uHHHH resolved; \xHH as the character it numbers, as Python 2's repr
// escapes a byte of a unicode string).
func pyStringAt(s string, i int) (int, string, bool) {
	q := s[i]
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == q:
			return j, b.String(), utf8.ValidString(b.String())
		case c == '\n':
			return 0, "", false
		case c == '\\' && j+1 < len(s):
			j++
			switch e := s[j]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'x', 'u':
				n := map[byte]int{'x': 2, 'u': 4}[e]
				if j+n >= len(s) {
					return 0, "", false
				}
				var r rune
				for _, h := range s[j+1 : j+1+n] {
					v := strings.IndexRune("0123456789abcdef", h|0x20)
					if v < 0 {
						return 0, "", false
					}
					r = r<<4 | rune(v)
				}
				b.WriteRune(r)
				j += n
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return 0, "", false
}

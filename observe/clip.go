package observe

import (
	"strings"
	"unicode/utf8"
)

// MaxValueLen bounds every observation value (docs/observation-keys.md): a
// device can send megabytes of "model name"; the report need not keep them.
const MaxValueLen = 4 << 10

// Clip cuts s to at most n bytes without splitting a UTF-8 sequence and
// replaces invalid bytes (Latin-1 or GBK text from old firmware) with U+FFFD,
// as JSON output needs. The replacement character is longer than the byte it
// replaces, so the text is cut again after replacing. Control characters are
// kept as sent: the report layer escapes them.
func Clip(s string, n int) string {
	if len(s) <= n && utf8.ValidString(s) {
		return s
	}
	return cutAtRune(strings.ToValidUTF8(cutAtRune(s, n), "\uFFFD"), n)
}

func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Back up at most to the start of one rune: in invalid text (Latin-1
	// bytes look like continuation bytes) a longer walk could empty it.
	cut := n
	for cut > 0 && cut > n-(utf8.UTFMax-1) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

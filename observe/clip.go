package observe

import (
	"strings"
	"unicode/utf8"
)

// MaxValueLen bounds every observation value (docs/observation-keys.md): a
// device can send megabytes of "model name"; the report need not keep them.
const MaxValueLen = 4 << 10

// MaxBodyLen bounds http.body, the one value allowed to be longer: a web
// page names its maker in a script path, a copyright line or a vendor
// object id that often sits well past the first few KiB (a login page
// carries its styles first). 16 KiB is what the pcap reader keeps of a
// server's stream and a small part of what the sweep reads of an answer.
const MaxBodyLen = 16 << 10

// MaxLen is the bound of a key's values: the registry's MaxLen where it
// sets one (http.body), MaxValueLen for every other key.
func MaxLen(key string) int {
	if n := byName[key].MaxLen; n > 0 {
		return n
	}
	return MaxValueLen
}

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

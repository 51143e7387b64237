package fingerprint

import (
	"strings"
	"unicode"
)

// companySuffixes are words that say what kind of company a registrant is, not
// which one. They are dropped from the end of a name only, so "Limited Edition
// Cameras" keeps its first word.
var companySuffixes = map[string]bool{
	"co": true, "company": true, "corp": true, "corporation": true, "inc": true,
	"incorporated": true, "ltd": true, "limited": true, "llc": true, "gmbh": true,
	"ag": true, "ab": true, "sa": true, "sas": true, "srl": true, "bv": true,
	"nv": true, "plc": true, "pty": true, "pvt": true, "private": true, "kg": true,
	"oy": true, "spa": true, "kk": true,
}

// NormalizeOrg folds an organisation or brand name for whole-name comparison:
// case folded, punctuation turned into spaces, trailing company suffixes (Co.,
// Ltd., Inc., GmbH, ...) removed and white space folded. IEEE writes the same
// registrant several ways ("Co.,Ltd." / "Co., Ltd."); this is the one place
// that decides which spellings are equal. It never shortens a name to a
// substring match: callers compare the whole result.
func NormalizeOrg(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for len(words) > 1 && companySuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

package observe

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestMatchText(t *testing.T) {
	for in, want := range map[string]string{
		"App-webs/":                      "App-webs/", // nmap-service-probes' Hikvision Server, as sent
		"App-\x00webs/":                  "App-webs/",
		"DS-2CD\x1b[0m2042WD-I":          "DS-2CD2042WD-I",
		"DNVRS\u200b-Webs":               "DNVRS-Webs", // zero-width space
		"IP Camera\u202e(C2183)":         "IP Camera(C2183)",
		"\x1b]0;owned\x07Hikvision-Webs": "Hikvision-Webs",
		"line one\r\nline two\tend":      "line one\r\nline two\tend",
		"bad \xff byte":                  "bad  byte",
		"NETSurveillance WEB\x7f":        "NETSurveillance WEB",
		"Dahua\u00a0Device\u00a0CA":      "Dahua Device CA", // no-break spaces read as spaces
		"海康威视\u3000DS-2CD":               "海康威视 DS-2CD",     // an ideographic space too
		"海康威视":                           "海康威视",
		"\u009b31mred":                   "red", // C1 CSI
		"":                               "",
	} {
		if got := MatchText(in); got != want {
			t.Errorf("MatchText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMatchText(f *testing.F) {
	for _, s := range []string{"App-webs/", "App-\x00webs/", "DS-2CD\x1b[0m2042", "\x1b]0;x\x07y", "\u009b1m", "a\u202eb", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MatchText(s)
		if !utf8.ValidString(got) || len(got) > len(s)*3 {
			t.Fatalf("MatchText(%q) = %q", s, got)
		}
		if strings.ContainsFunc(got, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Fatalf("MatchText(%q) = %q keeps a control or format character", s, got)
		}
		if again := MatchText(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}

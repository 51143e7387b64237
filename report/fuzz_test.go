package report

import (
	"bytes"
	"encoding/csv"
	"testing"
	"unicode/utf8"
)

// FuzzClean: whatever a device sends, the cleaned string holds no control or
// bidi characters, is valid UTF-8 and respects the bound; a value the
// plain-text shortcut keeps is one Clean would not change.
func FuzzClean(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, 16)
	}
	f.Add("Digest realm=\"IP Camera(C2183)\"", 8)
	f.Add("App-webs/", 9)
	f.Add(" two  spaces ", 20)
	f.Add("海康威视 NDAA §889 e\u0301", 12)
	f.Add("a\u00a0b\u00adc\u200bd", 30)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max%200 + 1
		if max < 1 {
			max += 200
		}
		got := Clean(s, max)
		if plainText(s, max) && clean(s, max) != s {
			t.Fatalf("the plain-text shortcut keeps %q, which Clean changes to %q", s, clean(s, max))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("%d runes > max %d", n, max)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("rune %U survived in %q", r, got)
			}
		}
	})
}

// FuzzSafeCell: a cell always reads back as one field, holds no control or
// bidirectional character and never starts a formula.
func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+x", "-2", "@a", "\tx", "\rx", "＝1", "ok", "a,\"b\"\nc", " =1", "\x1b[2J=1", "\u202e=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cell := SafeCell(s)
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write([]string{cell, "end"}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		rec, err := csv.NewReader(&b).Read()
		if err != nil || len(rec) != 2 || rec[1] != "end" {
			t.Fatalf("cell %q did not round-trip: %q %v", cell, rec, err)
		}
		for _, r := range rec[0] {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("rune %U survived in %q", r, rec[0])
			}
		}
		if rec[0] != "" {
			switch []rune(rec[0])[0] {
			case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
				t.Fatalf("formula start survived: %q", rec[0])
			}
		}
	})
}

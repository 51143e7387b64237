package fingerprint

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
)

func TestNeedlesOf(t *testing.T) {
	cases := []struct {
		pattern string
		want    []string // nil: no prefilter
	}{
		{`App-webs/`, []string{"app-webs/"}},
		{`(?i)NETSurveillance WEB`, []string{"netsurveillance web"}},
		{`^(?:Hikvision|HIKVISION)-Webs$`, []string{"hikvision-webs"}}, // both spellings fold to one
		{`(?:hik|dh)cam`, []string{"dhcam", "hikcam"}},                 // a run of parts: their product
		{`ZD[0-9]{4}`, []string{"zd0", "zd1", "zd2", "zd3", "zd4", "zd5", "zd6", "zd7", "zd8", "zd9"}},
		{`(?:CM|LX)IP`, []string{"cmip", "lxip"}},
		{`Y[YH]S`, []string{"yhs", "yys"}},
		{`V[HSTP](?:AE?)?-`, []string{"vh-", "vha-", "vhae-", "vp-", "vpa-", "vpae-", "vs-", "vsa-", "vsae-", "vt-", "vta-", "vtae-"}},
		{`a+bc`, nil},                  // a repeated part ends a run: "a" then "bc", both too short
		{`[A-Za-z]{3}`, nil},           // a class too large to expand
		{`(?i)[k]ey`, []string{"key"}}, // the Kelvin sign in the folded class is k
		{`Login to (?P<sn>[0-9A-Z]{8,})`, []string{"login to "}},
		{`(?:ab|webs)`, nil}, // one branch is too short to search for
		{`x?webs|y`, nil},    // a branch with no literal
		{`(?:DVR)?`, nil},    // may match empty
		{`(?:DVRDVR)+`, []string{"dvrdvr"}},
		{`(?i)Übersicht`, nil}, // not ASCII: its folding is not foldText's
		{`浙江大华|Zhejiang Dahua`, []string{"zhejiang dahua", "浙江大华"}},
		{`(?i)skw`, []string{"skw"}}, // folds the Kelvin sign and the long s
	}
	for _, c := range cases {
		got := needlesOf(c.pattern)
		if !slices.Equal(got, c.want) {
			t.Errorf("needlesOf(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
}

// The prefilter never rejects a value its pattern matches: every example
// and near-miss of every signature, in upper and lower case and with the
// runes that fold to ASCII letters, agrees with the pattern.
func TestNeedlesNeverHideAMatch(t *testing.T) {
	db := testDB(t)
	withNeedles := 0
	for _, s := range db.Signatures {
		if s.needles != nil {
			withNeedles++
		}
		values := slices.Clone(s.NearMisses)
		for _, ex := range s.Examples {
			values = append(values, ex.Value)
		}
		for _, v := range values {
			for _, text := range []string{v, strings.ToUpper(v), strings.ToLower(v),
				strings.NewReplacer("k", "\u212a", "s", "\u017f").Replace(v)} {
				text = observe.MatchText(text)
				if s.re.MatchString(text) && !s.mayMatch(foldText(text)) {
					t.Errorf("%s: needles %q reject %q, which %s matches", s.ID, s.needles, text, s.Pattern)
				}
			}
		}
	}
	if withNeedles < len(db.Signatures)/2 {
		t.Errorf("only %d of %d signatures have needles", withNeedles, len(db.Signatures))
	}
}

func FuzzNeedles(f *testing.F) {
	f.Add(`(?i)NETSurveillance WEB`, "<title>netsurveillance web</title>")
	f.Add(`(?i)hik(?:vision)?-?webs`, "Server: HIKVISION-WEBS")
	f.Add(`(?i)kelvin`, "\u212aelvin")
	f.Add(`Login to (?P<sn>[0-9A-Z]{8,})`, `Digest realm="Login to 4L09D33PAZDB440"`)
	f.Fuzz(func(t *testing.T, pattern, text string) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		s := &Signature{re: re, needles: needlesOf(pattern)}
		if re.MatchString(text) && !s.mayMatch(foldText(text)) {
			t.Fatalf("needles %q of %q reject %q", s.needles, pattern, text)
		}
	})
}

// excerpt never panics, keeps valid UTF-8 valid, and holds the match.
func FuzzExcerpt(f *testing.F) {
	f.Add(strings.Repeat("é", 3000)+"TiandyVideo"+strings.Repeat("x", 3000), 6000, 6011)
	f.Add(strings.Repeat("\x1b[2J", 2000)+"marker", 0, 6)
	f.Fuzz(func(t *testing.T, raw string, from, to int) {
		clean := observe.MatchText(raw)
		if from < 0 || to < from || to > len(clean) {
			return
		}
		got := excerpt(raw, clean, [2]int{from, to})
		if utf8.ValidString(raw) && !utf8.ValidString(got) {
			t.Fatalf("excerpt of valid text is not: %q", got)
		}
		if raw == clean && !strings.Contains(got, raw[from:to]) {
			t.Fatalf("excerpt %q lost the match %q", got, raw[from:to])
		}
	})
}

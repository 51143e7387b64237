package observe

import (
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClipKeepsUTF8(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"DS-2CD2042WD-I", 64, "DS-2CD2042WD-I"},
		{"摄像机", 7, "摄像"},                          // 3-byte runes: never split one
		{"caf\xe9", 64, "caf\uFFFD"},              // Latin-1 byte from old firmware
		{strings.Repeat("\xa0", 10), 4, "\uFFFD"}, // invalid text is not emptied by the cut
	}
	for _, c := range cases {
		got := Clip(c.in, c.n)
		if got != c.want || len(got) > c.n || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q (valid UTF-8, at most %d bytes)", c.in, c.n, got, c.want, c.n)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("摄像机 DS-2CD", 5)
	f.Add("\xff\xfe\xa0abc", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got := Clip(s, n)
		if len(got) > n || !utf8.ValidString(got) {
			t.Fatalf("Clip(%q, %d) = %q", s, n, got)
		}
		if len(s) <= n && utf8.ValidString(s) && got != s {
			t.Fatalf("Clip changed a short valid value: %q -> %q", s, got)
		}
	})
}

func TestRegistry(t *testing.T) {
	for _, k := range Keys() {
		if k.Role == 0 {
			t.Errorf("%s: no role", k.Name)
		}
		if (k.Role == Binding && k.Carries == CarriesText) || (k.Role != Binding && k.Role != Presence && k.Carries != CarriesText) {
			t.Errorf("%s: a binding must say what its value carries, and only a binding or presence key may", k.Name)
		}
	}
	// A frame's source MAC makes a device but says nothing more; the address
	// an ARP probe asks for is evidence.
	if !ReadByEngine("link.mac") || IsAssembly("link.mac") || !IsAssembly("arp.probe") || !IsAssembly("link.ip") || IsAssembly("wsd.scope") {
		t.Error("presence keys: ReadByEngine/IsAssembly disagree with the table")
	}
	if !IsBinding("arp.mac") || IsBinding("http.server") || Known("http.favicon_mm3") {
		t.Error("registry lookups disagree with the table")
	}
	if got := Suggest("http.favicon_mm3"); got != "http.favicon_mmh3" {
		t.Errorf("Suggest(http.favicon_mm3) = %q", got)
	}
	if got := Suggest("completely.else"); got != "" {
		t.Errorf("Suggest(completely.else) = %q, want nothing", got)
	}
	// A bare name suggests the one key it ends, or the one raw key among
	// several (tcp.banner takes any banner; telnet.banner a decoded greeting);
	// a name many keys end suggests nothing rather than a guess.
	for name, want := range map[string]string{"banner": "tcp.banner", "title": "http.title", "headers": "http.headers", "model": ""} {
		if got := Suggest(name); got != want {
			t.Errorf("Suggest(%s) = %q, want %q", name, got, want)
		}
	}
}

// FuzzParseMAC checks the parser against the rule it implements, written
// the slow way: drop every ':', '-' and '.', then exactly 12 hex digits.
func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"44:19:b6:3a:7c:21", "4419.b63a.7c21", "44-19-B6-3A-7C-21", " 4419b63a7c21 ", "44:19:b6:3a:7c", "44:19:b6:3a:7c:2g", "::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseMAC(s)
		clean := strings.NewReplacer(":", "", "-", "", ".", "").Replace(strings.TrimSpace(s))
		var want MAC
		wantOK := false
		if len(clean) == 12 {
			_, hexErr := hex.Decode(want[:], []byte(clean))
			wantOK = hexErr == nil
		}
		if (err == nil) != wantOK || (wantOK && got != want) {
			t.Fatalf("ParseMAC(%q) = %v, %v; want %v ok=%v", s, got, err, want, wantOK)
		}
	})
}

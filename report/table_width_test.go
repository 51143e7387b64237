package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// cjkResult is the sample with Chinese names where real devices and registries
// carry them: "海康威视" is Hikvision's own name as Chinese fingerprint
// databases record it (knowledge/signals.md), and "浙江路川科技有限公司" is an
// organisation name exactly as the IEEE registry (oui-data 2.1.9) lists it.
func cjkResult(t *testing.T) *Result {
	r := sampleResult(t)
	r.Devices[1].Brand = "海康威视"
	r.Devices[1].Model = "海康威视 DS-2CD2386G2-IU 网络摄像机"
	r.Devices[2].Vendor = "浙江路川科技有限公司"
	r.Findings[0].Model = r.Devices[1].Model
	return r
}

func renderTable(t *testing.T, r *Result, opt TableOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTableWith(&b, r, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTableFitsTerminalWidth(t *testing.T) {
	r := cjkResult(t)
	for _, width := range []int{80, 100, 120} {
		out := renderTable(t, r, TableOptions{Width: width})
		for _, line := range strings.Split(out, "\n") {
			if w := uniseg.StringWidth(line); w > width {
				t.Errorf("width %d: line is %d columns:\n%s", width, w, line)
			}
		}
		// Addresses are never cut: an operator must find the device.
		for _, full := range []string{"28:57:be:65:7d:d5", "192.168.68.111", "4c:11:bf:c2:0b:9d", "10.10.10.37,192.168.0.20"} {
			if !strings.Contains(out, full) {
				t.Errorf("width %d: %s was cut:\n%s", width, full, out)
			}
		}
		if !strings.Contains(out, "… !") {
			t.Errorf("width %d: a cut restricted vendor lost its marker:\n%s", width, out)
		}
		if !strings.Contains(out, "…") {
			t.Errorf("width %d: nothing was cut with an ellipsis:\n%s", width, out)
		}
	}
	// Without a width (a file or pipe) every value stays as Clean bounded it.
	if out := renderTable(t, r, TableOptions{}); !strings.Contains(out, "Hikvision camera on core network zone core (PRC NIL, NDAA 889)") {
		t.Errorf("unlimited table cut a value:\n%s", out)
	}
}

// Wide characters take two columns: counted as runes, a Chinese model name
// pushed every later column of its row out of line.
func TestTableAlignsWideCharacters(t *testing.T) {
	for _, width := range []int{0, 100} {
		out := renderTable(t, cjkResult(t), TableOptions{Width: width})
		section := out[strings.Index(out, "DEVICES"):strings.Index(out, "! = restricted")]
		col := -1
		rows := 0
		for _, line := range strings.Split(section, "\n") {
			loc := macCell.FindStringIndex(line)
			if loc == nil {
				continue
			}
			rows++
			at := uniseg.StringWidth(line[:loc[0]])
			if col == -1 {
				col = at
			} else if at != col {
				t.Errorf("width %d: MAC column at %d, want %d:\n%s", width, at, col, section)
			}
		}
		if rows != 3 {
			t.Errorf("width %d: %d device rows with a MAC, want 3:\n%s", width, rows, section)
		}
	}
}

var macCell = regexp.MustCompile(`[0-9a-f]{2}(:[0-9a-f]{2}){5}`)

func TestTruncateWidthKeepsWholeCharacters(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"DS-2CD2386G2-IU", 20, "DS-2CD2386G2-IU"},
		{"DS-2CD2386G2-IU", 8, "DS-2CD2…"},
		{"海康威视", 5, "海康…"}, // a wide character never half-shown
		{"海康威视", 8, "海康威视"},
		{"e\u0301cole", 3, "e\u0301c…"}, // the accent stays with its letter
	}
	for _, c := range cases {
		if got := truncateWidth(c.in, c.width); got != c.want || uniseg.StringWidth(got) > c.width {
			t.Errorf("truncateWidth(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestTableColourOnlyWhenAsked(t *testing.T) {
	r := sampleResult(t)
	plain := renderTable(t, r, TableOptions{})
	if strings.Contains(plain, "\x1b") {
		t.Error("escape codes without colour")
	}
	coloured := renderTable(t, r, TableOptions{Color: true})
	for _, want := range []string{"\x1b[1;31mcritical\x1b[0m", "\x1b[2mmedium (excepted)\x1b[0m", "\x1b[31mHikvision !\x1b[0m"} {
		if !strings.Contains(coloured, want) {
			t.Errorf("coloured table lacks %q:\n%s", want, coloured)
		}
	}
	// Colour does not move columns: stripped of its codes the table is the plain one.
	if stripped := strings.NewReplacer("\x1b[1;31m", "", "\x1b[31m", "", "\x1b[2m", "", "\x1b[0m", "").Replace(coloured); stripped != plain {
		t.Errorf("colour changed the layout:\n%s\nvs\n%s", stripped, plain)
	}
}

func TestTerminalOptionsForFilesAndNoColor(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if o := TerminalOptions(f); o != (TableOptions{}) {
		t.Errorf("a file got %+v: no width limit and no colour wanted", o)
	}
	if o := TerminalOptions(&bytes.Buffer{}); o != (TableOptions{}) {
		t.Errorf("a buffer got %+v", o)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if colorWanted(env(map[string]string{"NO_COLOR": "1", "TERM": "xterm"})) {
		t.Error("NO_COLOR=1 still colours")
	}
	if colorWanted(env(map[string]string{"TERM": "dumb"})) {
		t.Error("TERM=dumb still colours")
	}
	if !colorWanted(env(map[string]string{"TERM": "xterm-256color"})) {
		t.Error("no colour on an ordinary terminal")
	}
}

// FuzzTruncateWidth: any cleaned value, cut to any width, fits that width and
// is still valid text.
func FuzzTruncateWidth(f *testing.F) {
	for _, s := range []string{"海康威视 DS-2CD2386G2-IU", "e\u0301cole", "Hikvision !", "\U0001F3F3\uFE0F\u200D\U0001F308", ""} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		width = width%200 + 1
		if width < 1 {
			width += 200
		}
		got := truncateWidth(Clean(s, 0), width)
		if w := uniseg.StringWidth(got); w > width {
			t.Fatalf("truncateWidth(%q, %d) = %q, %d columns", s, width, got, w)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
	})
}

// TestTableKeepsWhatToDoInReasons: a finding's reason ends with what to do
// (disconnect it, plan its removal, check the label of a review device).
// Cut at a cell's length, the table written to a file lost that part of
// every reason; on a terminal, where the window cuts it, a note says so.
func TestTableKeepsWhatToDoInReasons(t *testing.T) {
	r := sampleResult(t)
	action := "Check the device (its label, web page or asset record): if it is a camera, recorder or other " +
		"surveillance equipment it is restricted; if it is not, record an exception for it."
	r.Findings[0].Reason = "TP-Link camera (sold as Tapo) on a network outside every configured zone is made by TP-Link, " +
		"a restricted vendor (basis: PRC National Intelligence Law (2017)), but the evidence does not show what the product is " +
		"(known: dns.query=euw1-device-tapo-care.i.tplinknbu.com). " + action
	const note = "reasons cut to fit"
	if out := renderTable(t, r, TableOptions{}); !strings.Contains(out, action) || strings.Contains(out, note) {
		t.Errorf("a table for a file must keep the whole reason, with no note:\n%s", out)
	}
	out := renderTable(t, r, TableOptions{Width: 100})
	if strings.Contains(out, action) || !strings.Contains(out, note) {
		t.Errorf("a table cut to a 100-column window must say its reasons are cut:\n%s", out)
	}
	// A wide window that shows every reason whole says nothing.
	r = sampleResult(t)
	if out := renderTable(t, r, TableOptions{Width: 400}); strings.Contains(out, note) {
		t.Errorf("nothing was cut, yet the table says so:\n%s", out)
	}
}

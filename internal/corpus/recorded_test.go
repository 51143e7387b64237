package corpus

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/service"
)

// recordedForms write a clean device string the way other tools record it:
// the header's name in front and its line end, a <title> element, a telnet
// greeting with CRLFs and the prompt's trailing space, OpenSSL's one-line
// subject, a DNS name with the root's dot. Keys without a form are skipped.
var recordedForms = map[string]func(string) (string, bool){
	"http.server":           headerForm("Server"),
	"rtsp.server":           headerForm("Server"),
	"http.www_authenticate": headerForm("WWW-Authenticate"),
	"rtsp.www_authenticate": headerForm("WWW-Authenticate"),
	"http.title": func(v string) (string, bool) {
		// The decoder folds white space in titles, so only folded examples
		// have the same wire form.
		return "\r\n<title>" + html.EscapeString(v) + "</title>", strings.Join(strings.Fields(v), " ") == v
	},
	"telnet.banner": func(v string) (string, bool) {
		return "\r\n" + strings.ReplaceAll(v, "\n", "\r\n") + " ", strings.TrimSpace(v) == v && !strings.Contains(v, "\r")
	},
	"tls.subject":   opensslOneLine,
	"mdns.instance": func(v string) (string, bool) { return v + ".", !strings.HasSuffix(v, ".") },
	// A header block without its status line, as nmap's http-headers script
	// prints it; only 200 answers, whose status the reading assumes.
	"http.headers": func(v string) (string, bool) {
		status, rest, ok := strings.Cut(v, "\r\n")
		// (An answer with no header at all has no block to record.)
		return rest, ok && strings.HasPrefix(status, "HTTP/1.") && strings.Contains(status, " 200 ") && headerLine.MatchString(rest)
	},
}

// pastedForms write a clean device string on the line another tool prints
// it on, as a user copies the whole line: curl -v's "< " header lines, nmap's
// script lines ("|_http-title: …", http-headers' "|   Server: …");
// scanner/service TestPastedToolLines has the sources of the forms.
var pastedForms = map[string][]func(string) (string, bool){
	"http.server": {
		pastedLine("< Server: "), pastedLine("|_http-server-header: "), pastedLine("|   Server: "),
	},
	"rtsp.server":           {pastedLine("< Server: ")},
	"http.www_authenticate": {pastedLine("< WWW-Authenticate: "), pastedLine("|   WWW-Authenticate: ")},
	"rtsp.www_authenticate": {pastedLine("< WWW-Authenticate: ")},
	"http.title": {func(v string) (string, bool) {
		return "|_http-title: " + v, strings.Join(strings.Fields(v), " ") == v
	}},
}

func pastedLine(prefix string) func(string) (string, bool) {
	return func(v string) (string, bool) { return prefix + v + "\r", strings.TrimSpace(v) == v }
}

// headerLine matches text that starts with a header ("Name:").
var headerLine = regexp.MustCompile("^[-!#$%&'*+.^_`|~0-9A-Za-z]+:")

func headerForm(name string) func(string) (string, bool) {
	return func(v string) (string, bool) { return name + ": " + v + "\r\n", strings.TrimSpace(v) == v }
}

// opensslOneLine writes an RFC 4514 subject as "/C=../O=../CN=..", the
// encoded order; subjects whose values that form cannot carry are skipped.
func opensslOneLine(v string) (string, bool) {
	const comma = "\x00" // an escaped comma, kept out of the split
	parts := strings.Split(strings.ReplaceAll(v, `\,`, comma), ",")
	for i, p := range parts {
		_, value, ok := strings.Cut(p, "=")
		if !ok || strings.ContainsAny(value, "/+\\") {
			return "", false
		}
		parts[i] = strings.ReplaceAll(p, comma, ",")
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/"), len(parts) > 1
}

// TestRecordedFormsKeepVerdicts: every recog example and every rule-set
// entry, written as another tool records it (and on the lines curl -v and
// nmap print it on) and read back through
// `camsweep identify`'s reading of recorded values, gives the same maker,
// model and verdict as the clean string. This is the identify path for
// data exported from other tools (issue 8: the held-out set gives strings
// "exactly as received").
func TestRecordedFormsKeepVerdicts(t *testing.T) {
	p := newPipeline(t)
	tried, pasted, differ := 0, 0, 0
	checkForm := func(where, key, value string, form func(string) (string, bool)) {
		recorded, ok := form(value)
		if !ok {
			return
		}
		tried++
		clean := p.identify(t, ruleObservations(ruleEntry{Key: key, Value: value})...)
		var obs []fingerprint.Observation
		m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
		collect := func(o fingerprint.Observation) { obs = append(obs, o) }
		if !service.DecodeRecorded(key, recorded, m, collect) {
			if decode, raw := service.ByRawKey(key); raw {
				decode(nil, []byte(recorded), m, collect)
			}
		}
		if len(obs) == 0 {
			t.Fatalf("%s: %s %q read nothing", where, key, recorded)
		}
		got := p.identify(t, obs...)
		if got.Vendor != clean.Vendor || got.Model != clean.Model || got.Verdict != clean.Verdict {
			differ++
			if differ <= 20 {
				t.Errorf("%s: %s %q gives %s, the clean %q gives %s", where, key, recorded, describe(got), value, describe(clean))
			}
		}
	}
	check := func(where, key, value string) {
		if form, ok := recordedForms[key]; ok {
			checkForm(where, key, value, form)
		}
		for _, form := range pastedForms[key] {
			before := tried
			checkForm(where, key, value, form)
			pasted += tried - before
		}
	}
	for _, rf := range recogFiles {
		cases, err := loadRecog(testdata("corpus", "recog", rf.file), rf.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			check("recog "+rf.file, rf.key, c.Value)
		}
	}
	for _, rs := range ruleSets {
		for _, e := range loadRuleEntries(t, rs.dir) {
			check(rs.dir+" "+e.Rule, e.Key, e.Value)
		}
	}
	t.Logf("%d strings read in recorded form (%d of them on a pasted curl -v or nmap line), %d differ", tried, pasted, differ)
	if tried < 1000 {
		t.Fatalf("only %d strings tried", tried)
	}
}

// TestScannerBannersKeepVerdicts: every rule-set answer recorded whole (an
// HTTP or RTSP response, a telnet greeting) and given to identify as a
// scanner's text banner (tcp.banner, as Shodan's "data" or masscan's banner
// holds it: as sent, or with its control bytes escaped as \x0d\x0a) gives
// the maker, model and verdict the answer gives under its own key.
func TestScannerBannersKeepVerdicts(t *testing.T) {
	p := newPipeline(t)
	decode, _ := service.ByRawKey("tcp.banner")
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	tried, differ, n := 0, 0, 0
	for _, rs := range ruleSets {
		for _, e := range loadRuleEntries(t, rs.dir) {
			banner, ok := "", false
			switch e.Key {
			case "http.headers", "rtsp.response":
				banner, ok = e.Value, strings.HasPrefix(e.Value, "HTTP/1.") || strings.HasPrefix(e.Value, "RTSP/1.")
			case "telnet.banner":
				// (A greeting whose bytes the rule set kept as U+FFFD lost
				// them: no scanner recorded that.)
				banner, ok = "\r\n"+strings.ReplaceAll(e.Value, "\n", "\r\n")+" ", strings.TrimSpace(e.Value) == e.Value && !strings.ContainsAny(e.Value, "\r\uFFFD")
			}
			if !ok || !readsWhole(e, m) {
				continue
			}
			// The race detector slows this tenfold: there, every eighth.
			if n++; raceEnabled && n%8 != 0 {
				continue
			}
			clean := p.identify(t, ruleObservations(ruleEntry{Key: e.Key, Value: e.Value})...)
			for form, recorded := range map[string]string{"as sent": banner, "escaped": masscanEscape(banner)} {
				var obs []fingerprint.Observation
				err := decode(nil, []byte(recorded), m, func(o fingerprint.Observation) { obs = append(obs, o) })
				tried++
				if len(obs) == 0 {
					t.Fatalf("%s %s: tcp.banner %s %q read nothing (%v)", rs.dir, e.Rule, form, recorded, err)
				}
				got := p.identify(t, obs...)
				if got.Vendor != clean.Vendor || got.Model != clean.Model || got.Verdict != clean.Verdict {
					differ++
					if differ <= 20 {
						t.Errorf("%s %s: tcp.banner %s %q gives %s, %s gives %s", rs.dir, e.Rule, form, recorded, describe(got), e.Key, describe(clean))
					}
				}
			}
		}
	}
	t.Logf("%d answers read as scanner banners, %d differ", tried, differ)
	if tried < 1000 {
		t.Fatalf("only %d answers tried", tried)
	}
}

// readsWhole reports an entry whose raw answer its own key's decoder reads
// (rule sets hold some made from patterns, a status line with no code).
func readsWhole(e ruleEntry, m scanner.Meta) bool {
	decode, raw := service.ByRawKey(e.Key)
	if !raw {
		return true
	}
	n := 0
	err := decode(nil, []byte(e.Value), m, func(fingerprint.Observation) { n++ })
	return err == nil && n > 0
}

// masscanEscape writes a banner's control bytes and backslashes as \xHH,
// as masscan prints banners.
func masscanEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == '\\' || c >= 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

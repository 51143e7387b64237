package corpus

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/importer"
	"github.com/camsweep/camsweep/scanner"
)

// TestShodanBannersKeepVerdicts gives every rule-set answer (HTTP, RTSP,
// telnet) to `identify --from shodan` as a Shodan banner holds it (the
// answer's head in "data", an HTTP answer's page in "http.html", as in the
// real record of testdata/import/shodan) and wants the verdict, maker and
// model the answer gives on its own.
func TestShodanBannersKeepVerdicts(t *testing.T) {
	p := newPipeline(t)
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	tried, differ, pages, n := 0, 0, 0, 0
	for _, rs := range ruleSets {
		for _, e := range loadRuleEntries(t, rs.dir) {
			banner, ok := shodanBannerOf(e)
			if !ok || !readsWhole(e, m) {
				continue
			}
			// The race detector slows this tenfold: there, every eighth.
			if n++; raceEnabled && n%8 != 0 {
				continue
			}
			if _, ok := banner["http"]; ok {
				pages++
			}
			line, err := json.Marshal(banner)
			if err != nil {
				t.Fatal(err)
			}
			var obs []fingerprint.Observation
			st, err := importer.Shodan(bytes.NewReader(line), func(o fingerprint.Observation) { obs = append(obs, o) })
			tried++
			if err != nil || st.Records != 1 || st.Skipped != 0 {
				t.Fatalf("%s %s: %s: err %v, stats %+v", rs.dir, e.Rule, line, err, st)
			}
			clean := p.identify(t, ruleObservations(ruleEntry{Key: e.Key, Value: e.Value})...)
			got := p.identify(t, obs...)
			if got.Vendor != clean.Vendor || got.Model != clean.Model || got.Verdict != clean.Verdict {
				differ++
				if differ <= 20 {
					t.Errorf("%s %s: as a Shodan banner %s gives %s, %s gives %s", rs.dir, e.Rule, line, describe(got), e.Key, describe(clean))
				}
			}
		}
	}
	t.Logf("%d answers read as Shodan banners (%d with a page), %d differ", tried, pages, differ)
	if tried < 1000 || pages < 100 {
		t.Fatalf("only %d answers tried", tried)
	}
}

// shodanBannerOf writes a rule-set answer as Shodan's banner of it.
func shodanBannerOf(e ruleEntry) (map[string]any, bool) {
	b := map[string]any{"ip_str": deviceIP.String(), "transport": "tcp", "timestamp": "2023-08-16T05:47:53.468363"}
	switch e.Key {
	case "http.headers":
		if !strings.HasPrefix(e.Value, "HTTP/1.") {
			return nil, false
		}
		head, body, _ := strings.Cut(e.Value, "\r\n\r\n")
		b["port"], b["data"] = 80, head+"\r\n\r\n"
		if body != "" {
			b["http"] = map[string]any{"html": body, "status": 200}
		}
	case "rtsp.response":
		if !strings.HasPrefix(e.Value, "RTSP/1.") {
			return nil, false
		}
		b["port"], b["data"] = 554, e.Value
	case "telnet.banner":
		if strings.TrimSpace(e.Value) != e.Value || strings.ContainsAny(e.Value, "\r\uFFFD") {
			return nil, false
		}
		b["port"], b["data"] = 23, "\r\n"+strings.ReplaceAll(e.Value, "\n", "\r\n")+" "
	default:
		return nil, false
	}
	return b, true
}

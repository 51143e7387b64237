package corpus

import (
	"bytes"
	"encoding/json"
	"io"
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
	importKeepsVerdicts(t, "Shodan banners", importer.Shodan, shodanBannerOf, 1)
}

// TestCensysServicesKeepVerdicts gives every eighth rule-set answer to
// `identify --from censys` as a Censys host's service holds it (the
// answer's head as its banner, an HTTP answer's page as
// "http.response.body", as in the real record of testdata/import/censys)
// and wants the verdict, maker and model the answer gives on its own. (The
// reading of the answers is the scanner's, which the Shodan test gives every
// answer; a sample keeps the corpus tests' time.)
func TestCensysServicesKeepVerdicts(t *testing.T) {
	importKeepsVerdicts(t, "Censys services", importer.Censys, censysHostOf, 8)
}

// importKeepsVerdicts gives the rule-set answers (every each-th) to an
// importer as recordOf writes them, and wants the verdict, maker and model
// each answer gives on its own.
func importKeepsVerdicts(t *testing.T, what string, read func(io.Reader, importer.Emit) (importer.Stats, error), recordOf func(ruleEntry) (map[string]any, bool, bool), each int) {
	p := newPipeline(t)
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	if raceEnabled { // the race detector slows this tenfold
		each *= 8
	}
	tried, differ, pages, n := 0, 0, 0, 0
	for _, rs := range ruleSets {
		for _, e := range loadRuleEntries(t, rs.dir) {
			record, page, ok := recordOf(e)
			if !ok || !readsWhole(e, m) {
				continue
			}
			if n++; n%each != 0 {
				continue
			}
			if page {
				pages++
			}
			line, err := json.Marshal(record)
			if err != nil {
				t.Fatal(err)
			}
			var obs []fingerprint.Observation
			st, err := read(bytes.NewReader(line), func(o fingerprint.Observation) { obs = append(obs, o) })
			tried++
			if err != nil || st.Records != 1 || st.Skipped != 0 {
				t.Fatalf("%s %s: %s: err %v, stats %+v", rs.dir, e.Rule, line, err, st)
			}
			clean := p.identify(t, ruleObservations(ruleEntry{Key: e.Key, Value: e.Value})...)
			got := p.identify(t, obs...)
			if got.Vendor != clean.Vendor || got.Model != clean.Model || got.Verdict != clean.Verdict {
				differ++
				if differ <= 20 {
					t.Errorf("%s %s: as %s %s gives %s, %s gives %s", rs.dir, e.Rule, what, line, describe(got), e.Key, describe(clean))
				}
			}
		}
	}
	t.Logf("%d answers read as %s (%d with a page), %d differ", tried, what, pages, differ)
	if tried < 1000/each || pages < 100/each {
		t.Fatalf("only %d answers tried", tried)
	}
}

// answerParts splits a rule-set answer a search engine keeps (HTTP, RTSP,
// telnet) into the head it keeps as the service's answer and an HTTP
// answer's page, with the port it is served on.
func answerParts(e ruleEntry) (port int, head, page string, ok bool) {
	switch e.Key {
	case "http.headers":
		if !strings.HasPrefix(e.Value, "HTTP/1.") {
			return 0, "", "", false
		}
		head, page, _ := strings.Cut(e.Value, "\r\n\r\n")
		return 80, head + "\r\n\r\n", page, true
	case "rtsp.response":
		if !strings.HasPrefix(e.Value, "RTSP/1.") {
			return 0, "", "", false
		}
		return 554, e.Value, "", true
	case "telnet.banner":
		if strings.TrimSpace(e.Value) != e.Value || strings.ContainsAny(e.Value, "\r\uFFFD") {
			return 0, "", "", false
		}
		return 23, "\r\n" + strings.ReplaceAll(e.Value, "\n", "\r\n") + " ", "", true
	}
	return 0, "", "", false
}

// shodanBannerOf writes a rule-set answer as Shodan's banner of it.
func shodanBannerOf(e ruleEntry) (map[string]any, bool, bool) {
	port, head, page, ok := answerParts(e)
	if !ok {
		return nil, false, false
	}
	b := map[string]any{"ip_str": deviceIP.String(), "transport": "tcp", "timestamp": "2023-08-16T05:47:53.468363", "port": port, "data": head}
	if page != "" {
		b["http"] = map[string]any{"html": page, "status": 200}
	}
	return b, page != "", true
}

// censysHostOf writes a rule-set answer as a Censys host with the service
// that sent it: the head as its banner (Censys keeps an HTTP answer's
// status and header lines there, without the blank line that ends them, as
// the real record of testdata/import/censys shows; the page in
// "http.response").
func censysHostOf(e ruleEntry) (map[string]any, bool, bool) {
	port, head, page, ok := answerParts(e)
	if !ok {
		return nil, false, false
	}
	if e.Key == "http.headers" {
		head = strings.TrimSuffix(head, "\r\n") // Censys's banner ends with the last header's line end
	}
	s := map[string]any{"port": port, "transport_protocol": "TCP", "observed_at": "2024-10-27T14:44:01.811676766Z", "banner": head}
	if page != "" {
		s["http"] = map[string]any{"response": map[string]any{"body": page}}
	}
	return map[string]any{"ip": deviceIP.String(), "services": []any{s}}, page != "", true
}

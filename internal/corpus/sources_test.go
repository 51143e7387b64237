package corpus

import (
	"bufio"
	"encoding/json"

	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// sourceEntry is one device a public rule set describes, as the observations
// a device matching the rule sends (testdata/corpus/<source>/cases.jsonl;
// each source's SOURCES.md says where the strings come from).
type sourceEntry struct {
	ID    string `json:"id"`
	Maker string `json:"maker"`
	// Expect is "restricted", "not-restricted", "review" or "clear". Review:
	// a restricted maker whose evidence does not show a surveillance product
	// (a cloud name, a bare maker word); review is not restricted and names
	// the maker. Clear: a restricted maker's product that the evidence shows
	// is not surveillance equipment (a router by its default network name),
	// so neither restricted nor review.
	Expect string `json:"expect"`
	Model  string `json:"model"` // the device's model, where the source states it
	// Firmware is the device's firmware, where the source states it
	// (TestFirmwareAccuracy says what counts as right).
	Firmware string `json:"firmware"`
	Obs      []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"obs"`
	Note string `json:"note"`
	// Gap, on an entry of a restricted maker, says why the engine cannot name
	// it safely (a known gap): the entry is counted and shown as a miss but
	// not held to the source's recall goal, and the test fails once the
	// engine catches it, so the reason cannot go stale.
	Gap string `json:"gap"`
}

// Per source: at least this share of the entries of restricted makers must be
// restricted, and no entry of any other maker may be.
const minSourceRecall = 0.95

func loadSourceEntries(t *testing.T, path string) []sourceEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sourceEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var e sourceEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		if !slices.Contains([]string{"restricted", "not-restricted", "review", "clear"}, e.Expect) || len(e.Obs) == 0 {
			t.Fatalf("%s:%d: entry %q needs expect restricted|not-restricted|review|clear and observations", path, line, e.ID)
		}
		if e.Gap != "" && e.Expect != "restricted" {
			t.Fatalf("%s:%d: entry %q: only a restricted maker's entry can be a known gap", path, line, e.ID)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPublicRuleSetSources runs every source's entries through the
// production pipeline and reports, per source, how many entries of
// restricted makers are restricted (and with the maker named right), and
// that no other entry is.
func TestPublicRuleSetSources(t *testing.T) {
	p := newPipeline(t)
	for _, path := range sourceFiles(t) {
		source := sourceName(path)
		var prc, caught, makerRight, other, wrong, review, reviewed, gaps int
		for _, e := range loadSourceEntries(t, path) {
			var obs []fingerprint.Observation
			for _, o := range e.Obs {
				obs = append(obs, entryObservations(t, o.Key, o.Value)...)
			}
			d := p.identify(t, obs...)
			if e.Expect == "review" {
				review++
				if d.Review && d.Vendor == e.Maker {
					reviewed++
				} else {
					t.Errorf("%s %s (%s): want review naming the maker, got %s", source, e.ID, e.Maker, describe(d))
				}
				continue
			}
			if e.Expect == "not-restricted" || e.Expect == "clear" {
				other++
				if d.Restricted {
					wrong++
					t.Errorf("%s %s (%s): restricted, must not be: %s", source, e.ID, e.Maker, describe(d))
				} else if e.Expect == "clear" && d.Review {
					t.Errorf("%s %s (%s): review, want clear (the evidence shows the product): %s", source, e.ID, e.Maker, describe(d))
				}
				continue
			}
			prc++
			if e.Gap != "" {
				gaps++
				if d.Restricted {
					t.Errorf("%s %s (%s): listed as a known gap but now caught: remove its gap (%s)", source, e.ID, e.Maker, e.Gap)
				} else {
					t.Logf("known gap %s %s (%s): %s", source, e.ID, e.Maker, e.Gap)
				}
				continue
			}
			if d.Restricted {
				caught++
			} else {
				t.Logf("MISS %s %s (%s): %s", source, e.ID, e.Maker, describe(d))
			}
			if d.Vendor == e.Maker {
				makerRight++
			}
		}
		held := prc - gaps // known gaps are shown as misses, not held to the goal
		t.Logf("%-12s restricted-maker entries %d/%d caught (%.0f%%), known gaps %d, maker right %d/%d; review entries %d/%d; other entries %d, wrongly restricted %d",
			source, caught, prc, pct(caught, prc), gaps, makerRight, held, reviewed, review, other, wrong)
		if held > 0 && float64(caught) < minSourceRecall*float64(held) {
			t.Errorf("%s: %d/%d restricted-maker entries caught (known gaps aside), want at least %.0f%%", source, caught, held, 100*minSourceRecall)
		}
	}
}

// sourceFiles returns testdata/corpus/*/cases.jsonl, sorted.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(testdata("corpus", "*", "cases.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/corpus/*/cases.jsonl (%v)", err)
	}
	sort.Strings(files)
	return files
}

// sourceName is a cases.jsonl file's source: its directory's name.
func sourceName(path string) string { return filepath.Base(filepath.Dir(path)) }

// readTestdata reads a file under testdata.
func readTestdata(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata(elem...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entryObservations expands a raw service key (rtsp.response, http.headers)
// and a raw discovery key (sadp.payload, dhip.payload, xm.payload, ...)
// through the scanner's decoder, as `camsweep identify` does; any other key
// is one observation.
func entryObservations(t *testing.T, key, value string) []fingerprint.Observation {
	if _, raw := service.ByRawKey(key); raw {
		return decodeStream(t, key, value, 0)
	}
	if _, datagram := discovery.ByRawKey(key); datagram {
		return linkOwnAddress(decodeDatagram(t, key, []byte(value), deviceIP))
	}
	return recordedObservations(key, value)
}

// recordedObservations reads a fact key's value as `camsweep identify` reads
// it (service.DecodeRecorded): a value that says more than its key (a realm
// that is a MAC) gives the same extra observations as on the wire, and one
// written as another tool writes it (a certificate subject in OpenSSL's
// order) is read as the decoder writes it. A key with no such rule is one
// observation, as it is.
func recordedObservations(key, value string) []fingerprint.Observation {
	var out []fingerprint.Observation
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	if !service.DecodeRecorded(key, value, m, func(o fingerprint.Observation) { out = append(out, o) }) {
		return []fingerprint.Observation{observation("corpus", key, value)}
	}
	return out
}

// linkOwnAddress ties a discovery payload's own MAC and address (a SADP or
// DHIP answer names both) to the corpus device, as `camsweep identify` ties
// them to its input line's ip: one link.ip of that MAC with the corpus
// address. A corpus case is one device, wherever its payload says it was.
func linkOwnAddress(obs []fingerprint.Observation) []fingerprint.Observation {
	for _, o := range obs {
		if !o.MAC.IsZero() && o.IP.IsValid() && o.IP != deviceIP {
			return append(obs, fingerprint.Observation{Time: corpusTime, Probe: "corpus", MAC: o.MAC, IP: deviceIP, Key: "link.ip", Value: deviceIP.String()})
		}
	}
	return obs
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

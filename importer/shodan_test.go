package importer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// The real record Shodan's API gave for 8.8.8.8 (testdata/import/SOURCES.md),
// as the API answers it and as shodan download writes its banners.
const (
	shodanHost     = "../testdata/import/shodan/host-8.8.8.8.json"
	shodanDownload = "../testdata/import/shodan/download-8.8.8.8.json"
)

func readShodan(t testing.TB, b []byte) ([]observe.Observation, Stats, error) {
	return readStream(Shodan, b)
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// summary is what a test compares of an observation.
func summary(obs []observe.Observation) []string {
	var s []string
	for _, o := range obs {
		s = append(s, fmt.Sprintf("%s|%d|%s|%s", o.IP, o.Port, o.Key, o.Value))
	}
	slices.Sort(s)
	return s
}

func TestShodanRealHostRecord(t *testing.T) {
	obs, st, err := readShodan(t, readFile(t, shodanHost))
	if err != nil || st.Records != 3 || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	for _, w := range []want{
		{"8.8.8.8", "", 53, "tcp.open", "53"},
		{"8.8.8.8", "", 443, "tcp.open", "443"},
		// The answer as Shodan kept it (headers only), through the HTTP decoder.
		{"8.8.8.8", "", 443, "http.status", "200"},
		{"8.8.8.8", "", 443, "http.server", "scaffolding on HTTPServer2"},
		// The redirect the same address answered first.
		{"8.8.8.8", "", 443, "http.status", "302"},
		{"8.8.8.8", "", 443, "http.server", "HTTP server (unknown)"},
		// The page Shodan kept, read as identify reads a body.
		{"8.8.8.8", "", 443, "http.title", "Google Public DNS"},
		{"8.8.8.8", "", 443, "http.body", "<!DOCTYPE html>"},
		{"8.8.8.8", "", 443, "http.favicon_mmh3", "56641965"},
		// No chain kept here: the subject and issuer Shodan parsed.
		{"8.8.8.8", "", 443, "tls.subject", "CN=dns.google"},
		{"8.8.8.8", "", 443, "tls.issuer", "CN=GTS CA 1C3,O=Google Trust Services LLC,C=US"},
	} {
		if !has(obs, w) {
			t.Errorf("missing %+v", w)
		}
	}
	for _, o := range obs {
		// Shodan's summary of a DNS answer ("\nRecursion: enabled") is
		// not a datagram: over UDP nothing comes of it, over TCP only the
		// banner Shodan recorded (text no signature names); nothing of
		// Shodan's own guesses.
		if o.Port == 53 && o.Key != "tcp.open" && o.Key != "tcp.banner_hex" || strings.HasPrefix(o.Key, "shodan") {
			t.Errorf("unexpected %s %d %s=%q", o.IP, o.Port, o.Key, o.Value)
		}
		if o.Probe != "shodan" || o.Time.IsZero() {
			t.Errorf("%s=%q: probe %q, time %v", o.Key, o.Value, o.Probe, o.Time)
		}
	}
}

// The same banners read the four ways Shodan writes them give the same
// observations: a host's record, download lines (plain and gzipped), a
// search result page, an array.
func TestShodanFormsAgree(t *testing.T) {
	host, _, err := readShodan(t, readFile(t, shodanHost))
	if err != nil {
		t.Fatal(err)
	}
	lines := readFile(t, shodanDownload)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(lines)
	w.Close()
	banners := strings.Split(strings.TrimSpace(string(lines)), "\n")
	forms := map[string][]byte{
		"download":          lines,
		"download.json.gz":  gz.Bytes(),
		"search result":     []byte(`{"total": 3, "matches": [` + strings.Join(banners, ",\n") + "]}"),
		"array":             []byte("[\n" + strings.Join(banners, ",\n") + "\n]"),
		"CRLF, blank lines": []byte("\r\n" + strings.Join(banners, "\r\n\r\n") + "\r\n"),
	}
	for name, b := range forms {
		obs, st, err := readShodan(t, b)
		if err != nil || st.Records != 3 || st.Skipped != 0 {
			t.Errorf("%s: err %v, stats %+v", name, err, st)
			continue
		}
		if got, want := summary(obs), summary(host); !slices.Equal(got, want) {
			t.Errorf("%s: %d observations, the host record %d", name, len(got), len(want))
		}
	}
}

func TestShodanBadInput(t *testing.T) {
	lines := readFile(t, shodanDownload)
	banners := strings.Split(strings.TrimSpace(string(lines)), "\n")

	// A download cut short: the banners before the cut are kept, the cut one skipped.
	cut := strings.Join(banners[:2], "\n") + "\n" + banners[2][:len(banners[2])/2]
	obs, st, err := readShodan(t, []byte(cut))
	if err != nil || st.Records != 2 || st.Skipped != 1 || len(obs) == 0 {
		t.Errorf("cut: err %v, stats %+v, %d observations", err, st, len(obs))
	}
	// A banner without an address or with a port out of range is skipped and named.
	_, st, err = readShodan(t, []byte(banners[0]+"\n"+`{"ip_str": "not-an-ip", "port": 80, "data": ""}`+"\n"+`{"ip_str": "10.0.0.1", "port": 70000, "data": ""}`))
	if err != nil || st.Skipped != 2 || len(st.Problems) != 2 {
		t.Errorf("bad banners: err %v, stats %+v", err, st)
	}
	// Matches within a match are no search result: skipped, not parsed at every level.
	_, st, err = readShodan(t, []byte(`{"matches": [{"matches": [{"matches": []}]}, `+banners[0]+`]}`))
	if err != nil || st.Records != 1 || st.Skipped != 1 {
		t.Errorf("nested matches: err %v, stats %+v", err, st)
	}
	// Observation lines, nmap's XML, nothing at all: not Shodan's.
	for name, b := range map[string]string{
		"observation line": `{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}`,
		"xml":              `<?xml version="1.0"?><nmaprun></nmaprun>`,
		"empty":            "\n\n",
		"other array":      `[{"a": 1}]`,
	} {
		if _, _, err := readShodan(t, []byte(b)); !errors.Is(err, ErrNotShodan) {
			t.Errorf("%s: err %v, want ErrNotShodan", name, err)
		}
	}
	// A gzipped download cut short (an interrupted transfer) keeps the
	// banners before the cut and says the rest could not be read.
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(bytes.Repeat(lines, 50))
	w.Close()
	obs, st, err = readShodan(t, gz.Bytes()[:gz.Len()*2/3])
	if err != nil || st.Records == 0 || len(st.Stopped) != 1 || !strings.Contains(st.Stopped[0], "cannot be read further") || len(obs) == 0 {
		t.Errorf("cut gzip: err %v, stats %+v, %d observations", err, st, len(obs))
	}
	// An array cut short keeps the records before the cut, and says so.
	obs, st, err = readShodan(t, []byte("[\n"+banners[0]+",\n"+banners[1][:20]))
	if err != nil || st.Records != 1 || len(obs) == 0 || len(st.Stopped) != 1 || !strings.HasPrefix(st.Stopped[0], "record 2: JSON ends early") {
		t.Errorf("cut document: err %v, stats %+v", err, st)
	}
	// Cut in its first record, it is refused: nothing was read.
	if _, _, err := readShodan(t, []byte("[\n"+banners[0][:20])); !errors.Is(err, ErrNotShodan) {
		t.Errorf("array cut in its first record: err %v", err)
	}
}

// An array is read one record at a time, whatever its length: here 200
// times the bound of one document (lowered for the test). A record over the
// bound ends the reading there, and says so; the records before stand.
func TestShodanArrayPastTheDocumentBound(t *testing.T) {
	banners := strings.Split(strings.TrimSpace(string(readFile(t, shodanDownload))), "\n")
	longest := 0
	for _, b := range banners {
		longest = max(longest, len(b))
	}
	defer func(n int) { maxJSONDocument = n }(maxJSONDocument)
	maxJSONDocument = longest + 4096 // the decoder reads ahead
	var arr []string
	for len(strings.Join(arr, ",")) < 200*maxJSONDocument {
		arr = append(arr, banners...)
	}
	_, st, err := readShodan(t, []byte("["+strings.Join(arr, ",\n")+"]"))
	if err != nil || st.Records != len(arr) || st.Skipped != 0 || len(st.Stopped) != 0 {
		t.Errorf("long array: err %v, %d records, stats %+v", err, len(arr), st)
	}

	huge := `{"ip_str": "192.0.2.9", "port": 80, "data": "` + strings.Repeat("x", 2*maxJSONDocument) + `"}`
	obs, st, err := readShodan(t, []byte("["+strings.Join(banners, ",")+","+huge+","+banners[0]+"]"))
	if err != nil || st.Records != len(banners) || len(st.Stopped) != 1 || len(obs) == 0 {
		t.Fatalf("record over the bound: err %v, stats %+v", err, st)
	}
	if want := fmt.Sprintf("record %d: the input was cut there: a record over", len(banners)+1); !strings.HasPrefix(st.Stopped[0], want) {
		t.Errorf("stopped %q, want %q...", st.Stopped[0], want)
	}
}

func FuzzShodan(f *testing.F) {
	f.Add(readFile(f, shodanHost))
	f.Add(readFile(f, shodanDownload))
	f.Add([]byte(`{"matches":[{"ip_str":"10.0.0.1","port":1900,"transport":"udp","data":"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n"}]}`))
	f.Add([]byte(`{"ip_str":"10.0.0.1","port":443,"ssl":{"chain":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Shodan(bytes.NewReader(b), func(observe.Observation) {})
	})
}

// BenchmarkShodanDownload reads the real record's banners as a download of
// 3,000 banners (one a line, the page and certificate in each https one).
func BenchmarkShodanDownload(b *testing.B) {
	lines := bytes.Repeat(readFile(b, shodanDownload), 1000)
	b.SetBytes(int64(len(lines)))
	for b.Loop() {
		if _, err := Shodan(bytes.NewReader(lines), func(observe.Observation) {}); err != nil {
			b.Fatal(err)
		}
	}
}

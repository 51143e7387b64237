package importer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// Real Censys host data (testdata/import/SOURCES.md): the record the
// Search API v2 gave for 8.8.8.8 (censys-python's CensysHosts.view) and a
// host of a search page (CensysHosts.search), as a public tutorial quotes them.
const (
	censysView = "../testdata/import/censys/view-8.8.8.8.json"
	censysHit  = "../testdata/import/censys/search-hit-23.4.189.49.json"
)

func readCensys(t testing.TB, b []byte) ([]observe.Observation, Stats, error) {
	return readStream(Censys, b)
}

// compactJSON writes a JSON document on one line, as JSON lines hold it.
func compactJSON(t testing.TB, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// What each service sent, read as a scan reads it: the HTTPS answer's
// headers (its exact bytes, banner_hex) and page, the leaf certificate's
// names on 443 and on DNS over TLS (853). The DNS service on UDP 53 kept no
// datagram and the QUIC one only Censys's summary: neither gives a fact.
// What Censys learnt elsewhere (names that resolve to the host, its AS,
// its location) is not read.
func TestCensysRealHostRecord(t *testing.T) {
	obs, st, err := readCensys(t, readFile(t, censysView))
	if err != nil || st.Records != 4 || st.Skipped != 0 || len(st.Stopped) != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	for _, w := range []want{
		{"8.8.8.8", "", 443, "tcp.open", "443"},
		{"8.8.8.8", "", 443, "http.status", "302"},
		{"8.8.8.8", "", 443, "http.server", "HTTP server (unknown)"},
		{"8.8.8.8", "", 443, "http.location", "https://dns.google/"},
		{"8.8.8.8", "", 443, "http.title", "302 Moved"},
		{"8.8.8.8", "", 443, "http.body", "<HTML><HEAD>"},
		{"8.8.8.8", "", 443, "tls.subject", "CN=dns.google"},
		// Censys writes the issuer most general first (C=US, O=..., CN=WR2).
		{"8.8.8.8", "", 443, "tls.issuer", "CN=WR2,O=Google Trust Services,C=US"},
		{"8.8.8.8", "", 853, "tcp.open", "853"},
		{"8.8.8.8", "", 853, "tls.subject", "CN=dns.google"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	for _, o := range obs {
		switch {
		case !observe.Known(o.Key):
			t.Errorf("key %q is not in the registry", o.Key)
		case o.Probe != "censys" || o.Time.IsZero():
			t.Errorf("probe %q, time %v: %+v", o.Probe, o.Time, o)
		case o.Port == 53 || strings.Contains(o.Value, "imaage") || strings.Contains(o.Value, "GOOGLE"):
			t.Errorf("read what Censys learnt elsewhere, or a service that sent nothing: %+v", o)
		}
	}
	if got := obs[0].Time.Format("2006-01-02T15:04:05.000000000Z"); got != "2024-10-27T14:44:01.811676766Z" {
		t.Errorf("time %s, want the service's observed_at", got)
	}
}

// The forms Censys's host data comes in read alike: the record alone (censys
// view), the API's answer with it as "result", a search page ("result" with
// "hits"), the hits as an array (censys search), hosts one a line, gzipped.
func TestCensysFormsAgree(t *testing.T) {
	view, hit := readFile(t, censysView), readFile(t, censysHit)
	one, _, err := readCensys(t, view)
	if err != nil {
		t.Fatal(err)
	}
	line, other := compactJSON(t, view), compactJSON(t, hit)
	two, st, err := readCensys(t, []byte(line+"\n"+other+"\n"))
	if err != nil || st.Records != 6 || st.Skipped != 0 {
		t.Fatalf("lines: err %v, stats %+v", err, st)
	}
	if !has(two, want{"23.4.189.49", "", 80, "tcp.open", "80"}) || !has(two, want{"23.4.189.49", "", 443, "tcp.open", "443"}) {
		t.Error("the search hit's open ports were not read")
	}
	for _, o := range two {
		if o.IP.String() == "23.4.189.49" && o.Key != "tcp.open" {
			t.Errorf("a hit with no answers gave %+v (its operating_system and reverse DNS are Censys's)", o)
		}
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(line + "\n" + other + "\n"))
	w.Close()
	forms := map[string]struct {
		in   []byte
		want []observe.Observation
	}{
		"record":          {view, one},
		"api answer":      {[]byte(`{"code": 200, "status": "OK", "result": ` + string(view) + "}"), one},
		"search page":     {[]byte(`{"code": 200, "status": "OK", "result": {"query": "services.port: 853", "total": 2, "hits": [` + string(view) + ",\n" + string(hit) + `], "links": {"prev": "", "next": ""}}}`), two},
		"array":           {[]byte("[\n" + string(view) + ",\n" + string(hit) + "\n]"), two},
		"lines, gzipped":  {gz.Bytes(), two},
		"lines, api form": {[]byte(`{"code":200,"status":"OK","result":` + line + "}\n"), one},
	}
	for name, f := range forms {
		obs, st, err := readCensys(t, f.in)
		if err != nil || st.Skipped != 0 {
			t.Errorf("%s: err %v, stats %+v", name, err, st)
			continue
		}
		if got, want := summary(obs), summary(f.want); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: %d observations, want %d", name, len(got), len(want))
		}
	}
}

// A service Censys kept no banner of still gives its HTTP answer from the
// response Censys parsed (header names with their dashes again); a page
// Censys did not keep still gives its title.
func TestCensysParsedResponse(t *testing.T) {
	var rec map[string]any
	if err := json.Unmarshal(readFile(t, censysView), &rec); err != nil {
		t.Fatal(err)
	}
	https := rec["services"].([]any)[1].(map[string]any)
	delete(https, "banner")
	delete(https, "banner_hex")
	delete(https["http"].(map[string]any)["response"].(map[string]any), "body")
	b, _ := json.Marshal(rec)
	obs, st, err := readCensys(t, b)
	if err != nil || st.Skipped != 0 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
	for _, w := range []want{
		{"8.8.8.8", "", 443, "http.status", "302"},
		{"8.8.8.8", "", 443, "http.server", "HTTP server (unknown)"},
		{"8.8.8.8", "", 443, "http.location", "https://dns.google/"},
		{"8.8.8.8", "", 443, "http.title", "302 Moved"},
	} {
		if !has(obs, w) {
			t.Errorf("no %+v", w)
		}
	}
	// A binary banner Censys wrote as base64 is read as its bytes.
	banner := `{"ip": "192.0.2.1", "services": [{"port": 37777, "transport_protocol": "TCP", "banner": "` + "AAECAw==" + `", "_encoding": {"banner": "DISPLAY_BASE64"}}]}`
	obs, _, err = readCensys(t, []byte(banner))
	if err != nil || !has(obs, want{"192.0.2.1", "", 37777, "tcp.banner_hex", "00010203"}) {
		t.Errorf("base64 banner: err %v, %+v", err, obs)
	}
}

// Records written one after another, as a loop of `censys view` writes
// them, are each read; one cut short or over the bound of a document ends
// the reading there, and says so.
func TestCensysDocumentsOneAfterAnother(t *testing.T) {
	view, hit := readFile(t, censysView), readFile(t, censysHit)
	obs, st, err := readCensys(t, []byte(string(view)+string(hit)+"\n"+string(view)))
	if err != nil || st.Records != 10 || st.Skipped != 0 || len(st.Stopped) != 0 || !has(obs, want{"23.4.189.49", "", 80, "tcp.open", "80"}) {
		t.Errorf("three documents: err %v, stats %+v", err, st)
	}
	obs, st, err = readCensys(t, []byte(string(view)+string(view[:len(view)/2])))
	if err != nil || st.Records != 4 || len(st.Stopped) != 1 || !strings.HasPrefix(st.Stopped[0], "document 2: JSON ends early") || len(obs) == 0 {
		t.Errorf("second cut: err %v, stats %+v", err, st)
	}

	defer func(n int) { maxJSONDocument = n }(maxJSONDocument)
	maxJSONDocument = len(view) + 4096 // the decoder reads ahead
	huge := `{"ip": "192.0.2.9", "services": [{"port": 80, "transport_protocol": "TCP", "banner": "` + strings.Repeat("x", 2*maxJSONDocument) + `"}]}`
	_, st, err = readCensys(t, []byte(string(view)+"\n"+huge+"\n"+string(view)))
	if err != nil || st.Records != 4 || len(st.Stopped) != 1 || !strings.HasPrefix(st.Stopped[0], "document 2: the input was cut there: a document over") {
		t.Errorf("second over the bound: err %v, stats %+v", err, st)
	}
	if _, _, err = readCensys(t, []byte("{\n"+huge[1:])); err == nil || !strings.Contains(err.Error(), "give the hosts one a line instead") {
		t.Errorf("first over the bound: err %v", err)
	}
}

func TestCensysBadInput(t *testing.T) {
	line, other := compactJSON(t, readFile(t, censysView)), compactJSON(t, readFile(t, censysHit))
	// Lines cut short: the hosts before the cut are kept, the cut one skipped.
	obs, st, err := readCensys(t, []byte(line+"\n"+other[:len(other)/2]))
	if err != nil || st.Records != 4 || st.Skipped != 1 || len(obs) == 0 {
		t.Errorf("cut: err %v, stats %+v", err, st)
	}
	// A host without an address, a service on no port: named and skipped.
	_, st, err = readCensys(t, []byte(line+"\n"+`{"ip": "not-an-ip", "services": []}`+"\n"+`{"ip": "192.0.2.1", "services": [{"port": 0, "transport_protocol": "TCP"}]}`))
	if err != nil || st.Skipped != 2 || len(st.Problems) != 2 {
		t.Errorf("bad hosts: err %v, stats %+v", err, st)
	}
	// Observation lines, Shodan's banners, an API error, nothing: not Censys's.
	for name, b := range map[string]string{
		"observation line": `{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}`,
		"shodan banner":    string(readFile(t, shodanDownload)),
		"api error":        `{"code": 429, "status": "error", "error_type": "rate_limit_exceeded", "error": "Rate limit exceeded."}`,
		"empty":            "\n",
		"other array":      `[{"a": 1}]`,
		"wrapped deeper":   `{"result": {"result": {"result": {"ip": "192.0.2.1", "services": []}}}}`,
	} {
		if _, _, err := readCensys(t, []byte(b)); !errors.Is(err, ErrNotCensys) {
			t.Errorf("%s: err %v, want ErrNotCensys", name, err)
		}
	}
}

func FuzzCensys(f *testing.F) {
	f.Add(readFile(f, censysView))
	f.Add(readFile(f, censysHit))
	f.Add([]byte(`{"result":{"hits":[{"ip":"10.0.0.1","services":[{"port":1900,"transport_protocol":"UDP","banner":"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n"}]}]}}`))
	f.Add([]byte(`{"ip":"10.0.0.1","services":[{"port":80,"transport_protocol":"TCP","http":{"response":{"status_code":200,"headers":{"Server":["App-webs/"],"_encoding":{}},"html_title":"t"}}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Censys(bytes.NewReader(b), func(o observe.Observation) {
			if o.Key == "" || !o.IP.IsValid() || len(o.Value) > observe.MaxValueLen {
				t.Fatalf("bad observation %+v", o)
			}
		})
	})
}

// Command rulemine extracts the camera, DVR and NVR rules of public
// fingerprint rule sets into the regression corpus (testdata/corpus/<source>/
// entries.jsonl, or entries.jsonl.gz with -all) that internal/corpus runs through the real decoders and
// engine.
//
// A rule set holds patterns, not device answers, so every entry is
// constructed from its rule: the shortest plausible string the rule's
// regular expression accepts (checked against the rule itself), or the words
// a word matcher wants. Entries say so in their provenance. The maker of an
// entry is what the rule's own product or vendor text names, mapped to a
// catalogue maker by the table in makers.go; the engine's answer plays no
// part in it.
//
//	go run ./tools/rulemine -all -nmap /usr/share/nmap/nmap-service-probes -out testdata/corpus/nmap
//	go run ./tools/rulemine -all -fphub <FingerprintHub checkout>/web-fingerprint -out testdata/corpus/fingerprinthub
//	go run ./tools/rulemine -all -fphub <dir with nuclei's http/{technologies,exposed-panels,iot}> -source nuclei-templates -out testdata/corpus/nuclei
//	go run ./tools/rulemine -all -ehole <EHole checkout>/finger.json -out testdata/corpus/ehole
//	go run ./tools/rulemine -all -dismap <dismap checkout>/configs/rule.go -out testdata/corpus/dismap
//	go run ./tools/rulemine -all -whatweb <WhatWeb checkout>/plugins -out testdata/corpus/whatweb
//	go run ./tools/rulemine -all -yaklang <yaklang checkout>/common/fp/iotdevfp/rule.go -out testdata/corpus/yaklang
//	go run ./tools/rulemine -all -ehole <EASY233/Finger checkout>/library/finger.json -source EASY233-Finger -out testdata/corpus/easy233
//	go run ./tools/rulemine -all -arl <ARL checkout>/app/dicts/webapp.json -out testdata/corpus/arl
//	go run ./tools/rulemine -all -goby <chainreactors/fingers checkout>/resources/goby.json (gunzipped) -out testdata/corpus/goby
//	go run ./tools/rulemine -all -fingers <chainreactors/fingers checkout>/resources/fingers_http.json (gunzipped) -out testdata/corpus/fingers
//	sqlite3 -separator "$(printf '\t')" cms_finger.db 'select id, name, keys from fofa' > fofa.tsv
//	go run ./tools/rulemine -all -fofa fofa.tsv -source TideFinger:cms_finger.db/fofa -out testdata/corpus/tidefinger
//
// Lists that repeat the sources already mined are read with -known, which
// leaves out every entry whose answer one of them gives (any letter case):
//
//	go run ./tools/rulemine -all -kscan <kscan checkout>/static/fingerprint.txt -known testdata/corpus -out testdata/corpus/kscan
//	go run ./tools/rulemine -all -fscan <fscan checkout>/webscan/fingerprint/rules.go -known testdata/corpus -out testdata/corpus/fscan
//	go run ./tools/rulemine -all -wappalyzer <webappanalyzer checkout>/src/technologies -known testdata/corpus -out testdata/corpus/wappalyzer
//
// The -out directory itself is never read as known, and the three were built
// in this order (fscan's known sources include kscan, Wappalyzer's both).
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// entry is one corpus case.
type entry struct {
	Rule       string `json:"rule"`            // where in the rule set: file and line or path
	Product    string `json:"product"`         // the rule's own product text
	Maker      string `json:"maker,omitempty"` // catalogue maker the product names; empty when none
	Brand      string `json:"brand,omitempty"` // a brand that names a maker only through firmware (Lorex)
	Scope      string `json:"scope"`           // device; platform (a maker's server software or router); other (not surveillance, -all)
	Key        string `json:"key"`             // observation key (raw keys are decoded by the test)
	Value      string `json:"value"`
	Port       uint16 `json:"port,omitempty"`
	Provenance string `json:"provenance"`

	what string // the rule's text that names its product (classifies the entry)
}

func main() {
	nmapFile := flag.String("nmap", "", "nmap-service-probes file to read")
	fphubDir := flag.String("fphub", "", "directory holding FingerprintHub's web-fingerprint/ tree (or nuclei templates)")
	eholeFile := flag.String("ehole", "", "EHole finger.json to read")
	dismapFile := flag.String("dismap", "", "dismap configs/rule.go to read (parsed, never run)")
	whatwebDir := flag.String("whatweb", "", "WhatWeb plugins/ directory to read (as text, never run)")
	yaklangFile := flag.String("yaklang", "", "yaklang common/fp/iotdevfp/rule.go to read (parsed, never run)")
	arlFile := flag.String("arl", "", "ARL app/dicts/webapp.json to read (its FOFA queries)")
	gobyFile := flag.String("goby", "", "Goby fingerprint list as chainreactors/fingers keeps it (resources/goby.json, gunzipped) to read")
	fingersFile := flag.String("fingers", "", "chainreactors/fingers' own web fingerprints (resources/fingers_http.json, gunzipped) to read")
	fofaFile := flag.String("fofa", "", "tab-separated list of id, product name and FOFA query to read (name the rule set with -source)")
	kscanFile := flag.String("kscan", "", "kscan's static/fingerprint.txt to read")
	wappalyzerDir := flag.String("wappalyzer", "", "Wappalyzer's src/technologies directory (enthec/webappanalyzer) to read")
	fscanFile := flag.String("fscan", "", "fscan's webscan/fingerprint/rules.go to read (parsed, never run)")
	known := flag.String("known", "", "corpus directory whose */entries.jsonl.gz sources are already mined: an entry giving the same answer as one of theirs is left out and counted")
	source := flag.String("source", "", "source name written into rule ids (default: from the input)")
	out := flag.String("out", "", "directory to write entries.jsonl into")
	flag.BoolVar(&mineAll, "all", false, "keep every rule, not only camera, DVR and NVR ones (the others: a precision corpus)")
	flag.Parse()
	inputs := 0
	for _, in := range []string{*nmapFile, *fphubDir, *eholeFile, *dismapFile, *whatwebDir, *yaklangFile, *arlFile, *gobyFile, *fingersFile, *fofaFile, *kscanFile, *fscanFile, *wappalyzerDir} {
		if in != "" {
			inputs++
		}
	}
	if *out == "" || inputs != 1 || *fofaFile != "" && *source == "" {
		fmt.Fprintln(os.Stderr, "usage: rulemine (-nmap FILE | -fphub DIR | -ehole FILE | -dismap FILE | -whatweb DIR | -yaklang FILE | -arl FILE | -goby FILE | -fingers FILE | -fofa FILE -source NAME | -kscan FILE | -fscan FILE | -wappalyzer DIR) [-known CORPUS] -out DIR")
		os.Exit(2)
	}
	var entries []entry
	var skipped []string
	var err error
	switch {
	case *nmapFile != "":
		entries, skipped, err = mineNmap(*nmapFile)
	case *eholeFile != "":
		entries, skipped, err = mineEHole(*eholeFile, orDefault(*source, "EHole"))
	case *arlFile != "":
		entries, skipped, err = mineARL(*arlFile)
	case *gobyFile != "":
		entries, skipped, err = mineGoby(*gobyFile)
	case *fingersFile != "":
		entries, skipped, err = mineFingers(*fingersFile)
	case *fofaFile != "":
		entries, skipped, err = mineFOFAList(*fofaFile, *source)
	case *kscanFile != "":
		if *known != "" {
			if kscanCase, err = caseFrom(*known, *out); err != nil {
				break
			}
		}
		entries, skipped, err = mineKscan(*kscanFile)
	case *fscanFile != "":
		entries, skipped, err = mineFscan(*fscanFile)
	case *wappalyzerDir != "":
		entries, skipped, err = mineWappalyzer(*wappalyzerDir)
	case *dismapFile != "":
		entries, skipped, err = mineDismap(*dismapFile)
	case *whatwebDir != "":
		entries, skipped, err = mineWhatWeb(*whatwebDir)
	case *yaklangFile != "":
		entries, skipped, err = mineYaklang(*yaklangFile)
	default:
		entries, skipped, err = mineTemplates(*fphubDir, orDefault(*source, "FingerprintHub"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rulemine:", err)
		os.Exit(1)
	}
	for i := range entries {
		if v, ok := sampleOverrides[entries[i].Rule]; ok {
			entries[i].Value = v.value
			entries[i].Provenance += "; filled in: " + v.why
		}
	}
	if *known != "" {
		var held int
		if entries, held, err = dropKnown(entries, *known, *out); err != nil {
			fmt.Fprintln(os.Stderr, "rulemine:", err)
			os.Exit(1)
		}
		fmt.Printf("%d entries left out: the sources under %s give the same answer\n", held, *known)
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Rule < entries[j].Rule })
	name := "entries.jsonl"
	if mineAll {
		name += ".gz" // thousands of rules: kept compressed
	}
	if err := write(filepath.Join(*out, name), entries); err != nil {
		fmt.Fprintln(os.Stderr, "rulemine:", err)
		os.Exit(1)
	}
	prc := 0
	for _, e := range entries {
		if e.Maker != "" {
			prc++
		}
	}
	fmt.Printf("%d entries (%d naming a catalogued maker), %d rules skipped\n", len(entries), prc, len(skipped))
	for _, s := range skipped {
		fmt.Println("  skipped:", s)
	}
}

func write(path string, entries []entry) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw = gzip.NewWriter(f)
		w = zw
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return err
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readJSON decodes a rule set kept as one JSON document.
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// dropKnown leaves out the entries whose answer (key and value, in any
// letter case) a source already mined under dir holds: a rule set that
// copies another's rules verbatim adds no test by repeating them, and one
// that keeps them lower-cased (kscan matches without case) would only
// repeat them in a case no device sends. It returns what is left and how
// many were left out. The source being rebuilt (its -out directory) is not
// read.
func dropKnown(entries []entry, dir, out string) ([]entry, int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "entries.jsonl.gz"))
	if err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	for _, path := range files {
		if filepath.Clean(filepath.Dir(path)) == filepath.Clean(out) {
			continue // the source being rebuilt
		}
		if err := eachEntry(path, func(e entry) { seen[strings.ToLower(e.Key+"\x00"+e.Value)] = true }); err != nil {
			return nil, 0, err
		}
	}
	var kept []entry
	for _, e := range entries {
		if !seen[strings.ToLower(e.Key+"\x00"+e.Value)] {
			kept = append(kept, e)
		}
	}
	return kept, len(entries) - len(kept), nil
}

// eachEntry calls fn with every entry of a gzipped entries.jsonl.
func eachEntry(path string, fn func(entry)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dec := json.NewDecoder(zr)
	for {
		var e entry
		if err := dec.Decode(&e); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fn(e)
	}
}

// caseFrom gives a function that finds a lower-case text in the answers of
// the sources under dir and returns it in the first letter case they write
// it in with a capital letter; a text no source holds so is returned as it
// is.
func caseFrom(dir, out string) (func(string) string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "entries.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, path := range files {
		if filepath.Clean(filepath.Dir(path)) == filepath.Clean(out) {
			continue // the source being rebuilt
		}
		if err := eachEntry(path, func(e entry) { b.WriteString(e.Value + "\x00") }); err != nil {
			return nil, err
		}
	}
	blob := b.String()
	lower := asciiLower(blob)
	return func(text string) string {
		if len(text) < 4 || asciiLower(text) != text {
			return text
		}
		for from, n := 0, 0; n < 100; n++ {
			i := strings.Index(lower[from:], text)
			if i < 0 {
				break
			}
			if found := blob[from+i : from+i+len(text)]; found != text {
				return found
			}
			from += i + 1
		}
		return text
	}, nil
}

// asciiLower lower-cases ASCII letters only, so that a text keeps its byte
// offsets (strings.ToLower may change the length of other letters).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

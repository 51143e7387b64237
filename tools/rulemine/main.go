// Command rulemine extracts the camera, DVR and NVR rules of public
// fingerprint rule sets into the regression corpus (testdata/corpus/<source>/
// entries.jsonl) that internal/corpus runs through the real decoders and
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
//	go run ./tools/rulemine -nmap /usr/share/nmap/nmap-service-probes -out testdata/corpus/nmap
//	go run ./tools/rulemine -fphub <FingerprintHub checkout> -out testdata/corpus/fingerprinthub
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// entry is one corpus case.
type entry struct {
	Rule       string `json:"rule"`            // where in the rule set: file and line or path
	Product    string `json:"product"`         // the rule's own product text
	Maker      string `json:"maker,omitempty"` // catalogue maker the product names; empty when none
	Brand      string `json:"brand,omitempty"` // a brand that names a maker only through firmware (Lorex)
	Scope      string `json:"scope"`           // device, or platform (a maker's server software or router)
	Key        string `json:"key"`             // observation key (raw keys are decoded by the test)
	Value      string `json:"value"`
	Port       uint16 `json:"port,omitempty"`
	Provenance string `json:"provenance"`
}

func main() {
	nmapFile := flag.String("nmap", "", "nmap-service-probes file to read")
	fphubDir := flag.String("fphub", "", "directory holding FingerprintHub's web-fingerprint/ tree (or nuclei templates)")
	source := flag.String("source", "", "source name written into rule ids (default: from the input)")
	out := flag.String("out", "", "directory to write entries.jsonl into")
	flag.Parse()
	if *out == "" || (*nmapFile == "") == (*fphubDir == "") {
		fmt.Fprintln(os.Stderr, "usage: rulemine (-nmap FILE | -fphub DIR) -out DIR")
		os.Exit(2)
	}
	var entries []entry
	var skipped []string
	var err error
	if *nmapFile != "" {
		entries, skipped, err = mineNmap(*nmapFile)
	} else {
		name := *source
		if name == "" {
			name = "FingerprintHub"
		}
		entries, skipped, err = mineTemplates(*fphubDir, name)
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
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Rule < entries[j].Rule })
	if err := write(filepath.Join(*out, "entries.jsonl"), entries); err != nil {
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
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

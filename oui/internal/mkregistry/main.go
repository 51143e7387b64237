// Command mkregistry converts the oui-data JSON snapshot (keys: 6, 7 or 9 hex
// digits; values: registrant name then address lines) into the compact table
// that package oui embeds. Run it through `go generate ./oui`.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
)

func main() {
	in := flag.String("in", "", "oui-data JSON file (.json or .json.gz)")
	out := flag.String("out", "registry.txt.gz", "table to write")
	date := flag.String("date", "", "snapshot date, YYYY-MM-DD")
	source := flag.String("source", "", "what the snapshot is")
	flag.Parse()
	raw, err := readInput(*in)
	if err != nil {
		log.Fatal(err)
	}
	var blocks map[string]string
	if err := json.Unmarshal(raw, &blocks); err != nil {
		log.Fatal(err)
	}
	keys := make([]string, 0, len(blocks))
	for k := range blocks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	fmt.Fprintf(zw, "# camsweep-oui 1\n# date: %s\n# source: %s\n", *date, *source)
	for _, k := range keys {
		lines := strings.Split(blocks[k], "\n")
		org := strings.TrimSpace(lines[0])
		country := ""
		if len(lines) > 1 {
			country = strings.TrimSpace(lines[len(lines)-1])
		}
		fmt.Fprintf(zw, "%s\t%s\t%s\n", strings.ToUpper(k), flat(org), flat(country))
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

func flat(s string) string { return strings.NewReplacer("\t", " ", "\r", " ").Replace(s) }

// readInput reads the snapshot, gunzipping a .gz file.
func readInput(name string) ([]byte, error) {
	raw, err := os.ReadFile(name)
	if err != nil || !strings.HasSuffix(name, ".gz") {
		return raw, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return io.ReadAll(zr)
}

package main

import (
	"fmt"

	"path/filepath"
	"regexp/syntax"
	"sort"
	"strings"
)

// The Wappalyzer technology database (the open fork enthec/webappanalyzer,
// src/technologies/*.json): technologies by name, each detected by any one
// of its patterns, JavaScript regular expressions (case-insensitive, with
// "\;version:\1"-style tags after the expression) tested against a response
// header (headers), a cookie (cookies), a meta element's content (meta), the
// page (html, text) or a script's src (scriptSrc). Patterns of what camsweep
// never fetches (js, dom, scripts, css, xhr, dns, url, robots) are left out.

type wapTech struct {
	Headers   map[string]string `json:"headers"`
	Cookies   map[string]string `json:"cookies"`
	Meta      map[string]any    `json:"meta"`
	HTML      any               `json:"html"`
	Text      any               `json:"text"`
	ScriptSrc any               `json:"scriptSrc"`
}

// mineWappalyzer reads every technologies file of dir; rule ids are the
// file, the technology and the pattern's place.
func mineWappalyzer(dir string) ([]entry, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no technologies files (%v)", dir, err)
	}
	var entries []entry
	var skipped []string
	for _, path := range files {
		var techs map[string]wapTech
		if err := readJSON(path, &techs); err != nil {
			return nil, nil, err
		}
		names := make([]string, 0, len(techs))
		for name := range techs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			base := webEntry("wappalyzer:src/technologies/"+filepath.Base(path)+"#"+name, name)
			es, sk := wapEntries(base, techs[name])
			entries, skipped = append(entries, es...), append(skipped, sk...)
		}
	}
	return keepSurveillance(entries), skipped, nil
}

// wapEntries gives one entry per pattern of a technology: the answer a
// server it detects sends, the pattern's shortest sample in its place.
func wapEntries(base entry, t wapTech) ([]entry, []string) {
	var entries []entry
	var skipped []string
	add := func(where, pattern string, place func(text string) response) {
		e := base
		e.Rule += "/" + where
		text, ok := wapSample(pattern)
		if !ok {
			skipped = append(skipped, e.Rule+": the expression gives no sample")
			return
		}
		r := place(text)
		e.Key, e.Value = "http.headers", r.raw()
		entries = append(entries, e)
	}
	for _, name := range sortedKeys(t.Headers) {
		add("headers/"+name, t.Headers[name], func(s string) response { return response{headers: []string{name + ": " + s}} })
	}
	for _, name := range sortedKeys(t.Cookies) {
		add("cookies/"+name, t.Cookies[name], func(s string) response { return response{headers: []string{"Set-Cookie: " + name + "=" + s}} })
	}
	for _, name := range sortedKeys(t.Meta) {
		for i, p := range wapList(t.Meta[name]) {
			add(fmt.Sprintf("meta/%s#%d", name, i+1), p, func(s string) response {
				return response{body: []string{`<meta name="` + name + `" content="` + s + `">`}}
			})
		}
	}
	for field, v := range map[string]any{"html": t.HTML, "text": t.Text} {
		for i, p := range wapList(v) {
			add(fmt.Sprintf("%s#%d", field, i+1), p, func(s string) response { return response{body: []string{s}} })
		}
	}
	for i, p := range wapList(t.ScriptSrc) {
		add(fmt.Sprintf("scriptSrc#%d", i+1), p, func(s string) response { return response{body: []string{`<script src="` + s + `"></script>`}} })
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Rule < entries[j].Rule })
	return entries, skipped
}

// wapSample drops a pattern's tags ("\;version:\1", "\;confidence:50")
// and gives the shortest text the expression accepts; an empty pattern
// (the header or cookie is there, whatever its value) gives "1".
func wapSample(pattern string) (string, bool) {
	expr, _, _ := strings.Cut(pattern, `\;`)
	if expr == "" {
		return "1", true
	}
	return sample(expr, syntax.Perl)
}

// wapList reads a field that is one pattern or a list of them.
func wapList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, p := range x {
			if s, ok := p.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package main

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// chainreactors/fingers' own web fingerprints (resources/fingers_http.json):
// a product name and rules, each holding body and header texts, regular
// expressions, certificate texts and favicon hashes, any one of which
// detects the product. One entry per text: a body text in the page, a header
// text where headerLine puts it, an expression's shortest sample in the
// page, a certificate text as the TLS subject, a hash as the favicon.

type fingersRule struct {
	Name string `json:"name"`
	Rule []struct {
		Regexps struct {
			Body   []string `json:"body"`
			Header []string `json:"header"`
			Regexp []string `json:"regexp"`
			Cert   []string `json:"cert"`
		} `json:"regexps"`
		Favicon struct {
			MD5  []string `json:"md5"`
			MMH3 []string `json:"mmh3"`
		} `json:"favicon"`
		SendData string `json:"send_data"`
	} `json:"rule"`
}

// mineFingers reads the JSON list; rule ids are the list index, the rule's
// index within the product and the text's.
func mineFingers(path string) ([]entry, []string, error) {
	var products []fingersRule
	if err := readJSON(path, &products); err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for i, p := range products {
		for j, r := range p.Rule {
			base := webEntry(fmt.Sprintf("fingers:resources/fingers_http.json#%d.%d", i+1, j+1), strings.TrimSpace(p.Name))
			if r.SendData != "" {
				skipped = append(skipped, base.Rule+": the answer to a probe of its own")
				continue
			}
			es, sk := fingersEntries(base, r.Regexps.Body, r.Regexps.Header, r.Regexps.Regexp, r.Regexps.Cert, r.Favicon.MD5, r.Favicon.MMH3)
			entries, skipped = append(entries, es...), append(skipped, sk...)
		}
	}
	return keepSurveillance(entries), skipped, nil
}

// fingersEntries gives one entry per text of one rule.
func fingersEntries(base entry, body, header, exprs, cert, md5, mmh3 []string) ([]entry, []string) {
	var out []entry
	var skipped []string
	add := func(key, value string) {
		e := base
		e.Rule = fmt.Sprintf("%s.%d", base.Rule, len(out)+len(skipped)+1)
		e.Key, e.Value = key, value
		out = append(out, e)
	}
	for _, b := range body {
		add("http.headers", (&response{body: []string{b}}).raw())
	}
	for _, h := range header {
		add("http.headers", (&response{headers: []string{headerLine(h)}}).raw())
	}
	for _, x := range exprs {
		s, ok := sample(x, syntax.Perl)
		if !ok {
			skipped = append(skipped, fmt.Sprintf("%s.%d: expression %q gives no sample", base.Rule, len(out)+len(skipped)+1, x))
			continue
		}
		add("http.headers", (&response{body: []string{s}}).raw())
	}
	for _, c := range cert {
		add("tls.subject", c)
	}
	for _, h := range md5 {
		add("http.favicon_md5", strings.ToLower(h))
	}
	for _, h := range mmh3 {
		add("http.favicon_mmh3", h)
	}
	return out, skipped
}

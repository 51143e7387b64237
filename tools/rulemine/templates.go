package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/goccy/go-yaml"
)

// template is the part of a nuclei-format template (FingerprintHub's web
// fingerprints and nuclei's own) that says what a matching answer holds.
type template struct {
	ID   string `yaml:"id"`
	Info struct {
		Name     string `yaml:"name"`
		Severity string `yaml:"severity"`
		Tags     string `yaml:"tags"`
		Metadata struct {
			Product string `yaml:"product"`
			Vendor  string `yaml:"vendor"`
		} `yaml:"metadata"`
	} `yaml:"info"`
	HTTP     []request `yaml:"http"`
	Requests []request `yaml:"requests"`
}

type request struct {
	MatchersCondition string    `yaml:"matchers-condition"`
	Matchers          []matcher `yaml:"matchers"`
}

type matcher struct {
	Type            string   `yaml:"type"`
	Name            string   `yaml:"name"`
	DSL             []string `yaml:"dsl"`
	Part            string   `yaml:"part"`
	Words           []string `yaml:"words"`
	Regex           []string `yaml:"regex"`
	Hash            []string `yaml:"hash"`
	Condition       string   `yaml:"condition"`
	Negative        bool     `yaml:"negative"`
	CaseInsensitive bool     `yaml:"case-insensitive"`
}

// response collects what a matching answer must hold.
type response struct {
	headers, body []string
}

// halfTitle is a body word that closes a title it does not open
// (contains(body, "Reolink</title>")): the page opens it.
var halfTitle = regexp.MustCompile(`(?i)^[^<]*</title>`)

// addField places a rule's test of a page's title, body or a header line
// in the answer, and reports false for any other field.
func (r *response) addField(field, value string) bool {
	switch field {
	case "title":
		r.body = append(r.body, "<title>"+value+"</title>")
	case "body":
		r.body = append(r.body, value)
	case "header":
		r.headers = append(r.headers, headerLine(value))
	default:
		return false
	}
	return true
}

func (r *response) raw() string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
	for _, h := range r.headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	body := make([]string, len(r.body))
	for i, part := range r.body {
		if halfTitle.MatchString(part) {
			part = "<title>" + part
		}
		body[i] = part
	}
	b.WriteString(strings.Join(body, "\n"))
	return b.String()
}

// mineAll, when set, keeps every template, not only the surveillance ones:
// the others are a precision corpus (none may be restricted).
var mineAll bool

// eachRuleFile calls fn with the path, the path relative to dir and the
// content of every file under dir whose name ends in ext.
func eachRuleFile(dir, ext string, fn func(path, rel string, data []byte)) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ext) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fn(path, rel, data)
		return nil
	})
}

func mineTemplates(dir, source string) ([]entry, []string, error) {
	var entries []entry
	var skipped []string
	err := eachRuleFile(dir, ".yaml", func(path, rel string, data []byte) {
		var t template
		if yaml.Unmarshal(data, &t) != nil {
			skipped = append(skipped, path+": not a template")
			return
		}
		if exploit(t) {
			skipped = append(skipped, rel+": an exploit (severity "+t.Info.Severity+"), not a detection")
			return
		}
		what := rel + " " + t.ID + " " + t.Info.Name + " " + t.Info.Metadata.Product + " " + t.Info.Metadata.Vendor
		es, sk := templateEntries(t, source+":"+filepath.ToSlash(rel), what)
		for _, e := range es {
			if !isSurveillance(e.what) {
				if !mineAll {
					continue
				}
				e.Scope, e.Maker, e.Brand = "other", "", ""
			}
			entries = append(entries, e)
		}
		skipped = append(skipped, sk...)
	})
	return entries, skipped, err
}

// exploit reports whether a template tests a vulnerability (its matchers
// match what an attack returns, not what the device serves anyone): the
// corpus wants detections.
func exploit(t template) bool {
	switch strings.ToLower(t.Info.Severity) {
	case "high", "critical":
		return true
	}
	return false
}

// templateEntries gives one entry per way the template detects: each
// matcher of an "or" request (the default), all matchers together for an
// "and" request. A word list joined by "or" gives one page holding all its
// words (the page the rule was written from); favicon hashes give one entry
// per hash. A template about no surveillance product whose matchers carry
// names (nuclei's favicon-detect: one named hash per product) is a list of
// products: each matcher's name is its product.
func templateEntries(t template, rule, what string) ([]entry, []string) {
	var entries []entry
	var skipped []string
	product := strings.TrimSpace(t.Info.Name + " " + t.Info.Metadata.Vendor + "/" + t.Info.Metadata.Product)
	listOfProducts := !isSurveillance(what)
	var m matcher
	add := func(n int, key, value string) {
		entryWhat, entryProduct := what, product
		if listOfProducts && m.Name != "" {
			entryWhat, entryProduct = what+" "+m.Name, product+": "+m.Name
		}
		maker := makerOf(entryWhat)
		if why, wrong := makerCorrections[rule]; wrong {
			maker, entryProduct = "", entryProduct+" [maker corrected: "+why+"]"
		}
		entries = append(entries, entry{Rule: fmt.Sprintf("%s#%d", rule, n), Product: entryProduct, Maker: maker,
			Brand: brandOf(entryWhat), Scope: scopeOf(entryWhat), Key: key, Value: value, Provenance: "constructed_from_rule_words", what: entryWhat})
	}
	n := 0
	for _, req := range append(t.HTTP, t.Requests...) {
		and := req.MatchersCondition == "and"
		var all response
		for _, m = range req.Matchers {
			if m.Negative || m.Type == "status" {
				continue
			}
			if m.Type == "dsl" {
				var joined response // condition "and": every expression holds
				for _, expr := range m.DSL {
					if h := dslFaviconHash.FindStringSubmatch(expr); h != nil {
						n++
						add(n, "http.favicon_mmh3", h[1])
						continue
					}
					ways, ok := dslParts(expr)
					if !ok {
						continue
					}
					if m.Condition == "and" || and {
						joined.headers = append(joined.headers, ways[0].headers...)
						joined.body = append(joined.body, ways[0].body...)
						continue
					}
					for _, w := range ways {
						n++
						add(n, "http.headers", w.raw())
					}
				}
				if and {
					all.headers = append(all.headers, joined.headers...)
					all.body = append(all.body, joined.body...)
				} else if len(joined.headers) > 0 || len(joined.body) > 0 {
					n++
					add(n, "http.headers", joined.raw())
				}
				continue
			}
			if m.Type == "favicon" {
				for _, h := range m.Hash {
					n++
					key := "http.favicon_mmh3"
					if len(h) == 32 {
						key = "http.favicon_md5"
					}
					add(n, key, strings.ToLower(h))
				}
				continue
			}
			var r response
			if !fill(&r, m) {
				skipped = append(skipped, rule+": matcher "+m.Type+" gives no sample")
				continue
			}
			if and {
				all.headers = append(all.headers, r.headers...)
				all.body = append(all.body, r.body...)
				continue
			}
			n++
			add(n, "http.headers", r.raw())
		}
		if and && (len(all.headers) > 0 || len(all.body) > 0) {
			n++
			add(n, "http.headers", all.raw())
		}
	}
	return entries, skipped
}

// dslFaviconHash reads nuclei's favicon test: '999357577' == mmh3(base64_py(body))
// (or the hash in double quotes).
var dslFaviconHash = regexp.MustCompile(`["'](-?[0-9]+)["']\s*==\s*mmh3\(`)

// fill adds what one word or regex matcher wants to a response.
func fill(r *response, m matcher) bool {
	var parts []string
	switch m.Type {
	case "word":
		parts = m.Words
	case "regex":
		flags := syntax.Perl
		for _, expr := range m.Regex {
			s, ok := sample(expr, flags)
			if !ok {
				return false
			}
			parts = append(parts, s)
		}
	default:
		return false
	}
	if len(parts) == 0 {
		return false
	}
	switch m.Part {
	case "header", "all_headers", "server":
		for _, p := range parts {
			switch {
			case strings.Contains(p, ":"):
			case strings.EqualFold(m.Name, "server"):
				p = "Server: " + p
			default:
				p = "X-Matched: " + p
			}
			r.headers = append(r.headers, strings.TrimSpace(p))
		}
	case "title":
		r.body = append(r.body, "<title>"+strings.Join(parts, " ")+"</title>")
	default:
		r.body = append(r.body, parts...)
	}
	return true
}

package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// yaklang's IoT device fingerprints (common/fp/iotdevfp/rule.go) are JSON
// lists kept in Go raw strings: each rule has a flag, a case-insensitive
// regular expression matched against a whole answer (headers and body
// together), or a favicon hash, and says what a matching device is: its
// vendor (dev_vendor), class (ip_cam, nvr, dvr, router, ...) and model.
// Application rules (is_dev false) name web software.

type yakRule struct {
	DevClass  string `json:"dev_class"`
	DevModel  string `json:"dev_model"`
	DevVendor string `json:"dev_vendor"`
	AppName   string `json:"app_name"`
	Flag      string `json:"flag"`
	IsDev     bool   `json:"is_dev"`
	Favicon   *struct {
		Hash json.Number `json:"hash"`
	} `json:"favicon"`
}

// yakLists are the rule lists yaklang loads (disabledRaw is not loaded).
var yakLists = []string{"ruleRaw", "extraRuleRaw"}

// yakSurveillance are the device classes of surveillance equipment; vms and
// tvrs (TV-wall servers) are the makers' platforms.
var yakSurveillance = map[string]string{"ip_cam": "device", "nvr": "device", "dvr": "device", "dvs": "device", "vms": "platform", "tvrs": "platform"}

// yakVendors maps yaklang's vendor labels to catalogue makers where the
// label is not the maker's name: misspellings, Xiongmai's chip-line label
// (xm030: its flags are NetSurveillance and xmsecu.com, Xiongmai's), Hanbang's
// stock-ticker name (hbgk, 汉邦高科), TVT's Chinese name (tongwei, 同为), CP Plus
// (Dahua's OEM, as makers.go maps it), and two catalogue makers the other
// rule sets never named (TP-Link, ZTE).
var yakVendors = map[string]string{
	"hikvison": "Hikvision", "xm030": "Xiongmai", "hbgk": "Hanbang", "tongwei": "TVT", "cpplus": "Dahua",
	"tp-link": "TP-Link", "zte": "ZTE",
}

func mineYaklang(path string) ([]entry, []string, error) {
	lists, err := yakRawLists(path)
	if err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for _, name := range yakLists {
		raw, ok := lists[name]
		if !ok {
			return nil, nil, fmt.Errorf("%s: no %s list", path, name)
		}
		var rules []yakRule
		if err := json.Unmarshal([]byte(raw), &rules); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", path, name, err)
		}
		for i, r := range rules {
			rule := fmt.Sprintf("yaklang:common/fp/iotdevfp/rule.go:%s#%d", name, i+1)
			e, ok := yakEntry(rule, r)
			if !ok {
				skipped = append(skipped, rule+": flag "+strconv.Quote(r.Flag)+" gives no sample")
				continue
			}
			entries = append(entries, e)
		}
	}
	var out []entry
	for _, e := range entries {
		if e.Scope == "other" && !mineAll {
			continue
		}
		out = append(out, e)
	}
	return out, skipped, nil
}

// yakRawLists reads the Go file's raw-string variables by name.
func yakRawLists(path string) (map[string]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	lists := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
			return true
		}
		if s := stringLit(vs.Values[0]); s != "" {
			lists[vs.Names[0].Name] = s
		}
		return false
	})
	return lists, nil
}

// yakEntry builds the entry of one rule: the maker is the rule's own vendor
// label, the scope its device class.
func yakEntry(rule string, r yakRule) (entry, bool) {
	product := strings.TrimSpace(strings.Join([]string{r.DevVendor, r.DevClass, r.DevModel}, " "))
	scope, surveillance := yakSurveillance[strings.ToLower(r.DevClass)]
	if !r.IsDev {
		product, surveillance = r.AppName, false
	}
	e := entry{Rule: rule, Product: product, Scope: "other", Provenance: "constructed_from_rule_words"}
	if surveillance {
		e.Scope = scope
		if cnScopeOf(r.DevModel) == "platform" { // "dahua nvr dss": the model is a platform
			e.Scope = "platform"
		}
		e.Maker = yakVendors[strings.ToLower(r.DevVendor)]
		if e.Maker == "" {
			e.Maker = cnMakerOf(r.DevVendor)
		}
		e.Brand = brandOf(r.DevVendor)
		if why, wrong := makerCorrections[rule]; wrong {
			e.Maker, e.Product = "", e.Product+" [maker corrected: "+why+"]"
		}
	}
	if r.Favicon != nil {
		e.Key, e.Value = "http.favicon_mmh3", r.Favicon.Hash.String()
		return e, e.Value != ""
	}
	// Flags are page text in which ".", "?" and "()" are often incidental
	// ("/doc/page/login.asp?_"), read as dismap's alternatives are.
	text, ok := pageText(r.Flag)
	if !ok || strings.TrimSpace(text) == "" {
		return e, false
	}
	e.Key, e.Value = yakPlace(text)
	return e, true
}

var (
	yakHeader     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*\s*:\s*`)
	yakRTSPServer = regexp.MustCompile(`(?i)rtsp\s*serve`)
	yakServerWord = regexp.MustCompile(`(?i)-webs$|^[a-z][-a-z0-9 ]*/[0-9]|web\s*server$|webserver$|httpd|realserver`)
)

// yakPlace puts a flag's text where a device sends it: a header line as a
// header, a realm in a challenge, an RTSP server name in an RTSP answer, a
// server product name in the Server header, anything else in the page.
func yakPlace(text string) (key, value string) {
	var r response
	switch {
	case strings.Contains(strings.ToLower(text), "realm="):
		r.headers = append(r.headers, headerLine(text))
	case yakHeader.MatchString(text) && !strings.HasPrefix(text[len(yakHeader.FindString(text)):], "//"): // not a URL
		name := yakHeader.FindString(text)
		r.headers = append(r.headers, headerCase(strings.ToLower(strings.TrimRight(name, ": \t")))+": "+text[len(name):])
	case yakRTSPServer.MatchString(text):
		return "rtsp.response", "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: " + text + "\r\n\r\n"
	case yakServerWord.MatchString(text):
		r.headers = append(r.headers, "Server: "+text)
	default:
		r.body = append(r.body, text)
	}
	return "http.headers", r.raw()
}

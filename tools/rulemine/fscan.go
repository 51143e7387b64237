package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// fscan's own web fingerprints (shadow1ng/fscan webscan/fingerprint/
// rules.go): RuleDatas, each a product name, where its expression is
// tested (Type "code" or "index": the page; "headers"/"header": the
// headers; "cookie": a cookie) and a case-sensitive alternation of page
// text, "(a|b|c)", any alternative of which detects the product; and
// Md5Datas, a product name and the MD5 of a fetched body (the favicon's,
// where other lists name the same hash). fscan's larger list,
// web_fingerprint_v4.json, is FingerprintHub's v4 in nuclei's format and is
// read by the template reader (-fphub on its elements written one a file).

// mineFscan reads rules.go as Go source (never compiled or run); rule ids
// are the list and the element's index.
func mineFscan(path string) ([]entry, []string, error) {
	lists, err := readFscanLists(path)
	if err != nil {
		return nil, nil, err
	}
	var entries []entry
	var skipped []string
	for i, r := range lists["RuleDatas"] {
		rule := fmt.Sprintf("fscan:webscan/fingerprint/rules.go:RuleDatas#%d", i+1)
		parts, ok := alternatives(r["Rule"])
		if !ok {
			skipped = append(skipped, rule+": an alternative gives no sample")
			continue
		}
		for n, part := range parts {
			e := webEntry(rule, r["Name"])
			if len(parts) > 1 {
				e.Rule = fmt.Sprintf("%s#%d", rule, n+1)
			}
			var resp response
			switch r["Type"] {
			case "headers", "header":
				resp.headers = []string{headerLine(part)}
			case "cookie":
				resp.headers = []string{"Set-Cookie: " + part}
			default:
				resp.body = []string{part}
			}
			e.Key, e.Value = "http.headers", resp.raw()
			entries = append(entries, e)
		}
	}
	for i, r := range lists["Md5Datas"] {
		e := webEntry(fmt.Sprintf("fscan:webscan/fingerprint/rules.go:Md5Datas#%d", i+1), r["0"])
		e.Key, e.Value = "http.favicon_md5", strings.ToLower(r["1"])
		e.Provenance += "; fscan compares the MD5 of each fetched body, the favicon's among them"
		entries = append(entries, e)
	}
	return keepSurveillance(entries), skipped, nil
}

// readFscanLists gives the string fields of each element of the package's
// composite-literal lists, by field name or, unkeyed, by position ("0").
func readFscanLists(path string) (map[string][]map[string]string, error) {
	lits, err := listLiterals(token.NewFileSet(), path)
	if err != nil {
		return nil, err
	}
	lists := map[string][]map[string]string{}
	for name, elts := range lits {
		for _, lit := range elts {
			fields := map[string]string{}
			for i, x := range lit.Elts {
				if kv, keyed := x.(*ast.KeyValueExpr); keyed {
					if id, ok := kv.Key.(*ast.Ident); ok {
						fields[id.Name] = stringLit(kv.Value)
					}
					continue
				}
				fields[fmt.Sprint(i)] = stringLit(x)
			}
			lists[name] = append(lists[name], fields)
		}
	}
	if len(lists["RuleDatas"]) == 0 {
		return nil, fmt.Errorf("%s: no RuleDatas entries", path)
	}
	return lists, nil
}

package service

import (
	"regexp"
	"strings"
)

// A WS-Discovery ProbeMatch as clients print it rather than the XML:
// python-ws-discovery's `wsdiscover` lists each service's address and its
// scopes one a line ("  - onvif://www.onvif.org/name/VIGI-C350"), Python
// clients print getScopes()/getXAddrs() as lists (['onvif://www.onvif.org/type/video_encoder',
// ...]), JSON clients as arrays. The scopes are what the device answered,
// so they give the keys the XML answer gives: wsd.scopes (each scope's
// spaces percent-encoded, as the device sends them), wsd.xaddrs,
// wsd.endpoint.

// printedScope finds an ONVIF scope URI: quoted (it ends at the quote, a
// space kept), or bare (it ends at white space or a list's punctuation;
// bareScopeEnd keeps the words after a space that end its line, as a
// location scope's "Hong Kong" as wsdiscover prints it).
var printedScope = regexp.MustCompile(`(?i)(?:(['"])(onvif://www\.onvif\.org/[^'"\r\n]+)|()(onvif://www\.onvif\.org/[^\s'",\]}]+))`)

// bareScopeEnd extends a bare scope ending at end over the words after it
// on its line when none of them holds a '/' or ':' or a list's punctuation
// (so the line holds one scope, not a space-separated list).
func bareScopeEnd(text string, end int) int {
	line := text[end:]
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if !strings.HasPrefix(line, " ") || strings.TrimSpace(line) == "" || strings.ContainsAny(line, "/:'\",[]{}") {
		return end
	}
	return end + len(strings.TrimRight(line, " \t"))
}

// printedXAddr finds a device service address; printedEPR an endpoint
// reference's UUID.
var (
	printedXAddr = regexp.MustCompile(`(?i)https?://[0-9A-Za-z.:\[\]-]+/onvif/device_service`)
	printedEPR   = regexp.MustCompile(`(?i)urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// maxPrintedScopes bounds the scopes read, as the engine counts at most 64.
const maxPrintedScopes = 64

// printedProbeMatch returns the wsd.* keys of the one ProbeMatch printed in
// text, or nil: whole with two scopes or more, one naming the device's
// type, hardware, name or profile; nil when the scopes are more than one
// device's (two names, hardware or MAC scopes that differ: a list of the
// network's cameras). XML is the XML reader's.
func printedProbeMatch(text string) []keyValue {
	text = text[:min(len(text), maxPrinted)]
	if strings.Contains(text, "<") && strings.Contains(strings.ToLower(text), "scopes>") {
		return nil
	}
	if strings.Count(text, "address:") > 1 {
		return nil // wsdiscover's listing of more than one service
	}
	var scopes []string
	seen, own := map[string]bool{}, map[string]string{}
	described := false
	for _, loc := range printedScope.FindAllStringSubmatchIndex(text, maxPrintedScopes) {
		var s string
		if loc[4] >= 0 {
			s = text[loc[4]:loc[5]]
		} else {
			s = text[loc[8]:bareScopeEnd(text, loc[9])]
		}
		s = strings.TrimSpace(s)
		rest := strings.TrimPrefix(strings.ToLower(s), "onvif://www.onvif.org/")
		kind, value, _ := strings.Cut(rest, "/")
		if value == "" {
			continue
		}
		switch kind {
		case "hardware", "mac":
			if prev, ok := own[kind]; ok && prev != value {
				return nil
			}
			own[kind] = value
			described = true
		case "name":
			described = true // a device may have two (Reolink's name/IPC-BO and name/IPC)
		case "type", "profile":
			described = true
		}
		if !seen[s] {
			seen[s] = true
			scopes = append(scopes, strings.ReplaceAll(s, " ", "%20"))
		}
	}
	if len(scopes) < 2 || !described {
		return nil
	}
	kv := []keyValue{{"wsd.scopes", strings.Join(scopes, " ")}}
	if xs := uniq(printedXAddr.FindAllString(text, 8)); len(xs) > 0 {
		kv = append(kv, keyValue{"wsd.xaddrs", strings.Join(xs, " ")})
	}
	if eprs := uniq(printedEPR.FindAllString(text, 8)); len(eprs) == 1 {
		kv = append(kv, keyValue{"wsd.endpoint", eprs[0]})
	}
	return kv
}

func uniq(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

package service

import (
	"regexp"
	"strings"

	"github.com/camsweep/camsweep/scanner/discovery"
)

// An mDNS service as python-zeroconf prints the ServiceInfo it resolved
// (ServiceInfo(type='_http._tcp.local.', name='… ._http._tcp.local.',
// addresses=[b'\xc0\xa8\x02\x95'], port=80, weight=0, priority=0,
// server='….local.', properties={b'path': b'/irdevice.xml'},
// interface_index=None)) and Home Assistant logs its ZeroconfServiceInfo
// (ZeroconfServiceInfo(host='10.0.0.184', port=8123, hostname='….local.',
// type='…', name='…', properties={'_raw': {…}, 'version': '2022.2.9'})):
// the same records the multicast answer held, so the same keys.

// serviceInfoCall finds a printed ServiceInfo's opening: python-zeroconf's
// own (and its AsyncServiceInfo), Home Assistant's ZeroconfServiceInfo; not
// HA's SsdpServiceInfo or DhcpServiceInfo, which print other answers.
var serviceInfoCall = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])(?:Async|Zeroconf)?ServiceInfo\(`)

// maxServiceInfos bounds the printed services read from one text.
const maxServiceInfos = 16

// printedServiceInfos returns the mdns.* keys of the services printed in
// text, each key with its values in order, or nil when there is none, or
// when they are more than one host's (a log of a whole network's services,
// not one device's).
func printedServiceInfos(text string) []keyValue {
	text = text[:min(len(text), maxPrinted)]
	var out []keyValue
	host := ""
	for _, loc := range serviceInfoCall.FindAllStringIndex(text, maxServiceInfos) {
		args, ok := pyCallArgs(text[loc[1]:])
		if !ok {
			continue
		}
		kv, h := serviceInfoKeys(args)
		if kv == nil {
			continue
		}
		if h != "" {
			if host != "" && !strings.EqualFold(h, host) {
				return nil
			}
			host = h
		}
		out = append(out, kv...)
	}
	return out
}

// serviceInfoKeys reads one printed ServiceInfo's arguments: whole when its
// name is an instance of its type, which only a resolved service has.
func serviceInfoKeys(args map[string]string) (kv []keyValue, host string) {
	name, _ := pyString(args["name"])
	typ, _ := pyString(args["type"])
	if typ == "" {
		typ, _ = pyString(args["type_"])
	}
	n, ok := discovery.SplitDNSSDName(name)
	t, tok := discovery.SplitDNSSDName(typ)
	if !ok || !tok || n.Instance == "" || t.Instance != "" || !strings.EqualFold(n.TypeName(), t.TypeName()) {
		return nil, ""
	}
	kv = append(kv, keyValue{"mdns.service", n.Service}, keyValue{"mdns.instance", discovery.PresentName(name)})
	for _, arg := range []string{"server", "hostname"} {
		if h, _ := pyString(args[arg]); h != "" {
			host = discovery.PresentName(h)
			kv = append(kv, keyValue{"mdns.hostname", host})
		}
	}
	for _, item := range pyDictItems(args["properties"]) {
		k, ok := pyString(item[0])
		if !ok || k == "" || k == "_raw" {
			continue
		}
		if v, ok := pyString(item[1]); ok {
			kv = append(kv, keyValue{"mdns.txt", k + "=" + v})
		} else if item[1] == "None" || item[1] == "True" {
			kv = append(kv, keyValue{"mdns.txt", k}) // a TXT string with no '=': a boolean attribute
		}
	}
	return kv, host
}

// pyCallArgs reads a printed call's keyword arguments from the text after
// its '(' up to the matching ')', each argument's value as printed; false
// when the call does not end.
func pyCallArgs(s string) (map[string]string, bool) {
	args := map[string]string{}
	items, ok := pySplit(s, ')')
	if !ok {
		return nil, false
	}
	for _, item := range items {
		name, value, found := strings.Cut(item, "=")
		name = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(name), "#"))
		if found && name != "" {
			args[name] = strings.TrimSpace(value)
		}
	}
	return args, true
}

// pyDictItems reads a printed dict's items ({k: v, …}), each as its key and
// value as printed; nil when the text is no dict.
func pyDictItems(s string) [][2]string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") {
		return nil
	}
	items, ok := pySplit(s[1:], '}')
	if !ok {
		return nil
	}
	var out [][2]string
	for _, item := range items {
		// The key is a quoted literal: its own ':' is inside the quotes.
		end := pyLiteralEnd(item)
		if end < 0 {
			continue
		}
		rest := strings.TrimSpace(item[end:])
		if v, ok := strings.CutPrefix(rest, ":"); ok {
			out = append(out, [2]string{strings.TrimSpace(item[:end]), strings.TrimSpace(v)})
		}
	}
	return out
}

// maxPyItems bounds the items of one printed call or dict.
const maxPyItems = 256

// pySplit splits printed Python text at its top-level commas up to the
// bracket close that ends it (brackets and quotes nested inside are
// skipped); false when it does not end.
func pySplit(s string, close byte) ([]string, bool) {
	var items []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			end := pyQuoteEnd(s, i)
			if end < 0 {
				return nil, false
			}
			i = end
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				if c != close {
					return nil, false
				}
				return append(items, s[start:i]), true
			}
			depth--
		case ',':
			if depth == 0 {
				if items = append(items, s[start:i]); len(items) > maxPyItems {
					return nil, false
				}
				start = i + 1
			}
		}
	}
	return nil, false
}

// pyQuoteEnd returns the index of the quote that closes the one at i, or -1.
func pyQuoteEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j
		case '\n':
			return -1
		}
	}
	return -1
}

// pyLiteralEnd returns where the string or bytes literal that s starts
// with (after white space) ends, or -1.
func pyLiteralEnd(s string) int {
	i := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	if i < len(s) && s[i] == 'b' {
		i++
	}
	if i >= len(s) || (s[i] != '\'' && s[i] != '"') {
		return -1
	}
	end := pyQuoteEnd(s, i)
	if end < 0 {
		return -1
	}
	return end + 1
}

// pyString decodes a printed str or bytes literal ('x', "x", b'\xc2\xa0');
// false for any other value.
func pyString(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if pyLiteralEnd(s) != len(s) || len(s) < 2 {
		return "", false
	}
	lit := s
	if lit[0] != 'b' {
		lit = "b" + lit // a str's escapes are a bytes literal's (\x, \n, \\, \'), UTF-8 kept
	}
	raw, ok := discovery.BytesLiteral(lit)
	if !ok {
		return "", false
	}
	return string(raw), true
}

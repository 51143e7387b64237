package corpus

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// printedServiceForms print an mDNS service (its instance name, host name
// and TXT strings) as python-zeroconf's ServiceInfo repr on one line and
// over several (as docstrings quote it), and as Home Assistant's
// ZeroconfServiceInfo with its raw and decoded properties.
// A service printed with no host name has None there.
func pyHost(host string) string {
	if host == "" {
		return "None"
	}
	return pythonRepr(host + ".")
}

var printedServiceForms = map[string]func(typ, name, host string, txt [][2]string) string{
	"ServiceInfo": func(typ, name, host string, txt [][2]string) string {
		props := make([]string, len(txt))
		for i, kv := range txt {
			props[i] = "b" + pythonRepr(kv[0]) + ": b" + pythonRepr(kv[1])
		}
		return fmt.Sprintf("ServiceInfo(type=%s, name=%s, addresses=[b'\\xc0\\xa8\\x01\\t'], port=80, weight=0, priority=0, server=%s, properties={%s}, interface_index=None)",
			pythonRepr(typ), pythonRepr(name), pyHost(host), strings.Join(props, ", "))
	},
	"ServiceInfo lines": func(typ, name, host string, txt [][2]string) string {
		props := make([]string, len(txt))
		for i, kv := range txt {
			props[i] = "b" + pythonRepr(kv[0]) + ": b" + pythonRepr(kv[1])
		}
		return fmt.Sprintf("ServiceInfo(type=%s,\n    name=%s,\n    port=80,\n    server=%s,\n    properties={%s},\n    interface_index=None)",
			pythonRepr(typ), pythonRepr(name), pyHost(host), strings.Join(props, ",\n        "))
	},
	"ZeroconfServiceInfo": func(typ, name, host string, txt [][2]string) string {
		raw, dec := make([]string, len(txt)), make([]string, len(txt))
		for i, kv := range txt {
			raw[i] = pythonRepr(kv[0]) + ": b" + pythonRepr(kv[1])
			dec[i] = pythonRepr(kv[0]) + ": " + pythonRepr(kv[1])
		}
		props := append([]string{"'_raw': {" + strings.Join(raw, ", ") + "}"}, dec...)
		return fmt.Sprintf("ZeroconfServiceInfo(host='192.168.1.9', port=80, hostname=%s, type=%s, name=%s, properties={%s})",
			pyHost(host), pythonRepr(typ), pythonRepr(name), strings.Join(props, ", "))
	},
}

// printedScopeForms print a ProbeMatch's scopes as python-ws-discovery's
// wsdiscover lists them (percent-decoded, one a line) and as a Python list.
var printedScopeForms = map[string]func(scopes []string) string{
	"wsdiscover": func(scopes []string) string {
		var b strings.Builder
		b.WriteString("Discovered:\n\n address: 192.168.1.9:80\n")
		for _, s := range scopes {
			if d, err := url.PathUnescape(s); err == nil && !strings.ContainsAny(d, "\r\n") {
				s = d
			}
			fmt.Fprintf(&b, "  - %s\n", s)
		}
		return b.String()
	},
	"list": func(scopes []string) string {
		q := make([]string, len(scopes))
		for i, s := range scopes {
			q[i] = pythonRepr(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	},
}

// TestPrintedServicesAndScopesKeepVerdicts: every real mDNS service
// instance (with its host name and TXT strings) and every real ProbeMatch's
// scope list in the corpus, printed as clients print them and given to
// identify as a body, as the raw payload and as one of its members, gives
// the maker, model, firmware and verdict its members give.
func TestPrintedServicesAndScopesKeepVerdicts(t *testing.T) {
	p := newPipeline(t)
	paths, err := filepath.Glob(testdata("corpus", "*", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	decode := func(key, value string) []fingerprint.Observation {
		var obs []fingerprint.Observation
		collect := func(o fingerprint.Observation) { obs = append(obs, o) }
		if key == "mdns.payload_hex" || key == "wsd.payload" {
			service.DecodePrinted(value, m, collect)
		} else if !service.DecodeRecorded(key, value, m, collect) {
			obs = append(obs, observation("corpus", key, value))
		}
		return obs
	}
	services, scopeLists, tried, differ := 0, 0, 0, 0
	check := func(id, form, key, printed string, want fingerprint.Device) {
		tried++
		obs := decode(key, printed)
		if len(obs) == 0 {
			if differ++; differ <= 20 {
				t.Errorf("%s (%s printed, as %s):\n%s\nreads nothing", id, form, key, printed)
			}
			return
		}
		got := p.identify(t, obs...)
		if key == "http.body" && want.Vendor == "" && got.Restricted == want.Restricted && got.Model == want.Model {
			// A body is also read as a web page's text: a scope's maker
			// word (onvif://www.onvif.org/b/jovision) may name the maker
			// the scopes alone leave open.
			got.Vendor = ""
		}
		if got.Vendor != want.Vendor || got.Model != want.Model || got.Firmware != want.Firmware || got.Restricted != want.Restricted {
			if differ++; differ <= 20 {
				t.Errorf("%s (%s printed, as %s):\n%s\ngives %s, its members give %s", id, form, key, printed, describe(got), describe(want))
			}
		}
	}
	for _, path := range paths {
		for _, e := range loadSourceEntries(t, path) {
			var instance, host string
			var txt [][2]string
			var scopes []string
			var members, scopeObs []fingerprint.Observation
			for _, o := range e.Obs {
				if strings.ContainsAny(o.Value, "\r\n'\"\\") {
					continue
				}
				switch o.Key {
				case "mdns.instance":
					if instance == "" {
						instance = o.Value
						members = append(members, decode(o.Key, o.Value)...)
					}
				case "mdns.hostname":
					if host == "" {
						host = o.Value
						members = append(members, decode(o.Key, o.Value)...)
					}
				case "mdns.txt":
					k, v, _ := strings.Cut(o.Value, "=")
					txt = append(txt, [2]string{k, v})
					members = append(members, decode(o.Key, o.Value)...)
				case "wsd.scopes":
					scopes = append(scopes, strings.Fields(o.Value)...)
					scopeObs = append(scopeObs, observation("corpus", o.Key, o.Value))
				case "wsd.scope":
					scopes = append(scopes, strings.ReplaceAll(o.Value, " ", "%20"))
					scopeObs = append(scopeObs, observation("corpus", o.Key, o.Value))
				}
			}
			if n, ok := discovery.SplitDNSSDName(instance); ok && n.Instance != "" {
				services++
				want := p.identify(t, members...)
				for form, print := range printedServiceForms {
					printed := print(n.TypeName()+".", strings.TrimSuffix(instance, ".")+".", strings.TrimSuffix(host, "."), txt)
					for _, key := range []string{"http.body", "mdns.instance", "mdns.payload_hex"} {
						check(e.ID, form, key, printed, want)
					}
				}
			}
			if len(scopes) >= 2 {
				scopeLists++
				want := p.identify(t, scopeObs...)
				for form, print := range printedScopeForms {
					printed := print(scopes)
					for _, key := range []string{"http.body", "wsd.scopes", "wsd.payload"} {
						check(e.ID, form, key, printed, want)
					}
				}
			}
		}
	}
	t.Logf("services %d, scope lists %d, %d printed forms read, %d differ", services, scopeLists, tried, differ)
	if services < 20 || scopeLists < 50 {
		t.Fatalf("too few answers in the corpus: %d services, %d scope lists", services, scopeLists)
	}
}

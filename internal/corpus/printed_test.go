package corpus

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/service"
)

// deviceInfoMembers are an ONVIF GetDeviceInformation answer's members, in
// the answer's order, with the keys the scanner gives them.
var deviceInfoMembers = []struct{ name, key string }{
	{"Manufacturer", "onvif.manufacturer"},
	{"Model", "onvif.model"},
	{"FirmwareVersion", "onvif.firmware"},
	{"SerialNumber", "onvif.serial"},
	{"HardwareId", "onvif.hardware_id"},
}

// printedForms write an answer's members as ONVIF clients print them in logs
// users paste: python-onvif-zeep's object (a dict, one member a line),
// node-onvif's JSON, agsh/onvif's camel-case JSON, a Go struct printed with
// %+v, "Name: value" lines.
var printedForms = map[string]func(names, values []string) string{
	"zeep": func(names, values []string) string {
		var b strings.Builder
		b.WriteString("{\n")
		for i, n := range names {
			fmt.Fprintf(&b, "    '%s': %s,\n", n, pythonRepr(values[i]))
		}
		return b.String() + "}"
	},
	"json": func(names, values []string) string {
		parts := make([]string, len(names))
		for i, n := range names {
			v, _ := json.Marshal(values[i])
			parts[i] = fmt.Sprintf("%q:%s", n, v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	},
	"camel json": func(names, values []string) string {
		parts := make([]string, len(names))
		for i, n := range names {
			v, _ := json.Marshal(values[i])
			parts[i] = fmt.Sprintf("%q: %s", strings.ToLower(n[:1])+n[1:], v)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	},
	"go": func(names, values []string) string {
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + ":" + values[i]
		}
		return "&{" + strings.Join(parts, " ") + "}"
	},
	"lines": func(names, values []string) string {
		var b strings.Builder
		for i, n := range names {
			fmt.Fprintf(&b, "%s: %s\n", n, values[i])
		}
		return b.String()
	},
}

// pythonRepr writes a string as Python's repr does: single quotes, double
// quotes when the text holds a single quote and no double one.
func pythonRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// TestPrintedDeviceInformationKeepsVerdicts: every real GetDeviceInformation
// answer in the corpus (its members as the cases give them), printed as
// clients print it and given to identify as a body, and as the value of one
// of its members, gives the maker, model, firmware and verdict its members
// give as separate observations.
func TestPrintedDeviceInformationKeepsVerdicts(t *testing.T) {
	p := newPipeline(t)
	paths, err := filepath.Glob(testdata("corpus", "*", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	answers, tried, differ := 0, 0, 0
	for _, path := range paths {
		for _, e := range loadSourceEntries(t, path) {
			names, values, clean := deviceInfoOf(e)
			if names == nil {
				continue
			}
			answers++
			want := p.identify(t, clean...)
			for form, print := range printedForms {
				printed := print(names, values)
				for _, key := range []string{"http.body", "onvif.model"} {
					var obs []fingerprint.Observation
					service.DecodeRecorded(key, printed, m, func(o fingerprint.Observation) { obs = append(obs, o) })
					tried++
					got := p.identify(t, obs...)
					if got.Vendor != want.Vendor || got.Model != want.Model || got.Firmware != want.Firmware || got.Restricted != want.Restricted {
						if differ++; differ <= 20 {
							t.Errorf("%s (%s printed, as %s):\n%s\ngives %s, its members give %s", e.ID, form, key, printed, describe(got), describe(want))
						}
					}
				}
			}
		}
	}
	t.Logf("%d answers, %d printed forms read, %d differ", answers, tried, differ)
	if answers < 30 {
		t.Fatalf("only %d GetDeviceInformation answers in the corpus", answers)
	}
}

// deviceInfoOf returns a case's GetDeviceInformation members (Manufacturer,
// Model and at least two others, as a whole answer has them) with their
// observations, or nil.
func deviceInfoOf(e sourceEntry) (names, values []string, obs []fingerprint.Observation) {
	byKey := map[string]string{}
	for _, o := range e.Obs {
		byKey[o.Key] = o.Value
	}
	for _, mem := range deviceInfoMembers {
		v, ok := byKey[mem.key]
		if !ok || strings.ContainsAny(v, "\r\n") || strings.TrimSpace(v) != v {
			continue
		}
		names, values = append(names, mem.name), append(values, v)
		obs = append(obs, observation("corpus", mem.key, v))
	}
	if len(names) < 4 || names[0] != "Manufacturer" || names[1] != "Model" {
		return nil, nil, nil
	}
	return names, values, obs
}

package corpus

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// printedAnswers are the answers clients print whole, each with its members
// in the answer's order and the keys the scanner gives them, the keys a user
// may give the printed text as, and when a case's members are a whole
// answer.
var printedAnswers = []struct {
	name    string
	members []struct{ name, key string }
	givenAs []string
	whole   func(names []string) bool
}{
	{
		name: "ONVIF GetDeviceInformation",
		members: []struct{ name, key string }{
			{"Manufacturer", "onvif.manufacturer"}, {"Model", "onvif.model"}, {"FirmwareVersion", "onvif.firmware"},
			{"SerialNumber", "onvif.serial"}, {"HardwareId", "onvif.hardware_id"},
		},
		givenAs: []string{"http.body", "onvif.model"},
		whole: func(names []string) bool {
			return len(names) >= 4 && names[0] == "Manufacturer" && names[1] == "Model"
		},
	},
	{
		name: "UPnP device description",
		members: []struct{ name, key string }{
			{"deviceType", "upnp.device_type"}, {"friendlyName", "upnp.friendly_name"}, {"manufacturer", "upnp.manufacturer"},
			{"modelDescription", "upnp.model_description"}, {"modelName", "upnp.model_name"},
			{"modelNumber", "upnp.model_number"}, {"serialNumber", "upnp.serial"},
		},
		givenAs: []string{"http.body", "upnp.description", "upnp.model_name"},
		whole: func(names []string) bool {
			return slices.Contains(names, "deviceType") && slices.Contains(names, "manufacturer") &&
				(slices.Contains(names, "modelName") || slices.Contains(names, "modelNumber"))
		},
	},
	{
		name: "SADP ProbeMatch",
		members: []struct{ name, key string }{
			{"DeviceType", "sadp.device_type"}, {"DeviceDescription", "sadp.model"}, {"DeviceSN", "sadp.serial"},
			{"CommandPort", "sadp.command_port"}, {"HttpPort", "sadp.http_port"}, {"SoftwareVersion", "sadp.firmware"},
			{"DSPVersion", "sadp.dsp_version"}, {"Activated", "sadp.activated"},
		},
		givenAs: []string{"http.body", "sadp.payload", "sadp.model"},
		whole: func(names []string) bool {
			return slices.Contains(names, "DeviceSN") && slices.Contains(names, "DeviceDescription") &&
				(slices.Contains(names, "SoftwareVersion") || slices.Contains(names, "DSPVersion"))
		},
	},
	{
		name: "DHIP deviceInfo",
		members: []struct{ name, key string }{
			{"DeviceClass", "dhip.device_class"}, {"DeviceType", "dhip.model"}, {"HttpPort", "dhip.http_port"},
			{"MachineName", "dhip.machine_name"}, {"Manufacturer", "dhip.manufacturer"}, {"Port", "dhip.port"},
			{"SerialNo", "dhip.serial"}, {"Vendor", "dhip.vendor"}, {"Version", "dhip.firmware"},
		},
		givenAs: []string{"http.body", "dhip.payload", "dhip.model"},
		whole: func(names []string) bool {
			n := 0
			for _, o := range []string{"Version", "Vendor", "MachineName", "DeviceClass", "Manufacturer"} {
				if slices.Contains(names, o) {
					n++
				}
			}
			return slices.Contains(names, "DeviceType") && slices.Contains(names, "SerialNo") && n >= 2
		},
	},
	{
		name: "SSDP answer",
		members: []struct{ name, key string }{
			{"LOCATION", "ssdp.location"}, {"SERVER", "ssdp.server"}, {"ST", "ssdp.st"}, {"NT", "ssdp.nt"}, {"USN", "ssdp.usn"},
		},
		givenAs: []string{"http.body", "ssdp.payload"},
		whole: func(names []string) bool {
			return slices.Contains(names, "USN") && slices.Contains(names, "LOCATION")
		},
	},
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

// TestPrintedAnswersKeepVerdicts: every real ONVIF GetDeviceInformation
// answer, UPnP device description and SSDP answer in the corpus (its members as the cases
// give them), printed as clients print it and given to identify as a body,
// as the raw description, and as the value of one of its members, gives the
// maker, model, firmware and verdict its members give as separate
// observations.
func TestPrintedAnswersKeepVerdicts(t *testing.T) {
	p := newPipeline(t)
	paths, err := filepath.Glob(testdata("corpus", "*", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	answers, tried, differ := map[string]int{}, 0, 0
	for _, path := range paths {
		for _, e := range loadSourceEntries(t, path) {
			e = withDiscoveryAnswers(e)
			for _, a := range printedAnswers {
				names, values, clean := membersOf(e, a.members)
				if !a.whole(names) {
					continue
				}
				answers[a.name]++
				want := p.identify(t, clean...)
				for form, print := range printedForms {
					printed := print(names, values)
					for _, key := range a.givenAs {
						var obs []fingerprint.Observation
						collect := func(o fingerprint.Observation) { obs = append(obs, o) }
						if key == "upnp.description" || key == "ssdp.payload" || key == "sadp.payload" || key == "dhip.payload" {
							service.DecodePrinted(printed, m, collect)
						} else {
							service.DecodeRecorded(key, printed, m, collect)
						}
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
	}
	t.Logf("answers %v, %d printed forms read, %d differ", answers, tried, differ)
	if answers["SADP ProbeMatch"] < 10 || answers["DHIP deviceInfo"] < 3 || answers["ONVIF GetDeviceInformation"] < 30 || answers["UPnP device description"] < 10 || answers["SSDP answer"] < 10 {
		t.Fatalf("too few answers in the corpus: %v", answers)
	}
}

// membersOf returns the members of an answer a case gives (one-line values
// only, as printers keep them), in the answer's order, with their
// observations.
func membersOf(e sourceEntry, members []struct{ name, key string }) (names, values []string, obs []fingerprint.Observation) {
	byKey := map[string]string{}
	for _, o := range e.Obs {
		byKey[o.Key] = o.Value
	}
	for _, mem := range members {
		v, ok := byKey[mem.key]
		if !ok || strings.ContainsAny(v, "\r\n") || strings.TrimSpace(v) != v {
			continue
		}
		names, values = append(names, mem.name), append(values, v)
		obs = append(obs, observation("corpus", mem.key, v))
	}
	return names, values, obs
}

// withDiscoveryAnswers adds the members of the SADP and DHIP answers a case
// gives raw (sadp.payload, dhip.payload) as the decoders read them, so that
// they too are printed.
func withDiscoveryAnswers(e sourceEntry) sourceEntry {
	for _, o := range e.Obs {
		if o.Key != "sadp.payload" && o.Key != "dhip.payload" {
			continue
		}
		d, _ := discovery.ByRawKey(o.Key)
		m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
		_ = d([]byte(o.Value), m, func(x fingerprint.Observation) {
			e.Obs = append(e.Obs, struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			}{x.Key, x.Value})
		})
	}
	return e
}

package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// hikDevice is what one real Hikvision device reported in ISAPI
// /System/deviceInfo (hikvision_next fixtures, converted with xmltodict).
type hikDevice struct {
	File                 string
	Model                string `json:"model"`
	DeviceType           string `json:"deviceType"`
	FirmwareVersion      string `json:"firmwareVersion"`
	FirmwareReleasedDate string `json:"firmwareReleasedDate"`
}

// Firmware is the version as SADP and the web UI show it ("V5.7.17 build 240606").
func (h hikDevice) Firmware() string { return h.FirmwareVersion + " " + h.FirmwareReleasedDate }

// Kind is the device's kind from its own deviceType; the DS-2TD/DS-2TP
// series are thermal cameras (their deviceType still says IPCamera).
func (h hikDevice) Kind() fingerprint.Kind {
	switch {
	case h.DeviceType == "NVR":
		return fingerprint.KindNVR
	case h.DeviceType == "DVR":
		return fingerprint.KindDVR
	case strings.HasPrefix(h.Model, "DS-2TD"), strings.HasPrefix(h.Model, "DS-2TP"):
		return fingerprint.KindThermal
	case h.DeviceType == "IPCamera", h.DeviceType == "IPDome":
		return fingerprint.KindCamera
	}
	return ""
}

func loadHikvisionNext(t *testing.T) []hikDevice {
	t.Helper()
	files, err := filepath.Glob(testdata("realdata", "hikvision_next", "*.json"))
	if err != nil || len(files) != 15 {
		t.Fatalf("want the 15 hikvision_next devices, found %d (%v)", len(files), err)
	}
	var out []hikDevice
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Data struct {
				ISAPI map[string]struct {
					Response struct {
						DeviceInfo hikDevice `json:"DeviceInfo"`
					} `json:"response"`
				} `json:"ISAPI"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d := doc.Data.ISAPI["System/deviceInfo"].Response.DeviceInfo
		d.File = filepath.Base(f)
		if d.Model == "" || d.FirmwareVersion == "" || d.Kind() == "" {
			t.Fatalf("%s: incomplete deviceInfo %+v", f, d)
		}
		out = append(out, d)
	}
	return out
}

// TestHikvisionNextKinds pins the corpus itself: 9 cameras (one thermal),
// 4 NVRs, 2 DVRs, as SOURCES.md section 5 of realdata lists them.
func TestHikvisionNextKinds(t *testing.T) {
	count := map[fingerprint.Kind]int{}
	for _, d := range loadHikvisionNext(t) {
		count[d.Kind()]++
	}
	want := map[fingerprint.Kind]int{fingerprint.KindCamera: 8, fingerprint.KindThermal: 1, fingerprint.KindNVR: 4, fingerprint.KindDVR: 2}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Fatalf("kinds in the corpus = %v, want %v", count, want)
	}
}

// hikWireForms are the ways a Hikvision model string reaches the scanner,
// each as the decoders emit it (docs/observation-keys.md).
var hikWireForms = []struct {
	name string
	obs  func(h hikDevice) []fingerprint.Observation
	// firmware: the form carries the firmware too.
	firmware bool
}{
	{"sadp", func(h hikDevice) []fingerprint.Observation {
		return []fingerprint.Observation{observation("sadp", "sadp.model", h.Model), observation("sadp", "sadp.firmware", h.Firmware())}
	}, true},
	{"wsd hardware scope", func(h hikDevice) []fingerprint.Observation {
		return []fingerprint.Observation{observation("wsd", "wsd.scope", "onvif://www.onvif.org/hardware/"+h.Model)}
	}, false},
	{"wsd name+hardware scopes", func(h hikDevice) []fingerprint.Observation {
		return []fingerprint.Observation{
			observation("wsd", "wsd.scope", "onvif://www.onvif.org/name/HIKVISION "+h.Model),
			observation("wsd", "wsd.scope", "onvif://www.onvif.org/hardware/"+h.Model)}
	}, false},
	{"mdns instance", func(h hikDevice) []fingerprint.Observation {
		// The instance ends in the serial's last nine digits; the fixtures'
		// serials are anonymised, so nine zeros stand for them.
		return []fingerprint.Observation{observation("mdns", "mdns.instance", "HIKVISION "+h.Model+" - 000000000._CGI._tcp.local")}
	}, false},
}

// hikKnownGaps are wire forms × devices the engine gets wrong, with why
// (keyed "<form> <file>").
var hikKnownGaps = map[string]string{}

func TestHikvisionNextModels(t *testing.T) {
	p := newPipeline(t)
	devices := loadHikvisionNext(t)
	for _, form := range hikWireForms {
		right := 0
		for _, h := range devices {
			obs := form.obs(h)
			d := p.identify(t, obs...)
			var wrong []string
			check := func(field, got, want string) {
				if got != want {
					wrong = append(wrong, fmt.Sprintf("%s=%q want %q", field, got, want))
				}
			}
			check("vendor", d.Vendor, "Hikvision")
			check("kind", string(d.Kind), string(h.Kind()))
			check("model", d.Model, h.Model)
			if form.firmware {
				check("firmware", d.Firmware, h.Firmware())
			}
			if !d.Restricted {
				wrong = append(wrong, "not restricted")
			}
			if knownIssue(t, hikKnownGaps, form.name+" "+h.File, len(wrong) == 0, describe(d)) {
				continue
			}
			if len(wrong) > 0 {
				t.Errorf("%s %s (%s, %s): %s\n\tinput %v\n\tgot %s", form.name, h.File, h.Model, h.DeviceType, strings.Join(wrong, ", "), values(obs), describe(d))
				continue
			}
			right++
		}
		t.Logf("%-26s %2d/%d devices: vendor, kind, model%s right", form.name, right, len(devices),
			map[bool]string{true: ", firmware", false: ""}[form.firmware])
	}
}

// TestHikvisionNextSADPPayload runs each device's model and firmware through
// the SADP decoder: a ProbeMatch built from the element names of a real
// reply (constructed: the shape of testdata/discovery/sadp_probematch_constructed.xml,
// values from the fixture, this corpus's address).
func TestHikvisionNextSADPPayload(t *testing.T) {
	p := newPipeline(t)
	for _, h := range loadHikvisionNext(t) {
		payload := `<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>00000000-0000-0000-0000-000000000000</Uuid>` +
			`<Types>inquiry</Types><DeviceDescription>` + xmlEscape(h.Model) + `</DeviceDescription>` +
			`<IPv4Address>` + deviceIP.String() + `</IPv4Address>` +
			`<SoftwareVersion>` + xmlEscape(h.Firmware()) + `</SoftwareVersion></ProbeMatch>`
		obs := decodeDatagram(t, "sadp.payload", []byte(payload), deviceIP)
		d := p.identify(t, obs...)
		if d.Vendor != "Hikvision" || d.Model != h.Model || d.Firmware != h.Firmware() || d.Kind != h.Kind() || !d.Restricted {
			t.Errorf("%s: SADP payload %q\n\tdecoded %v\n\twant Hikvision %s %s %s restricted; got %s",
				h.File, payload, values(obs), h.Kind(), h.Model, h.Firmware(), describe(d))
		}
	}
}

// TestHikvisionNextFirmwareIsNotModel: the firmware string alone is a
// firmware, never a model.
func TestHikvisionNextFirmwareIsNotModel(t *testing.T) {
	p := newPipeline(t)
	for _, h := range loadHikvisionNext(t) {
		d := p.identify(t, observation("sadp", "sadp.firmware", h.Firmware()))
		if d.Firmware != h.Firmware() || d.Model != "" {
			t.Errorf("%s: sadp.firmware=%q: want firmware %q and no model; got %s", h.File, h.Firmware(), h.Firmware(), describe(d))
		}
	}
}

func values(obs []fingerprint.Observation) string {
	var b strings.Builder
	for i, o := range obs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%q", o.Key, o.Value)
	}
	return b.String()
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

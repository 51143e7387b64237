package service

import (
	"maps"
	"strings"
	"testing"
)

// A Hikvision PTZ camera's GetDeviceInformation answer as python-onvif-zeep
// prints it, quoted in a client's docstring (code index file 35173238275).
const zeepHikvisionPTZ = `{
            'Manufacturer': 'HIKVISION',
            'Model': 'DS-2DE2204IW-D3',
            'FirmwareVersion': 'V5.6.11 build 190426',
            'SerialNumber': 'DS-2DE2204IW-D320170316CCCH731956144W',
            'HardwareId': '88'
        }`

func TestPrintedDeviceInformation(t *testing.T) {
	want := map[string]string{
		"onvif.manufacturer": "HIKVISION",
		"onvif.model":        "DS-2DE2204IW-D3",
		"onvif.firmware":     "V5.6.11 build 190426",
		"onvif.serial":       "DS-2DE2204IW-D320170316CCCH731956144W",
		"onvif.hardware_id":  "88",
	}
	if got := PrintedDeviceInformation(zeepHikvisionPTZ); !maps.Equal(got, want) {
		t.Errorf("zeep dict: %v", got)
	}
	// The same answer inside a log line, and printed by Go's %+v (values
	// with spaces run to the next member's name).
	logged := "2024-05-01 DEBUG device info: " + strings.Join(strings.Fields(zeepHikvisionPTZ), " ")
	goPrinted := "&{Manufacturer:HIKVISION Model:DS-2DE2204IW-D3 FirmwareVersion:V5.6.11 build 190426 SerialNumber:DS-2DE2204IW-D320170316CCCH731956144W HardwareId:88}"
	for name, text := range map[string]string{"log line": logged, "go": goPrinted} {
		if got := PrintedDeviceInformation(text); !maps.Equal(got, want) {
			t.Errorf("%s: %v", name, got)
		}
	}
	for name, text := range map[string]string{
		// An XML answer is the XML reader's (emitONVIFDeviceInfo).
		"xml": "<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2042WD-I</tds:Model><tds:FirmwareVersion>V5.4.0</tds:FirmwareVersion><tds:SerialNumber>x</tds:SerialNumber></tds:GetDeviceInformationResponse>",
		// A product catalogue's dict (code index file 55914374664): no
		// firmware, serial or hardware id, so no answer.
		"catalogue": "{'type': 'IP Camera', 'manufacturer': 'Hikvision', 'model': 'DS-2CD2043G2', 'specs': {'resolution': '4MP', 'lens': '2.8mm'}, 'price': 180.00}",
		// A light panel's info (code index file 49089423336): serialNo is
		// no ONVIF member, one other member is not enough.
		"panel": "{'name': 'Light Panels 50:A2:58', 'serialNo': 'S17072A2725', 'manufacturer': 'Nanoleaf', 'firmwareVersion': '5.1.0', 'hardwareVersion': '1.6-2', 'model': 'NL22'}",
		// Two devices' answers: a list, not one device's.
		"two devices": zeepHikvisionPTZ + strings.Replace(strings.Replace(zeepHikvisionPTZ, "HIKVISION", "Dahua", 1), "DS-2DE2204IW-D3", "SD22204T-GN", 1),
		"empty":       "",
	} {
		if got := PrintedDeviceInformation(text); got != nil {
			t.Errorf("%s: read as an answer: %v", name, got)
		}
	}
}

func FuzzPrintedDeviceInformation(f *testing.F) {
	f.Add(zeepHikvisionPTZ)
	f.Add(`{"Manufacturer":"Hero\u0026Speed","Model":"HS3245","FirmwareVersion":"V0.2","SerialNumber":"x"}`)
	f.Add("&{Manufacturer:a Model:b} FirmwareVersion:'c\\' SerialNumber:\"d")
	f.Fuzz(func(t *testing.T, text string) {
		got := PrintedDeviceInformation(text)
		if got != nil && (got["onvif.manufacturer"] == "" || got["onvif.model"] == "" || len(got) > 5) {
			t.Fatalf("%q: %v", text, got)
		}
	})
}

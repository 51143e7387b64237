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
	f.Add(haSSDPDumpDahua)
	f.Fuzz(func(t *testing.T, text string) {
		got := PrintedDeviceInformation(text)
		if got != nil && (got["onvif.manufacturer"] == "" || got["onvif.model"] == "" || len(got) > 5) {
			t.Fatalf("%q: %v", text, got)
		}
		for _, a := range []printedAnswer{printedUPnPDescription, printedSSDPAnswer, printedSADPAnswer, printedDHIPDeviceInfo} {
			for k := range a.read(text) {
				if strings.HasPrefix(k, "#") {
					t.Fatalf("%q: a boundary-only member's key %q left in", text, k)
				}
			}
		}
	})
}

// A Dahua device's SSDP answer as Home Assistant's discovery dump writes it,
// one JSON object per answer (home-assistant/core issue #46822).
const haSSDPDumpDahua = `{"CACHE-CONTROL": "max-age=1800", "DATE": "Wed, 24 Feb 2021 02:58:42 GMT", "EXT": "", "X-User-Agent": "redsonic", "LOCATION": "http://192.168.1.20:49152/upnp_device_desc.xml", "SERVER": "Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK", "ST": "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037", "USN": "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037", "_timestamp": "2021-02-24 02:58:44.059502", "_address": "192.168.1.20:55927", "_udn": "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037", "_source": "search"}`

func TestPrintedSSDPAndUPnP(t *testing.T) {
	want := map[string]string{
		"ssdp.location": "http://192.168.1.20:49152/upnp_device_desc.xml",
		"ssdp.server":   "Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK",
		"ssdp.st":       "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037",
		"ssdp.usn":      "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037",
	}
	if got := printedSSDPAnswer.read(haSSDPDumpDahua); !maps.Equal(got, want) {
		t.Errorf("HA dump: %v", got)
	}
	// A web server's headers as a dict have a Server and a Location but no
	// USN: not an SSDP answer.
	if got := printedSSDPAnswer.read(`{'Server': 'App-webs/', 'Location': 'http://10.0.0.5/doc/page/login.asp', 'Content-Length': '0'}`); got != nil {
		t.Errorf("HTTP headers read as SSDP: %v", got)
	}
	// A UPnP description's device members as a dict; the URL members only
	// end the ones before them.
	upnp := `{'deviceType': 'urn:schemas-upnp-org:device:Basic:1', 'friendlyName': 'IPC', 'manufacturer': 'Dahua', 'manufacturerURL': 'http://www.dahuasecurity.com/', 'modelName': 'IPC-HFW2431S-S-S2', 'UDN': 'uuid:x'}`
	wantUPnP := map[string]string{
		"upnp.device_type": "urn:schemas-upnp-org:device:Basic:1", "upnp.friendly_name": "IPC",
		"upnp.manufacturer": "Dahua", "upnp.model_name": "IPC-HFW2431S-S-S2",
	}
	if got := printedUPnPDescription.read(upnp); !maps.Equal(got, wantUPnP) {
		t.Errorf("UPnP dict: %v", got)
	}
	if got := printedUPnPDescription.read(`{'manufacturer': 'Dahua', 'modelName': 'IPC-HFW2431S-S-S2'}`); got != nil {
		t.Errorf("a dict with no device type or UDN read as a UPnP description: %v", got)
	}
}

// TestPrinted: a value as a client printed it is told from the value as a
// device sends it, under the key identify was given it by.
func TestPrinted(t *testing.T) {
	ssdp := "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://192.168.1.20:49152/upnp_device_desc.xml\r\nSERVER: Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK\r\nST: upnp:rootdevice\r\nUSN: uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037::upnp:rootdevice\r\n\r\n"
	for _, c := range []struct {
		key, value string
		want       bool
	}{
		{"onvif.model", zeepHikvisionPTZ, true},
		{"onvif.model", "DS-2DE2204IW-D3", false},
		{"http.body", zeepHikvisionPTZ, true},
		{"http.body", "<html><title>WEB SERVICE</title></html>", false},
		{"ssdp.payload", haSSDPDumpDahua, true},
		{"ssdp.payload", ssdp, false},
		{"wsd.scopes", "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/DS-2CD2142FWD-I", false},
		{"wsd.scopes", "['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/hardware/DS-2CD2142FWD-I']", true},
		{"dhip.payload", `b' \x00\x00\x00DHIP{"id":8}\n'`, true},
		{"dhip.payload", "{u'params': {u'type': u'IPC-D2B20-ZS'}, u'result': True, u'id': 6}", true},
		{"dhip.payload", `{"mac":"08:ed:ed:87:42:7a","method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceType":"IPC-HDW1431T1-S4"}}}`, false},
		{"http.server", "App-webs/", false},
	} {
		if got := Printed(c.key, c.value); got != c.want {
			t.Errorf("Printed(%s, %.60q) = %v, want %v", c.key, c.value, got, c.want)
		}
	}
}

package service

import (
	"maps"
	"testing"
)

// A Mi Home device's miIO.info answer as the tools print it, from the
// python-miio and homebridge-mi-aqara issues cited in each case
// (testdata/corpus/fresh7): a camera's model id and firmware are read, the
// other lines are not, and a print that is not a miIO answer gives nothing.
func TestPrintedMiIOInfo(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		want map[string]string
	}{
		// rytilahti/python-miio issue #1972: the issue template's bullets
		"bullets": {"  - Model: chuangmi.camera.055a02\n  - Hardware version: Linux\n  - Firmware version: 5.1.5_0355",
			map[string]string{"miio.model": "chuangmi.camera.055a02", "miio.firmware": "5.1.5_0355"}},
		// issue #504: the command line, then Network and AP dicts
		"command and dicts": {"miiocli  aqaracamera --ip XXX --token XXX info\nModel: lumi.camera.gwagl01\nHardware version: 1.0\nFirmware version: 3.4.6_0040\nNetwork: {'mask': '255.255.255.0', 'gw': 'XXX, 'localIp': 'XXX}\nAP: {'ssid': 'XXX', 'bssid': 'XXX', 'rssi': '-68'}",
			map[string]string{"miio.model": "lumi.camera.gwagl01", "miio.firmware": "3.4.6_0040"}},
		// issue #2049: an empty hardware version, the platform after the build
		"empty hardware": {"  - Model: xiaomi.vacuum.ov21gl\n  - Hardware version:\n  - Firmware version: 4.5.8_0148@Linux",
			map[string]string{"miio.model": "xiaomi.vacuum.ov21gl", "miio.firmware": "4.5.8_0148@Linux"}},
		// homebridge-mi-aqara issue #277: the Node tool's `miio inspect`, whose
		// MCU firmware version is another member
		"miio inspect": {"Device ID: 52051***\nModel info: lumi.gateway.v3\nAddress: 192.168.1.4\n\nFirmware version: 1.4.1_170\nHardware version: MW300\nMCU firmware version: 0158",
			map[string]string{"miio.model": "lumi.gateway.v3", "miio.firmware": "1.4.1_170"}},
		// issue #1490: the template's brackets kept, no space after the colons
		"brackets": {"  - Model: [mijia.camera.v1]\n  - Hardware version:\n  - Firmware version:4.1.10_1005",
			map[string]string{"miio.model": "mijia.camera.v1", "miio.firmware": "4.1.10_1005"}},
		// issue #1679: a date-like build and a variant letter
		"variant": {"  - Model: chuangmi.camera.v6\n  - Hardware version:Linux\n  - Firmware version:3.5.8_20031301_C",
			map[string]string{"miio.model": "chuangmi.camera.v6", "miio.firmware": "3.5.8_20031301_C"}},
		// issue #1595: the template's own example left in place, no firmware
		"template": {"  - Model: [e.g., lumi.gateway.v3]\n  - Hardware version:\n  - Firmware version:", nil},
		// an ONVIF answer printed as lines: no miIO model id
		"onvif lines": {"Manufacturer: HIKVISION\nModel: DS-2CD2042WD-I\nFirmware version: V5.4.0 build 160530\nSerial number: DS-2CD2042WD-I20160601", nil},
		// python-miio issue #1429: the model typed as a product name
		"product name": {"  - Model: Viomi V3\n  - Hardware version: Linux\n  - Firmware version: 3.5.8_0016", nil},
		// no firmware: a spec list's model id alone
		"model alone": {"Model: chuangmi.camera.ipc019\nName: Mi Home Security Camera 360", nil},
	} {
		got := printedMiIOInfo.read(c.text)
		if !maps.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: got %v, want %v", name, got, c.want)
		}
	}
}

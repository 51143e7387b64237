package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// firmwareEntry is one public device string (or set of strings) whose source
// states the device's true firmware.
//
// What "right" means: the engine's firmware equals, byte for byte, the version
// string the device states in its firmware field: whole (nothing cut short),
// as sent (nothing dropped or normalised but surrounding white space), and
// nothing a protocol adds around it. One device has one firmware on every
// path, so where the device's own protocols disagree in form, the field of
// the device's own protocol wins over the generic one (a Xiongmai camera's
// search reply V5.00.R02.00030747.10010.349f17.0000000 over its ONVIF
// FirmwareVersion, which ends ..ONVIF 16.12 instead); alone, each is right
// as sent. A build date sent in a separate field is joined with one space,
// in the words the device sends it, exactly when the maker's own one-field
// answers carry it as part of the version: Hikvision's ISAPI
// <firmwareVersion>V5.5.82</firmwareVersion> and
// <firmwareReleasedDate>build 190909</firmwareReleasedDate> are
// "V5.5.82 build 190909", as its SADP SoftwareVersion, its ONVIF
// FirmwareVersion and its web UI give it in one field. A bare build timestamp
// that no one-field answer of its maker carries (Xiongmai's search BuildDate
// and DVRIP BuildTime, Dahua's getSoftwareVersion BuildDate= and its
// version=…,build:<date>) is not part of the version: Dahua's DHIP Version
// and Xiongmai's search Version and ONVIF FirmwareVersion never have it.
type firmwareEntry struct {
	source, id, maker, firmware string
	obs                         []fingerprint.Observation
}

// minFirmwareAccuracy is the floor per source and over all entries: the
// engine names every firmware of the corpus right (README, "Regression
// corpus"), so a change that loses a class of firmware strings (a key no
// longer read, a precedence turned round, a version cut short) fails.
const minFirmwareAccuracy = 0.95

// TestFirmwareAccuracy runs every public entry of the repository that states
// the device's firmware through the production pipeline and counts, per
// source, the entries whose firmware the engine names right (see
// firmwareEntry for what right means).
func TestFirmwareAccuracy(t *testing.T) {
	p := newPipeline(t)
	bySource := map[string][]firmwareEntry{}
	for _, e := range firmwareEntries(t) {
		bySource[e.source] = append(bySource[e.source], e)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	rows := []string{"| source | entries stating a firmware | firmware right | maker right |", "|---|---|---|---|"}
	var all firmwareTally
	for _, source := range sources {
		var src firmwareTally
		for _, e := range bySource[source] {
			d := p.identify(t, e.obs...)
			fw := d.Firmware == e.firmware
			src.count(d.Vendor == e.maker, fw)
			if !fw {
				t.Logf("MISS %s %s: want firmware %q\n\tinput %s\n\tgot %s", source, e.id, e.firmware, clipForLog(values(e.obs)), describe(d))
			}
		}
		all.add(src)
		rows = append(rows, "| "+source+" | "+src.String()+" |")
		checkFloor(t, source+": firmware", src.firmware, src.entries, minFirmwareAccuracy)
	}
	rows = append(rows, "| all | "+all.String()+" |")
	t.Log("\n" + strings.Join(rows, "\n"))
	checkFloor(t, "all entries: firmware", all.firmware, all.entries, minFirmwareAccuracy)
	if len(sources) < 7 || all.entries < 90 {
		t.Errorf("only %d entries stating a firmware from %d sources: a source went missing", all.entries, len(sources))
	}
}

// firmwareTally counts entries and those with the firmware and the maker right.
type firmwareTally struct{ entries, firmware, maker int }

func (a *firmwareTally) add(b firmwareTally) {
	a.entries, a.firmware, a.maker = a.entries+b.entries, a.firmware+b.firmware, a.maker+b.maker
}

func (a *firmwareTally) count(makerRight, firmwareRight bool) {
	a.entries++
	if firmwareRight {
		a.firmware++
	}
	if makerRight {
		a.maker++
	}
}

func (a firmwareTally) String() string {
	return fmt.Sprintf("%d | %d (%.0f %%) | %d (%.0f %%)", a.entries, a.firmware, pct(a.firmware, a.entries), a.maker, pct(a.maker, a.entries))
}

// firmwareEntries gathers every source's entries.
func firmwareEntries(t *testing.T) []firmwareEntry {
	var out []firmwareEntry
	out = append(out, recogFirmwareEntries(t)...)
	out = append(out, hikvisionFirmwareEntries(t)...)
	out = append(out, dhipFirmwareEntries(t)...)
	out = append(out, besderFirmwareEntries(t)...)
	out = append(out, sourceFirmwareEntries(t)...)
	out = append(out, onvifExportFirmwareEntries(t)...)
	out = append(out, publishedFirmwareEntries(t)...)
	return out
}

// publishedFirmware are device answers other projects published with the
// device's firmware in them (in tests of their parsers, logs and READMEs),
// each in the key the answer reaches camsweep by: the fields of an ONVIF
// GetDeviceInformation answer (onvif.*, as a VMS export or an HTTP body gives
// them), a SADP ProbeMatch through its decoder (its IPv4Address made this
// corpus's address), Dahua magicBox.cgi getSoftwareVersion bodies and RPC2
// magicBox.getSoftwareVersion JSON, Hikvision ISAPI deviceInfo answers
// (bodies as the sources print them, from the root element on).
var publishedFirmware = []struct {
	maker, firmware, source string
	obs                     [][2]string // key, value
}{
	{"Dahua", "2.800.0000000.4.R, Build Date 2019-11-05", "a Dahua PTZ's GetDeviceInformation asserted by an ONVIF client's tests (code index file 55929149485)",
		[][2]string{{"onvif.manufacturer", "Dahua"}, {"onvif.model", "DH-SD42212T-HN"}, {"onvif.firmware", "2.800.0000000.4.R, Build Date 2019-11-05"}}},
	{"Dahua", "2.460.0001.5.R, Build Date 2017-08-11", "a Lorex LNB8973B's GetDeviceInformation in a camera tool's README (code index file 11043701556)",
		[][2]string{{"onvif.manufacturer", "LOREX"}, {"onvif.model", "LNB8973B"}, {"onvif.firmware", "2.460.0001.5.R, Build Date 2017-08-11"}}},
	{"Dahua", "2.400.0000.16.R, Build Date 2017-08-31", "a Dahua OEM camera's GetDeviceInformation in an NVR's log (code index file 47261751259)",
		[][2]string{{"onvif.manufacturer", "General"}, {"onvif.model", "IP Camera"}, {"onvif.firmware", "2.400.0000.16.R, Build Date 2017-08-31"}}},
	{"Dahua", "2.420.AC00.15.R", "an Amcrest camera's getSoftwareVersion answer quoted by tchellomello/python-amcrest (the BuildDate line is a field of its own)",
		[][2]string{{"http.path", "/cgi-bin/magicBox.cgi?action=getSoftwareVersion"}, {"http.status", "200"}, {"http.body", "version=2.420.AC00.15.R\r\nBuildDate=2016-09-08"}}},
	{"Dahua", "4.002.0000000.2.R,build:2023-02-20", "a Dahua NVR's getSoftwareVersion answer in a collector's tests (code index file 71389369219)",
		[][2]string{{"http.path", "/cgi-bin/magicBox.cgi?action=getSoftwareVersion"}, {"http.status", "200"}, {"http.body", "version=4.002.0000000.2.R,build:2023-02-20\n"}}},
	{"Dahua", "2.800.0000016.0.R,build:2020-06-05", "a Dahua camera's getSoftwareVersion value in a tool's tests (code index file 70940061591)",
		[][2]string{{"http.path", "/cgi-bin/magicBox.cgi?action=getSoftwareVersion"}, {"http.status", "200"}, {"http.body", "version=2.800.0000016.0.R,build:2020-06-05"}}},
	{"Dahua", "2.800.15OG004.0.R", "an IPC-T5442TM-AS's magicBox.getSoftwareVersion printed by a Dart RPC client's README (code index file 32310593687)",
		[][2]string{{"http.path", "/RPC2"}, {"http.status", "200"}, {"http.body", `{"version":{"Build":"20201019","BuildDate":"2020-10-19","SecurityBaseLineVersion":"V2.1","Version":"2.800.15OG004.0.R","WebVersion":"V3.2.1.948164"}}`}}},
	{"Dahua", "4.002.0000000.8.R", "a DHI-NVR5232-4KS2's magicBox.getSoftwareVersion in an integration's notes (code index file 62422966725)",
		[][2]string{{"http.path", "/RPC2"}, {"http.status", "200"}, {"http.body", `{"Version":"4.002.0000000.8.R","BuildDate":"2024-10-30","WebVersion":"3.2.7.147280","SecurityBaseLineVersion":"V2.2"}`}}},
	{"Dahua", "2.680.0000000.2.R", "an EZ-IP (Dahua brand) IPC-D2B20-ZS's magicBox.getSoftwareVersion answer as mcw0/Tools issue #8 prints it (in JSON, as scanner/service's test keeps it)",
		[][2]string{{"http.path", "/RPC2"}, {"http.status", "200"}, {"http.body", `{"session":"528b1ab7bb23f2877010495","params":{"version":{"Version":"2.680.0000000.2.R","WebVersion":"3.2.1.20272"}},"result":true,"id":9}`}}},
	{"Hikvision", "V5.6.1 build 190603", "a DS-2CD7A47FWD-XZS's ISAPI deviceInfo in an SDK wrapper's tests (code index file 12507624799)",
		[][2]string{{"http.path", "/ISAPI/System/deviceInfo"}, {"http.status", "200"}, {"http.body", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeviceInfo xmlns=\"http://www.hikvision.com/ver20/XMLSchema\" version=\"2.0\">\n" +
			"<deviceName>IP CAMERA</deviceName>\n<deviceID>d9b04000-d0fb-11b2-80e4-988b0a0e517f</deviceID>\n<deviceDescription>IPCamera</deviceDescription>\n" +
			"<deviceLocation>hangzhou</deviceLocation>\n<systemContact>Hikvision.China</systemContact>\n<model>DS-2CD7A47FWD-XZS</model>\n" +
			"<serialNumber>DS-2CD7A47FWD-XZS20190228AACHC96234444</serialNumber>\n<macAddress>98:8b:0a:0e:51:7f</macAddress>\n" +
			"<firmwareVersion>V5.6.1</firmwareVersion>\n<firmwareReleasedDate>build 190603</firmwareReleasedDate>\n<encoderVersion>V7.3</encoderVersion>\n" +
			"<encoderReleasedDate>build 190527</encoderReleasedDate>\n<bootVersion>V1.3.4</bootVersion>\n<bootReleasedDate>100316</bootReleasedDate>\n" +
			"<hardwareVersion>0x0</hardwareVersion>\n<deviceType>IPCamera</deviceType>\n<telecontrolID>88</telecontrolID>\n" +
			"<supportBeep>false</supportBeep>\n<supportVideoLoss>false</supportVideoLoss>\n<firmwareVersionInfo>B-R-H3-0</firmwareVersionInfo>\n"}}},
	{"Hikvision", "V5.8.3 build 240821", "a DS-2CD63C5G1-IVS's ISAPI deviceInfo (code index file 70510279767)",
		[][2]string{{"http.path", "/ISAPI/System/deviceInfo"}, {"http.status", "200"}, {"http.body", "<DeviceInfo version=\"2.0\" xmlns=\"http://www.hikvision.com/ver20/XMLSchema\">\n" +
			"    <deviceName>IP CAMERA</deviceName>\n    <deviceID>8a620000-4af4-11b4-82c5-50e538bbaad1</deviceID>\n    <deviceDescription>IPCamera</deviceDescription>\n" +
			"    <deviceLocation>hangzhou</deviceLocation>\n    <systemContact>Hikvision.China</systemContact>\n    <model>DS-2CD63C5G1-IVS</model>\n" +
			"    <serialNumber>DS-2CD63C5G1-IVS20250709AAWRGB0034379</serialNumber>\n    <macAddress>50:e5:38:bb:aa:d1</macAddress>\n" +
			"    <firmwareVersion>V5.8.3</firmwareVersion>\n    <firmwareReleasedDate>build 240821</firmwareReleasedDate>\n    <encoderVersion>V7.3</encoderVersion>\n" +
			"    <encoderReleasedDate>build 240715</encoderReleasedDate>\n    <bootVersion>V1.3.4</bootVersion>\n    <bootReleasedDate>100316</bootReleasedDate>\n" +
			"    <hardwareVersion>0x0</hardwareVersion>\n    <deviceType>IPCamera</deviceType>\n    <telecontrolID>88</telecontrolID>\n" +
			"    <supportBeep>true</supportBeep>\n    <supportVideoLoss>false</supportVideoLoss>\n    <firmwareVersionInfo>B-R-G7-0</firmwareVersionInfo>\n"}}},
	{"Hikvision", "V5.2.3build 180804", "an EZVIZ CS-C6TC-32WFR's SADP ProbeMatch kept in a camera firmware's source (code index file 70691449606)",
		[][2]string{{"sadp.payload", `<?xml version="1.0" encoding="UTF-8" ?><ProbeMatch><Types>inquiry</Types><Uuid>00000000-0DE1-48DB-97E3-40B106467932</Uuid>` +
			`<DeviceDescription>CS-C6TC-32WFR</DeviceDescription><DeviceSN>CS-C6TC-32WFR0120170327CCCH738231995</DeviceSN><CommandPort>8000</CommandPort>` +
			`<MAC>54-c4-15-9a-38-74</MAC><IPv4Address>198.18.0.10</IPv4Address><IPv4SubnetMask>255.255.255.0</IPv4SubnetMask><IPv4Gateway>172.20.20.254</IPv4Gateway>` +
			`<SoftwareVersion>V5.2.3build 180804</SoftwareVersion></ProbeMatch>` + "\r\n"}}},
	{"TVT", "1.4.6.76250(N7S.U1.16L82G)", "an NVMS-9000 recorder's /reqLogin answer in a client's protocol notes (code index file 54618519829)",
		[][2]string{{"http.path", "/reqLogin"}, {"http.status", "200"}, {"http.body", "<content>\n  <sessionId>{7A5D5717-A202-457A-B70C-D523B18D4F93}</sessionId>\n" +
			"  <nonce>{F67500CA-19EC-4B63-8B3E-4E53A0C15914}</nonce>\n  <token>{7094BDCD-5DF5-471A-9DE5-A4BBB21AA723}</token>\n" +
			"  <softwareVersion><![CDATA[1.4.6.76250(N7S.U1.16L82G)]]></softwareVersion>\n</content>"}}},
	{"Reolink", "v3.0.0.59_20080734", "an RLN16-410's GetDevInfo answer in Reolink's CGI API document (as quoted in code index file 7985343210)",
		[][2]string{{"http.path", "/cgi-bin/api.cgi?cmd=GetDevInfo&token=TOKEN"}, {"http.status", "200"}, {"http.body", "[\n{\n\"cmd\":\"GetDevInfo\",\n\"code\":0,\n\"value\":{\n\"DevInfo\":{\n" +
			"\"B485\":1,\n\"IOInputNum\":0,\n\"IOOutputNum\":0,\n\"audioNum\":16,\n\"buildDay\":\"build20080734\",\n\"cfgVer\":\"v3.0.0.0\",\n\"channelNum\":16,\n" +
			"\"detail\":\"NVR652410104001000200000\",\n\"diskNum\":2,\n\"exactType\":\"NVR\",\n\"firmVer\":\"v3.0.0.59_20080734\",\n\"frameworkVer\":1,\n" +
			"\"hardVer\":\"H3MB18\",\n\"model\":\"RLN16-410\",\n\"name\":\"NVR\",\n\"pakSuffix\":\"pak,paks\",\n\"serial\":\"00000000000000\",\n\"type\":\"NVR\",\n\"wifi\":0\n}\n}\n}\n]"}}},
	{"Axis", "9.10.1", "an Axis camera's param.cgi Properties answer kept in home-assistant/core tests/components/axis (code index file 51029634)",
		[][2]string{{"http.path", "/axis-cgi/param.cgi?action=list&group=root.Properties"}, {"http.status", "200"}, {"http.body", "root.Properties.API.HTTP.Version=3\n" +
			"root.Properties.API.Metadata.Metadata=yes\nroot.Properties.API.Metadata.Version=1.0\nroot.Properties.Firmware.BuildDate=Feb 15 2019 09:42\n" +
			"root.Properties.Firmware.BuildNumber=26\nroot.Properties.Firmware.Version=9.10.1\nroot.Properties.Image.Format=jpeg,mjpeg,h264\n" +
			"root.Properties.Image.NbrOfViews=2\nroot.Properties.Image.Resolution=1920x1080,1280x960,1280x720,1024x768,1024x576,800x600,640x480,640x360,352x240,320x240\n" +
			"root.Properties.Image.Rotation=0,180\nroot.Properties.System.SerialNumber=00408C12345\n"}}},
	{"Xiongmai", "V4.02.R12.00018520.12010.143200.00000", "a Xiongmai 50H20L_18EV200_S38 camera's DVRIP SystemInfo answer in a user's notes (code index file 41863231919), through the DVRIP decoder",
		[][2]string{{"dvrip.payload", `{ "Name" : "SystemInfo", "Ret" : 100, "SessionID" : "0x7", "SystemInfo" : { "AlarmInChannel" : 1, "AlarmOutChannel" : 0, "AudioInChannel" : 1, ` +
			`"BuildTime" : "2016-12-20 18:50:36", "CombineSwitch" : 0, "DeviceRunTime" : "0x000000E0", "DigChannel" : 0, "EncryptVersion" : "Unknown", "ExtraChannel" : 0, ` +
			`"HardWare" : "50H20L_18EV200_S38", "HardWareVersion" : "Unknown", "SerialNo" : "80ddebc37a3b44b9", "SoftWareVersion" : "V4.02.R12.00018520.12010.143200.00000", ` +
			`"TalkInChannel" : 1, "TalkOutChannel" : 1, "UpdataTime" : "", "UpdataType" : "0x00000000", "VideoInChannel" : 1, "VideoOutChannel" : 1 } }`}}},
	{"Xiongmai", "V5.00.R02.00030665.10010.343706..ONVIF 16.12", "an XM530_RA50X20_8M camera's GetDeviceInformation in nmap onvif-info output (code index file 69580571754)",
		[][2]string{{"onvif.manufacturer", "H264"}, {"onvif.model", "XM530_RA50X20_8M"}, {"onvif.firmware", "V5.00.R02.00030665.10010.343706..ONVIF 16.12"}}},
	{"Xiongmai", "V5.00.R02.L5330747.10010.349917..ONVIF 16.12", "a SUNBA XM530_50X50-WG_8M camera's GetDeviceInformation in a camera tool's table (code index file 4681076031)",
		[][2]string{{"onvif.manufacturer", "SUNBA"}, {"onvif.model", "XM530_50X50-WG_8M"}, {"onvif.firmware", "V5.00.R02.L5330747.10010.349917..ONVIF 16.12"}}},
}

func publishedFirmwareEntries(t *testing.T) []firmwareEntry {
	var out []firmwareEntry
	for _, p := range publishedFirmware {
		var obs []fingerprint.Observation
		for _, kv := range p.obs {
			obs = append(obs, entryObservations(t, kv[0], kv[1])...)
		}
		out = append(out, firmwareEntry{source: "published answers", id: p.source, maker: p.maker, firmware: p.firmware, obs: obs})
	}
	return out
}

// recogFirmwareEntries are the recog examples of surveillance equipment whose
// os.version recog captures from the example and which is the device's
// firmware: the maker's own OS (Axis DHCP vendor classes, Avigilon's RTSP
// server). A version the example itself gives as Linux's ("Linux/4.9.94-axis5")
// is the kernel, not the firmware, and service.version is a library's
// (libupnp, RealServer).
func recogFirmwareEntries(t *testing.T) []firmwareEntry {
	p := newPipeline(t)
	var out []firmwareEntry
	for _, rf := range recogFiles {
		cases, err := loadRecog(testdata("corpus", "recog", rf.file), rf.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			fw := strings.TrimSpace(c.Params["os.version"])
			if fw == "" || !c.Captured["os.version"] || !recogSurveillanceStrict.MatchString(c.Device()) ||
				strings.Contains(c.Value, "Linux/"+fw) {
				continue
			}
			maker := c.Vendor()
			if m := p.catalogueMaker(maker); m != nil {
				maker = m.Name
			}
			out = append(out, firmwareEntry{source: "recog", id: rf.file + ": " + c.Value, maker: maker, firmware: fw,
				obs: []fingerprint.Observation{observation("corpus", rf.key, c.Value)}})
		}
	}
	return out
}

// hikvisionFirmwareEntries are the 15 real Hikvision devices of
// testdata/realdata/hikvision_next in every form that carries their firmware:
// the SADP fields, the ONVIF GetDeviceInformation fields, a SADP ProbeMatch
// through the decoder, the ISAPI deviceInfo answer, and the one real ISAPI
// answer ipc1.xml through the HTTP decoder.
func hikvisionFirmwareEntries(t *testing.T) []firmwareEntry {
	var out []firmwareEntry
	for _, h := range loadHikvisionNext(t) {
		for _, form := range hikWireForms {
			if form.firmware {
				out = append(out, firmwareEntry{source: "hikvision_next", id: form.name + " " + h.File,
					maker: "Hikvision", firmware: h.Firmware(), obs: form.obs(h)})
			}
		}
		// ONVIF GetDeviceInformation sends Hikvision's firmware in one field
		// (V5.5.82 build 190909, testdata/corpus/clientlibs/SOURCES.md).
		out = append(out, firmwareEntry{source: "hikvision_next", id: "onvif GetDeviceInformation fields " + h.File, maker: "Hikvision",
			firmware: h.Firmware(), obs: []fingerprint.Observation{observation("onvif", "onvif.manufacturer", "HIKVISION"),
				observation("onvif", "onvif.model", h.Model), observation("onvif", "onvif.firmware", h.Firmware())}})
		out = append(out, firmwareEntry{source: "hikvision_next", id: "sadp payload " + h.File, maker: "Hikvision",
			firmware: h.Firmware(), obs: decodeDatagram(t, "sadp.payload", []byte(h.sadpProbeMatch()), deviceIP)})
		out = append(out, firmwareEntry{source: "hikvision_next", id: "isapi deviceInfo " + h.File, maker: "Hikvision",
			firmware: h.Firmware(), obs: []fingerprint.Observation{
				observation("http", "http.path", "/ISAPI/System/deviceInfo"),
				observation("http", "http.status", "200"),
				observation("http", "http.body", h.deviceInfoXML())}})
	}
	isapi := readTestdata(t, "realdata", "hikvision_next", "ipc1.xml")
	raw := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s", len(isapi), isapi)
	out = append(out, firmwareEntry{source: "hikvision_next", id: "ipc1.xml through the HTTP decoder", maker: "Hikvision",
		firmware: "V5.7.18 build 240826", obs: decodeStream(t, "http.headers", raw, 80)})
	return out
}

// sadpProbeMatch is a SADP ProbeMatch built from the element names of a real
// reply (the shape of testdata/discovery/sadp_probematch_constructed.xml),
// values from the fixture, this corpus's address.
func (h hikDevice) sadpProbeMatch() string {
	return `<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>00000000-0000-0000-0000-000000000000</Uuid>` +
		`<Types>inquiry</Types><DeviceDescription>` + xmlEscape(h.Model) + `</DeviceDescription>` +
		`<IPv4Address>` + deviceIP.String() + `</IPv4Address>` +
		`<SoftwareVersion>` + xmlEscape(h.Firmware()) + `</SoftwareVersion></ProbeMatch>`
}

// dhipFirmwareEntries are the real DHIP answers with their Version: the
// AMP-Research payload and the six Shadowserver rows, through the decoder.
func dhipFirmwareEntries(t *testing.T) []firmwareEntry {
	out := []firmwareEntry{{source: "dhip", id: "amp-research IPC-HDW5421S", maker: "Dahua", firmware: "2.400.0.8",
		obs: decodeDatagram(t, "dhip.payload", readTestdata(t, "realdata", "dhip-payloads", "amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json"), netip.MustParseAddr("218.5.136.140"))}}
	for _, r := range loadShadowserver(t) {
		out = append(out, firmwareEntry{source: "dhip", id: "shadowserver " + r.file + ":" + r.line + " " + r.model, maker: "Dahua",
			firmware: r.firmware, obs: decodeDatagram(t, "dhip.payload", r.payload(t), deviceIP)})
	}
	return out
}

// besderFirmware is the Besder 6024PB-XMA501 (Xiongmai XM530) camera's
// firmware as its own search reply and DVRIP SystemInfo state it (realdata
// §7); its ONVIF answer says besderONVIFFirmware instead.
const (
	besderFirmware      = "V5.00.R02.00030747.10010.349f17.0000000"
	besderONVIFFirmware = "V5.00.R02.00030747.10010.349f17..ONVIF 16.12"
)

// besderFirmwareEntries are the Besder camera's real answers that carry its
// firmware: the Xiongmai search reply (README excerpt, through the decoder),
// the DVRIP SystemInfo answer (realdata besder-xiongmai, through the DVRIP
// decoder; its BuildTime is not part of the version), the ONVIF
// GetDeviceInformation answer (testdata/identify), and each own-protocol
// answer with the ONVIF one, where the device's own protocol must win.
func besderFirmwareEntries(t *testing.T) []firmwareEntry {
	search := decodeDatagram(t, "xm.payload", besderSearchReply(t), deviceIP)
	var onvif []fingerprint.Observation
	for _, l := range identifyLines(t, "onvif-device-information.jsonl") {
		if l.Port == 8899 {
			onvif = append(onvif, decodeStream(t, l.Key, l.Value, l.Port)...)
		}
	}
	if len(onvif) == 0 {
		t.Fatal("no Besder ONVIF answer in testdata/identify/onvif-device-information.jsonl")
	}
	systemInfo := decodeStream(t, "dvrip.payload", string(readTestdata(t, "realdata", "besder-xiongmai", "dvrip_1021_SystemInfo_response.json")), 34567)
	both := append(append([]fingerprint.Observation(nil), onvif...), search...)
	dvripAndONVIF := append(append([]fingerprint.Observation(nil), onvif...), systemInfo...)
	return []firmwareEntry{
		{source: "besder-xiongmai", id: "xm search reply", maker: "Xiongmai", firmware: besderFirmware, obs: search},
		{source: "besder-xiongmai", id: "dvrip SystemInfo answer", maker: "Xiongmai", firmware: besderFirmware, obs: systemInfo},
		{source: "besder-xiongmai", id: "onvif GetDeviceInformation", maker: "Xiongmai", firmware: besderONVIFFirmware, obs: onvif},
		{source: "besder-xiongmai", id: "onvif answer, then the xm search reply", maker: "Xiongmai", firmware: besderFirmware, obs: both},
		{source: "besder-xiongmai", id: "onvif answer, then the dvrip SystemInfo answer", maker: "Xiongmai", firmware: besderFirmware, obs: dvripAndONVIF},
	}
}

// besderSearchReply is the NetWork.NetCommon JSON of the Besder camera's
// search reply (README excerpt, realdata §7): the author's "# ..." comments
// stripped, the redacted MAC replaced (as scanner/discovery's test does), and
// its HostIP (0x6700A8C0, 192.168.0.103 in the firmware's byte order) made
// this corpus's address, so that all its answers are about one device.
func besderSearchReply(t *testing.T) []byte {
	t.Helper()
	text := string(readTestdata(t, "discovery", "README_excerpt_discovery_nmap_onvif.txt"))
	_, rest, ok := strings.Cut(text, "```json\n")
	if !ok {
		t.Fatal("no JSON block in the README excerpt")
	}
	block, _, _ := strings.Cut(rest, "```")
	block = regexp.MustCompile(`,\s*#[^\n]*`).ReplaceAllString(block, ",")
	block = regexp.MustCompile(`"MAC": "[^"]*"`).ReplaceAllString(block, `"MAC": "00:12:41:aa:bb:cc"`)
	block = strings.Replace(block, `"0x6700A8C0"`, `"0x0A0012C6"`, 1)
	if deviceIP != netip.MustParseAddr("198.18.0.10") {
		t.Fatal("the corpus address changed: change the HostIP above")
	}
	return []byte(block)
}

// identifyLine is one observation line of testdata/identify.
type identifyLine struct {
	Probe, IP, Key, Value string
	Port                  uint16
}

func identifyLines(t *testing.T, file string) []identifyLine {
	t.Helper()
	f, err := os.Open(testdata("identify", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []identifyLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var l identifyLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// onvifExportFirmwareEntries are the GetDeviceInformation fields of a
// Hikvision camera as a public VMS configuration kept them
// (testdata/identify/onvif-device-information.jsonl, the onvif.* lines).
func onvifExportFirmwareEntries(t *testing.T) []firmwareEntry {
	var obs []fingerprint.Observation
	fw := ""
	for _, l := range identifyLines(t, "onvif-device-information.jsonl") {
		if l.Probe != "onvif-export" {
			continue
		}
		obs = append(obs, observation(l.Probe, l.Key, l.Value))
		if l.Key == "onvif.firmware" {
			fw = l.Value
		}
	}
	if fw == "" {
		t.Fatal("no onvif.firmware line in testdata/identify/onvif-device-information.jsonl")
	}
	return []firmwareEntry{{source: "onvif export", id: "Hikvision DS-2CD1343G2-LIUF", maker: "Hikvision", firmware: fw, obs: obs}}
}

// sourceFirmwareEntries are the entries of testdata/corpus/*/cases.jsonl that
// state a firmware.
func sourceFirmwareEntries(t *testing.T) []firmwareEntry {
	var out []firmwareEntry
	for _, path := range sourceFiles(t) {
		source := sourceName(path)
		for _, e := range loadSourceEntries(t, path) {
			if e.Firmware == "" {
				continue
			}
			var obs []fingerprint.Observation
			for _, o := range e.Obs {
				obs = append(obs, entryObservations(t, o.Key, o.Value)...)
			}
			out = append(out, firmwareEntry{source: source, id: e.ID, maker: e.Maker, firmware: e.Firmware, obs: obs})
		}
	}
	return out
}

// firmwareOnlyIdentity is, per maker whose firmware answer names no maker
// alone (TVT's /reqLogin, whose envelope is left to the maker's web
// signatures; Axis's VAPIX Properties, which TP-Link's cameras answer too),
// one observation of the same device that names the maker and no firmware,
// taken from the signatures' own examples: TVT's RTSP server, an Axis DHCP
// host name. (Reolink's GetDevInfo names its maker by the model it holds.)
var firmwareOnlyIdentity = map[string][2]string{
	"TVT":  {"rtsp.server", "TVT RTSP Server"},
	"Axis": {"dhcp.hostname", "axis-accc8ea31abf"},
}

// A firmware answer that names no maker is the firmware of whatever device
// it came from: alone it is reported with no maker (and so never restricts
// anything), and once another observation of the device names the maker it
// is that device's firmware, on a device the other evidence identified.
func TestFirmwareOnlyAnswersAttachToTheIdentifiedDevice(t *testing.T) {
	p := newPipeline(t)
	seen := 0
	for _, e := range publishedFirmwareEntries(t) {
		identity, ok := firmwareOnlyIdentity[e.maker]
		if !ok {
			continue
		}
		seen++
		alone := p.identify(t, e.obs...)
		if alone.Firmware != e.firmware || alone.Vendor != "" || alone.Restricted {
			t.Errorf("%s alone: %s, want firmware %q and no maker", e.id, describe(alone), e.firmware)
		}
		with := p.identify(t, append(e.obs, observation("corpus", identity[0], identity[1]))...)
		if with.Firmware != e.firmware || with.Vendor != e.maker {
			t.Errorf("%s with %s=%q: %s, want %s with firmware %q", e.id, identity[0], identity[1], describe(with), e.maker, e.firmware)
		}
	}
	if seen != len(firmwareOnlyIdentity) {
		t.Errorf("%d firmware-only answers, want one per maker of firmwareOnlyIdentity", seen)
	}
}

package discovery

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

var camMeta = scanner.Meta{Probe: "wsd", SrcIP: netip.MustParseAddr("192.168.1.104"), SrcPort: 3702}

// A real ProbeMatch from a no-name camera (realdata §10): MessageID without
// "urn:", capitalised scope keys.
func TestWSDProbeMatchIPCAM631GA(t *testing.T) {
	obs, err := decode(WSD, readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml"), camMeta)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, camMeta.SrcIP, "wsd.endpoint", "urn:uuid:2419d68a-2dd2-21b2-a205-78A5DD0F9593")
	wantValue(t, obs, camMeta.SrcIP, "wsd.scope", "onvif://www.onvif.org/Model/631GA")
	wantValue(t, obs, camMeta.SrcIP, "wsd.scope", "onvif://www.onvif.org/Name/IPCAM")
	wantValue(t, obs, camMeta.SrcIP, "wsd.scope", "onvif://www.onvif.org/location/country/china")
	wantValue(t, obs, camMeta.SrcIP, "wsd.xaddrs", "http://192.168.1.104:80/onvif/device_service")
	wantValue(t, obs, camMeta.SrcIP, "wsd.scopes", "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Model/631GA onvif://www.onvif.org/Name/IPCAM onvif://www.onvif.org/location/country/china")
	if got := values(obs, noAddr, "wsd.types"); len(got) != 0 {
		t.Errorf("types invented: %q", got)
	}
	for _, o := range obs {
		if !o.MAC.IsZero() {
			t.Errorf("%s set a MAC: WS-Discovery asserts no binding", o.Key)
		}
	}
}

// agsh/onvif's Probe.xml (realdata §6) with its template placeholders
// RELATES_TO and SERVICE_URI substituted here.
func TestWSDProbeMatchAgshTemplate(t *testing.T) {
	raw := readTestdata(t, "Probe.xml")
	raw = bytes.ReplaceAll(raw, []byte("RELATES_TO"), []byte("urn:uuid:9b1d2c3e-4f50-4a61-8b72-93a4b5c6d7e8"))
	raw = bytes.ReplaceAll(raw, []byte("SERVICE_URI"), []byte("http://198.18.0.10/onvif/device_service"))
	obs, err := decode(WSD, raw, camMeta)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "wsd.types", "dn:NetworkVideoTransmitter tds:Device")
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/hardware/HD_PREDATOR")
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/name/PREDATOR")
	wantValue(t, obs, noAddr, "wsd.endpoint", "uuid:c9790c3a-701b-464d-a189-0060351c8ada")
	wantValue(t, obs, noAddr, "wsd.xaddrs", "http://198.18.0.10/onvif/device_service")
}

// The Hikvision scope template (signals.md §2) in a constructed Hello:
// name/HIKVISION%20<model> is percent-decoded.
func TestWSDHelloHikvisionTemplate(t *testing.T) {
	obs, err := decode(WSD, readTestdata(t, "wsd_hello_hikvision_template_constructed.xml"), camMeta)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/name/HIKVISION DS-2CD2042WD-I")
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/location/city/hangzhou")
	wantValue(t, obs, noAddr, "wsd.endpoint", "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385")
	if got := values(obs, noAddr, "wsd.scopes"); len(got) != 1 || !bytes.Contains([]byte(got[0]), []byte("HIKVISION%20DS-2CD2042WD-I")) {
		t.Errorf("wsd.scopes should keep the scopes as sent: %q", got)
	}
}

// The Dahua scope template (signals.md §3) with other namespace prefixes.
func TestWSDProbeMatchDahuaTemplate(t *testing.T) {
	obs, err := decode(WSD, readTestdata(t, "wsd_probematch_dahua_template_constructed.xml"), camMeta)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/type/Network_Video_Transmitter")
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/extension/unique_identifier/1")
	wantValue(t, obs, noAddr, "wsd.scope", "onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2")
	if n := len(values(obs, noAddr, "wsd.scope")); n != 7 {
		t.Errorf("want 7 scopes, got %d", n)
	}
}

// A Probe is a search, ours or another client's: not a device.
func TestWSDProbeIsNotADevice(t *testing.T) {
	probe := `<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><e:Header><w:MessageID>uuid:84ede3de-7dec-11d0-c360-f01234567890</w:MessageID><w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To><w:Action e:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>`
	obs, err := decode(WSD, []byte(probe), camMeta)
	if err != nil || len(obs) != 0 {
		t.Errorf("probe: err %v, %d observations", err, len(obs))
	}
}

// agsh/onvif's two not-namespace-well-formed files (undeclared SOAP-ENV
// prefix, realdata §6) are ONVIF device answers, not discovery messages;
// truncated XML is a syntax error. Neither emits anything.
func TestWSDRejectsMalformedAndForeignXML(t *testing.T) {
	probeMatch := readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml")
	for name, b := range map[string][]byte{
		"GetDNS":                   readTestdata(t, "device.GetDNS.xml"),
		"GetNetworkDefaultGateway": readTestdata(t, "device.GetNetworkDefaultGateway.xml"),
		"truncated":                probeMatch[:len(probeMatch)/2],
		"not XML":                  []byte("\x00\x01hello"),
		"oversized":                bytes.Repeat([]byte("<a>"), maxXMLBytes),
	} {
		obs, err := decode(WSD, b, camMeta)
		if err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
}

func TestXMLDepthAndCountLimits(t *testing.T) {
	deep := bytes.Repeat([]byte("<a>"), maxXMLDepth+2)
	if _, err := parseXML(deep); err != errXMLTooDeep {
		t.Errorf("deep: %v", err)
	}
	many := append([]byte("<r>"), bytes.Repeat([]byte("<a/>"), maxXMLNodes+1)...)
	if _, err := parseXML(many); err != errXMLTooMany {
		t.Errorf("many: %v", err)
	}
}

// Devices declare charsets Go does not ship (gb2312): the text is
// converted to UTF-8 ("摄像机", camera, in GB2312 bytes).
func TestXMLForeignCharsetReadAsIs(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"gb2312\"?><ProbeMatch><DeviceDescription>\xc9\xe3\xcf\xf1\xbb\xfa</DeviceDescription></ProbeMatch>"
	obs, err := decode(SADP, []byte(doc), scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "sadp.model", "摄像机")
}

// Two ProbeMatch elements in one ProbeMatches (a device with two
// services): both are read. Built from the real IPCAM reply.
func TestWSDSeveralMatches(t *testing.T) {
	raw := string(readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml"))
	start := strings.Index(raw, "<wsdd:ProbeMatch>")
	end := strings.Index(raw, "</wsdd:ProbeMatch>") + len("</wsdd:ProbeMatch>")
	second := strings.ReplaceAll(raw[start:end], "192.168.1.104:80", "192.168.1.104:8080")
	doubled := raw[:end] + second + raw[end:]
	obs, err := decode(WSD, []byte(doubled), camMeta)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "wsd.xaddrs", "http://192.168.1.104:80/onvif/device_service")
	wantValue(t, obs, noAddr, "wsd.xaddrs", "http://192.168.1.104:8080/onvif/device_service")
}

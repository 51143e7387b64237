package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// payloads holds the real recorded responses the scenes are built from,
// read from testdata/realdata, origin/file (see SOURCES.md there).
type payloads struct {
	hikDescribe, dahuaOptions, dahuaDescribe, xmDescribe []byte
	dahuaNotify                                          []byte
	xmLogin, xmSystemInfo, xmSystemFunction              []byte // DVRIP answers' JSON, no header
	dhipRequests, dhipAnswers                            []byte // a DHIP session's JSON bodies, a line each
	wsdEnvelope                                          string
}

func loadPayloads(dir string) (*payloads, error) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			panic(fmt.Errorf("payload %s: %w (run from the repository root or pass -payloads)", name, err))
		}
		return b
	}
	var p payloads
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = r.(error)
			}
		}()
		p.hikDescribe = read("retina-rtsp/hikvision_describe.txt")
		p.dahuaOptions = read("retina-rtsp/dahua_options.txt")
		p.dahuaDescribe = read("retina-rtsp/dahua_describe_h264_aac_onvif.txt")
		p.xmDescribe = read("retina-rtsp/h264dvr_describe.txt")
		p.dahuaNotify = bytes.TrimSpace(read("dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json"))
		p.wsdEnvelope = string(read("python-ws-discovery/probe_response_IPCAM_631GA.xml"))
		p.xmLogin = read("besder-xiongmai/dvrip_1001_login_response_successful.json")
		p.xmSystemInfo = read("besder-xiongmai/dvrip_1021_SystemInfo_response.json")
		p.xmSystemFunction = read("besder-xiongmai/dvrip_1361_SystemFunction_response.json")
		// constructed from real values (testdata/service/SOURCES.md), beside realdata
		p.dhipRequests = read("../service/constructed/dhip_nvr_requests.jsonl")
		p.dhipAnswers = read("../service/constructed/dhip_nvr_answers.jsonl")
	}()
	return &p, err
}

// sadpProbeMatch is a Hikvision SADP reply. CONSTRUCTED: the element list and
// formats follow signals.md §0 (hikvision-tooling, UniversalScanner, a real
// capture); model and firmware are a real device's (hikvision_next).
func sadpProbeMatch(uuid, deviceType, model, serialSuffix, firmware, dsp string, h pcapgen.Host) []byte {
	mac := strings.ReplaceAll(h.MAC.String(), ":", "-")
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>` + uuid + `</Uuid><Types>inquiry</Types>` +
		`<DeviceType>` + deviceType + `</DeviceType><DeviceDescription>` + model + `</DeviceDescription>` +
		`<DeviceSN>` + model + serialSuffix + `</DeviceSN><CommandPort>8000</CommandPort><HttpPort>80</HttpPort>` +
		`<MAC>` + mac + `</MAC><IPv4Address>` + h.IP.String() + `</IPv4Address><IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>` +
		`<IPv4Gateway>10.20.0.1</IPv4Gateway><DHCP>true</DHCP><AnalogChannelNum>0</AnalogChannelNum>` +
		`<SoftwareVersion>` + firmware + `</SoftwareVersion><DSPVersion>` + dsp + `</DSPVersion>` +
		`<BootTime>2026-11-20 08:14:02</BootTime><Activated>true</Activated><PasswordResetAbility>true</PasswordResetAbility>` +
		`<DetailOEMCode>1</DetailOEMCode><HCPlatformEnable>flase</HCPlatformEnable><SDKOverTLSPort>8443</SDKOverTLSPort></ProbeMatch>`)
}

// sadpProbe is the inquiry a SADP tool multicasts (signals.md §0).
func sadpProbe(uuid string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuid + `</Uuid><Types>inquiry</Types></Probe>`)
}

// wsdProbeMatch rewrites the real python-ws-discovery ProbeMatch with another
// device's scopes, address and endpoint. CONSTRUCTED from that envelope.
func (p *payloads) wsdProbeMatch(scopes, xaddr, endpoint, relatesTo string) []byte {
	s := p.wsdEnvelope
	s = strings.Replace(s, "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Model/631GA onvif://www.onvif.org/Name/IPCAM onvif://www.onvif.org/location/country/china", scopes, 1)
	s = strings.Replace(s, "http://192.168.1.104:80/onvif/device_service", xaddr, 1)
	s = strings.ReplaceAll(s, "2419d68a-2dd2-21b2-a205-78A5DD0F9593", endpoint)
	s = strings.Replace(s, "2de9f5ad-abd2-4c0e-9ba8-178098d67f01", relatesTo, 1)
	return []byte(s)
}

// wsdProbe is an ONVIF NetworkVideoTransmitter probe (signals.md §0).
func wsdProbe(messageID string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" ` +
		`xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ` +
		`xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><e:Header><w:MessageID>uuid:` + messageID + `</w:MessageID>` +
		`<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>` +
		`<w:Action e:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>` +
		`<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>`)
}

// dhip frames a JSON body with the 32-byte DHIP header: " \0\0\0DHIP", eight
// zero bytes, then the body length (little-endian) at offsets 16 and 24.
// dahuaNotify moves the real notifyDevInfo reply onto the constructed
// network: its IPv4 address and gateway are replaced, nothing else.
func (p *payloads) dahuaNotifyAt(ip string) []byte {
	s := strings.Replace(string(p.dahuaNotify), `"DefaultGateway" : "218.5.136.1"`, `"DefaultGateway" : "10.20.0.1"`, 1)
	s = strings.Replace(s, `"IPAddress" : "218.5.136.140"`, `"IPAddress" : "`+ip+`"`, 1)
	return []byte(s)
}

// intelbrasNotify is a notifyDevInfo built from the values of one real
// Shadowserver row (scan_dvr_dhcpdiscover_v2_intelbras.csv, first row);
// the IPv4 block is moved onto the constructed network.
func intelbrasNotify(ip string) []byte {
	return []byte(`{"mac":"58:10:8c:19:bf:fb","method":"client.notifyDevInfo","params":{"deviceInfo":{` +
		`"AlarmInputChannels":0,"AlarmOutputChannels":0,"DeviceClass":"HDCVI","DeviceType":"HDCVI 1008 - Gerao 2",` +
		`"HttpPort":9000,"IPv4Address":{"DefaultGateway":"10.20.0.1","DhcpEnable":false,"IPAddress":"` + ip + `",` +
		`"SubnetMask":"255.255.255.0"},"MachineName":"HDCVI","Manufacturer":"Intelbras","Port":37777,` +
		`"RemoteVideoInputChannels":2,"SerialNo":"BFBE29078050F","Vendor":"Intelbras","Version":"3.200.24.0",` +
		`"VideoInputChannels":8,"VideoOutputChannels":0}}}`)
}

// xmSearchReply is message 1531 with the NetWork.NetCommon JSON the Besder
// camera broadcast (README, verbatim values); the fields the author redacted
// (HostName, MAC, SN) and the addresses are filled in for the constructed
// network.
func xmSearchReply(h pcapgen.Host) []byte {
	ip := h.IP.To4()
	hostIP := fmt.Sprintf("0x%02X%02X%02X%02X", ip[3], ip[2], ip[1], ip[0])
	body := `{ "NetWork.NetCommon" : { "BuildDate" : "2020-11-24 16:47:14", "ChannelNum" : 1, "DeviceType" : 24, ` +
		`"GateWay" : "0x0100140A", "HostIP" : "` + hostIP + `", "HostName" : "camera_` + fmt.Sprintf("%02x%02x", h.MAC[4], h.MAC[5]) + `", ` +
		`"HttpPort" : 80, "MAC" : "` + h.MAC.String() + `", "MonMode" : "TCP", "NetConnectState" : 0, ` +
		`"OtherFunction" : "D=2026-01-26 09:39:00 V=d7c59c8b475d964", "SN" : "09d53d540f99b818", "SSLPort" : 8443, ` +
		`"Submask" : "0x00FFFFFF", "TCPMaxConn" : 10, "TCPPort" : 34567, "UDPPort" : 34568, "UseHSDownLoad" : false, ` +
		`"Version" : "V5.00.R02.00030747.10010.349f17.0000000" }, "Ret" : 100, "SessionID" : "0x00000000" }` + "\n"
	return discovery.XMFrame(1531, []byte(body))
}

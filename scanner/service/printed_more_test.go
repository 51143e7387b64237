package service

import (
	"maps"
	"slices"
	"testing"
)

// Real printed answers users pasted (cited where each is used).
const (
	// python-zeroconf issue #202: the example browser's line for an
	// iPhone's service.
	zeroconfIPhone = `Service iPhone._apple-media._udp.local. added, service info: ServiceInfo(type='_apple-media._udp.local.', name='iPhone._apple-media._udp.local.', addresses=[b'\xc0\xa8\x01\t'], port=5004, weight=0, priority=0, server='iPhone.local.', properties={})`
	// code index file 23778954672 (a listener's docstring): a DAB radio's
	// web service, printed over several lines.
	zeroconfDabman = `ServiceInfo(type='_http._tcp.local.',
                name='DABMAN i205 CDCCai6fu6g4c4ZZ._http._tcp.local.',
                addresses=[b'\xc0\xa8\x02\x95'],
                port=80,
                weight=0,
                priority=0,
                server='http-DABMAN i205 CDCCai6fu6g4c4ZZ.local.',
                properties={b'path': b'/irdevice.xml,CUST_APP=0,BRAND=IMPERIAL,MAC=3475638B4984'},
                interface_index=None)`
	// code index file 11745806619 (a Home Assistant issue's log quoted in a
	// repository): HA's ZeroconfServiceInfo, its properties both raw and
	// decoded.
	haZeroconfXKCD = `2022-02-23 14:18:57 DEBUG (MainThread) [homeassistant.components.zeroconf] Discovered new device XKCD._home-assistant._tcp.local. ZeroconfServiceInfo(host='10.0.0.184', port=8123, hostname='a38a3e63fbd64ecb89b12a588ce7552d.local.', type='_home-assistant._tcp.local.', name='XKCD._home-assistant._tcp.local.', properties={'_raw': {'location_name': b'XKCD', 'uuid': b'a38a3e63fbd64ecb89b12a588ce7552d', 'version': b'2022.2.9', 'external_url': b'', 'internal_url': b'http://10.0.0.184:8123', 'base_url': b'http://10.0.0.184:8123', 'requires_api_password': b'True'}, 'location_name': 'XKCD', 'uuid': 'a38a3e63fbd64ecb89b12a588ce7552d', 'version': '2022.2.9', 'external_url': '', 'internal_url': 'http://10.0.0.184:8123', 'base_url': 'http://10.0.0.184:8123', 'requires_api_password': 'True'})`
	// andreikop/python-ws-discovery issue #56: wsdiscover's listing of a
	// TP-Link VIGI camera's ProbeMatch.
	wsdiscoverVIGI = `Discovered:

 address: 192.168.202.92:2020
  - onvif://www.onvif.org/name/VIGI-C350
  - onvif://www.onvif.org/hardware/VIGI-C350
  - onvif://www.onvif.org/Profile/Streaming
  - onvif://www.onvif.org/Profile/G
  - onvif://www.onvif.org/Profile/T
  - onvif://www.onvif.org/location/Hong Kong
  - onvif://www.onvif.org/type/NetworkVideoTransmitter
`
	// The same issue: the next camera of that listing.
	wsdiscoverVIGI250 = `
 address: 192.168.202.90:2020
  - onvif://www.onvif.org/name/VIGI-C250
  - onvif://www.onvif.org/hardware/VIGI-C250
  - onvif://www.onvif.org/Profile/Streaming
`
)

func keysOf(kv []keyValue) []string {
	var out []string
	for _, x := range kv {
		out = append(out, x.key+"="+x.value)
	}
	return out
}

func TestPrintedServiceInfo(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		want []string
	}{
		"iPhone": {zeroconfIPhone, []string{"mdns.service=_apple-media._udp", "mdns.instance=iPhone._apple-media._udp.local", "mdns.hostname=iPhone.local"}},
		"dabman": {zeroconfDabman, []string{"mdns.service=_http._tcp", "mdns.instance=DABMAN i205 CDCCai6fu6g4c4ZZ._http._tcp.local",
			"mdns.hostname=http-DABMAN i205 CDCCai6fu6g4c4ZZ.local", "mdns.txt=path=/irdevice.xml,CUST_APP=0,BRAND=IMPERIAL,MAC=3475638B4984"}},
		"HA": {haZeroconfXKCD, []string{"mdns.service=_home-assistant._tcp", "mdns.instance=XKCD._home-assistant._tcp.local",
			"mdns.hostname=a38a3e63fbd64ecb89b12a588ce7552d.local", "mdns.txt=location_name=XKCD", "mdns.txt=uuid=a38a3e63fbd64ecb89b12a588ce7552d",
			"mdns.txt=version=2022.2.9", "mdns.txt=external_url=", "mdns.txt=internal_url=http://10.0.0.184:8123",
			"mdns.txt=base_url=http://10.0.0.184:8123", "mdns.txt=requires_api_password=True"}},
	} {
		if got := keysOf(printedServiceInfos(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, c.want)
		}
	}
	for name, text := range map[string]string{
		// HA's other discovery infos print other answers (home-assistant
		// core's DhcpServiceInfo, as a Narwal integration's test builds it,
		// code index file 57449625376).
		"dhcp": `DhcpServiceInfo(ip='10.0.0.112', hostname='NARWAL_8d5298', macaddress='809d658d5298')`,
		// A ZeroconfServiceInfo built in a test with no name or type (code
		// index file 56930629227): no resolved service.
		"no name": `ZeroconfServiceInfo(host=host, port=port, properties=props)`,
		// zeroconf-java's Service (devgianlu/zeroconf-java issue #16): not
		// python-zeroconf's, its service no DNS-SD type.
		"java": `Announced Service{alias='alias', service='http', port=8080, text={}, addresses=[/192.168.xx.xx], domain='.local', protocol='tcp', host='host'}.`,
		// Two hosts' services: a network's list, not one device's.
		"two hosts": zeroconfIPhone + "\n" + zeroconfDabman,
		// A name that is not an instance of the type.
		"mismatch": `ServiceInfo(type='_http._tcp.local.', name='x._ipp._tcp.local.', server='x.local.')`,
		"open":     `ServiceInfo(type='_http._tcp.local.', name='x._http._tcp.local.', server='x.local.'`,
	} {
		if got := printedServiceInfos(text); got != nil {
			t.Errorf("%s: read as a service: %v", name, got)
		}
	}
}

func TestPrintedProbeMatch(t *testing.T) {
	want := []string{"wsd.scopes=onvif://www.onvif.org/name/VIGI-C350 onvif://www.onvif.org/hardware/VIGI-C350 onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G onvif://www.onvif.org/Profile/T onvif://www.onvif.org/location/Hong%20Kong onvif://www.onvif.org/type/NetworkVideoTransmitter"}
	if got := keysOf(printedProbeMatch(wsdiscoverVIGI)); !slices.Equal(got, want) {
		t.Errorf("wsdiscover:\n got %q\nwant %q", got, want)
	}
	// The same scopes as a Python list (getScopes()), with its device
	// service address (getXAddrs(), the listing's address) beside them.
	list := `scopes: ['onvif://www.onvif.org/name/VIGI-C350', 'onvif://www.onvif.org/hardware/VIGI-C350', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/G', 'onvif://www.onvif.org/Profile/T', 'onvif://www.onvif.org/location/Hong Kong', 'onvif://www.onvif.org/type/NetworkVideoTransmitter'] xaddrs: ['http://192.168.202.92:2020/onvif/device_service']`
	want = append(want, "wsd.xaddrs=http://192.168.202.92:2020/onvif/device_service")
	if got := keysOf(printedProbeMatch(list)); !slices.Equal(got, want) {
		t.Errorf("list:\n got %q\nwant %q", got, want)
	}
	for name, text := range map[string]string{
		// Two cameras of the listing: the network's, not one device's.
		"two cameras": wsdiscoverVIGI + wsdiscoverVIGI250,
		// A client's probe scope alone (issue #66's request): no device.
		"probe": `<d:Scopes>onvif://www.onvif.org</d:Scopes>`,
		"one":   `scope: onvif://www.onvif.org/Profile/Streaming`,
	} {
		if got := printedProbeMatch(text); got != nil {
			t.Errorf("%s: read as a ProbeMatch: %v", name, got)
		}
	}
}

func FuzzPrintedServiceInfoAndProbeMatch(f *testing.F) {
	for _, s := range []string{zeroconfIPhone, zeroconfDabman, haZeroconfXKCD, wsdiscoverVIGI, wsdiscoverVIGI + wsdiscoverVIGI250} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, kv := range append(printedServiceInfos(text), printedProbeMatch(text)...) {
			if kv.value == "" && kv.key != "mdns.txt" {
				t.Fatalf("%q: empty %s", text, kv.key)
			}
		}
	})
}

func TestPrintedSADPAndDHIP(t *testing.T) {
	// A SADP ProbeMatch's members as a dict (the corpus's answer of code
	// index file 70869093113, a DS-2CD2432F-IW, printed).
	sadp := `{'Uuid': '13A888A9-F1B1-4020-AE9F-05607682D23B', 'Types': 'inquiry', 'DeviceType': '1', 'DeviceDescription': 'DS-2CD2432F-IW', 'DeviceSN': 'DS-2CD2432F-IW20150101AAWR123456', 'CommandPort': '8000', 'HttpPort': '80', 'MAC': '44-19-b6-aa-bb-cc', 'IPv4Address': '192.168.1.64', 'SoftwareVersion': 'V5.3.0build 150513', 'DSPVersion': 'V5.0build 150327', 'Activated': 'true'}`
	want := map[string]string{
		"sadp.device_type": "1", "sadp.model": "DS-2CD2432F-IW", "sadp.serial": "DS-2CD2432F-IW20150101AAWR123456",
		"sadp.command_port": "8000", "sadp.http_port": "80", "sadp.firmware": "V5.3.0build 150513",
		"sadp.dsp_version": "V5.0build 150327", "sadp.activated": "true",
	}
	if got := printedSADPAnswer.read(sadp); !maps.Equal(got, want) {
		t.Errorf("SADP dict: %v", got)
	}
	for name, text := range map[string]string{
		// A USB device's description with a firmware version, no serial
		// (code index file 70494865721, HarpRegulator's JSON output).
		"harp": `{"Confidence": "Low", "Kind": "Pico", "State": "Online", "PortName": "COM5", "WhoAmI": 1405, "DeviceDescription": "EnvironmentSensor", "SerialNumber": None, "FirmwareVersion": "0.2.0", "HardwareVersion": "1.0", "Source": "Pico USB Serial Port"}`,
		// A solar inverter list's device (code index file 56728352103).
		"inverter": `{"deviceType": "INVERTER", "deviceSn": "INV1"}`,
		// A wireless controller's access point (code index file 5766634778).
		"ap": `{'acDevId': '31', 'serialId': 'CN48GTH03G', 'softwareVersion': 'V100R005B09D045', 'sysName': 'msm525_ap4', 'type': '525-WW'}`,
	} {
		if got := printedSADPAnswer.read(text); got != nil {
			t.Errorf("%s: read as SADP: %v", name, got)
		}
	}
	// A DHIP search answer's deviceInfo as a Python dict: the corpus's
	// answer of code index file 28717267299 (an IPC-HDW1431T1-S4), printed.
	dhip := `{'AlarmInputChannels': 0, 'AlarmOutputChannels': 0, 'DeviceClass': 'IPC', 'DeviceID': '', 'DeviceType': 'IPC-HDW1431T1-S4', 'Find': 'BC', 'FindVersion': 1, 'HttpPort': 80, 'IPv4Address': {'DefaultGateway': '192.168.124.1', 'DhcpEnable': True, 'IPAddress': '192.168.124.17', 'SubnetMask': '255.255.255.0'}, 'Init': 2714, 'MachineName': '6C01E93PAG69A7D', 'Manufacturer': 'Private', 'Port': 37777, 'RemoteVideoInputChannels': 0, 'SerialNo': '6C01E93PAG69A7D', 'UnLoginFuncMask': 1, 'Vendor': 'Private', 'Version': '2.800.0000000.13.R', 'VideoInputChannels': 1, 'VideoOutputChannels': 0}`
	wantDHIP := map[string]string{
		"dhip.device_class": "IPC", "dhip.model": "IPC-HDW1431T1-S4", "dhip.http_port": "80", "dhip.machine_name": "6C01E93PAG69A7D",
		"dhip.manufacturer": "Private", "dhip.port": "37777", "dhip.serial": "6C01E93PAG69A7D", "dhip.vendor": "Private", "dhip.firmware": "2.800.0000000.13.R",
	}
	if got := printedDHIPDeviceInfo.read(dhip); !maps.Equal(got, wantDHIP) {
		t.Errorf("DHIP dict: %v", got)
	}
	for name, text := range map[string]string{
		// An aircraft's record (code index file 3507356837): a serialNo and
		// a manufacturer, no device type.
		"aircraft": `{'aircraftNo': 'A330', 'cycles': 912, 'fleet': '912', 'manufacturer': 'Airbus', 'model': 'A-330-200', 'serialNo': '1441', 'totalShipTime': 5771}`,
		// A phone query's criteria (code index file 6706855413).
		"phones": `{'MaxReturnedDevices': 1000, 'DeviceClass': 'Phone', 'Model': 255, 'Status': 'Registered', 'SelectBy': 'Name'}`,
		// An equipment list's row (code index file 18046646911).
		"equipment": `{'ItemNum': 'POS001', 'Name': 'Excavator Equipment', 'Category': 'Heavy Machinery', 'SerialNo': 'SN001', 'Current Store': 'Store1'}`,
	} {
		if got := printedDHIPDeviceInfo.read(text); got != nil {
			t.Errorf("%s: read as DHIP: %v", name, got)
		}
	}
}

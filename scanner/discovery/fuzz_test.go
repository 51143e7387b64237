package discovery

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// Binding keys may carry a MAC: the protocol asserts it. DHCP client facts
// are keyed by chaddr, so every dhcp.* key may.

// checkObservations asserts what every decoder promises whatever the input:
// keys of its own protocol, bounded trimmed non-empty values, MACs only
// where the protocol asserts them, never the unspecified address.
func checkObservations(t *testing.T, prefix string, obs []observe.Observation) {
	t.Helper()
	for _, o := range obs {
		if !strings.HasPrefix(o.Key, prefix) {
			t.Fatalf("key %q outside %q", o.Key, prefix)
		}
		if o.Value == "" || len(o.Value) > maxValue {
			t.Fatalf("%s: value of %d bytes", o.Key, len(o.Value))
		}
		if strings.TrimSpace(o.Value) != o.Value {
			t.Fatalf("%s: untrimmed value %q", o.Key, o.Value)
		}
		// LLDP's and Wi-Fi's facts are keyed by the frame's sender, as DHCP's by chaddr.
		if !o.MAC.IsZero() && !observe.IsBinding(o.Key) && !strings.HasPrefix(o.Key, "dhcp.") && !strings.HasPrefix(o.Key, "lldp.") &&
			!strings.HasPrefix(o.Key, "wifi.") && !strings.HasPrefix(o.Key, "wps.") {
			t.Fatalf("%s carries MAC %v", o.Key, o.MAC)
		}
		if o.MAC.Multicast() {
			t.Fatalf("%s: multicast MAC %v", o.Key, o.MAC)
		}
		if o.IP.IsValid() && o.IP.IsUnspecified() {
			t.Fatalf("%s about the unspecified address", o.Key)
		}
	}
}

var fuzzMeta = scanner.Meta{Probe: "fuzz", SrcIP: netip.MustParseAddr("198.18.0.99"), SrcPort: 1}

func fuzzDecoder(f *testing.F, d scanner.Decoder, prefix string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []scanner.Meta{fuzzMeta, {}} {
			var obs []observe.Observation
			_ = d(b, m, func(o observe.Observation) { obs = append(obs, o) })
			checkObservations(t, prefix, obs)
		}
	})
}

// captureSeeds returns the UDP payloads of a capture to or from port.
func captureSeeds(f *testing.F, name string, port uint16, limit int) [][]byte {
	var out [][]byte
	for _, d := range readUDP(f, name) {
		if (d.meta.SrcPort == port || d.meta.DstPort == port) && len(out) < limit {
			out = append(out, d.payload)
		}
	}
	return out
}

func FuzzDHCP(f *testing.F) {
	seeds := captureSeeds(f, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 67, 4)
	seeds = append(seeds, captureSeeds(f, "iot-sentinel/EdnetCam1_Setup-A-1-STA.pcap", 67, 4)...)
	fuzzDecoder(f, DHCP, "dhcp.", seeds...)
}

func FuzzMDNS(f *testing.F) {
	seeds := captureSeeds(f, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 5353, 8)
	seeds = append(seeds, captureSeeds(f, "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap", 5353, 2)...)
	seeds = append(seeds, captureSeeds(f, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", 5353, 6)...)
	fuzzDecoder(f, MDNS, "mdns.", seeds...)
}

func FuzzDNS(f *testing.F) {
	fuzzDecoder(f, DNS, "dns.", captureSeeds(f, "iot-sentinel/negative_TP-LinkPlugHS110_Setup-A-1-STA.pcap", 53, 4)...)
}

func FuzzSSDP(f *testing.F) {
	seeds := captureSeeds(f, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 1900, 4)
	seeds = append(seeds, captureSeeds(f, "iot-sentinel/D-LinkDayCam_Setup-A-1-STA.pcap", 1900, 5)...)
	seeds = append(seeds, readTestdata(f, "ssdp_tvt_search_result_pytvt.xml"))
	fuzzDecoder(f, SSDP, "ssdp.", seeds...)
}

func FuzzUPnP(f *testing.F) {
	fuzzDecoder(f, UPnP, "upnp.", readTestdata(f, "upnp_description_constructed.xml"))
}

func FuzzWSD(f *testing.F) {
	fuzzDecoder(f, WSD, "wsd.",
		readRealdata(f, "python-ws-discovery/probe_response_IPCAM_631GA.xml"),
		readTestdata(f, "Probe.xml"),
		readTestdata(f, "wsd_hello_hikvision_template_constructed.xml"),
		readTestdata(f, "wsd_probematch_dahua_template_constructed.xml"),
		readTestdata(f, "device.GetDNS.xml"))
}

func FuzzSADP(f *testing.F) {
	fuzzDecoder(f, SADP, "sadp.",
		readTestdata(f, "sadp_probematch_constructed.xml"),
		readTestdata(f, "sadp_probe_constructed.xml"))
}

func FuzzDHIP(f *testing.F) {
	body := readRealdata(f, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	fuzzDecoder(f, DHIP, "dhip.", body, DHIPFrame(body),
		DHIPFrame([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`)),
		DHIPFrame([]byte(`{"result":false,"params":{"realm":"Login to EB2711F0F250EAB5","random":"80480036-1e1f-4669-812b-70d7470d6025","encryption":"Default"},"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}`)),
		[]byte(`{"session":"528b1ab7bb23f2877010495","params":{"version":{"Version":"2.680.0000000.2.R","WebVersion":"3.2.1.20272"}},"result":true,"id":9}`))
}

func FuzzXM(f *testing.F) {
	text := string(readTestdata(f, "README_excerpt_discovery_nmap_onvif.txt"))
	_, rest, _ := strings.Cut(text, "```json\n")
	block, _, _ := strings.Cut(rest, "```")
	fuzzDecoder(f, XM, "xm.", []byte(block), withXMHeader(xmSearchReply, []byte(block)), withXMHeader(xmSearch, nil))
}

func FuzzPPPP(f *testing.F) {
	seeds := captureSeeds(f, "neu-intl-iot/yi_camera_sample.pcap", 32108, 1)
	seeds = append(seeds, captureSeeds(f, "neu-intl-iot/yi_camera_sample.pcap", 32100, 4)...)
	seeds = append(seeds, captureSeeds(f, "neu-intl-iot/yi_camera_sample.pcap", 17916, 4)...)
	fuzzDecoder(f, PPPP, "p2p.", seeds...)
}

func FuzzDHP2P(f *testing.F) {
	seeds := captureSeeds(f, "iotls/amcrest-cam-wired_CUT.pcap", 8800, 4)
	seeds = append(seeds, captureSeeds(f, "iotls/amcrest-cam-wired_CUT.pcap", 8802, 4)...)
	fuzzDecoder(f, DHP2P, "p2p.", seeds...)
}

func FuzzGVCP(f *testing.F) {
	fuzzDecoder(f, GVCP, "gvcp.", pcapplusplusGVCPAck(f), GVCPDiscovery(),
		GVCPDiscoveryAck(GVCPDevice{Manufacturer: "Hikrobot", Model: "MV-CS020-10GC", Serial: "DA7171596"}, 1))
}

func FuzzLLDP(f *testing.F) {
	_, real := lldpFrameOf(f, "zeek/lldp.pcap")
	fuzzDecoder(f, LLDP, "lldp.", real, []byte{0, 0}, lldpTLVBytes(lldpOrgSpecific, []byte{0x00, 0x12, 0xbb, 9, 'x'}))
}

func FuzzHDS(f *testing.F) {
	fuzzDecoder(f, HDS, "hds.", readTestdata(f, "hds_search_ack_easyn.txt"), readTestdata(f, "hds_beacon_juan.txt"), HDSSearch())
}

func FuzzTDP(f *testing.F) {
	var seeds [][]byte
	for _, d := range readUDP(f, "hidden-patterns/tapo-c200_app-stream_CUT.pcap") {
		if d.meta.SrcPort == tdpPort || d.meta.DstPort == tdpPort {
			seeds = append(seeds, d.payload)
		}
	}
	fuzzDecoder(f, TDP, "tdp.", seeds...)
}

func FuzzKasa(f *testing.F) {
	var seeds [][]byte
	for _, d := range readUDP(f, "hidden-patterns/tapo-c200_app-stream_CUT.pcap") {
		if d.meta.SrcPort == kasaPort || d.meta.DstPort == kasaPort {
			seeds = append(seeds, d.payload)
		}
	}
	fuzzDecoder(f, Kasa, "kasa.", append(seeds, []byte(`{"system":{"get_sysinfo":{"model":"HS100(UK)"}}}`))...)
}

func FuzzSearchIPC(f *testing.F) {
	fuzzDecoder(f, SearchIPC, "searchipc.", readTestdata(f, "searchipc_notify_anjvision_mc200d.xml"),
		[]byte(`<?xml version="1.0" encoding="GB2312" ?><XML_TOPSEE><MESSAGE_HEADER Msg_type="SYSTEM_SEARCHIPC_MESSAGE" Msg_code="3"/><MESSAGE_BODY><DEVICE_TYPE DeviceType="T" DeviceModule="M"/><IPC_SERIALNUMBER SerialNumber="S" VERSION="V"/><LANConfig MacAddress="02:00:00:00:00:01" IPAddress="192.0.2.7"/></MESSAGE_BODY></XML_TOPSEE>`))
}

func FuzzMOI(f *testing.F) {
	fuzzDecoder(f, MOI, "moi.", readTestdata(f, "moi_search_resp_smartthings.hex"), moiAnswer(f))
}

func FuzzDHS(f *testing.F) {
	fuzzDecoder(f, DHS, "dhs.", dhsAnswer(f), []byte{0x44, 0x48, 0x01, 0x01})
}

func FuzzTuya(f *testing.F) {
	fuzzDecoder(f, Tuya, "tuya.", captureSeeds(f, "ndpi/tuya_lp.pcap", tuyaPortCipher, 2)...)
}

// FuzzSearchRecognisers: the checks camsim's simulated devices run on what
// reaches them (a TDP query and its serial, the MO_I, DH and SEARCHIPC
// searches) never panic, and a TDP query they accept frames back to itself.
func FuzzSearchRecognisers(f *testing.F) {
	q, err := TDPDiscovery()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{q, MOISearch(), DHSSearch(), SearchIPCSearch(), moiAnswer(f)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if serial, ok := TDPQuerySerial(b); ok {
			n := int(binary.BigEndian.Uint16(b[tdpOffLength:]))
			if again := TDPFrame([8]byte(b[:8]), serial, b[tdpHeaderLen:tdpHeaderLen+n]); !bytes.Equal(again, b[:tdpHeaderLen+n]) {
				t.Errorf("accepted query % x frames back as % x", b[:16], again[:16])
			}
		}
		IsMOISearch(b)
		IsDHSSearch(b)
		IsSearchIPCSearch(b)
	})
}

func FuzzMiIO(f *testing.F) {
	seeds := captureSeeds(f, "hidden-patterns/xiaomi-cam_app-stream.pcap", miioPort, 6)
	seeds = append(seeds, captureSeeds(f, "smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap", miioPort, 2)...)
	fuzzDecoder(f, MiIO, "miio.", seeds...)
}

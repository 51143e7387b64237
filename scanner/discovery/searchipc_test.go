package discovery

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// TestSearchIPCNoticeOfARealCamera reads what a Commax wall-pad app's UDP
// listener received from an Anjvision MC200D door camera (testdata/discovery
// SOURCES.md): the notice describes its sender, with its device type and
// module, serial, and its own MAC bound to the address it gives.
func TestSearchIPCNoticeOfARealCamera(t *testing.T) {
	payload := readTestdata(t, "searchipc_notify_anjvision_mc200d.xml")
	for _, m := range []scanner.Meta{
		{Probe: "identify"}, // raw key: the address is the one the notice gives
		{Probe: "pcap", SrcIP: netip.MustParseAddr("10.15.1.110"), SrcPort: searchIPCPort, DstPort: searchIPCPort},
	} {
		obs, err := decode(SearchIPC, payload, m)
		if err != nil {
			t.Fatal(err)
		}
		own := netip.MustParseAddr("10.15.1.110")
		for key, value := range map[string]string{
			"searchipc.envelope":      "XML_ANJVISION",
			"searchipc.device_type":   "NVS-IPCAM",
			"searchipc.device_module": "MC200D_KO_V0",
			"searchipc.serial":        "06000000019CB6FF",
		} {
			wantValue(t, obs, own, key, value)
		}
		var bound bool
		for _, o := range obs {
			if o.Key == "searchipc.mac" && o.IP == own && o.MAC == mustMAC(t, "00:06:00:01:9c:b6") {
				bound = true
			}
		}
		if !bound {
			t.Errorf("%s: no searchipc.mac binding of the camera's MAC to its address: %+v", m.Probe, obs)
		}
	}
	if dec, ok := ByPort(51000, searchIPCPort); !ok || dec == nil {
		t.Error("UDP 3001 has no decoder")
	}
	if dec, ok := ByRawKey("searchipc.payload"); !ok || dec == nil {
		t.Error("searchipc.payload is no raw key")
	}
	if dec, ok := Sniff(payload); !ok || dec == nil {
		t.Error("the notice is not recognised off its port")
	}
}

// TestSearchIPCAnswerForm: the search answer's form as the Anjvision
// firmware writes it (anj_search_xml, code index file 68521228954; the values
// here are constructed): firmware from IPC_SERIALNUMBER's VERSION, the OEM
// code, and never the accounts' passwords, the owner's title or P2P ids.
// Searches and a tool's requests describe nothing.
func TestSearchIPCAnswerForm(t *testing.T) {
	answer := `<?xml version="1.0" encoding="GB2312" ?>
<XML_TOPSEE>
<MESSAGE_HEADER Msg_type="SYSTEM_SEARCHIPC_MESSAGE" Msg_code="3" Msg_flag="0" />
<MESSAGE_BODY>
<VENDOR_PARAM VendorId="OEM-X"/>
<DEVICE_TYPE DeviceType="NVS-IPCAM-X" DeviceModule="MODULE-X" OSD="43616d657261" />
<IPC_SERIALNUMBER UUID="u" SerialNumber="SN-X" PLATFORMID="" P2PTYPE="1" P2PID="P2P-SECRET" P2PSTATUS="1" P2PNETCFGCODE="CODE-SECRET" runtime="5" VERSION="V9.9.9 build 2000-01-01" FACTORYMODE="0" AF_VERSION="" />
<LANConfig MacAddress="02:00:00:00:00:01" DHCP="0" IPAddress="192.0.2.7" Netmask="255.255.255.0" Gateway="192.0.2.1" />
<UserConfig><Account Username="admin" Password="PASSWORD-SECRET" Group="Administrator" Status="Enable" /></UserConfig>
<MediaStreamConfig><StreamAccess VideoPort="554" PTZPort="8091" WEBPort="80" /></MediaStreamConfig>
</MESSAGE_BODY>
</XML_TOPSEE>` + "\x00"
	obs, err := decode(SearchIPC, []byte(answer), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	own := netip.MustParseAddr("192.0.2.7")
	wantValue(t, obs, own, "searchipc.envelope", "XML_TOPSEE")
	wantValue(t, obs, own, "searchipc.firmware", "V9.9.9 build 2000-01-01")
	wantValue(t, obs, own, "searchipc.vendor_id", "OEM-X")
	wantValue(t, obs, own, "searchipc.device_module", "MODULE-X")
	for _, o := range obs {
		if strings.Contains(o.Value, "SECRET") || strings.Contains(o.Value, "Camera") || strings.Contains(o.Value, "43616d") {
			t.Errorf("read what must stay unread: %+v", o)
		}
	}

	older := `<?xml version="1.0" encoding="GB2312" ?><XML_TOPSEE><MESSAGE_HEADER Msg_type="SYSTEM_SEARCHIPC_MESSAGE" Msg_code="3" Msg_flag="0"/>` +
		`<MESSAGE_BODY><DEVICE_TYPE DeviceType="T" DeviceModule="M"/><VERSION FileSystemVersion="V1.0 build x"/></MESSAGE_BODY></XML_TOPSEE>`
	obs, _ = decode(SearchIPC, []byte(older), scanner.Meta{Probe: "pcap", SrcIP: own})
	wantValue(t, obs, own, "searchipc.firmware", "V1.0 build x")

	for _, quiet := range []string{
		// the tools' search (python-anjoy's probe, code index file 68464960954)
		`<?xml version="1.0" encoding="GB2312" ?><XML_ANJVISION><MESSAGE_HEADER Msg_type="SYSTEM_SEARCHIPC_MESSAGE" Msg_code="1" Msg_flag="0" SOURCE="AJTOOLS" /><MESSAGE_BODY></MESSAGE_BODY></XML_ANJVISION>`,
		// a tool's request to set a camera's address: it names the camera, not its sender
		`<?xml version="1.0" encoding="GB2312" ?><XML_TOPSEE><MESSAGE_HEADER Msg_type="SYSTEM_SEARCHIPC_MESSAGE" Msg_code="2" Msg_flag="0"/><MESSAGE_BODY><DEVICE_TYPE DeviceType="T"/><IPC_SERIALNUMBER SerialNumber="S"/><LANConfig MacAddress="02:00:00:00:00:01" IPAddress="192.0.2.9"/></MESSAGE_BODY></XML_TOPSEE>`,
		`<?xml version="1.0"?><root><DEVICE_TYPE DeviceType="T"/></root>`,
		"", "<", "<XML_", "\x00\x00", "not xml",
	} {
		obs, _ := decode(SearchIPC, []byte(quiet), scanner.Meta{Probe: "identify"})
		if len(obs) != 0 {
			t.Errorf("%q: %+v, want nothing", quiet, obs)
		}
	}
	var none []observe.Observation
	_ = SearchIPC(make([]byte, maxSearchIPCDatagram+1), scanner.Meta{}, func(o observe.Observation) { none = append(none, o) })
	if len(none) != 0 {
		t.Errorf("an oversized payload described something: %+v", none)
	}
}

package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// TestTDPAnswersOfARealCapture reads the UDP 20002 discovery of a real
// capture (UCLouvain smart-home-hidden-communication-patterns: the Tapo app
// broadcasts its request; a Tapo C200 camera, a P110 plug and an L530E bulb
// answer): each answer describes its sender, with its model, firmware and
// its own MAC bound to its address; the app's requests describe nothing.
func TestTDPAnswersOfARealCapture(t *testing.T) {
	var obs []observe.Observation
	for _, d := range readUDP(t, "hidden-patterns/tapo-c200_app-stream_CUT.pcap") {
		dec, ok := ByPort(d.meta.SrcPort, d.meta.DstPort)
		if !ok || d.meta.SrcPort != tdpPort && d.meta.DstPort != tdpPort {
			continue // the app's mDNS queries were cut to 4 bytes by the upstream anonymiser
		}
		if err := dec(d.payload, d.meta, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
			t.Errorf("%v -> %v: %v", d.meta.SrcPort, d.meta.DstPort, err)
		}
	}
	camera := netip.MustParseAddr("192.168.1.139")
	for key, value := range map[string]string{
		"tdp.device_type":      "SMART.IPCAMERA",
		"tdp.device_model":     "C200",
		"tdp.firmware_version": "1.3.15 Build 240715 Rel.43073n(4555)",
		"tdp.hardware_version": "3.0",
		"tdp.device_name":      "Tapo camera",
	} {
		wantValue(t, obs, camera, key, value)
	}
	plug := netip.MustParseAddr("192.168.1.134")
	wantValue(t, obs, plug, "tdp.device_type", "SMART.TAPOPLUG")
	wantValue(t, obs, plug, "tdp.device_model", "P110(FR)")
	wantValue(t, obs, netip.MustParseAddr("192.168.1.231"), "tdp.device_model", "L530E(EU)")
	var bound bool
	for _, o := range obs {
		if o.Key == "tdp.mac" && o.IP == camera && o.MAC == mustMAC(t, "1c:61:b4:e9:49:b6") {
			bound = true
		}
		if o.IP == netip.MustParseAddr("192.168.1.110") {
			t.Errorf("the app's request described its sender: %+v", o)
		}
	}
	if !bound {
		t.Error("no tdp.mac binding of the camera's own MAC to its address")
	}
}

// TestTDPAnswerAsSaved: an answer's JSON without its header, as python-kasa
// saves it (its fixtures' discovery_result), names the device at the
// address it gives.
func TestTDPAnswerAsSaved(t *testing.T) {
	saved := `{"error_code": 0, "result": {"device_id": "00000000000000000000000000000000",
 "device_model": "C210", "device_name": "#MASKED_NAME#", "device_type": "SMART.IPCAMERA",
 "encrypt_info": {"data": "", "key": "", "sym_schm": "AES"}, "encrypt_type": ["3"],
 "factory_default": false, "firmware_version": "1.4.3 Build 241010 Rel.33858n",
 "hardware_version": "2.0", "ip": "127.0.0.123", "is_support_iot_cloud": true,
 "mac": "40-AE-30-00-00-00", "mgt_encrypt_schm": {"is_support_https": true}, "protocol_version": 1}}`
	obs, err := decode(TDP, []byte(saved), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	own := netip.MustParseAddr("127.0.0.123")
	wantValue(t, obs, own, "tdp.device_model", "C210")
	wantValue(t, obs, own, "tdp.firmware_version", "1.4.3 Build 241010 Rel.33858n")
	for _, bad := range []string{"", "{", `{"params":{"rsa_key":"x"}}`, "\x02\x00\x00\x01\xff\xff\x11\x00", "not json"} {
		obs, _ := decode(TDP, []byte(bad), scanner.Meta{Probe: "identify"})
		if len(obs) != 0 {
			t.Errorf("%q: %+v, want nothing", bad, obs)
		}
	}
}

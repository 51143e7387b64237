package discovery

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// TestKasaAnswerOfARealCapture reads the UDP 9999 answers of a real capture
// (UCLouvain smart-home-hidden-communication-patterns: an HS110 plug answers
// the Tapo app's get_sysinfo, obfuscated): its class, model and firmware,
// its own MAC bound to its address; the app's requests describe nothing.
func TestKasaAnswerOfARealCapture(t *testing.T) {
	var obs []observe.Observation
	for _, d := range readUDP(t, "hidden-patterns/tapo-c200_app-stream_CUT.pcap") {
		if d.meta.SrcPort != kasaPort && d.meta.DstPort != kasaPort {
			continue
		}
		dec, _ := ByPort(d.meta.SrcPort, d.meta.DstPort)
		if err := dec(d.payload, d.meta, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
			t.Errorf("%v -> %v: %v", d.meta.SrcPort, d.meta.DstPort, err)
		}
	}
	plug := netip.MustParseAddr("192.168.1.135")
	wantValue(t, obs, plug, "kasa.type", "IOT.SMARTPLUGSWITCH")
	wantValue(t, obs, plug, "kasa.model", "HS110(FR)")
	for _, o := range obs {
		if o.IP != plug {
			t.Errorf("an observation about another address: %+v", o)
		}
	}
	if !slices.ContainsFunc(obs, func(o observe.Observation) bool {
		return o.Key == "kasa.mac" && o.MAC == mustMAC(t, "50:c7:bf:ed:0a:54")
	}) {
		t.Error("no kasa.mac binding of the plug's own MAC")
	}
}

// TestKasaAnswerAsSaved: get_sysinfo as python-kasa saves it (its fixture
// HS110(EU)_4.0_1.0.4.json, plain JSON), and the request, obfuscated.
func TestKasaAnswerAsSaved(t *testing.T) {
	saved := `{"system": {"get_sysinfo": {"dev_name": "Smart Wi-Fi Plug With Energy Monitoring",
 "hw_ver": "4.0", "mac": "B0:95:75:00:00:00", "mic_type": "IOT.SMARTPLUGSWITCH",
 "model": "HS110(EU)", "sw_ver": "1.0.4 Build 191111 Rel.143500"}}}`
	m := scanner.Meta{Probe: "identify"}
	obs, err := decode(Kasa, []byte(saved), m)
	if err != nil {
		t.Fatal(err)
	}
	for key, value := range map[string]string{
		"kasa.type": "IOT.SMARTPLUGSWITCH", "kasa.model": "HS110(EU)",
		"kasa.firmware": "1.0.4 Build 191111 Rel.143500", "kasa.device_name": "Smart Wi-Fi Plug With Energy Monitoring",
	} {
		if o := single(t, obs, key); o.Value != value {
			t.Errorf("%s = %q, want %q", key, o.Value, value)
		}
	}
	request := kasaObfuscate([]byte(`{"system":{"get_sysinfo":{}}}`))
	for _, b := range [][]byte{request, nil, []byte("not json"), {0xd0, 0xf2}} {
		if obs, _ := decode(Kasa, b, m); len(obs) != 0 {
			t.Errorf("%q: %+v, want nothing", b, obs)
		}
	}
}

// kasaObfuscate is kasaDeobfuscate's inverse, as a client sends.
func kasaObfuscate(b []byte) []byte {
	out := make([]byte, len(b))
	key := byte(kasaFirstKey)
	for i, c := range b {
		key ^= c
		out[i] = key
	}
	return out
}

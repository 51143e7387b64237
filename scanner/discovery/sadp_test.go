package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// A SADP ProbeMatch built from the element names and value formats of real
// captures (signals.md §0, §2; file marked constructed).
func TestSADPProbeMatch(t *testing.T) {
	m := scanner.Meta{Probe: "sadp", SrcIP: netip.MustParseAddr("192.168.1.64"), SrcPort: 37020}
	obs, err := decode(SADP, readTestdata(t, "sadp_probematch_constructed.xml"), m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"sadp.device_type":  "138",
		"sadp.model":        "DS-2CD2385G1-I",
		"sadp.serial":       "DS-2CD2385G1-I20200414AAWRE33842150",
		"sadp.firmware":     "V5.6.2build 190701",
		"sadp.dsp_version":  "V7.3 build 190626",
		"sadp.oem_code":     "1",
		"sadp.activated":    "true",
		"sadp.command_port": "8000",
		"sadp.http_port":    "80",
	}
	for key, value := range want {
		o := single(t, obs, key)
		if o.Value != value || o.IP != m.SrcIP || !o.MAC.IsZero() {
			t.Errorf("%s = %+v, want %q about %v without MAC", key, o, value, m.SrcIP)
		}
	}
	b := single(t, obs, "sadp.mac")
	if b.MAC != mustMAC(t, "58:50:ed:1f:e3:85") || b.IP != netip.MustParseAddr("192.168.1.64") || b.Value != "58:50:ed:1f:e3:85" {
		t.Errorf("binding = %+v", b)
	}
	if len(obs) != len(want)+1 {
		t.Errorf("want %d observations, got %d", len(want)+1, len(obs))
	}
}

// Our own <Probe>, echoed by the multicast group, is not a device.
func TestSADPProbeEchoIgnored(t *testing.T) {
	obs, err := decode(SADP, readTestdata(t, "sadp_probe_constructed.xml"), scanner.Meta{})
	if err != nil || len(obs) != 0 {
		t.Errorf("err %v, observations %+v", err, obs)
	}
}

// Given as a raw key without socket metadata, the reply is about the
// address it names.
func TestSADPRawKeyUsesOwnAddress(t *testing.T) {
	dec, ok := ByRawKey("sadp.payload")
	if !ok {
		t.Fatal("sadp.payload unknown")
	}
	obs, err := decode(dec, readTestdata(t, "sadp_probematch_constructed.xml"), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	if o := single(t, obs, "sadp.model"); o.IP != netip.MustParseAddr("192.168.1.64") {
		t.Errorf("model about %v", o.IP)
	}
}

func TestSADPRejectsOtherXML(t *testing.T) {
	if _, err := decode(SADP, readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml"), scanner.Meta{}); err == nil {
		t.Error("a WS-Discovery envelope was accepted as SADP")
	}
	// A MAC that does not parse gives no binding, the other fields stand.
	obs, err := decode(SADP, []byte("<ProbeMatch><MAC>zz-zz</MAC><DeviceDescription>X</DeviceDescription></ProbeMatch>"), scanner.Meta{})
	if err != nil || len(values(obs, noAddr, "sadp.mac")) != 0 || len(values(obs, noAddr, "sadp.model")) != 1 {
		t.Errorf("err %v obs %+v", err, obs)
	}
}

package corpus

import (
	"net/netip"
	"os"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// TestRealDiscoveryPayloads runs whole real discovery replies through their
// decoders, from the address each was sent from.
func TestRealDiscoveryPayloads(t *testing.T) {
	p := newPipeline(t)
	for _, c := range []struct {
		file, key  string
		src        string
		vendor     string
		kind       fingerprint.Kind
		model      string
		firmware   string
		serial     string
		mac        string
		restricted bool
		why        string
	}{
		{"dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json", "dhip.payload", "218.5.136.140",
			"Dahua", fingerprint.KindCamera, "IPC-HDW5421S", "2.400.0.8", "1F006E4PAX00075", "4c:11:bf:c2:0b:9d", true,
			"DHIP notifyDevInfo of a Dahua IPC, Vendor Dahua, MAC in a Dahua block"},
		{"python-ws-discovery/probe_response_IPCAM_631GA.xml", "wsd.payload", "192.168.1.104",
			"Wansview", fingerprint.KindCamera, "631GA", "", "", "78:a5:dd:0f:95:93", true,
			"no-name Chinese ONVIF camera (scopes Model/631GA, Name/IPCAM, country/china; MAC from the gSOAP endpoint UUID): the block is Shenzhen Smarteye's, the camera maker behind Wansview and its OEM line (vendors.yaml), so a Wansview-made camera; it named no catalogued maker before Wansview was catalogued"},
	} {
		raw, err := os.ReadFile(testdata("realdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		obs := decodeDatagram(t, c.key, raw, netip.MustParseAddr(c.src))
		d := p.identify(t, obs...)
		mac := ""
		if !d.MAC.IsZero() {
			mac = d.MAC.String()
		}
		if d.Vendor != c.vendor || d.Kind != c.kind || d.Model != c.model || d.Firmware != c.firmware ||
			d.Serial != c.serial || mac != c.mac || d.Restricted != c.restricted {
			t.Errorf("%s: want vendor=%s kind=%s model=%s firmware=%s serial=%s mac=%s restricted=%v (%s)\n\tdecoded %s\n\tgot %s serial=%q mac=%s",
				c.file, q(c.vendor), q(string(c.kind)), q(c.model), q(c.firmware), q(c.serial), q(c.mac), c.restricted, c.why,
				values(obs), describe(d), d.Serial, q(mac))
		}
	}
}

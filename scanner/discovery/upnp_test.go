package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// A constructed description (no real one in realdata): the root device's
// fields, never the embedded device's.
func TestUPnPRootDeviceOnly(t *testing.T) {
	m := scanner.Meta{Probe: "upnp", SrcIP: netip.MustParseAddr("198.18.0.20")}
	body := readTestdata(t, "upnp_description_constructed.xml")
	for name, payload := range map[string][]byte{
		"body":          body,
		"HTTP response": append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n"), body...),
	} {
		obs, err := decode(UPnP, payload, m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[string]string{
			"upnp.manufacturer":      "Example Maker",
			"upnp.model_name":        "EXAMPLE-CAM-1",
			"upnp.model_number":      "1.0",
			"upnp.model_description": "Network Camera",
			"upnp.friendly_name":     "Example Camera",
			"upnp.serial":            "SN0001",
			"upnp.device_type":       "urn:schemas-upnp-org:device:Basic:1.0",
		}
		for key, value := range want {
			if o := single(t, obs, key); o.Value != value || o.IP != m.SrcIP {
				t.Errorf("%s: %s = %+v, want %q", name, key, o, value)
			}
		}
	}
}

func TestUPnPRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"no device": readRealdata(t, "python-ws-discovery/probe_response_IPCAM_631GA.xml"),
		"truncated": readTestdata(t, "upnp_description_constructed.xml")[:200],
	} {
		if obs, err := decode(UPnP, b, scanner.Meta{}); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
}

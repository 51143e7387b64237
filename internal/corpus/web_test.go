package corpus

import (
	"fmt"
	"os"
	"testing"
)

// TestWebAnswersEndToEnd feeds whole HTTP answers through the HTTP decoder
// and the engine: an ISAPI deviceInfo body (real) under constructed headers,
// and Dahua's header style (constructed from nmap's and a fingerprint
// list's description, testdata/service/SOURCES.md).
func TestWebAnswersEndToEnd(t *testing.T) {
	p := newPipeline(t)
	isapi, err := os.ReadFile(testdata("realdata", "hikvision_next", "ipc1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dahua, err := os.ReadFile(testdata("service", "constructed", "signals_uppercase_bom_200.http"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, raw                     string
		vendor, model, firmware, kind string
	}{
		{"ISAPI deviceInfo", fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s", len(isapi), isapi),
			"Hikvision", "DS-2CD2386G2-IU", "V5.7.18 build 240826", "camera"},
		{"Dahua header style", string(dahua), "Dahua", "", "", ""},
	}
	for _, c := range cases {
		d := p.identify(t, decodeStream(t, "http.headers", c.raw, 80)...)
		if d.Vendor != c.vendor || d.Model != c.model || d.Firmware != c.firmware || string(d.Kind) != c.kind || !d.Restricted {
			t.Errorf("%s: got %s, want vendor %s model %q firmware %q kind %q, restricted", c.name, describe(d), c.vendor, c.model, c.firmware, c.kind)
		}
	}
}

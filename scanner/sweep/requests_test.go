package sweep

import (
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// Our own requests, echoed back on a multicast group, must never become
// devices: the decoders see exactly what a capture of our sweep would hold.
func TestOwnRequestsAreNotDevices(t *testing.T) {
	for _, p := range discoveryProbes() {
		payload, err := p.request()
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		dec, ok := discovery.ByPort(uint16(p.port), uint16(p.port))
		if !ok {
			t.Errorf("%s: no decoder for port %d", p.name, p.port)
			continue
		}
		var got []observe.Observation
		_ = dec(payload, scanner.Meta{Probe: p.name}, func(o observe.Observation) { got = append(got, o) })
		for _, o := range got {
			if o.MAC != (observe.MAC{}) || o.Key == "wsd.scopes" || o.Key == "sadp.model" || o.Key == "dhip.model" {
				t.Errorf("%s: our own request produced %+v", p.name, o)
			}
		}
	}
}

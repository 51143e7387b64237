package sweep

import (
	"slices"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// Our own requests, echoed back on a multicast group, must never become
// devices: the decoders see exactly what a capture of our sweep would hold.
func TestOwnRequestsAreNotDevices(t *testing.T) {
	for _, p := range discovery.Protocols() {
		payload, err := p.Request()
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		dec, ok := discovery.ByPort(p.Port, p.Port)
		if !ok {
			t.Errorf("%s: no decoder for port %d", p.Name, p.Port)
			continue
		}
		var got []observe.Observation
		_ = dec(payload, scanner.Meta{Probe: p.Name}, func(o observe.Observation) { got = append(got, o) })
		for _, o := range got {
			if o.MAC != (observe.MAC{}) || o.Key == "wsd.scopes" || o.Key == "sadp.model" || o.Key == "dhip.model" {
				t.Errorf("%s: our own request produced %+v", p.Name, o)
			}
		}
	}
}

// Every discovery protocol is a probe the user can name (--probes).
func TestProtocolsAreProbes(t *testing.T) {
	for _, p := range discovery.Protocols() {
		if !slices.Contains(AllProbes, p.Name) {
			t.Errorf("discovery protocol %q is not in AllProbes", p.Name)
		}
	}
}

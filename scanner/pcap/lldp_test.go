package pcap

import "testing"

// TestLLDPCapture reads a real switch's LLDP frame (Zeek's lldp.pcap,
// realdata SOURCES.md §23) through the capture reader: the frame is routed to
// the LLDP decoder by its EtherType, and the switch is a device with its
// name, its capabilities and its management address bound to its MAC.
func TestLLDPCapture(t *testing.T) {
	r, st := readCapture(t, "zeek/lldp.pcap", Options{})
	if st.Skipped != 0 || st.DecoderErrors != 0 {
		t.Errorf("%d skipped, %d decoder errors", st.Skipped, st.DecoderErrors)
	}
	if !r.binds("lldp.mac", "00:22:2d:81:db:10", "192.168.2.10") {
		t.Error("the management address is not bound to the switch's MAC")
	}
	for key, value := range map[string]string{"lldp.system_name": "SMCGS8P-Smart", "lldp.capabilities": "bridge"} {
		if !r.has("192.168.2.10", key, value) {
			t.Errorf("no %s=%s", key, value)
		}
	}
}

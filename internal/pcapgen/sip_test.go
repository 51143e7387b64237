package pcapgen

import (
	"net"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// The built messages read back, through the decoder, as the values they
// were built from: a wire test that puts them in a capture checks the
// engine, not this package.
func TestGB28181MessagesDecode(t *testing.T) {
	dev, platform := net.IPv4(198, 18, 0, 71).To4(), net.IPv4(198, 18, 0, 20).To4()
	id := GB28181Code("118")
	facts := map[string]string{"gb28181.manufacturer": "HIKVISION", "gb28181.model": "DS-7916N-R4", "gb28181.firmware": "V4.72.107", "gb28181.device_name": "A&B <NVR>"}
	got := map[string]string{}
	m := scanner.Meta{SrcIP: netip.MustParseAddr("198.18.0.71")}
	for _, msg := range [][]byte{SIPRegister(dev, platform, id, "Embedded Net DVR/NVR/DVS"), GB28181DeviceInfo(dev, platform, id, facts)} {
		if err := discovery.SIP(msg, m, func(o observe.Observation) { got[o.Key] = o.Value }); err != nil {
			t.Fatalf("%v: %q", err, msg)
		}
	}
	want := map[string]string{"sip.user_agent": "Embedded Net DVR/NVR/DVS", "gb28181.device_id": "34020000001180000001", "gb28181.device_type": "NVR"}
	for k, v := range facts {
		want[k] = v
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

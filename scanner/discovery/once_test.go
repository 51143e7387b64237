package discovery

import (
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// Over the whole Yi capture the camera is reported to speak PPPP once and
// its DID once, though hundreds of datagrams say so.
func TestOnceOverCapture(t *testing.T) {
	pppp := Once(PPPP, 1024)
	var obs []observe.Observation
	for _, d := range readUDP(t, "neu-intl-iot/yi_camera_sample.pcap") {
		if _, ok := Sniff(d.payload); ok {
			_ = pppp(d.payload, d.meta, func(o observe.Observation) { obs = append(obs, o) })
		}
	}
	camera := netip.MustParseAddr("192.168.10.204")
	if got := values(obs, camera, "p2p.protocol"); len(got) != 1 {
		t.Errorf("p2p.protocol about the camera %d times", len(got))
	}
	if got := values(obs, camera, "p2p.did"); len(got) != 1 || got[0] != "TNPUSAE-227402-DSELD" {
		t.Errorf("p2p.did about the camera: %q", got)
	}
}

func TestOnceForgetsWhenFull(t *testing.T) {
	var n int
	dec := Once(SSDP, 1)
	count := func(observe.Observation) { n++ }
	a := []byte("NOTIFY * HTTP/1.1\r\nSERVER: a\r\n\r\n")
	b := []byte("NOTIFY * HTTP/1.1\r\nSERVER: b\r\n\r\n")
	for _, p := range [][]byte{a, a, b, a} {
		_ = dec(p, fuzzMeta, count)
	}
	if n != 3 { // a, (a dropped), b evicts a, a again
		t.Errorf("emitted %d, want 3", n)
	}
}

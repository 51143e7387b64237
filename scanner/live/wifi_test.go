package live

import (
	"context"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// A monitor-mode interface gives radiotap frames: listening to them (here
// the real radiotap capture of realdata §25, played as a live handle that
// says its link type) gives what reading the file gives.
func TestCaptureReadsTheHandlesLinkType(t *testing.T) {
	const capture = "../../testdata/realdata/airodump-wifi/80211-icmp_CUT.pcap"
	var want []observe.Observation
	if _, err := pcap.ReadFile(context.Background(), capture, func(o observe.Observation) { want = append(want, o) }, pcap.Options{Probe: "listen"}); err != nil {
		t.Fatal(err)
	}
	h := openFile(t, capture)
	if linkType(h) != layers.LinkTypeIEEE80211Radio {
		t.Fatalf("link type %v", linkType(h))
	}
	var got []observe.Observation
	st, _ := Capture(context.Background(), h, func(o observe.Observation) { got = append(got, o) }, pcap.Options{Probe: "listen"}, nil)
	if len(want) < 40 || !slices.Equal(got, want) || st.Skipped != 0 {
		t.Errorf("%d observations (%+v), want the file's %d", len(got), st, len(want))
	}
	if linkType(struct{ Handle }{h}) != layers.LinkTypeEthernet {
		t.Error("a handle that does not say is Ethernet")
	}
	// A sweep that listens leaves out its own Ethernet frames; on a Wi-Fi
	// handle that filter would read the wrong bytes and hide the link type.
	if got := linkType(withoutOwnFrames(h, []byte{2, 0, 0, 0, 0, 1})); got != layers.LinkTypeIEEE80211Radio {
		t.Errorf("the own-frames filter turns the Wi-Fi handle into %v", got)
	}
	if _, ok := withoutOwnFrames(openFile(t, "../../testdata/realdata/iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"), []byte{2, 0, 0, 0, 0, 1}).(notOwnFrames); !ok {
		t.Error("an Ethernet handle is not filtered")
	}
}

func TestWifiLinkType(t *testing.T) {
	for arphrd, want := range map[int]layers.LinkType{801: layers.LinkTypeIEEE802_11, 802: layers.LinkTypePrismHeader, 803: layers.LinkTypeIEEE80211Radio} {
		if got, ok := wifiLinkType(arphrd); !ok || got != want {
			t.Errorf("%d: %v %v", arphrd, got, ok)
		}
	}
	for _, arphrd := range []int{-1, 1, 772, 65534} { // unreadable, Ethernet, loopback, none
		if _, ok := wifiLinkType(arphrd); ok {
			t.Errorf("%d taken for Wi-Fi", arphrd)
		}
	}
}

package pcap

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// The per-protocol Ethernet samples, their frames retagged as live capture
// hands them over (tag stripped, VLAN beside), decode to the same facts as
// the file, every binding now on VLAN 20.
func TestRetaggedFramesKeepTheirFactsAndGainTheVLAN(t *testing.T) {
	for _, name := range []string{"dhip-dahua.pcap", "sadp-hikvision.pcap", "wsd-hikvision.pcap"} {
		want, _ := readCapture(t, name, Options{})
		r, err := pcapgo.NewReader(bytes.NewReader(readBytes(t, name)))
		if err != nil {
			t.Fatal(err)
		}
		if r.LinkType() != layers.LinkTypeEthernet {
			t.Fatalf("%s: link type %v", name, r.LinkType())
		}
		got := &recorder{}
		dec := NewDecoder(got.emit, Options{})
		var buf []byte
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				break
			}
			buf = RetagVLAN(data, 20, buf)
			dec.Packet(layers.LinkTypeEthernet, ci.Timestamp, buf)
		}
		dec.Flush()
		for _, o := range want.obs {
			if !got.hasAddr(o.IP, false, o.Key, o.Value) {
				t.Errorf("%s retagged: missing %s %s=%q", name, o.IP, o.Key, o.Value)
			}
		}
		bindings := 0
		for _, o := range got.obs {
			if !o.MAC.IsZero() {
				bindings++
				if o.VLAN != 20 {
					t.Errorf("%s retagged: %s on VLAN %d", name, o.Key, o.VLAN)
				}
			}
		}
		if bindings == 0 {
			t.Errorf("%s: no binding observations", name)
		}
	}
}

// A frame too short for Ethernet is left as it is, never read past its end.
func TestRetagLeavesRuntsAlone(t *testing.T) {
	runt := []byte{1, 2, 3}
	if got := RetagVLAN(runt, 20, nil); !bytes.Equal(got, runt) {
		t.Errorf("runt became %x", got)
	}
}

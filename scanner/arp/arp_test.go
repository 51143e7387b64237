package arp

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// Frames 9 and 27 of the IoT Sentinel D-Link DCS-935L capture
// (andypitcher/IoT_Sentinel, D-LinkCam_Setup-A-1-STA.pcap, MIT; copied in
// shared/realdata/iot-sentinel): the camera asks for the gateway first from its
// stale factory address 192.168.0.20, then from its DHCP lease 10.10.10.37.
// Both are bindings of its MAC.
func TestParseRealFrames(t *testing.T) {
	for frame, wantIP := range map[string]string{
		"ffffffffffffb0c554255b0e08060001080006040001b0c554255b0ec0a80014000000000000c0a80001": "192.168.0.20",
		"ffffffffffffb0c554255b0e08060001080006040001b0c554255b0e0a0a0a250000000000000a0a0a01": "10.10.10.37",
	} {
		b, _ := hex.DecodeString(frame)
		p, ok := Parse(b)
		if !ok || !p.Binding() || p.Op != opRequest || p.SenderMAC.String() != "b0:c5:54:25:5b:0e" || p.SenderIP.String() != wantIP {
			t.Errorf("Parse(%s) = %+v, %v; want binding of b0:c5:54:25:5b:0e to %s", frame, p, ok, wantIP)
		}
	}
}

func TestRequestRoundTrip(t *testing.T) {
	mac, _ := observe.ParseMAC("b0:c5:54:25:5b:0e")
	src := netip.MustParseAddr("198.18.0.1")
	dst := netip.MustParseAddr("198.18.0.77")
	f := request(mac, src, dst)
	if len(f) != frameLen {
		t.Fatalf("frame is %d bytes", len(f))
	}
	p, ok := Parse(f)
	if !ok || p.Op != opRequest || p.SenderMAC != mac || p.SenderIP != src || p.TargetIP != dst || !p.Binding() {
		t.Fatalf("Parse(request) = %+v, %v", p, ok)
	}
	if o := p.Observation("arp"); o.Key != "arp.mac" || o.MAC != mac || o.IP != src {
		t.Errorf("Observation = %+v", o)
	}
}

func TestParseRejects(t *testing.T) {
	mac, _ := observe.ParseMAC("b0:c5:54:25:5b:0e")
	f := request(mac, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("10.10.10.37"))
	if p, ok := Parse(f); !ok || p.Binding() {
		t.Errorf("an RFC 5227 probe from 0.0.0.0 is not a binding: %+v %v", p, ok)
	}
	for i := 0; i < len(f); i++ {
		if _, ok := Parse(f[:i]); ok && i < 42 {
			t.Fatalf("truncated frame of %d bytes accepted", i)
		}
	}
	g := append([]byte(nil), f...)
	g[14+4] = 8 // hardware length 8
	if _, ok := Parse(g); ok {
		t.Error("non-Ethernet hardware length accepted")
	}
}

func TestReadNeighbours(t *testing.T) {
	table := `IP address       HW type     Flags       HW address            Mask     Device
198.18.0.10      0x1         0x2         44:19:b6:00:00:01     *        lab0
198.18.0.11      0x1         0x0         00:00:00:00:00:00     *        lab0
198.18.0.12      0x1         0x2         4c:11:bf:c2:0b:9d     *        eth9
10.0.0.1         0x1         0x2         00:11:22:33:44:55     *        lab0
garbage
`
	var got []string
	keep := func(a netip.Addr) bool { return netip.MustParsePrefix("198.18.0.0/15").Contains(a) }
	err := ReadNeighbours(strings.NewReader(table), "lab0", keep, func(o observe.Observation) {
		got = append(got, o.IP.String()+"="+o.Value)
	})
	if err != nil || len(got) != 1 || got[0] != "198.18.0.10=44:19:b6:00:00:01" {
		t.Errorf("got %v, %v", got, err)
	}
}

func FuzzParse(f *testing.F) {
	mac, _ := observe.ParseMAC("44:19:b6:00:00:01")
	f.Add(request(mac, netip.MustParseAddr("198.18.0.1"), netip.MustParseAddr("198.18.0.2")))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, ok := Parse(b); ok {
			p.Binding()
		}
	})
}

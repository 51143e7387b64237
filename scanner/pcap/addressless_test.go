package pcap

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// macOnly returns "key=value" of every observation of mac that carries no
// address, in order.
func (r *recorder) macOnly(mac string) []string {
	var out []string
	for _, o := range r.obs {
		if o.MAC.String() == mac && !o.IP.IsValid() {
			out = append(out, o.Key+"="+o.Value)
		}
	}
	return out
}

// addressless.pcap (tools/mkcapture, testdata/pcap/SOURCES.md): devices that
// never hold an address are devices. The intercom's three ARP probes make
// one arp.probe with the address it asks for, and bind nothing; the DHCP
// client and the IPv6 duplicate address detection are devices by their MAC.
func TestDevicesWithoutAnAddress(t *testing.T) {
	r, st := readCapture(t, "addressless.pcap", Options{})
	for mac, want := range map[string][]string{
		"44:19:b6:7e:01:30": {"link.mac=44:19:b6:7e:01:30", "arp.probe=10.20.0.77"},
		"30:49:9e:51:c2:07": {"link.mac=30:49:9e:51:c2:07", "dhcp.prl=1,3,6,12,15,28,42"},
		"00:14:10:3b:9a:11": {"link.mac=00:14:10:3b:9a:11"},
	} {
		if got := r.macOnly(mac); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", mac, got, want)
		}
	}
	for _, o := range r.obs {
		if o.IP.IsValid() {
			t.Errorf("an address was bound: %+v", o)
		}
	}
	if st.Packets != 5 || st.Skipped != 0 || st.Observations != int64(len(r.obs)) || st.Duplicates != 2 {
		t.Errorf("stats %+v", st)
	}
}

// A frame's source MAC is a device once per VLAN, never a multicast source,
// and an ARP probe for a multicast or 0.0.0.0 target says nothing.
func TestSenderAndProbeEdges(t *testing.T) {
	r := &recorder{}
	d := NewDecoder(r.emit, Options{})
	mac := observe.MAC{0x44, 0x19, 0xb6, 0x7e, 0x01, 0x30}
	probe := func(src observe.MAC, target [4]byte, vlan bool) []byte {
		f := append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, src[:]...)
		if vlan {
			f = append(f, 0x81, 0x00, 0x00, 0x1e) // VLAN 30
		}
		f = append(f, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1)
		f = append(f, src[:]...)
		f = append(f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
		return append(f, target[:]...)
	}
	d.Packet(1, probeTime, probe(mac, [4]byte{10, 20, 0, 77}, false))
	d.Packet(1, probeTime, probe(mac, [4]byte{10, 20, 0, 78}, false))
	d.Packet(1, probeTime, probe(mac, [4]byte{10, 20, 0, 77}, true))
	d.Packet(1, probeTime, probe(mac, [4]byte{224, 0, 0, 1}, false))
	d.Packet(1, probeTime, probe(mac, [4]byte{}, false))
	multicast := observe.MAC{0x01, 0x00, 0x5e, 0, 0, 1}
	d.Packet(1, probeTime, probe(multicast, [4]byte{10, 20, 0, 79}, false))
	want := []string{"link.mac=44:19:b6:7e:01:30", "arp.probe=10.20.0.77", "arp.probe=10.20.0.78",
		"link.mac=44:19:b6:7e:01:30", "arp.probe=10.20.0.77"}
	if got := r.macOnly(mac.String()); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(r.obs) != len(want) {
		t.Errorf("%d observations, want %d: %+v", len(r.obs), len(want), r.obs)
	}
	if r.obs[3].VLAN != 30 || r.obs[4].VLAN != 30 {
		t.Errorf("VLAN not carried: %+v", r.obs[3:])
	}
}

var probeTime = time.Date(2026, 11, 26, 5, 10, 0, 0, time.UTC)

// public-site.pcap: a Uniview NVR on a site numbered from public space
// (203.0.113.0/24 stands for it) sends no ARP. Only when the range is named
// local is its MAC bound to its address; --all-addresses decodes public
// hosts but, rightly, binds no MAC to them.
func TestLocalRangesBindLikePrivate(t *testing.T) {
	nvr, addr := "48:ea:63:1c:20:08", "203.0.113.40"
	site := netip.MustParsePrefix("203.0.113.0/24")
	for _, c := range []struct {
		name        string
		opt         Options
		bound, open bool
	}{
		{"default", Options{}, false, false},
		{"all addresses", Options{AllAddresses: true}, false, true},
		{"local", Options{Local: []netip.Prefix{site}}, true, true},
		{"local, mapped form", Options{Local: []netip.Prefix{netip.MustParsePrefix("::ffff:203.0.113.0/120")}}, true, true},
		{"other range", Options{Local: []netip.Prefix{netip.MustParsePrefix("203.0.114.0/24")}}, false, false},
	} {
		r, _ := readCapture(t, "public-site.pcap", c.opt)
		if got := r.binds("link.ip", nvr, addr); got != c.bound {
			t.Errorf("%s: bound %v, want %v", c.name, got, c.bound)
		}
		if got := r.has(addr, "tcp.open", "554"); got != c.open {
			t.Errorf("%s: port 554 seen %v, want %v", c.name, got, c.open)
		}
	}
}

func TestLocalRangesHold(t *testing.T) {
	lr := newLocalRanges([]netip.Prefix{netip.MustParsePrefix("130.225.0.0/16"), netip.MustParsePrefix("2001:878::/32")})
	for a, want := range map[string]bool{"130.225.7.9": true, "130.226.0.1": false, "2001:878:1::5": true, "2001:879::5": false} {
		ip := netip.MustParseAddr(a)
		if got := lr.holds(ip.AsSlice()); got != want {
			t.Errorf("%s: %v, want %v", a, got, want)
		}
	}
	all := newLocalRanges([]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")})
	if !all.holds([]byte{8, 8, 8, 8}) || all.holds(netip.MustParseAddr("2001::1").AsSlice()) {
		t.Error("0.0.0.0/0 holds every IPv4 address and no IPv6 one")
	}
}

package pcap

import (
	"encoding/binary"
	"hash/crc32"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
)

// 80211-icmp_CUT.pcap (realdata §25): monitor-mode radiotap capture of a
// channel with an open network (10.1.1.0/24) and protected ones. What
// tshark shows: ARP 10.1.1.1 is-at 90:9f:33:9a:47:34 (from the AP), and the
// reply of 10.1.1.38 (28:27:bf:ef:3f:6c) in a QoS data frame to it; TTL-64
// TCP and DNS of 10.1.1.38 and of 192.168.0.85 (b4:f7:a1:f7:31:4f); TTL-128
// SSDP of 10.1.1.2 (74:27:ea:4a:e7:34) relayed by the AP; DNS queries and TLS
// server names; every frame with its FCS (radiotap flag 0x10).
func TestRadiotapCapture(t *testing.T) {
	r, st := readCapture(t, "airodump-wifi/80211-icmp_CUT.pcap", Options{})
	if st.Packets != 1200 || st.Skipped != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, b := range []struct{ key, mac, ip string }{
		{"arp.mac", "90:9f:33:9a:47:34", "10.1.1.1"},
		{"arp.mac", "28:27:bf:ef:3f:6c", "10.1.1.38"},
		{"arp.mac", "00:17:c3:1f:86:2a", "172.30.1.254"},
		{"arp.mac", "c0:d3:c0:12:66:49", "172.30.19.74"},
		{"arp.mac", "94:8b:c1:db:4d:cc", "172.30.117.138"},
		{"link.ip", "28:27:bf:ef:3f:6c", "10.1.1.38"},
		{"link.ip", "b4:f7:a1:f7:31:4f", "192.168.0.85"},
		{"link.ip", "74:27:ea:4a:e7:34", "10.1.1.2"},
	} {
		if !r.binds(b.key, b.mac, b.ip) {
			t.Errorf("no %s %s %s", b.key, b.mac, b.ip)
		}
	}
	for _, q := range []struct{ ip, key, value string }{
		{"10.1.1.38", "dns.query", "ps.pndsn.com"},
		{"10.1.1.38", "tls.sni", "ps.pndsn.com"},
		{"10.1.1.38", "dns.query", "googleads.g.doubleclick.net"},
		{"192.168.0.85", "dns.query", "www.googleapis.com"},
	} {
		if !r.has(q.ip, q.key, q.value) {
			t.Errorf("no %s %s=%s", q.ip, q.key, q.value)
		}
	}
	// The source addresses of the data frames (tshark -e wlan.sa), 13 of
	// them in protected frames only: each is a device, the routed
	// (TTL 241, 54, ...) servers behind the AP are not bound to it.
	want := []string{"00:17:c3:1f:86:2a", "00:30:0d:8d:81:20", "04:4b:ed:f0:ba:32", "06:30:0d:8d:9f:41",
		"28:27:bf:ef:3f:6c", "2c:21:72:93:df:00", "2c:21:72:93:df:05", "2c:21:72:93:df:08", "5c:70:a3:20:e4:7d",
		"74:27:ea:4a:e7:34", "88:78:73:49:25:5a", "90:9f:33:9a:47:34", "94:8b:c1:db:4d:cc", "b4:f7:a1:f7:31:4f",
		"c0:d3:c0:12:66:49", "e4:42:a6:a1:0b:1c", "e4:42:a6:a1:ab:12", "e4:42:a6:a1:ab:71", "e8:8d:28:2e:39:7c",
		"f8:63:3f:0a:b6:1c", "f8:e6:1a:16:74:80"}
	var senders []string
	for _, o := range r.obs {
		if o.Key == "link.mac" && !slices.Contains(senders, o.Value) {
			senders = append(senders, o.Value)
		}
		if o.Key == "link.ip" && o.MAC.String() == "90:9f:33:9a:47:34" {
			t.Errorf("a routed address bound to the AP: %+v", o)
		}
	}
	slices.Sort(senders)
	if !slices.Equal(senders, want) {
		t.Errorf("senders %q,\nwant %q", senders, want)
	}
}

// wpa2-psk-linksys.pcap (realdata §26): bare 802.11 (link type 105), a
// WPA2-PSK association. Nothing is readable but the EAPOL handshake; the
// station 00:13:ce:55:98:ef (null-data and protected frames), the AP
// 00:0b:86:c2:a4:85 (EAPOL from the AP itself) and a host behind the AP,
// 00:0f:66:e3:e4:01 (protected frames only), are devices by their MAC; the
// AP's 85 beacons and 6 probe responses name its network, once (tshark:
// wlan.ssid "linksys"), and nothing else is said of them. The station's
// probe requests name the network it looks for, which is not its own.
func TestProtectedWifiCapture(t *testing.T) {
	r, st := readCapture(t, "aircrack-ng/wpa2-psk-linksys.pcap", Options{})
	if st.Packets != 499 || st.Skipped != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, mac := range []string{"00:13:ce:55:98:ef", "00:0b:86:c2:a4:85", "00:0f:66:e3:e4:01"} {
		if got := r.macOnly(mac); !slices.Contains(got, "link.mac="+mac) {
			t.Errorf("%s: %q", mac, got)
		}
	}
	var said []string
	for _, o := range r.obs {
		if o.Key != "link.mac" {
			said = append(said, o.MAC.String()+" "+o.Key+"="+o.Value)
		}
	}
	if want := []string{"00:0b:86:c2:a4:85 wifi.ssid=linksys"}; !slices.Equal(said, want) {
		t.Errorf("said %q, want %q", said, want)
	}
}

// The same radiotap capture's management frames (tshark -Y wlan.fc.type==0):
// a Kaonmedia CT1100 station's probe request carries a WPS element
// (Manufacturer Kaonmedia, Model Name and Number CT1100, Device Name
// Hi3798CV200, the HiSilicon chip it is built on, Primary Device Type
// 10.5); access points' beacons and probe responses name their networks,
// two with WPS elements of Realtek's reference firmware. Hidden networks
// (a name of NULs: 04:8d:38:60:73:0f, e4:be:ed:28:3b:3b) and probe
// requests' network names (what a station looks for) are not read.
func TestWifiManagementFrames(t *testing.T) {
	r, _ := readCapture(t, "airodump-wifi/80211-icmp_CUT.pcap", Options{})
	got := map[string][]string{}
	for _, o := range r.obs {
		if strings.HasPrefix(o.Key, "wps.") || o.Key == "wifi.ssid" {
			got[o.MAC.String()] = append(got[o.MAC.String()], o.Key+"="+o.Value)
		}
	}
	want := map[string][]string{
		"bc:14:ef:df:e1:74": {"wps.manufacturer=Kaonmedia", "wps.model_name=CT1100", "wps.model_number=CT1100", "wps.device_name=Hi3798CV200", "wps.device_type=10.5"},
		"18:64:72:1c:03:60": {"wifi.ssid=Rich_Gangnam_Mirim4F#6"},
		"68:86:a7:a1:f6:00": {"wifi.ssid=BoB"},
		"f0:29:29:14:c7:00": {"wifi.ssid=BoB"},
		"f0:29:29:14:d4:c0": {"wifi.ssid=BoB"},
		"90:9f:33:b4:71:de": {"wifi.ssid=ssofard123"},
		"04:8d:38:60:73:10": {"wifi.ssid=SO070VOIP730E", "wps.device_type=6.1", "wps.device_name=RTL8196d"},
		"90:9f:33:9a:47:36": {"wifi.ssid=BoBMil", "wps.manufacturer=Realtek Semiconductor Corp.", "wps.model_name=RTL8xxx",
			"wps.model_number=EV-2009-02-06", "wps.serial=123456789012347", "wps.device_type=6.1", "wps.device_name=Realtek Wireless AP"},
	}
	for mac, w := range want {
		g := slices.Clone(got[mac])
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("%s: %q, want %q", mac, g, w)
		}
	}
	for mac := range got {
		if _, ok := want[mac]; !ok {
			t.Errorf("%s: unexpected %q", mac, got[mac])
		}
	}
}

// The first frames of the real radiotap capture: the Flags field is found
// behind extended present words and says the FCS is there.
func TestRadiotapFlagsOfRealFrames(t *testing.T) {
	frames := realWifiFrames(t, 50)
	for i, f := range frames {
		n := int(binary.LittleEndian.Uint16(f[2:4]))
		flags, ok := radiotapFlagsField(f[:n])
		if !ok || flags != radiotapFCS {
			t.Fatalf("frame %d (radiotap %d bytes): flags %#x %v, tshark says 0x10", i+1, n, flags, ok)
		}
	}
}

func realWifiFrames(t testing.TB, max int) [][]byte {
	t.Helper()
	r := openPcap(t, "airodump-wifi/80211-icmp_CUT.pcap")
	var frames [][]byte
	eachPacket(t, r, func(data []byte, _ gopacket.CaptureInfo) { frames = append(frames, data) })
	return frames[:min(max, len(frames))]
}

// wifiForm wraps an Ethernet frame's payload in one form of 802.11 data
// frame, with the Ethernet source and destination as SA and DA.
type wifiForm struct {
	name string
	link layers.LinkType
	wrap func(dst, src []byte, etherType uint16, payload []byte) []byte
}

var bssid = []byte{0x02, 0xb5, 0x51, 0xd0, 0x00, 0x01}

// dot11Data builds a data frame: subtype, flags, the address fields, QoS
// and HT control when asked, then LLC/SNAP and the payload.
func dot11Data(subtype, flags byte, addrs [][]byte, qos []byte, etherType uint16, payload []byte) []byte {
	f := append(dot11Header(subtype, flags, addrs), qos...)
	f = append(f, snapHeader[:]...)
	f = binary.BigEndian.AppendUint16(f, etherType)
	return append(f, payload...)
}

// dot11Header is the header of a data frame up to its QoS control.
func dot11Header(subtype, flags byte, addrs [][]byte) []byte {
	f := []byte{subtype<<4 | dot11TypeData<<2, flags, 0x2c, 0}
	for i, a := range addrs {
		f = append(f, a...)
		if i == 2 {
			f = append(f, 0x10, 0x00) // sequence control
		}
	}
	return f
}

// amsduHeader is the header of an A-MSDU subframe of n bytes.
func amsduHeader(dst, src []byte, n int) []byte {
	return binary.BigEndian.AppendUint16(append(append([]byte(nil), dst...), src...), uint16(n))
}

func withFCS(f []byte) []byte {
	return binary.LittleEndian.AppendUint32(f, crc32.ChecksumIEEE(f))
}

var wifiForms = []wifiForm{
	{"to the AP, bare", layers.LinkTypeIEEE802_11, func(dst, src []byte, et uint16, p []byte) []byte {
		return dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, p)
	}},
	{"from the AP, QoS, radiotap without flags", layers.LinkTypeIEEE80211Radio, func(dst, src []byte, et uint16, p []byte) []byte {
		rt := []byte{0, 0, 12, 0, 0x04, 0, 0, 0, 0x6c, 0x09, 0xa0, 0x00} // present: channel only
		return append(rt, dot11Data(8, dot11FromDS, [][]byte{dst, bssid, src}, []byte{0x05, 0}, et, p)...)
	}},
	{"QoS+HT control, radiotap TSFT, flags FCS", layers.LinkTypeIEEE80211Radio, func(dst, src []byte, et uint16, p []byte) []byte {
		rt := []byte{0, 0, 17, 0, 0x03, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, radiotapFCS}
		f := dot11Data(8, dot11ToDS|dot11Order, [][]byte{bssid, src, dst}, []byte{0, 0, 0xde, 0xad, 0xbe, 0xef}, et, p)
		return append(rt, withFCS(f)...)
	}},
	{"QoS, radiotap flags data pad", layers.LinkTypeIEEE80211Radio, func(dst, src []byte, et uint16, p []byte) []byte {
		rt := []byte{0, 0, 9, 0, 0x02, 0, 0, 0, radiotapDataPad}
		return append(rt, dot11Data(8, dot11ToDS, [][]byte{bssid, src, dst}, []byte{0, 0, 0, 0}, et, p)...) // 26-byte header, 2 bytes of pad
	}},
	{"A-MSDU of one subframe", layers.LinkTypeIEEE802_11, func(dst, src []byte, et uint16, p []byte) []byte {
		qos := append([]byte{dot11AMSDU, 0}, amsduHeader(dst, src, 8+len(p))...)
		return dot11Data(8, dot11ToDS, [][]byte{bssid, bssid, bssid}, qos, et, p)
	}},
	{"WDS, extended present words", layers.LinkTypeIEEE80211Radio, func(dst, src []byte, et uint16, p []byte) []byte {
		rt := []byte{0, 0, 25, 0, 0x03, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, radiotapFCS}
		f := dot11Data(0, dot11ToDS|dot11FromDS, [][]byte{bssid, bssid, dst, src}, nil, et, p)
		return append(rt, withFCS(f)...)
	}},
	{"PPI, 802.11-common field saying FCS", layers.LinkType(linkPPI), func(dst, src []byte, et uint16, p []byte) []byte {
		f := dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, p)
		return append(ppiHeader(ppiFCSPresent), withFCS(f)...)
	}},
	{"PPI, no fields", layers.LinkType(linkPPI), func(dst, src []byte, et uint16, p []byte) []byte {
		h := []byte{0, 0, 8, 0, byte(linkIEEE80211), 0, 0, 0}
		return append(h, dot11Data(8, dot11FromDS, [][]byte{dst, bssid, src}, []byte{0, 0}, et, p)...)
	}},
	{"Prism", layers.LinkTypePrismHeader, func(dst, src []byte, et uint16, p []byte) []byte {
		h := make([]byte, prismHeaderLen)
		binary.LittleEndian.PutUint32(h[0:4], 0x44) // DIDmsg_lnxind_wlansniffrm
		binary.LittleEndian.PutUint32(h[4:8], prismHeaderLen)
		copy(h[8:], "wlan0")
		return append(h, dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, p)...)
	}},
	{"AVS", layers.LinkType(linkAVS), func(dst, src []byte, et uint16, p []byte) []byte {
		return append(avsHeader(), dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, p)...)
	}},
	{"AVS in a Prism link type", layers.LinkTypePrismHeader, func(dst, src []byte, et uint16, p []byte) []byte {
		return append(avsHeader(), dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, p)...)
	}},
	{"IBSS", layers.LinkTypeIEEE802_11, func(dst, src []byte, et uint16, p []byte) []byte {
		return dot11Data(0, 0, [][]byte{dst, src, bssid}, nil, et, p)
	}},
}

// A real Ethernet capture (a camera set up by its phone app: DHCP, mDNS,
// ARP, HTTP) carried in every form of 802.11 data frame gives the very
// observations and counts that Ethernet gives.
func TestWifiFramesReadLikeEthernet(t *testing.T) {
	const name = "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap"
	want, wantStats := readCapture(t, name, Options{})
	if !want.has("10.10.10.51", "mdns.txt", "IC-3115W Network Camera") || !want.has("", "dhcp.prl", "*") || !want.has("", "ssdp.server", "*") {
		t.Fatal("the Ethernet reading lacks the camera's mDNS, DHCP and SSDP")
	}
	for i, form := range wifiForms {
		t.Run(form.name, func(t *testing.T) {
			got := &recorder{}
			d := NewDecoder(got.emit, Options{})
			r := openPcap(t, name)
			n := 0
			eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
				if isVLANTag(binary.BigEndian.Uint16(data[12:14])) {
					t.Fatal("a tagged frame: Wi-Fi carries none")
				}
				link, frame := layers.LinkTypeEthernet, data
				if n%2 == 0 || i == 0 { // mixed with Ethernet, as a pcapng of two interfaces may be
					link, frame = form.link, form.wrap(data[0:6], data[6:12], binary.BigEndian.Uint16(data[12:14]), data[14:])
				}
				d.Packet(link, ci.Timestamp, frame)
				n++
			})
			d.Flush()
			st := d.Stats()
			st.Bytes = wantStats.Bytes
			if st != wantStats {
				t.Errorf("stats %+v, want %+v", st, wantStats)
			}
			if !slices.Equal(got.obs, want.obs) {
				t.Errorf("%d observations, want %d", len(got.obs), len(want.obs))
				for j := range min(len(got.obs), len(want.obs)) {
					if got.obs[j] != want.obs[j] {
						t.Fatalf("first difference at %d: %+v, want %+v", j, got.obs[j], want.obs[j])
					}
				}
			}
		})
	}
}

// Two Ethernet frames at a time, aggregated in one A-MSDU (the first
// subframe padded to 4 bytes), give the observations of the Ethernet
// capture, their times aside (the pair takes the second frame's).
func TestAMSDUOfTwoFrames(t *testing.T) {
	const name = "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap"
	want, _ := readCapture(t, name, Options{})
	got := &recorder{}
	d := NewDecoder(got.emit, Options{})
	r := openPcap(t, name)
	var pending []byte
	var last time.Time
	send := func(subframes []byte) {
		f := append(dot11Header(8, dot11FromDS, [][]byte{bssid, bssid, bssid}), dot11AMSDU, 0)
		d.Packet(layers.LinkTypeIEEE802_11, last, append(f, subframes...))
	}
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		sub := append(amsduHeader(data[0:6], data[6:12], 8+len(data)-14), snapHeader[:]...)
		sub = append(append(sub, data[12:14]...), data[14:]...)
		last = ci.Timestamp
		if pending == nil {
			pending = append(sub, make([]byte, (4-len(sub)%4)%4)...)
			return
		}
		send(append(pending, sub...))
		pending = nil
	})
	if pending != nil {
		send(pending)
	}
	d.Flush()
	untimed := func(obs []observe.Observation) []observe.Observation {
		out := slices.Clone(obs)
		for i := range out {
			out[i].Time = time.Time{}
		}
		return out
	}
	if g, w := untimed(got.obs), untimed(want.obs); !slices.Equal(g, w) {
		t.Errorf("%d observations, want %d:\n%+v\nwant\n%+v", len(g), len(w), g, w)
	}
}

// What carries no readable payload says only that its sender exists: a
// protected frame, a null-data frame, an A-MSDU, another LLC protocol. A
// frame whose FCS failed says nothing; management and control frames are
// passed by without counting as skipped; a truncated header is skipped.
func TestWifiFramesWithoutPayload(t *testing.T) {
	sta := []byte{0x30, 0x49, 0x9e, 0x51, 0xc2, 0x07}
	dst := []byte{0x02, 0, 0, 0, 0, 9}
	arp := make([]byte, 28)
	ts := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		link    layers.LinkType
		frame   []byte
		sender  bool
		skipped bool
	}{
		{"protected", 105, dot11Data(0, dot11ToDS|dot11Protected, [][]byte{bssid, sta, dst}, nil, etherARP, arp), true, false},
		{"protected QoS, cut after the addresses", 105, dot11Data(8, dot11ToDS|dot11Protected|dot11Order, [][]byte{bssid, sta, dst}, nil, 0, nil)[:24], true, false},
		{"null data", 105, dot11Data(4, dot11ToDS, [][]byte{bssid, sta, dst}, nil, 0, nil)[:24], true, false},
		{"QoS null", 105, dot11Data(12, dot11ToDS, [][]byte{bssid, sta, dst}, []byte{0, 0}, 0, nil)[:26], true, false},
		{"A-MSDU, other LLC", 105, dot11Data(8, dot11ToDS, [][]byte{bssid, sta, dst}, append([]byte{dot11AMSDU, 0}, amsduHeader(dst, sta, 3)...), 0, nil)[:26+14+3], true, false},
		{"A-MSDU, cut subframe", 105, dot11Data(8, dot11ToDS, [][]byte{bssid, sta, dst}, append([]byte{dot11AMSDU, 0}, amsduHeader(dst, sta, 40)...), etherARP, arp), false, true},
		{"A-MSDU, cut subframe header", 105, dot11Data(8, dot11ToDS, [][]byte{bssid, sta, dst}, []byte{dot11AMSDU, 0}, 0, nil)[:26+13], false, true},
		{"not SNAP", 105, append(dot11Data(0, dot11ToDS, [][]byte{bssid, sta, dst}, nil, 0, nil)[:24], 0x42, 0x42, 0x03), true, false},
		{"bad FCS", 127, append([]byte{0, 0, 9, 0, 0x02, 0, 0, 0, radiotapFCS | radiotapBadFCS},
			withFCS(dot11Data(0, dot11ToDS, [][]byte{bssid, sta, dst}, nil, etherARP, arp))...), false, true},
		{"beacon", 105, append([]byte{0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, append(append([]byte(nil), sta...), sta...)...), false, false},
		{"ack", 105, append([]byte{0xd4, 0, 0, 0}, sta...), false, false},
		{"short header", 105, dot11Data(0, dot11ToDS, [][]byte{bssid, sta, dst}, nil, 0, nil)[:23], false, true},
		{"short WDS header", 105, dot11Data(0, dot11ToDS|dot11FromDS, [][]byte{bssid, sta, dst}, nil, 0, nil)[:26], false, true},
		{"version 1", 105, append([]byte{0x09}, dot11Data(0, dot11ToDS, [][]byte{bssid, sta, dst}, nil, etherARP, arp)[1:]...), false, true},
		{"radiotap longer than frame", 127, []byte{0, 0, 200, 0, 0, 0, 0, 0, 1, 2}, false, true},
		{"radiotap version 1", 127, []byte{1, 0, 8, 0, 0, 0, 0, 0}, false, true},
	} {
		r := &recorder{}
		d := NewDecoder(r.emit, Options{})
		d.Packet(c.link, ts, c.frame)
		var want []observe.Observation
		if c.sender {
			want = []observe.Observation{{Time: ts, Probe: "pcap", MAC: observe.MAC(sta), Key: "link.mac", Value: observe.MAC(sta).String()}}
		}
		if !slices.Equal(r.obs, want) {
			t.Errorf("%s: %+v, want %+v", c.name, r.obs, want)
		}
		if got := d.Stats().Skipped == 1; got != c.skipped {
			t.Errorf("%s: skipped %v, want %v", c.name, got, c.skipped)
		}
	}
}

// FuzzDot11 feeds arbitrary bytes as bare and radiotap 802.11 frames: no
// panic, no read past the frame, and a frame is either decoded or skipped.
func FuzzDot11(f *testing.F) {
	for _, fr := range realWifiFrames(f, 40) {
		f.Add(fr)
	}
	sta, dst := []byte{0x30, 0x49, 0x9e, 0x51, 0xc2, 0x07}, []byte{0x02, 0, 0, 0, 0, 9}
	for _, form := range wifiForms {
		f.Add(form.wrap(dst, sta, etherARP, make([]byte, 28)))
	}
	ts := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(func(observe.Observation) {}, Options{MaxFlows: 4})
		d.Packet(layers.LinkTypeIEEE80211Radio, ts, data)
		d.Packet(layers.LinkTypeIEEE802_11, ts, data)
		if len(data) >= 4 {
			d.Packet(layers.LinkTypeIEEE80211Radio, ts, data[:len(data)-4])
		}
		d.Flush()
		if st := d.Stats(); st.Skipped > st.Packets {
			t.Fatalf("stats %+v", st)
		}
	})
}

// ppiHeader is a PPI header for 802.11 with one 802.11-common field
// (20 bytes: TSF timer, flags, rate, channel frequency and flags, FHSS,
// signal and noise) carrying the flags.
func ppiHeader(flags uint16) []byte {
	h := []byte{0, 0, 32, 0, byte(linkIEEE80211), 0, 0, 0, ppi80211Common, 0, 20, 0}
	field := make([]byte, 20)
	binary.LittleEndian.PutUint16(field[8:10], flags)
	binary.LittleEndian.PutUint16(field[12:14], 2437) // channel 6
	return append(h, field...)
}

// avsHeader is an AVS version 2 header (64 bytes, big-endian).
func avsHeader() []byte {
	h := make([]byte, 64)
	binary.BigEndian.PutUint32(h[0:4], avsMagic|1)
	binary.BigEndian.PutUint32(h[4:8], 64)
	return h
}

// TestRadioHeaderNearMisses: a PPI frame whose FCS check failed is corrupt
// and read as nothing, nor is a radio header whose length runs past the
// frame, nor a PPI header naming a link type that carries no MACs.
func TestRadioHeaderNearMisses(t *testing.T) {
	station := []byte{0x02, 0xb5, 0x51, 0xd0, 0x00, 0x42}
	frame := dot11Data(0, dot11ToDS, [][]byte{bssid, station, bssid}, nil, etherARP, make([]byte, 28))
	longAVS := avsHeader()
	binary.BigEndian.PutUint32(longAVS[4:8], 4096)
	for _, c := range []struct {
		name   string
		link   layers.LinkType
		packet []byte
	}{
		{"PPI, FCS bad", layers.LinkType(linkPPI), append(ppiHeader(ppiFCSPresent|ppiFCSBad), withFCS(frame)...)},
		{"PPI, length past the frame", layers.LinkType(linkPPI), []byte{0, 0, 200, 0, byte(linkIEEE80211), 0, 0, 0}},
		{"PPI, raw IP", layers.LinkType(linkPPI), append([]byte{0, 0, 8, 0, byte(linkRaw), 0, 0, 0}, frame...)},
		{"AVS, length past the frame", layers.LinkType(linkAVS), append(longAVS, frame...)},
		{"Prism, short", layers.LinkTypePrismHeader, frame},
	} {
		rec := &recorder{}
		d := NewDecoder(rec.emit, Options{})
		d.Packet(c.link, time.Unix(1, 0), c.packet)
		if len(rec.obs) != 0 || d.Stats().Skipped != 1 {
			t.Errorf("%s: %d observations, %d skipped; want none read", c.name, len(rec.obs), d.Stats().Skipped)
		}
	}
}

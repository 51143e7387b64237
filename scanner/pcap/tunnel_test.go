package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
)

// TestRemoteMirrorCaptures reads real captures of remote mirrors (Zeek's test
// traces, testdata/realdata/zeek, SOURCES.md §23): the hosts inside the
// tunnel are found with their MACs, as tshark shows them, and the outer
// endpoints still are too.
func TestRemoteMirrorCaptures(t *testing.T) {
	type binding struct{ key, mac, ip string }
	for _, c := range []struct {
		file    string
		senders []string  // link.mac: outer endpoint first, then the inner hosts
		binds   []binding // bindings of inner (and outer) hosts
		vlan    uint16    // VLAN of the inner hosts' observations
		outer   uint16    // VLAN of the outer endpoint's
	}{
		{file: "erspanI.pcap", // ERSPAN type I: GRE 0x88be without a sequence number, no ERSPAN header
			senders: []string{"f8:c2:88:be:ef:1c", "00:0c:29:cf:30:15", "a6:83:e7:0c:90:64"},
			binds:   []binding{{"link.ip", "f8:c2:88:be:ef:1c", "192.168.1.1"}, {"link.ip", "00:0c:29:cf:30:15", "172.16.133.2"}}},
		{file: "erspanII.pcap", // ERSPAN type II, public addresses inside: MACs only
			senders: []string{"64:00:f1:e2:01:01", "64:00:f1:e1:02:02", "64:00:f1:e1:03:03"}},
		{file: "erspanIII.pcap",
			senders: []string{"00:35:1a:f3:9d:44", "00:50:56:be:d5:5d", "02:50:56:56:44:52"}},
		{file: "gre-erspan3-dot1q.pcap", // ERSPAN type III carrying an 802.1Q-tagged frame (VLAN 10)
			senders: []string{"00:ae:cd:00:07:c7", "00:ae:cd:00:0c:f1", "00:50:56:8b:6d:c7"},
			binds: []binding{{"link.ip", "00:ae:cd:00:07:c7", "172.31.1.23"},
				{"link.ip", "00:ae:cd:00:0c:f1", "172.31.10.31"}, {"link.ip", "00:50:56:8b:6d:c7", "172.31.10.2"}},
			vlan: 10},
		{file: "vxlan.pcap", // VXLAN carrying ARP and ICMP between 10.0.0.1 and 10.0.0.2
			senders: []string{"08:00:27:ae:4d:62", "08:00:27:f2:1d:8c", "ba:09:2b:6e:f8:be", "4a:7f:01:3b:a2:71"},
			binds: []binding{{"link.ip", "08:00:27:ae:4d:62", "192.168.56.11"},
				{"arp.mac", "ba:09:2b:6e:f8:be", "10.0.0.1"}, {"arp.mac", "4a:7f:01:3b:a2:71", "10.0.0.2"},
				{"link.ip", "ba:09:2b:6e:f8:be", "10.0.0.1"}, {"link.ip", "4a:7f:01:3b:a2:71", "10.0.0.2"}}},
		{file: "gre-sample.pcap", // IP over GRE (routed): the far end's hosts have no MAC
			senders: []string{"00:02:2d:56:4a:fd"},
			binds:   []binding{{"link.ip", "00:02:2d:56:4a:fd", "172.27.1.66"}}},
		{file: "gre-aruba_CUT.pcap", // an Aruba AP's GRE (0x8200) carrying its client's 802.11 frames
			senders: []string{"f0:5c:19:cf:c8:d6", "5c:5f:67:02:2e:7a"},
			binds:   []binding{{"link.ip", "f0:5c:19:cf:c8:d6", "10.3.34.171"}, {"link.ip", "5c:5f:67:02:2e:7a", "10.37.36.92"}},
			outer:   300},
		{file: "gre-aruba-ccmp.pcap", // Aruba GRE 0x8300, protected frames: the sender alone
			senders: []string{"00:1a:1e:02:fe:b0", "88:e0:f3:7f:ae:c0"}, outer: 22},
		{file: "gre-aruba-amsdu.pcap", // Aruba GRE 0x8240, an A-MSDU
			senders: []string{"00:1a:1e:02:fe:b0", "88:e0:f3:7f:ae:c0"}, outer: 22},
		{file: "geneve.pcap", // Geneve (UDP 6081) carrying ICMP between public addresses: MACs only
			senders: []string{"00:1b:21:3c:ab:64", "b2:1a:43:d5:fa:4c", "76:b5:d5:0a:a6:41"}},
		{file: "vxlan-encapsulated-http.pcap", // VXLAN carrying a curl HTTP request to eu.httpbin.org
			senders: []string{"12:42:cd:c5:e8:22", "48:f1:7f:a3:b6:ff", "74:ac:b9:3f:d2:7d"},
			binds:   []binding{{"link.ip", "12:42:cd:c5:e8:22", "10.1.200.131"}, {"link.ip", "48:f1:7f:a3:b6:ff", "172.16.11.201"}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			r, st := readCapture(t, "zeek/"+c.file, Options{})
			if st.Skipped != 0 {
				t.Errorf("%d packets skipped", st.Skipped)
			}
			for i, mac := range c.senders {
				vlan := c.vlan
				if i == 0 {
					vlan = c.outer // the outer endpoint is on the capture's own link
				}
				if !r.sent(mac, vlan) {
					t.Errorf("no link.mac %s on VLAN %d", mac, vlan)
				}
			}
			for _, b := range c.binds {
				if !r.binds(b.key, b.mac, b.ip) {
					t.Errorf("no %s %s %s", b.key, b.mac, b.ip)
				}
			}
			if c.file == "gre-aruba_CUT.pcap" && !r.has("10.37.36.92", "http.request_host", "zeek.org") {
				t.Error("the Wi-Fi client's HTTP request inside the Aruba tunnel was not decoded")
			}
			if c.file == "gre-sample.pcap" && !r.has("172.28.2.3", "tcp.open", "22") {
				t.Error("the SSH server inside the routed tunnel was not decoded")
			}
			if c.file == "vxlan-encapsulated-http.pcap" && !r.has("172.16.11.201", "http.request_host", "eu.httpbin.org") {
				t.Error("the HTTP request inside the tunnel was not decoded")
			}
		})
	}
}

func (r *recorder) sent(mac string, vlan uint16) bool {
	for _, o := range r.obs {
		if o.Key == "link.mac" && o.MAC.String() == mac && o.VLAN == vlan {
			return true
		}
	}
	return false
}

// TestTunnelDepthBound reads Zeek's vxlan-triple-v2.pcap, a DNS query in
// VXLAN in VXLAN in VXLAN (outer 1.1.1.1, then 2.2.2.2, 3.3.3.3, and the
// query from 4.4.4.4): the decoder unwraps maxTunnelDepth levels and no more.
func TestTunnelDepthBound(t *testing.T) {
	d := NewDecoder(func(observe.Observation) {}, Options{})
	var sources []string
	d.inspect = func(uint8, []byte) { sources = append(sources, toAddr(d.p.src).String()) }
	r := openPcap(t, "zeek/vxlan-triple-v2.pcap")
	data, ci, err := r.ReadPacketData()
	if err != nil {
		t.Fatal(err)
	}
	d.Packet(r.LinkType(), ci.Timestamp, data)
	if want := []string{"1.1.1.1", "2.2.2.2", "3.3.3.3"}; !slices.Equal(sources, want) || len(want) != maxTunnelDepth+1 {
		t.Fatalf("decoded IP headers from %v, want %v", sources, want)
	}
	if d.stats.Skipped != 0 {
		t.Fatal("the packet counted as skipped")
	}
}

// The encapsulations a remote mirror uses, built in the test around a real
// frame: outer Ethernet and IPv4 (or IPv6) from 192.0.2.1 to 192.0.2.2
// (documentation addresses), then the tunnel headers as the specifications
// lay them out.
var mirrorWraps = []struct {
	name string
	wrap func(frame []byte) []byte
}{
	{"gre-teb", func(f []byte) []byte { return outerIPv4(ipGRE, greHeader(0, greTEB, f)) }},
	{"gre-teb-checksum-key", func(f []byte) []byte {
		return outerIPv4(ipGRE, greHeader(0xa000, greTEB, f)) // C and K: 8 more header bytes
	}},
	{"erspan-1", func(f []byte) []byte { return outerIPv4(ipGRE, greHeader(0, greERSPAN2, f)) }},
	{"erspan-2", func(f []byte) []byte {
		h := []byte{0x10, 0x07, 0x08, 0x2a, 0, 0, 0, 1} // version 1, VLAN 7, En 2 (tags kept), session 42, index 1
		return outerIPv4(ipGRE, greHeader(0x1000, greERSPAN2, append(h, f...)))
	}},
	{"erspan-3", func(f []byte) []byte {
		h := []byte{0x20, 0x07, 0, 0x2a, 1, 2, 3, 4, 0, 0, 0x00, 0x01} // version 2, timestamp, FT 0 (Ethernet), O set
		h = append(h, 0x08, 0, 0, 0, 0, 0, 0, 0)                       // the platform subheader O announces
		return outerIPv4(ipGRE, greHeader(0x1000, greERSPAN3, append(h, f...)))
	}},
	{"vxlan", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(vxlanPort, vxlanHeader(f))) }},
	{"vxlan-ipv6", func(f []byte) []byte { return outerIPv6(ipUDP, udpHeader(vxlanPort, vxlanHeader(f))) }},
	{"tzsp", func(f []byte) []byte {
		h := []byte{1, 0, 0, 1, 10, 1, 0xc4, 0, 1} // version 1, received, Ethernet; tag 10 (signal) length 1; padding; end
		return outerIPv4(ipUDP, udpHeader(tzspPort, append(h, f...)))
	}},
	{"tzsp-80211", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(tzspPort, tzspDot11(f))) }},
	{"tzsp-prism", func(f []byte) []byte {
		h := []byte{1, 0, 0, 119, 1} // version 1, received, Prism header; end
		return outerIPv4(ipUDP, udpHeader(tzspPort, append(h, wifiFormNamed("Prism").wrap80211(f)...)))
	}},
	{"tzsp-avs", func(f []byte) []byte {
		h := []byte{1, 0, 0, 127, 1} // version 1, received, WLAN AVS; end
		return outerIPv4(ipUDP, udpHeader(tzspPort, append(h, wifiFormNamed("AVS").wrap80211(f)...)))
	}},
	{"vxlan-linux-8472", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(8472, vxlanHeader(f))) }},
	{"geneve", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(genevePort, geneveHeader(f))) }},
	// The same tunnels sent to ports no tunnel is registered for, as a
	// MikroTik streams TZSP wherever its user says (the real capture of
	// TestTZSPCapture went to 31337): recognised by their shape and the
	// first frame that checks out.
	{"tzsp-port-31337", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(31337, tzspEthernet(f))) }},
	{"tzsp-80211-port-9000", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(9000, tzspDot11(f))) }},
	{"vxlan-port-10000", func(f []byte) []byte { return outerIPv6(ipUDP, udpHeader(10000, vxlanHeader(f))) }},
	{"tzsp-prism-port-9100", func(f []byte) []byte {
		h := []byte{1, 0, 0, 119, 1} // version 1, received, Prism header; end
		return outerIPv4(ipUDP, udpHeader(9100, append(h, wifiFormNamed("Prism").wrap80211(f)...)))
	}},
	{"geneve-port-7000", func(f []byte) []byte { return outerIPv4(ipUDP, udpHeader(7000, geneveHeader(f))) }},
}

// tzspEthernet puts a TZSP header before an Ethernet frame: version 1,
// received, Ethernet; tag 10 (signal) length 1; padding; end.
func tzspEthernet(f []byte) []byte {
	return append([]byte{1, 0, 0, 1, 10, 1, 0xc4, 0, 1}, f...)
}

// tzspDot11 is a Wi-Fi sniffer's stream: the Ethernet frame as the station
// sent it to its access point (wifi_test.go's builder), encapsulation 18.
func tzspDot11(f []byte) []byte {
	dst, src, et := f[0:6], f[6:12], binary.BigEndian.Uint16(f[12:14])
	w := dot11Data(0, dot11ToDS, [][]byte{bssid, src, dst}, nil, et, f[14:])
	return append([]byte{1, 0, 0, 18, 1}, w...) // version 1, received, IEEE 802.11; end
}

// geneveHeader is a Geneve header with one 8-byte option (class 0x0103,
// type 0x80, 4 bytes of data): version 0, options length 2 words,
// protocol type Ethernet, VNI 4097.
func geneveHeader(frame []byte) []byte {
	h := []byte{0x02, 0, 0x65, 0x58, 0, 0x10, 0x01, 0, 0x01, 0x03, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef}
	return append(h, frame...)
}

var (
	outerSrcMAC = []byte{0x02, 0, 0x5e, 0, 0, 1}
	outerDstMAC = []byte{0x02, 0, 0x5e, 0, 0, 2}
)

func greHeader(flags, proto uint16, payload []byte) []byte {
	h := binary.BigEndian.AppendUint16(nil, flags)
	h = binary.BigEndian.AppendUint16(h, proto)
	for _, bit := range []uint16{0x8000, 0x2000, 0x1000} { // checksum, key, sequence number
		if flags&bit != 0 {
			h = append(h, 0, 0, 0, 9)
		}
	}
	return append(h, payload...)
}

func vxlanHeader(frame []byte) []byte {
	return append([]byte{0x08, 0, 0, 0, 0, 0x10, 0x01, 0}, frame...) // I flag, VNI 4097
}

func udpHeader(dstPort uint16, payload []byte) []byte {
	h := []byte{0xc3, 0x50, 0, 0, 0, 0, 0, 0} // from port 50000, checksum 0
	binary.BigEndian.PutUint16(h[2:4], dstPort)
	binary.BigEndian.PutUint16(h[4:6], uint16(8+len(payload)))
	return append(h, payload...)
}

func outerIPv4(proto uint8, payload []byte) []byte {
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2} // DF, TTL 64
	binary.BigEndian.PutUint16(ip[2:4], uint16(20+len(payload)))
	return outerEthernet(etherIPv4, append(ip, payload...))
}

func outerIPv6(proto uint8, payload []byte) []byte {
	ip := make([]byte, 40)
	ip[0], ip[6], ip[7] = 0x60, proto, 64
	binary.BigEndian.PutUint16(ip[4:6], uint16(len(payload)))
	copy(ip[8:], netip.MustParseAddr("2001:db8::1").AsSlice())
	copy(ip[24:], netip.MustParseAddr("2001:db8::2").AsSlice())
	return outerEthernet(etherIPv6, append(ip, payload...))
}

func outerEthernet(etherType uint16, payload []byte) []byte {
	f := append(append(append([]byte(nil), outerDstMAC...), outerSrcMAC...), byte(etherType>>8), byte(etherType))
	return append(f, payload...)
}

// rewrap rewrites a real Ethernet capture with every frame passed through
// wrap.
func rewrap(t testing.TB, name string, wrap func([]byte) []byte) []byte {
	t.Helper()
	r := openPcap(t, name)
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("%s is not Ethernet", name)
	}
	if wrap == nil {
		wrap = func(f []byte) []byte { return f }
	}
	return rewriteCapture(t, r, layers.LinkTypeEthernet, wrap)
}

// mirrorSource is the real capture wrapped: a D-Link camera set up from a
// phone (DHCP, ARP, mDNS, HNAP over HTTP), realdata §1.
const mirrorSource = "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"

// TestMirrorEncapsulations wraps every frame of a real capture in each
// remote-mirror encapsulation and checks that the observations are those of
// the capture read directly, plus the outer endpoint's own.
func TestMirrorEncapsulations(t *testing.T) {
	direct := facts(t, rewrap(t, mirrorSource, nil))
	if len(direct) < 20 {
		t.Fatalf("only %d observations from %s read directly", len(direct), mirrorSource)
	}
	outer := netip.MustParseAddr("192.0.2.1")
	for _, m := range mirrorWraps {
		t.Run(m.name, func(t *testing.T) {
			got := facts(t, rewrap(t, mirrorSource, m.wrap))
			if !slices.Contains(got, "02:00:5e:00:00:01 invalid IP 0 link.mac=02:00:5e:00:00:01 port=0") {
				t.Error("the outer endpoint is not reported")
			}
			inner := slices.DeleteFunc(slices.Clone(got), func(s string) bool {
				return bytes.HasPrefix([]byte(s), []byte("02:00:5e:00:00:01 ")) || bytes.Contains([]byte(s), []byte(" "+outer.String()+" "))
			})
			if !slices.Equal(inner, direct) {
				t.Errorf("wrapped: %d observations, direct: %d\nwrapped: %q\ndirect:  %q", len(inner), len(direct), inner, direct)
			}
		})
	}
}

// facts reads a capture and returns its observations, time aside, sorted.
func facts(t *testing.T, capture []byte) []string {
	t.Helper()
	var out []string
	st, err := Read(context.Background(), bytes.NewReader(capture), "test", int64(len(capture)), func(o observe.Observation) {
		out = append(out, fmt.Sprintf("%s %s %d %s=%s port=%d", o.MAC, o.IP, o.VLAN, o.Key, o.Value, o.Port))
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 0 {
		t.Errorf("%d packets skipped", st.Skipped)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestTunnelNearMisses: packets on the tunnel protocol or ports that are not
// a mirror of Ethernet are decoded as before, never as a frame.
func TestTunnelNearMisses(t *testing.T) {
	frame, ci, err := openPcap(t, mirrorSource).ReadPacketData() // the capture's first frame
	if err != nil {
		t.Fatal(err)
	}
	ipFrame := firstIPv4Frame(t) // the first frame is EAPOL
	for _, c := range []struct {
		name   string
		packet []byte
	}{
		{"gre-ipv4-not-ip", outerIPv4(ipGRE, greHeader(0, greIPv4, frame))},                                                                         // says IP, carries an Ethernet frame: nothing inside is read
		{"gre-pptp", outerIPv4(ipGRE, greHeader(0x3001, greTEB, frame))},                                                                            // version 1
		{"gre-routing", outerIPv4(ipGRE, greHeader(0x4000, greTEB, frame))},                                                                         // RFC 1701 source route
		{"erspan-3-ip-not-ip", outerIPv4(ipGRE, greHeader(0x1000, greERSPAN3, append([]byte{0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0}, frame...)))}, // FT 2 (bare IP), an Ethernet frame inside
		{"vxlan-no-vni", outerIPv4(ipUDP, udpHeader(vxlanPort, append([]byte{0, 0, 0, 0, 0, 0, 0, 0}, frame...)))},
		{"tzsp-token-ring", outerIPv4(ipUDP, udpHeader(tzspPort, append([]byte{1, 0, 0, 2, 1}, frame...)))},                  // encapsulation 2: not read
		{"geneve-ipv4", outerIPv4(ipUDP, udpHeader(genevePort, append([]byte{0, 0, 0x08, 0, 0, 0, 1, 0}, ipFrame[14:]...)))}, // an IP packet, no MACs
		{"geneve-version-1", outerIPv4(ipUDP, udpHeader(genevePort, append([]byte{0x40, 0, 0x65, 0x58, 0, 0, 1, 0}, frame...)))},
		// Tunnel-shaped headers on other ports whose frame does not check
		// out: ordinary datagrams, read as such.
		{"tzsp-shape-bad-ip-checksum", outerIPv4(ipUDP, udpHeader(31337, tzspEthernet(corruptIPChecksum(ipFrame))))},
		{"vxlan-shape-random", outerIPv4(ipUDP, udpHeader(5000, vxlanHeader(bytes.Repeat([]byte{0x45}, 60))))},
		{"geneve-shape-non-ip", outerIPv4(ipUDP, udpHeader(5000, geneveHeader(append(frame[:12:12], 0x88, 0xcc, 1, 2, 3))))}, // LLDP
		{"tzsp-shape-protected-80211", outerIPv4(ipUDP, udpHeader(9000, append([]byte{1, 0, 0, 18, 1}, protectedDot11()...)))},
		{"tzsp-keepalive", outerIPv4(ipUDP, udpHeader(tzspPort, []byte{1, 4, 0, 1, 1}))},
		{"tzsp-no-end", outerIPv4(ipUDP, udpHeader(tzspPort, []byte{1, 0, 0, 1, 10, 200, 1}))},
	} {
		var got []observe.Observation
		d := NewDecoder(func(o observe.Observation) { got = append(got, o) }, Options{})
		d.Packet(layers.LinkTypeEthernet, ci.Timestamp, c.packet)
		if strings.Contains(c.name, "-shape-") && d.stats.Tunnelled != 0 {
			t.Errorf("%s: counted as read inside a tunnel", c.name)
		}
		for _, o := range got {
			if o.MAC.String() != "02:00:5e:00:00:01" {
				t.Errorf("%s: decoded inside: %v", c.name, o)
			}
		}
		if len(got) != 1 {
			t.Errorf("%s: %d observations, want the outer link.mac", c.name, len(got))
		}
	}
}

// TestTZSPCapture reads a real MikroTik TZSP stream (filesamples, SOURCES.md
// §24) as it was captured: a browser at 192.168.88.123 fetching a page from
// a Python http.server at 192.168.88.249, mirrored by the router
// 192.168.88.1 to UDP port 31337, not TZSP's registered 37008: the stream
// is recognised by its TZSP headers and its first frame that checks out.
func TestTZSPCapture(t *testing.T) {
	r := openPcapng(t, "filesamples/simple_http_tzsp.pcapng")
	rec := &recorder{}
	d := NewDecoder(rec.emit, Options{})
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		const dstPort = 14 + 20 + 2 // Ethernet, IPv4 without options, UDP source port
		if binary.BigEndian.Uint16(data[dstPort:]) != 31337 {
			t.Fatalf("datagram to port %d, want 31337", binary.BigEndian.Uint16(data[dstPort:]))
		}
		d.Packet(r.LinkType(), ci.Timestamp, data)
	})
	d.Flush()
	if d.stats.Skipped != 0 || d.stats.Tunnelled != 5 {
		t.Errorf("%d packets skipped, %d read inside the tunnel (want 0 and 5)", d.stats.Skipped, d.stats.Tunnelled)
	}
	// The browser's MAC was anonymised to bb:bb:bb:bb:bb:bc, a group
	// address, which is never bound: the server and the router are.
	for _, b := range [][2]string{{"68:f7:28:cb:6a:a9", "192.168.88.249"}, {"aa:aa:aa:aa:aa:aa", "192.168.88.1"}} {
		if !rec.binds("link.ip", b[0], b[1]) {
			t.Errorf("no link.ip %s %s", b[0], b[1])
		}
	}
	if !rec.has("192.168.88.249", "http.server", "SimpleHTTP/0.6 Python/3.10.12") {
		t.Error("the web server's answer inside the mirror was not decoded")
	}
}

// corruptIPChecksum returns a copy of an Ethernet frame carrying IPv4 with
// its header checksum broken.
func corruptIPChecksum(frame []byte) []byte {
	f := bytes.Clone(frame)
	f[14+10] ^= 0xff
	return f
}

// protectedDot11 is a CCMP-protected data frame from a station to its
// access point: its body cannot be checked.
func protectedDot11() []byte {
	station := []byte{0x02, 0xb5, 0x51, 0xd0, 0x00, 0x42}
	f := dot11Header(0, dot11ToDS|dot11Protected, [][]byte{bssid, station, bssid})
	return append(f, bytes.Repeat([]byte{0x5a}, 48)...)
}

// TestTunnelLearnedFlow: on a port no tunnel is registered for, a stream is
// unwrapped once one of its frames checks out, and then every frame of it
// is, frames that cannot be checked (protected Wi-Fi) included; another
// sender's datagrams to the same port are not, until they prove themselves.
func TestTunnelLearnedFlow(t *testing.T) {
	frame := firstIPv4Frame(t)
	ts := time.Unix(1, 0)
	protected := outerIPv4(ipUDP, udpHeader(9000, append([]byte{1, 0, 0, 18, 1}, protectedDot11()...)))
	checked := outerIPv4(ipUDP, udpHeader(9000, tzspDot11(frame)))
	otherSender := bytes.Clone(protected)
	otherSender[14+15] = 9 // from 192.0.2.9
	otherSender[14+10], otherSender[14+11] = 0, 0
	station := "02:b5:51:d0:00:42"
	rec := &recorder{}
	d := NewDecoder(rec.emit, Options{})
	d.Packet(layers.LinkTypeEthernet, ts, protected)
	if rec.sent(station, 0) {
		t.Fatal("a protected frame unwrapped before its stream was known")
	}
	d.Packet(layers.LinkTypeEthernet, ts, checked)
	if !rec.sent(macOf(frame[6:12]), 0) {
		t.Fatal("the checked frame was not unwrapped")
	}
	d.Packet(layers.LinkTypeEthernet, ts, protected)
	if !rec.sent(station, 0) {
		t.Error("a protected frame of a known stream was not unwrapped")
	}
	rec.obs = nil
	d.Packet(layers.LinkTypeEthernet, ts, otherSender)
	if rec.sent(station, 0) {
		t.Error("another sender's datagram to the port was unwrapped unchecked")
	}
}

// TestTunnelPortsNamedByTheUser: a port the user names (Options.TunnelPorts)
// is read as that tunnel from its first datagram, a stream of protected
// Wi-Fi frames no check can confirm included; without the option the same
// datagram is not unwrapped, and a datagram to the port whose header does
// not parse is decoded as ordinary UDP.
func TestTunnelPortsNamedByTheUser(t *testing.T) {
	ts := time.Unix(1, 0)
	protected := outerIPv4(ipUDP, udpHeader(9000, append([]byte{1, 0, 0, 18, 1}, protectedDot11()...)))
	station := "02:b5:51:d0:00:42"
	for _, tc := range []struct {
		name  string
		ports map[uint16]Tunnel
		want  bool
	}{
		{"named", map[uint16]Tunnel{9000: TunnelTZSP}, true},
		{"not named", nil, false},
		{"another port named", map[uint16]Tunnel{9001: TunnelTZSP}, false},
		{"named as another tunnel", map[uint16]Tunnel{9000: TunnelVXLAN}, false},
	} {
		rec := &recorder{}
		d := NewDecoder(rec.emit, Options{TunnelPorts: tc.ports})
		d.Packet(layers.LinkTypeEthernet, ts, protected)
		if got := rec.sent(station, 0); got != tc.want {
			t.Errorf("%s: protected frame's sender reported %v, want %v", tc.name, got, tc.want)
		}
	}
	for name, want := range map[string]Tunnel{"vxlan": TunnelVXLAN, "Geneve": TunnelGeneve, "TZSP": TunnelTZSP} {
		if got, ok := ParseTunnel(name); !ok || got != want {
			t.Errorf("ParseTunnel(%q) = %v, %v", name, got, ok)
		}
	}
	for _, name := range []string{"", "gre", "erspan", "vxlan2"} {
		if _, ok := ParseTunnel(name); ok {
			t.Errorf("ParseTunnel(%q) accepted", name)
		}
	}
}

func macOf(b []byte) string { return observe.MAC(b).String() }

// firstIPv4Frame returns the first frame of mirrorSource that carries IPv4
// (an mDNS announcement), checking that its header checks out.
func firstIPv4Frame(t *testing.T) []byte {
	t.Helper()
	r := openPcap(t, mirrorSource)
	for {
		frame, _, err := r.ReadPacketData()
		if err != nil {
			t.Fatalf("no IPv4 frame in %s: %v", mirrorSource, err)
		}
		if binary.BigEndian.Uint16(frame[12:14]) == etherIPv4 {
			if !plausibleFrame(linkEthernet, frame) {
				t.Fatal("a real IPv4 frame is not plausible")
			}
			return frame
		}
	}
}

// TestRoutedTunnels: the IP packet a routed tunnel carries (IP over GRE, IP
// in IP, ERSPAN type III's bare IP) is decoded like a captured one, with no
// MAC: its hosts are at the tunnel's far end. A real mDNS announcement
// (mirrorSource) gives the same observations as read directly, its sender's
// link binding aside.
func TestRoutedTunnels(t *testing.T) {
	frame := firstIPv4Frame(t)
	ip := frame[14:]
	withoutLink := func(obs []observe.Observation) []string {
		var out []string
		for _, o := range obs {
			if o.IP.String() == "192.0.2.1" || strings.HasPrefix(o.Key, "link.") {
				continue // the outer endpoint, and the link binding only a frame gives
			}
			if !o.MAC.IsZero() {
				t.Errorf("a MAC bound inside a routed tunnel: %v", o)
			}
			out = append(out, fmt.Sprintf("%s %d %s=%s", o.IP, o.Port, o.Key, o.Value))
		}
		slices.Sort(out)
		return out
	}
	direct := &recorder{}
	d := NewDecoder(direct.emit, Options{})
	d.Packet(layers.LinkTypeRaw, time.Unix(1, 0), ip)
	want := withoutLink(direct.obs)
	if len(want) < 3 {
		t.Fatalf("only %d observations from the announcement", len(want))
	}
	erspanIP := []byte{0x20, 0, 0, 0x2a, 1, 2, 3, 4, 0, 0, 0x08, 0} // version 2, FT 2: IP
	for _, c := range []struct {
		name   string
		packet []byte
	}{
		{"gre-ipv4", outerIPv4(ipGRE, greHeader(0, greIPv4, ip))},
		{"gre-ipv4-key-sequence", outerIPv4(ipGRE, greHeader(0x3000, greIPv4, ip))},
		{"gre-over-ipv6", outerIPv6(ipGRE, greHeader(0, greIPv4, ip))},
		{"ipip", outerIPv4(ipInIPv4, ip)},
		{"erspan-3-ip", outerIPv4(ipGRE, greHeader(0x1000, greERSPAN3, append(erspanIP, ip...)))},
	} {
		rec := &recorder{}
		d := NewDecoder(rec.emit, Options{})
		d.Packet(layers.LinkTypeEthernet, time.Unix(1, 0), c.packet)
		if got := withoutLink(rec.obs); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", c.name, got, want)
		}
		if !rec.sent("02:00:5e:00:00:01", 0) {
			t.Errorf("%s: the tunnel's endpoint is not reported", c.name)
		}
	}
}

// TestArubaGREProtocols: the protocol types Aruba's access points use, and
// their neighbours that are not Aruba's.
func TestArubaGREProtocols(t *testing.T) {
	for proto, want := range map[uint16]bool{
		0x8200: true, 0x8240: true, 0x82f0: true, 0x8300: true, 0x8370: true, 0x9000: true,
		0x8201: false, 0x8380: false, 0x8100: false, 0x9001: false, greTEB: false, greIPv4: false,
	} {
		if got := arubaGRE(proto); got != want {
			t.Errorf("arubaGRE(%#04x) = %v, want %v", proto, got, want)
		}
	}
}

// wifiFormNamed returns the Wi-Fi form of wifi_test.go with that name.
func wifiFormNamed(name string) wifiForm {
	for _, w := range wifiForms {
		if w.name == name {
			return w
		}
	}
	panic("no Wi-Fi form " + name)
}

// wrap80211 wraps an Ethernet frame in the form.
func (w wifiForm) wrap80211(f []byte) []byte {
	return w.wrap(f[0:6], f[6:12], binary.BigEndian.Uint16(f[12:14]), f[14:])
}

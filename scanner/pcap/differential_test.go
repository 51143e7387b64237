package pcap

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
)

// headers is what the decoder (or gopacket) read from one Ethernet frame up
// to its transport layer.
type headers struct {
	srcMAC, dstMAC   observe.MAC
	vlan             uint16
	src, dst         string
	proto            uint8
	srcPort, dstPort uint16
	reached          bool // the frame got as far as a TCP or UDP header
}

func (h headers) String() string {
	if !h.reached {
		return "no transport"
	}
	return fmt.Sprintf("%v>%v vlan %d %s:%d>%s:%d proto %d", h.srcMAC, h.dstMAC, h.vlan, h.src, h.srcPort, h.dst, h.dstPort, h.proto)
}

// ours runs the frame through the decoder and records what reached transport.
func ours(frame []byte) headers {
	var h headers
	d := NewDecoder(func(observe.Observation) {}, Options{})
	d.inspect = func(proto uint8, data []byte) {
		if h.reached || len(data) < 4 {
			return
		}
		p := &d.p
		h = headers{srcMAC: p.srcMAC, dstMAC: p.dstMAC, vlan: p.vlan, proto: proto, reached: true,
			src: net.IP(p.src).String(), dst: net.IP(p.dst).String(),
			srcPort: binary.BigEndian.Uint16(data[0:2]), dstPort: binary.BigEndian.Uint16(data[2:4])}
	}
	d.Packet(layers.LinkTypeEthernet, time.Unix(0, 0), frame)
	return h
}

// theirs decodes the same frame with gopacket's DecodingLayerParser, the
// reference. It reports comparable=false for frames where the two are not
// meant to agree: the old 0x9100 QinQ tag gopacket does not know, IPv4
// fragments (reassembled by the decoder first), and IPv6 extension headers
// (walked by the decoder, not by this parser), and headers whose version
// nibble contradicts their EtherType (gopacket does not check it).
func theirs(frame []byte) (h headers, comparable bool) {
	var (
		eth   layers.Ethernet
		dot1q layers.Dot1Q
		ip4   layers.IPv4
		ip6   layers.IPv6
		udp   layers.UDP
		tcp   layers.TCP
		arp   layers.ARP
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &ip4, &ip6, &udp, &tcp, &arp)
	parser.IgnoreUnsupported = true
	var decoded []gopacket.LayerType
	err := parser.DecodeLayers(frame, &decoded)
	for _, lt := range decoded {
		switch lt {
		case layers.LayerTypeEthernet:
			copy(h.srcMAC[:], eth.SrcMAC)
			copy(h.dstMAC[:], eth.DstMAC)
			if eth.EthernetType == etherQinQOld {
				return h, false
			}
		case layers.LayerTypeDot1Q:
			h.vlan = dot1q.VLANIdentifier
			if dot1q.Type == etherQinQOld {
				return h, false
			}
		case layers.LayerTypeIPv4:
			// gopacket does not check the version nibble; the decoder drops
			// a "IPv4" header that is not version 4.
			if ip4.Version != 4 || ip4.Flags&layers.IPv4MoreFragments != 0 || ip4.FragOffset != 0 {
				return h, false
			}
			h.src, h.dst, h.proto = ip4.SrcIP.String(), ip4.DstIP.String(), uint8(ip4.Protocol)
		case layers.LayerTypeIPv6:
			if nh := ip6.NextHeader; ip6.Version != 6 || nh != layers.IPProtocolTCP && nh != layers.IPProtocolUDP {
				return h, false
			}
			h.src, h.dst, h.proto = ip6.SrcIP.String(), ip6.DstIP.String(), uint8(ip6.NextHeader)
		case layers.LayerTypeUDP:
			h.srcPort, h.dstPort, h.reached = uint16(udp.SrcPort), uint16(udp.DstPort), true
		case layers.LayerTypeTCP:
			h.srcPort, h.dstPort, h.reached = uint16(tcp.SrcPort), uint16(tcp.DstPort), true
		}
	}
	// A layer gopacket refused (a bad length, a truncated header) is a frame
	// the decoder may still read differently; only whole decodes compare.
	return h, err == nil
}

// differ says how the decoder and gopacket disagree on a frame, or "".
func differ(frame []byte) string {
	want, comparable := theirs(frame)
	if !comparable {
		return ""
	}
	got := ours(frame)
	if want.reached && got != want {
		return fmt.Sprintf("decoder read %s, gopacket %s", got, want)
	}
	return ""
}

// Every frame of the real and constructed captures reads the same up to its
// transport header in the decoder as in gopacket.
func TestDecoderAgreesWithGopacket(t *testing.T) {
	frames := captureFrames(t)
	if len(frames) < 100 {
		t.Fatalf("only %d Ethernet frames in the captures", len(frames))
	}
	compared := 0
	for i, f := range frames {
		if d := differ(f); d != "" {
			t.Errorf("frame %d: %s", i, d)
		}
		if w, ok := theirs(f); ok && w.reached {
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("only %d frames reached a transport header in both decoders", compared)
	}
}

// FuzzDecoderAgreesWithGopacket mutates real frames: whatever the bytes,
// where gopacket decodes a frame whole to its TCP or UDP header, the decoder
// reads the same addresses, VLAN and ports.
func FuzzDecoderAgreesWithGopacket(f *testing.F) {
	for i, fr := range captureFrames(f) {
		if i%7 == 0 { // a spread of the captures is enough to start from
			f.Add(fr)
		}
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		if d := differ(frame); d != "" {
			t.Fatal(d)
		}
	})
}

// captureFrames reads the Ethernet frames of the test captures.
func captureFrames(t testing.TB) [][]byte {
	t.Helper()
	var frames [][]byte
	for _, name := range []string{"site-vlan.pcap", "dhip-dahua.pcap", "sadp-hikvision.pcap", "wsd-hikvision.pcap",
		"addressless.pcap", "public-site.pcap", "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap",
		"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"} {
		r := openPcap(t, name)
		if r.LinkType() != layers.LinkTypeEthernet {
			continue
		}
		for {
			data, _, err := r.ReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			frames = append(frames, bytes.Clone(data))
		}
	}
	return frames
}

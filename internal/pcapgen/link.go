package pcapgen

import (
	"encoding/binary"
	"io"
	"time"

	"github.com/camsweep/camsweep/internal/checksum"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// LinkForm is how a capture file made elsewhere holds the same Ethernet
// frames. The zero value is StreamTo's: classic pcap, microseconds,
// Ethernet, no tags, nothing cut.
type LinkForm struct {
	VLAN    uint16 // an 802.1Q tag with this VLAN id on every frame (0: none)
	Cooked  int    // 1: Linux cooked (SLL), 2: SLL2, in place of Ethernet
	NG      bool   // pcapng in place of classic pcap
	Nanos   bool   // classic pcap with nanosecond time stamps
	SnapLen int    // frames cut to this many bytes (0: whole)

	// Mirror wraps every frame in a remote-mirror tunnel, as a collector
	// receives a switch's copy: "vxlan" (UDP port 4789) or "tzsp" (UDP
	// port 37008), from 198.18.255.1 to 198.18.255.2.
	Mirror string
	// WiFi writes every frame as the 802.11 data frame a station sends its
	// access point, behind a radiotap header (link type 127), as a
	// monitor-mode capture of an open network holds it, with the access
	// point's beacon before every tenth frame.
	WiFi bool
}

// StreamForm makes c write frames to w in the form, counting them in
// *written. The returned flush must be called after the last frame.
func (c *Capture) StreamForm(w io.Writer, written *int, form LinkForm) (flush func() error, err error) {
	link := layers.LinkTypeEthernet
	switch {
	case form.Cooked == 1:
		link = layers.LinkTypeLinuxSLL
	case form.Cooked == 2:
		link = layers.LinkTypeLinuxSLL2
	case form.WiFi:
		link = layers.LinkTypeIEEE80211Radio
	}
	var write func(ci gopacket.CaptureInfo, frame []byte) error
	flush = func() error { return nil }
	switch {
	case form.NG:
		ng, err := pcapgo.NewNgWriter(w, link)
		if err != nil {
			return nil, err
		}
		write, flush = ng.WritePacket, ng.Flush
	default:
		pw := pcapgo.NewWriter(w)
		if form.Nanos {
			pw = pcapgo.NewWriterNanos(w)
		}
		if err := pw.WriteFileHeader(65535, link); err != nil {
			return nil, err
		}
		write = pw.WritePacket
	}
	var beacon []byte // the access point's, behind an empty radiotap header
	if form.WiFi {
		beacon = append([]byte{0, 0, 8, 0, 0, 0, 0, 0}, Beacon(accessPoint, "camsweep-lab", nil)...)
	}
	c.Out = func(ts time.Time, _ int, frame []byte) error {
		if beacon != nil && *written%10 == 0 {
			*written++
			if err := write(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(beacon), Length: len(beacon)}, beacon); err != nil {
				return err
			}
		}
		*written++
		frame = relink(frame, form)
		ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}
		if form.SnapLen > 0 && len(frame) > form.SnapLen {
			frame, ci.CaptureLength = frame[:form.SnapLen], form.SnapLen
		}
		return write(ci, frame)
	}
	return flush, nil
}

// relink rewrites an Ethernet frame's link header as the form has it.
func relink(frame []byte, form LinkForm) []byte {
	if len(frame) < 14 {
		return frame
	}
	switch {
	case form.Mirror != "":
		return mirrored(frame, form.Mirror)
	case form.WiFi:
		return radiotapDot11(frame)
	}
	etherType := frame[12:14]
	var head []byte
	switch form.Cooked {
	case 1: // packet type, ARPHRD_ETHER, address length, address (8 bytes), protocol
		head = make([]byte, 16)
		binary.BigEndian.PutUint16(head[2:], 1)
		binary.BigEndian.PutUint16(head[4:], 6)
		copy(head[6:12], frame[6:12])
		copy(head[14:16], etherType)
	case 2: // protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address
		head = make([]byte, 20)
		copy(head[0:2], etherType)
		binary.BigEndian.PutUint32(head[4:], 2)
		binary.BigEndian.PutUint16(head[8:], 1)
		head[11] = 6
		copy(head[12:18], frame[6:12])
	default:
		if form.VLAN == 0 {
			return frame
		}
		head = make([]byte, 0, 18)
		head = append(head, frame[:12]...)
		head = append(head, 0x81, 0x00, byte(form.VLAN>>8)&0x0f, byte(form.VLAN))
		head = append(head, etherType...)
	}
	return append(head, frame[14:]...)
}

// Tunnel endpoints and the access point of the Mirror and WiFi forms.
var (
	mirrorSwitch    = []byte{0x02, 0x00, 0x5e, 0x00, 0x00, 0x01}
	mirrorCollector = []byte{0x02, 0x00, 0x5e, 0x00, 0x00, 0x02}
	accessPoint     = []byte{0x02, 0xb5, 0x51, 0xd0, 0x00, 0x01}
)

// mirrored wraps a frame in a VXLAN or TZSP packet from the mirroring
// switch 198.18.255.1 to the collector 198.18.255.2.
func mirrored(frame []byte, tunnel string) []byte {
	port, head := uint16(4789), []byte{0x08, 0, 0, 0, 0, 0, 0x2a, 0} // VXLAN: I flag, VNI 42
	if tunnel == "tzsp" {
		port, head = 37008, []byte{1, 0, 0, 1, 1} // TZSP: version 1, received, Ethernet, end
	}
	udpLen := 8 + len(head) + len(frame)
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 198, 18, 255, 1, 198, 18, 255, 2}
	binary.BigEndian.PutUint16(ip[2:4], uint16(20+udpLen))
	binary.BigEndian.PutUint16(ip[10:12], checksum.Internet(ip))
	udp := []byte{0xc3, 0x50, byte(port >> 8), byte(port), byte(udpLen >> 8), byte(udpLen), 0, 0}
	out := make([]byte, 0, 14+20+udpLen)
	out = append(append(append(out, mirrorCollector...), mirrorSwitch...), 0x08, 0x00)
	out = append(append(append(append(out, ip...), udp...), head...), frame...)
	return out
}

// radiotapDot11 turns an Ethernet frame into the 802.11 data frame its
// sender sends the access point (to DS: BSSID, source, destination), in
// LLC/SNAP, behind an 8-byte radiotap header that announces no field.
func radiotapDot11(frame []byte) []byte {
	out := make([]byte, 0, 8+24+8+len(frame)-14)
	out = append(out, 0, 0, 8, 0, 0, 0, 0, 0)
	out = append(out, 0x08, 0x01, 0, 0) // data, to DS; duration
	out = append(append(append(out, accessPoint...), frame[6:12]...), frame[0:6]...)
	out = append(out, 0, 0)                      // sequence control
	out = append(out, 0xaa, 0xaa, 0x03, 0, 0, 0) // LLC/SNAP
	return append(append(out, frame[12:14]...), frame[14:]...)
}

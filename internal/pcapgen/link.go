package pcapgen

import (
	"encoding/binary"
	"io"
	"time"

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
}

// StreamForm makes c write frames to w in the form, counting them in
// *written. The returned flush must be called after the last frame.
func (c *Capture) StreamForm(w io.Writer, written *int, form LinkForm) (flush func() error, err error) {
	link := layers.LinkTypeEthernet
	switch form.Cooked {
	case 1:
		link = layers.LinkTypeLinuxSLL
	case 2:
		link = layers.LinkTypeLinuxSLL2
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
	c.Out = func(ts time.Time, _ int, frame []byte) error {
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

package pcap

import "encoding/binary"

// RetagVLAN puts back the 802.1Q tag of VLAN vlan into an Ethernet frame
// whose tag the capture took off. Linux strips the tag into packet metadata
// before capture sockets see a frame (live capture reports it beside the
// frame); libpcap puts it back the same way, so the decoder sees the frame
// as it was on the wire. It writes into buf when buf has room, and returns
// frame unchanged when it is too short to be Ethernet.
func RetagVLAN(frame []byte, vlan uint16, buf []byte) []byte {
	if len(frame) < 14 {
		return frame
	}
	out := append(buf[:0], frame[:12]...)
	out = binary.BigEndian.AppendUint16(out, etherDot1Q)
	out = binary.BigEndian.AppendUint16(out, vlan&0x0fff)
	return append(out, frame[12:]...)
}

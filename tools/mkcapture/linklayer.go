package main

import "encoding/binary"

// vlanTag inserts an 802.1Q tag (VLAN 20) after the MAC addresses; every
// third frame gets an 802.1ad outer tag too (QinQ, service VLAN 100).
func vlanTag(frame []byte, n int) []byte {
	out := make([]byte, 0, len(frame)+8)
	out = append(out, frame[:12]...)
	if n%3 == 0 {
		out = append(out, 0x88, 0xa8, 0x00, 100)
	}
	out = append(out, 0x81, 0x00, 0x00, 20)
	return append(out, frame[12:]...)
}

// sllPacketType says, as Linux does, whom the frame was for (as seen by the
// capturing pcapgen.Host, taken to be the workstation).
func sllPacketType(frame []byte) uint16 {
	switch {
	case frame[0] == 0xff:
		return 1 // broadcast
	case frame[0]&1 == 1:
		return 2 // multicast
	case [6]byte(frame[6:12]) == [6]byte(workstation.MAC):
		return 4 // outgoing
	case [6]byte(frame[0:6]) == [6]byte(workstation.MAC):
		return 0 // to us
	}
	return 3 // to another pcapgen.Host
}

// toSLL replaces the Ethernet header with a Linux cooked (v1) header.
func toSLL(frame []byte, _ int) []byte {
	out := make([]byte, 16, 16+len(frame)-14)
	binary.BigEndian.PutUint16(out[0:], sllPacketType(frame))
	binary.BigEndian.PutUint16(out[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(out[4:], 6)
	copy(out[6:12], frame[6:12])
	copy(out[14:16], frame[12:14])
	return append(out, frame[14:]...)
}

// toSLL2 replaces the Ethernet header with a Linux cooked v2 header.
func toSLL2(frame []byte, _ int) []byte {
	out := make([]byte, 20, 20+len(frame)-14)
	copy(out[0:2], frame[12:14])
	binary.BigEndian.PutUint32(out[4:], 2) // interface index
	binary.BigEndian.PutUint16(out[8:], 1) // ARPHRD_ETHER
	out[10] = byte(sllPacketType(frame))
	out[11] = 6
	copy(out[12:18], frame[6:12])
	return append(out, frame[14:]...)
}

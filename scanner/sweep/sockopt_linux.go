package sweep

import (
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"
)

// shareBroadcastSocket lets several listeners share a discovery port (the
// system's own mDNS responder may hold 5353) and lets the socket broadcast.
func shareBroadcastSocket(fd uintptr) error {
	return errors.Join(
		unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1),
		unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1),
		unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1))
}

// forceReadBuffer sets a socket's receive buffer to n bytes past
// net.core.rmem_max (SO_RCVBUFFORCE: root or CAP_NET_ADMIN only).
func forceReadBuffer(fd uintptr, n int) error {
	return unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n)
}

// countDrops asks the kernel to hand, with each datagram read, how many it
// dropped before it because the socket's receive buffer was full
// (SO_RXQ_OVFL).
func countDrops(fd uintptr) error {
	return unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RXQ_OVFL, 1)
}

// droppedSoFar reads SO_RXQ_OVFL's count from a datagram's control
// messages: the datagrams the socket has dropped since it opened.
func droppedSoFar(oob []byte) (uint32, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_RXQ_OVFL && len(m.Data) >= 4 {
			return binary.NativeEndian.Uint32(m.Data), true
		}
	}
	return 0, false
}

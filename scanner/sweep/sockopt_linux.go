package sweep

import (
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

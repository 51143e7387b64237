//go:build !linux

package live

import (
	"errors"
	"runtime"
)

// Open: live capture uses Linux's AF_PACKET.
func Open(string) (Handle, error) {
	return nil, errors.New("live capture needs Linux (AF_PACKET); this is " + runtime.GOOS)
}

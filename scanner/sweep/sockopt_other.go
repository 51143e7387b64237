//go:build !linux

package sweep

import "errors"

// shareBroadcastSocket: the sweep runs on Linux only (the command says so
// before it starts); elsewhere the package builds for its plan checks.
func shareBroadcastSocket(uintptr) error {
	return errors.ErrUnsupported
}

func forceReadBuffer(uintptr, int) error { return errors.ErrUnsupported }

func countDrops(uintptr) error { return errors.ErrUnsupported }

func droppedSoFar([]byte) (uint32, bool) { return 0, false }

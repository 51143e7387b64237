package arp

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestSendPatientlyRetriesAFullQueue(t *testing.T) {
	calls, slowed := 0, 0
	send := func() error {
		calls++
		if calls < 4 {
			return fmt.Errorf("write arp:eth0: %w", syscall.ENOBUFS)
		}
		return nil
	}
	if err := SendPatiently(context.Background(), send, func() { slowed++ }); err != nil || calls != 4 || slowed != 3 {
		t.Errorf("err %v after %d calls and %d slow-downs, want nil after 4 and 3", err, calls, slowed)
	}
	other := errors.New("network is unreachable")
	calls = 0
	if err := SendPatiently(context.Background(), func() error { calls++; return other }, nil); err != other || calls != 1 {
		t.Errorf("another error: %v after %d calls, want it at once", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	full := func() error { return syscall.EAGAIN }
	if err := SendPatiently(ctx, full, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while the queue is full: %v", err)
	}
}

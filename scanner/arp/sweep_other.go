//go:build !linux

package arp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/camsweep/camsweep/scanner"
)

// Sweep needs Linux's AF_PACKET sockets; elsewhere it says so.
func Sweep(ctx context.Context, ifi *net.Interface, src netip.Addr, targets []netip.Addr, opt Options, emit scanner.Emit) error {
	return fmt.Errorf("raw ARP needs Linux: %w", errors.ErrUnsupported)
}

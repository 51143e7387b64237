// Package arp finds the hosts of the local segment with ARP requests over a raw
// AF_PACKET socket (Linux, CAP_NET_RAW), and reads the kernel's neighbour table
// when raw sockets are not allowed.
package arp

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"syscall"
	"time"

	"github.com/camsweep/camsweep/observe"
)

const (
	etherTypeARP = 0x0806
	frameLen     = 60 // minimum Ethernet frame without FCS; ARP is padded to it
	opRequest    = 1
	opReply      = 2
)

// Packet is the part of an Ethernet/IPv4 ARP message a scanner needs.
type Packet struct {
	Op                   uint16
	SenderMAC, TargetMAC observe.MAC
	SenderIP, TargetIP   netip.Addr
}

// Parse decodes an Ethernet frame carrying an IPv4-over-Ethernet ARP message.
// It reports false for anything else, including truncated frames.
func Parse(frame []byte) (Packet, bool) {
	if len(frame) < 14+28 || binary.BigEndian.Uint16(frame[12:14]) != etherTypeARP {
		return Packet{}, false
	}
	return ParseARP(frame[14:])
}

// ParseARP decodes an ARP message without its link-layer header.
func ParseARP(a []byte) (Packet, bool) {
	if len(a) < 28 ||
		binary.BigEndian.Uint16(a[0:2]) != 1 || // Ethernet
		binary.BigEndian.Uint16(a[2:4]) != 0x0800 || // IPv4
		a[4] != 6 || a[5] != 4 {
		return Packet{}, false
	}
	var p Packet
	p.Op = binary.BigEndian.Uint16(a[6:8])
	copy(p.SenderMAC[:], a[8:14])
	p.SenderIP = netip.AddrFrom4([4]byte(a[14:18]))
	copy(p.TargetMAC[:], a[18:24])
	p.TargetIP = netip.AddrFrom4([4]byte(a[24:28]))
	return p, true
}

// Binding reports whether the message tells which MAC holds which IP: the
// sender fields of a reply or request, except probes from 0.0.0.0 (RFC 5227)
// and senders with a multicast or zero hardware address.
func (p Packet) Binding() bool {
	return p.SenderIP.IsValid() && !p.SenderIP.IsUnspecified() &&
		!p.SenderMAC.IsZero() && !p.SenderMAC.Multicast()
}

// Observation is the arp.mac binding a message asserts; probe names who saw it.
func (p Packet) Observation(probe string) observe.Observation {
	return observe.Observation{Probe: probe, MAC: p.SenderMAC, IP: p.SenderIP, Key: "arp.mac", Value: p.SenderMAC.String()}
}

// request builds a broadcast who-has frame for target.
func request(srcMAC observe.MAC, srcIP, target netip.Addr) []byte {
	f := make([]byte, frameLen)
	copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(f[6:12], srcMAC[:])
	binary.BigEndian.PutUint16(f[12:14], etherTypeARP)
	a := f[14:]
	binary.BigEndian.PutUint16(a[0:2], 1)
	binary.BigEndian.PutUint16(a[2:4], 0x0800)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:8], opRequest)
	copy(a[8:14], srcMAC[:])
	s4 := srcIP.As4()
	copy(a[14:18], s4[:])
	t4 := target.As4()
	copy(a[24:28], t4[:])
	return f
}

// Congested says a send failed because a queue was full (ENOBUFS, or EAGAIN
// on a non-blocking socket): the sender should slow down and try again.
func Congested(err error) bool {
	return errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.EAGAIN)
}

// SendPatiently runs send until it does not fail with a full queue. A full
// queue means "slow down", not failure: it calls slowDown (when set), pauses,
// longer each time, and tries again, giving up with the last error only after
// the queue stayed full for about half a minute. Other errors return at once.
func SendPatiently(ctx context.Context, send func() error, slowDown func()) error {
	pause := 10 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := send()
		if err == nil || !Congested(err) || attempt >= maxCongestedTries {
			return err
		}
		if slowDown != nil {
			slowDown()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// maxCongestedTries: 10 ms doubling to 1 s pauses add up to about 33 s.
const maxCongestedTries = 40

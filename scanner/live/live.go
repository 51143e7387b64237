// Package live feeds the frames captured on an interface to the capture
// decoder (scanner/pcap): what `camsweep listen` does, and what a sweep or
// an audit does when it listens to its segment while it runs.
package live

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync/atomic"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// Handle is a live capture of Ethernet frames (pcapgo's AF_PACKET handle
// on Linux), or of another link type when it also has a LinkType method
// (a Wi-Fi interface in monitor mode: see Open).
type Handle interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	Close() error
}

// linkTyped is a Handle that says what its frames are.
type linkTyped interface {
	LinkType() layers.LinkType
}

// linkType is the link type of h's frames: Ethernet unless h says otherwise.
func linkType(h Handle) layers.LinkType {
	if lt, ok := h.(linkTyped); ok {
		return lt.LinkType()
	}
	return layers.LinkTypeEthernet
}

// Capture feeds h's frames to the capture decoder until ctx ends, counting
// them in packets (nil: not counted). Closing the handle is what
// interrupts a blocked read. A read error ends the capture and is returned
// with what was decoded before it.
func Capture(ctx context.Context, h Handle, emit scanner.Emit, opt pcap.Options, packets *atomic.Int64) (pcap.Stats, error) {
	dec := pcap.NewDecoder(emit, opt)
	stop := context.AfterFunc(ctx, func() { h.Close() })
	defer stop()
	var err error
	var tagged []byte
	link := linkType(h)
	for {
		data, ci, rerr := h.ZeroCopyReadPacketData()
		if rerr != nil {
			if ctx.Err() == nil {
				err = rerr
			}
			break
		}
		if len(ci.AncillaryData) > 0 && link == layers.LinkTypeEthernet { // the kernel took a VLAN tag off: put it back
			if vlan, ok := ci.AncillaryData[0].(int); ok {
				tagged = pcap.RetagVLAN(data, uint16(vlan), tagged)
				data = tagged
			}
		}
		dec.Packet(link, ci.Timestamp, data)
		if packets != nil {
			packets.Add(1)
		}
	}
	dec.Flush()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return dec.Stats(), err
}

// Start opens a capture on iface and feeds it to emit in the background
// until stop is called, leaving out the frames sent by or to own (a sweep
// reads its own exchanges; listening is for what devices say unasked).
// stop returns the capture's error, if it ended early.
func Start(ctx context.Context, iface string, own net.HardwareAddr, emit scanner.Emit, opt pcap.Options) (stop func() error, err error) {
	h, err := Open(iface)
	if err != nil {
		return nil, err
	}
	h = withoutOwnFrames(h, own)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := Capture(ctx, h, emit, opt, nil)
		done <- err
	}()
	return func() error {
		cancel()
		return <-done
	}, nil
}

// withoutOwnFrames leaves out the frames own sends and those sent to it, on
// an Ethernet handle: only an Ethernet frame has both MACs where the filter
// reads them, and wrapping a Wi-Fi handle would hide its link type.
func withoutOwnFrames(h Handle, own net.HardwareAddr) Handle {
	if linkType(h) != layers.LinkTypeEthernet {
		return h
	}
	return notOwnFrames{h, own}
}

// notOwnFrames leaves out the Ethernet frames own sends and those sent to it.
type notOwnFrames struct {
	Handle
	own net.HardwareAddr
}

func (h notOwnFrames) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	for {
		data, ci, err := h.Handle.ZeroCopyReadPacketData()
		if err != nil || len(data) < 12 || len(h.own) != 6 ||
			!bytes.Equal(data[0:6], h.own) && !bytes.Equal(data[6:12], h.own) {
			return data, ci, err
		}
	}
}

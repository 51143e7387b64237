//go:build linux

package lab

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Capture records every frame a host's LAN interface sends and receives
// into a pcap file, so a test can prove what the code under test put on the
// wire (targets touched, packet rate).
type Capture struct {
	handle *pcapgo.EthernetHandle
	file   *os.File
	writer *pcapgo.Writer
	done   chan struct{}
	stop   sync.Once

	mu      sync.Mutex
	frames  int
	readErr error
}

// captureSnaplen keeps whole frames, including offload-merged ones.
const captureSnaplen = 262144

// StartCapture opens a packet socket on the host's LAN interface (inside its
// namespace) and writes what it sees to path until Stop or the lab closes.
func (h *Host) StartCapture(path string) (*Capture, error) {
	var handle *pcapgo.EthernetHandle
	err := h.Do(func() error {
		var err error
		handle, err = pcapgo.NewEthernetHandle(h.Interface)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lab: capture on %s: %w", h.Name, err)
	}
	f, err := os.Create(path)
	if err != nil {
		handle.Close()
		return nil, err
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(captureSnaplen, layers.LinkTypeEthernet); err != nil {
		handle.Close()
		f.Close()
		return nil, err
	}
	c := &Capture{handle: handle, file: f, writer: w, done: make(chan struct{})}
	go c.loop()
	h.lab.OnClose(func() error { _, err := c.Stop(); return err })
	return c, nil
}

func (c *Capture) loop() {
	defer close(c.done)
	for {
		data, ci, err := c.handle.ReadPacketData()
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		if werr := c.writer.WritePacket(ci, data); werr == nil {
			c.frames++
		}
		c.mu.Unlock()
	}
}

// Stop ends the capture, closes the file and says how many frames it holds.
// Frames still in the socket buffer when Stop is called may be lost, so
// give the last exchange a moment to finish first.
func (c *Capture) Stop() (int, error) {
	var err error
	c.stop.Do(func() {
		c.handle.Close()
		<-c.done
		err = c.file.Close()
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return c.frames, err
	}
	return c.frames, nil
}

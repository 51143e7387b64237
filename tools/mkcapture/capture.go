package main

import (
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// sink receives finished frames; iface picks the pcapng interface.
type sink func(ts time.Time, iface int, frame []byte) error

// capture walks a clock forward while frames are written, and remembers the
// first write error so the scenes read straight.
type capture struct {
	f     *framer
	now   time.Time
	step  time.Duration
	out   sink
	iface int
	err   error
}

func (c *capture) write(frame []byte) {
	if c.err != nil {
		return
	}
	c.now = c.now.Add(c.step)
	c.err = c.out(c.now, c.iface, frame)
}

// conversation writes a whole TCP connection: handshake, the request, the
// response in MSS-sized segments, and the server's close.
func (c *capture) conversation(cli, srv host, cport, sport uint16, request, response []byte) {
	c.dialogue(cli, srv, cport, sport, [][2][]byte{{request, response}})
}

// dialogue is conversation with several requests on one connection, each
// followed by its response (a control protocol's session).
func (c *capture) dialogue(cli, srv host, cport, sport uint16, exchanges [][2][]byte) {
	cseq, sseq := uint32(cport)*7919+1000, uint32(sport)*104729+5000
	c.write(c.f.tcp(cli, srv, cport, sport, cseq, 0, tcpFlags{syn: true}, nil))
	c.write(c.f.tcp(srv, cli, sport, cport, sseq, cseq+1, tcpFlags{syn: true, ack: true}, nil))
	cseq++
	sseq++
	c.write(c.f.tcp(cli, srv, cport, sport, cseq, sseq, tcpFlags{ack: true}, nil))
	for _, x := range exchanges {
		cseq = c.segments(cli, srv, cport, sport, cseq, sseq, x[0])
		sseq = c.segments(srv, cli, sport, cport, sseq, cseq, x[1])
	}
	c.write(c.f.tcp(srv, cli, sport, cport, sseq, cseq, tcpFlags{fin: true, ack: true}, nil))
	c.write(c.f.tcp(cli, srv, cport, sport, cseq, sseq+1, tcpFlags{fin: true, ack: true}, nil))
	c.write(c.f.tcp(srv, cli, sport, cport, sseq+1, cseq+1, tcpFlags{ack: true}, nil))
}

const mss = 1400

func (c *capture) segments(from, to host, fport, tport uint16, seq, ack uint32, data []byte) uint32 {
	for len(data) > 0 {
		n := min(len(data), mss)
		c.write(c.f.tcp(from, to, fport, tport, seq, ack, tcpFlags{ack: true, psh: n == len(data)}, data[:n]))
		c.write(c.f.tcp(to, from, tport, fport, ack, seq+uint32(n), tcpFlags{ack: true}, nil))
		seq += uint32(n)
		data = data[n:]
	}
	return seq
}

// openPort writes a handshake the client then resets: a port scan's view.
func (c *capture) openPort(cli, srv host, cport, sport uint16) {
	c.write(c.f.tcp(cli, srv, cport, sport, 1, 0, tcpFlags{syn: true}, nil))
	c.write(c.f.tcp(srv, cli, sport, cport, 77, 2, tcpFlags{syn: true, ack: true}, nil))
	c.write(c.f.tcp(cli, srv, cport, sport, 2, 0, tcpFlags{rst: true}, nil))
}

// streamTo makes c write an Ethernet pcap to w, counting the frames in
// *written, and writes the file header.
func (c *capture) streamTo(w io.Writer, written *int) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return err
	}
	c.out = func(ts time.Time, _ int, frame []byte) error {
		*written++
		return pw.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}, frame)
	}
	return nil
}

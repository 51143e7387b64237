package pcapgen

import (
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Sink receives finished frames; iface picks the pcapng interface.
type Sink func(ts time.Time, iface int, frame []byte) error

// Capture walks a clock forward while frames are written, and remembers the
// first write error so the scenes read straight.
type Capture struct {
	F     *Framer
	Now   time.Time     // the last frame's time stamp
	Step  time.Duration // the time between two frames
	Out   Sink
	Iface int   // the pcapng interface of the next frames
	Err   error // the first write error; later writes do nothing
}

func (c *Capture) Write(frame []byte) {
	if c.Err != nil {
		return
	}
	c.Now = c.Now.Add(c.Step)
	c.Err = c.Out(c.Now, c.Iface, frame)
}

// Conversation writes a whole TCP connection: handshake, the request, the
// response in MSS-sized segments, and the server's close.
func (c *Capture) Conversation(cli, srv Host, cport, sport uint16, request, response []byte) {
	c.Dialogue(cli, srv, cport, sport, [][2][]byte{{request, response}})
}

// Dialogue is Conversation with several requests on one connection, each
// followed by its response (a control protocol's session).
func (c *Capture) Dialogue(cli, srv Host, cport, sport uint16, exchanges [][2][]byte) {
	cseq, sseq := uint32(cport)*7919+1000, uint32(sport)*104729+5000
	c.Write(c.F.TCP(cli, srv, cport, sport, cseq, 0, TCPFlags{SYN: true}, nil))
	c.Write(c.F.TCP(srv, cli, sport, cport, sseq, cseq+1, TCPFlags{SYN: true, ACK: true}, nil))
	cseq++
	sseq++
	c.Write(c.F.TCP(cli, srv, cport, sport, cseq, sseq, TCPFlags{ACK: true}, nil))
	for _, x := range exchanges {
		cseq = c.segments(cli, srv, cport, sport, cseq, sseq, x[0])
		sseq = c.segments(srv, cli, sport, cport, sseq, cseq, x[1])
	}
	c.Write(c.F.TCP(srv, cli, sport, cport, sseq, cseq, TCPFlags{FIN: true, ACK: true}, nil))
	c.Write(c.F.TCP(cli, srv, cport, sport, cseq, sseq+1, TCPFlags{FIN: true, ACK: true}, nil))
	c.Write(c.F.TCP(srv, cli, sport, cport, sseq+1, cseq+1, TCPFlags{ACK: true}, nil))
}

// MSS is the largest payload of one constructed TCP segment.
const MSS = 1400

func (c *Capture) segments(from, to Host, fport, tport uint16, seq, ack uint32, data []byte) uint32 {
	for len(data) > 0 {
		n := min(len(data), MSS)
		c.Write(c.F.TCP(from, to, fport, tport, seq, ack, TCPFlags{ACK: true, PSH: n == len(data)}, data[:n]))
		c.Write(c.F.TCP(to, from, tport, fport, ack, seq+uint32(n), TCPFlags{ACK: true}, nil))
		seq += uint32(n)
		data = data[n:]
	}
	return seq
}

// OpenPort writes a handshake the client then resets: a port scan's view.
func (c *Capture) OpenPort(cli, srv Host, cport, sport uint16) {
	c.Write(c.F.TCP(cli, srv, cport, sport, 1, 0, TCPFlags{SYN: true}, nil))
	c.Write(c.F.TCP(srv, cli, sport, cport, 77, 2, TCPFlags{SYN: true, ACK: true}, nil))
	c.Write(c.F.TCP(cli, srv, cport, sport, 2, 0, TCPFlags{RST: true}, nil))
}

// StreamTo makes c write an Ethernet pcap to w, counting the frames in
// *written, and writes the file header.
func (c *Capture) StreamTo(w io.Writer, written *int) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return err
	}
	c.Out = func(ts time.Time, _ int, frame []byte) error {
		*written++
		return pw.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}, frame)
	}
	return nil
}

package pcapgen

import (
	"io"
	"time"
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
	Shape Shape // how connections are put on the wire; zero: cleanly
}

// Shape is how a capture made elsewhere holds a TCP connection. The zero
// value is a clean one: the handshake, each direction in MSS-sized
// segments, each acknowledged, and the close.
type Shape struct {
	MidFlow    bool // the capture starts after the handshake
	ServerOnly bool // only the server's segments (a mirror of one direction)
	Segment    int  // payload bytes per segment (0: MSS)
	Reorder    bool // each pair of data segments arrives swapped
	Retransmit bool // each data segment is sent twice
}

// write writes a segment unless the shape hides it.
func (c *Capture) write(fromServer bool, frame func() []byte) {
	if c.Shape.ServerOnly && !fromServer {
		return
	}
	c.Write(frame())
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
	if !c.Shape.MidFlow {
		c.write(false, func() []byte { return c.F.TCP(cli, srv, cport, sport, cseq, 0, TCPFlags{SYN: true}, nil) })
		c.write(true, func() []byte {
			return c.F.TCP(srv, cli, sport, cport, sseq, cseq+1, TCPFlags{SYN: true, ACK: true}, nil)
		})
	}
	cseq++
	sseq++
	if !c.Shape.MidFlow {
		c.write(false, func() []byte { return c.F.TCP(cli, srv, cport, sport, cseq, sseq, TCPFlags{ACK: true}, nil) })
	}
	for _, x := range exchanges {
		cseq = c.segments(false, cli, srv, cport, sport, cseq, sseq, x[0])
		sseq = c.segments(true, srv, cli, sport, cport, sseq, cseq, x[1])
	}
	c.write(true, func() []byte { return c.F.TCP(srv, cli, sport, cport, sseq, cseq, TCPFlags{FIN: true, ACK: true}, nil) })
	c.write(false, func() []byte {
		return c.F.TCP(cli, srv, cport, sport, cseq, sseq+1, TCPFlags{FIN: true, ACK: true}, nil)
	})
	c.write(true, func() []byte { return c.F.TCP(srv, cli, sport, cport, sseq+1, cseq+1, TCPFlags{ACK: true}, nil) })
}

// MSS is the largest payload of one constructed TCP segment.
const MSS = 1400

// segments writes one direction's data in the shape's segments, each
// acknowledged; a reordered pair is acknowledged after its second segment.
func (c *Capture) segments(fromServer bool, from, to Host, fport, tport uint16, seq, ack uint32, data []byte) uint32 {
	size := MSS
	if c.Shape.Segment > 0 {
		size = c.Shape.Segment
	}
	type piece struct {
		seq  uint32
		data []byte
	}
	var held *piece // a segment waiting to be sent after the next one
	last := seq + uint32(len(data))
	send := func(p piece) {
		end := p.seq + uint32(len(p.data))
		for range 1 + btoi(c.Shape.Retransmit) {
			c.write(fromServer, func() []byte {
				return c.F.TCP(from, to, fport, tport, p.seq, ack, TCPFlags{ACK: true, PSH: end == last}, p.data)
			})
		}
		c.write(!fromServer, func() []byte { return c.F.TCP(to, from, tport, fport, ack, end, TCPFlags{ACK: true}, nil) })
	}
	for len(data) > 0 {
		n := min(len(data), size)
		p := piece{seq, data[:n]}
		seq += uint32(n)
		data = data[n:]
		switch {
		case !c.Shape.Reorder:
			send(p)
		case held == nil && len(data) > 0:
			held = &p
		case held == nil:
			send(p)
		default:
			send(p)
			send(*held)
			held = nil
		}
	}
	return seq
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OpenPort writes a handshake the client then resets: a port scan's view.
func (c *Capture) OpenPort(cli, srv Host, cport, sport uint16) {
	c.Write(c.F.TCP(cli, srv, cport, sport, 1, 0, TCPFlags{SYN: true}, nil))
	c.Write(c.F.TCP(srv, cli, sport, cport, 77, 2, TCPFlags{SYN: true, ACK: true}, nil))
	c.Write(c.F.TCP(cli, srv, cport, sport, 2, 0, TCPFlags{RST: true}, nil))
}

// StreamTo makes c write an Ethernet pcap to w, counting the frames in
// *written, and writes the file header: StreamForm's zero form, whose
// classic pcap needs no flush.
func (c *Capture) StreamTo(w io.Writer, written *int) error {
	_, err := c.StreamForm(w, written, LinkForm{})
	return err
}

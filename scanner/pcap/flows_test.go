package pcap

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// These tests drive the flow table with hand-built segments and a stream
// decoder that only records what it was handed: they test reassembly, not
// any protocol.

type streamRecord struct {
	client, server string
	meta           scanner.Meta
}

type streamRecorder struct{ got []streamRecord }

func (s *streamRecorder) decode(client, server []byte, m scanner.Meta, _ scanner.Emit) error {
	s.got = append(s.got, streamRecord{string(client), string(server), m})
	return nil
}

func recordingProtocols(s *streamRecorder, ports ...uint16) *Protocols {
	return &Protocols{StreamByPort: func(port uint16) (scanner.StreamDecoder, bool) {
		for _, p := range ports {
			if p == port {
				return s.decode, true
			}
		}
		return nil, false
	}}
}

var (
	cliMAC = net.HardwareAddr{0x00, 0x14, 0x22, 0xaa, 0xbb, 0xcc}
	srvMAC = net.HardwareAddr{0x44, 0x19, 0xb6, 0x3a, 0x7c, 0x21}
	cliIP  = net.IP{198, 18, 0, 5}
	srvIP  = net.IP{198, 18, 0, 11}
)

type seg struct {
	fromServer bool
	seq        uint32
	flags      string // any of S A F R
	data       string
}

func frame(t testing.TB, s seg, cport uint16, sport uint16) []byte {
	eth := &layers.Ethernet{SrcMAC: cliMAC, DstMAC: srvMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: cliIP, DstIP: srvIP}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(cport), DstPort: layers.TCPPort(sport), Seq: s.seq, Window: 1024}
	if s.fromServer {
		eth.SrcMAC, eth.DstMAC = srvMAC, cliMAC
		ip.SrcIP, ip.DstIP = srvIP, cliIP
		tcp.SrcPort, tcp.DstPort = tcp.DstPort, tcp.SrcPort
	}
	for _, f := range s.flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		}
	}
	_ = tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(s.data))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func feed(t testing.TB, d *Decoder, cport, sport uint16, segs ...seg) {
	ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	for _, s := range segs {
		ts = ts.Add(time.Millisecond)
		d.Packet(layers.LinkTypeEthernet, ts, frame(t, s, cport, sport))
	}
}

func TestStreamReassemblyInOrder(t *testing.T) {
	rec := &streamRecorder{}
	obs := &recorder{}
	d := NewDecoder(obs.emit, Options{Protocols: recordingProtocols(rec, 80)})
	feed(t, d, 40000, 80,
		seg{false, 100, "S", ""},
		seg{true, 900, "SA", ""},
		seg{false, 101, "A", "GET / HT"},
		seg{false, 109, "A", "TP/1.0\r\n\r\n"},
		seg{false, 101, "A", "GET / HT"}, // retransmission
		seg{true, 901, "A", "HTTP/1.0 "},
		seg{true, 918, "A", "Server: x\r\n"},   // arrives before the bytes in front of it
		seg{true, 905, "A", "/1.0 200 OK\r\n"}, // overlaps: only its new tail counts
		seg{true, 929, "FA", ""},
	)
	if len(rec.got) != 1 {
		t.Fatalf("decoder called %d times, want once at the server's FIN", len(rec.got))
	}
	got := rec.got[0]
	if got.client != "GET / HTTP/1.0\r\n\r\n" {
		t.Errorf("client bytes %q", got.client)
	}
	if got.server != "HTTP/1.0 200 OK\r\nServer: x\r\n" {
		t.Errorf("server bytes %q", got.server)
	}
	m := got.meta
	if m.SrcIP.String() != "198.18.0.11" || m.SrcPort != 80 || m.DstPort != 40000 || m.SrcMAC.String() != "44:19:b6:3a:7c:21" || m.Probe != "pcap" {
		t.Errorf("meta does not describe the server: %+v", m)
	}
	if !obs.has("198.18.0.11", "tcp.open", "80") {
		t.Error("no tcp.open from the SYN-ACK")
	}
	// Later segments of the finished connection are ignored.
	feed(t, d, 40000, 80, seg{true, 929, "A", "more"})
	d.Flush()
	if len(rec.got) != 1 {
		t.Errorf("finished flow decoded again")
	}
}

func TestStreamFlushedAtEndOfInputAndMidStream(t *testing.T) {
	rec := &streamRecorder{}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: recordingProtocols(rec, 554)})
	// Capture starts mid-connection: no SYN; the known port marks the server.
	feed(t, d, 40001, 554, seg{false, 5000, "A", "OPTIONS * RTSP/1.0\r\n\r\n"}, seg{true, 7000, "A", "RTSP/1.0 200 OK\r\n"})
	if len(rec.got) != 0 {
		t.Fatal("decoded before the end")
	}
	d.Flush()
	if len(rec.got) != 1 || rec.got[0].server != "RTSP/1.0 200 OK\r\n" || rec.got[0].client != "OPTIONS * RTSP/1.0\r\n\r\n" {
		t.Fatalf("flush: %+v", rec.got)
	}
}

func TestStreamBytesCapped(t *testing.T) {
	rec := &streamRecorder{}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: recordingProtocols(rec, 80), StreamBytes: 64})
	segs := []seg{{false, 0, "S", ""}, {true, 0, "SA", ""}}
	seq := uint32(1)
	for i := 0; i < 10; i++ {
		data := fmt.Sprintf("chunk %02d .......\n", i)
		segs = append(segs, seg{true, seq, "A", data})
		seq += uint32(len(data))
	}
	feed(t, d, 40002, 80, segs...)
	if len(rec.got) != 1 || len(rec.got[0].server) != 64 || !bytes.HasPrefix([]byte(rec.got[0].server), []byte("chunk 00")) {
		t.Fatalf("capped flow: %+v", rec.got)
	}
}

func TestFlowTableBounded(t *testing.T) {
	rec := &streamRecorder{}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: recordingProtocols(rec, 80), MaxFlows: 4})
	for port := uint16(1000); port < 1100; port++ {
		feed(t, d, port, 80, seg{false, 1, "S", ""}, seg{false, 2, "A", "GET / HTTP/1.0\r\n\r\n"})
	}
	if n := len(d.flows.index); n > 4 {
		t.Errorf("%d flows held, cap 4", n)
	}
	d.Flush()
	st := d.Stats()
	if len(rec.got) != 100 || st.Evicted != 96 || st.Flows != 100 {
		t.Errorf("decoded %d flows, stats %+v", len(rec.got), st)
	}
}

func TestUnknownPortClientFirstIsDropped(t *testing.T) {
	var asked int
	rec := &streamRecorder{}
	p := &Protocols{StreamDetect: func(client, server []byte) (scanner.StreamDecoder, bool) {
		asked++
		if len(server) > 0 && client == nil {
			return rec.decode, true // a banner
		}
		return nil, false
	}}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: p})
	// A file copy: the client speaks first in a protocol nobody names.
	feed(t, d, 40003, 445, seg{false, 1, "S", ""}, seg{true, 1, "SA", ""}, seg{false, 2, "A", "\x00\x00\x00\x45\xfeSMB"},
		seg{true, 2, "A", "\x00\x00\x00\x41\xfeSMB"}, seg{true, 10, "A", "bulk bulk bulk"})
	// A banner: the server speaks first.
	feed(t, d, 40004, 2222, seg{false, 1, "S", ""}, seg{true, 1, "SA", ""}, seg{true, 2, "A", "SSH-2.0-x\r\n"}, seg{true, 13, "FA", ""})
	d.Flush()
	if len(rec.got) != 1 || rec.got[0].server != "SSH-2.0-x\r\n" {
		t.Errorf("decoded %+v", rec.got)
	}
	if d.flows.buffered != 0 {
		t.Errorf("%d bytes still buffered after flush", d.flows.buffered)
	}
}

func TestStreamBudgetEvictsOldest(t *testing.T) {
	rec := &streamRecorder{}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: recordingProtocols(rec, 80), StreamBudget: 4096})
	for port := uint16(1000); port < 1010; port++ {
		feed(t, d, port, 80, seg{false, 1, "S", ""}, seg{false, 2, "A", string(bytes.Repeat([]byte("x"), 1000))})
		if d.flows.buffered > 4096+2048 {
			t.Fatalf("buffered %d bytes, budget 4096", d.flows.buffered)
		}
	}
	if d.Stats().Evicted == 0 {
		t.Error("nothing evicted over budget")
	}
}

// The common path (bulk TCP and UDP between hosts nobody decodes) allocates
// nothing per packet.
func TestBulkPacketsDoNotAllocate(t *testing.T) {
	d := NewDecoder(func(observe.Observation) {}, Options{})
	ack := frame(t, seg{false, 77, "A", ""}, 40005, 443)
	data := frame(t, seg{true, 99, "A", string(bytes.Repeat([]byte{0x17}, 1400))}, 40005, 443)
	ts := time.Now()
	d.Packet(layers.LinkTypeEthernet, ts, ack) // first sight emits the bindings
	d.Packet(layers.LinkTypeEthernet, ts, data)
	allocs := testing.AllocsPerRun(1000, func() {
		d.Packet(layers.LinkTypeEthernet, ts, ack)
		d.Packet(layers.LinkTypeEthernet, ts, data)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per packet pair", allocs)
	}
}

// TestViewerRequestAttributedToServer: a capture of a viewer pulling a stream
// holds the viewer's DESCRIBE; the path it names and the realm the camera
// answers with are observations about the camera (the server end), never
// about the viewer, and the path counts only once the camera served it.
func TestViewerRequestAttributedToServer(t *testing.T) {
	obs := &recorder{}
	d := NewDecoder(obs.emit, Options{})
	describe := "DESCRIBE rtsp://198.18.0.11:554/unicast/c1/s0/live RTSP/1.0\r\nCSeq: %d\r\n\r\n"
	challenge := "RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm=\"48ea63c2402b\",nonce=\"08834db25099945d53645c8d458f37e0\", stale=\"FALSE\"\r\n\r\n"
	ok := "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 0\r\n\r\n"
	c1 := fmt.Sprintf(describe, 2)
	c2 := fmt.Sprintf(describe, 3)
	feed(t, d, 41000, 554,
		seg{false, 100, "S", ""},
		seg{true, 900, "SA", ""},
		seg{false, 101, "A", c1},
		seg{true, 901, "A", challenge},
		seg{false, 101 + uint32(len(c1)), "A", c2},
		seg{true, 901 + uint32(len(challenge)), "FA", ok},
	)
	d.Flush()
	const camera, viewer = "198.18.0.11", "198.18.0.5"
	for _, want := range [][2]string{
		{"rtsp.served_url", "rtsp://198.18.0.11:554/unicast/c1/s0/live"},
		{"rtsp.realm_mac", "48:ea:63:c2:40:2b"},
	} {
		if !obs.has(camera, want[0], want[1]) {
			t.Errorf("no %s %q about the camera: %+v", want[0], want[1], obs.obs)
		}
	}
	for _, o := range obs.obs {
		if o.IP.String() == viewer && o.Key != "link.ip" {
			t.Errorf("observation attributed to the viewer: %+v", o)
		}
	}
}

// TestMidStreamUnknownPortByFirstLine: a capture that starts after the
// handshake of a web server on a port no decoder names still holds the
// server's answer; its status line (or the client's request line) says
// which end is the server. Bulk segments there start no flow.
func TestMidStreamUnknownPortByFirstLine(t *testing.T) {
	rec := &streamRecorder{}
	p := &Protocols{
		StreamDetect: func(client, server []byte) (scanner.StreamDecoder, bool) {
			return rec.decode, len(server) > 0 || bytes.HasPrefix(client, []byte("GET "))
		},
		StreamOpens: func(b []byte, requests bool) (bool, bool) {
			return bytes.HasPrefix(b, []byte("HTTP/1.")), bytes.HasPrefix(b, []byte("HTTP/1.")) || requests && bytes.HasPrefix(b, []byte("GET "))
		},
	}
	d := NewDecoder((&recorder{}).emit, Options{Protocols: p})
	feed(t, d, 40006, 8008, seg{true, 500, "A", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"}, seg{true, 531, "FA", ""})
	feed(t, d, 40007, 8009, seg{false, 1, "A", "GET / HTTP/1.1\r\n\r\n"}, seg{true, 9, "A", "HTTP/1.1 401 Unauthorized\r\n\r\n"})
	feed(t, d, 40008, 9100, seg{false, 1, "A", "\x1b%-12345X@PJL"}, seg{true, 1, "A", "bulk"})
	d.Flush()
	if len(rec.got) != 2 {
		t.Fatalf("decoded %+v, want the two web flows", rec.got)
	}
	first, second := rec.got[0], rec.got[1]
	if first.server != "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n" || first.meta.SrcPort != 8008 || first.meta.SrcIP.String() != "198.18.0.11" {
		t.Errorf("server-only answer: %+v", first)
	}
	if second.client != "GET / HTTP/1.1\r\n\r\n" || second.server != "HTTP/1.1 401 Unauthorized\r\n\r\n" || second.meta.SrcPort != 8009 {
		t.Errorf("request and answer: %+v", second)
	}
}

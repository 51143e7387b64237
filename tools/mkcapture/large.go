package main

import (
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
)

// The large capture is ordinary office traffic (bulk downloads, web, DNS,
// ARP, file copies between local hosts) with the constructed site's cameras
// announcing themselves now and then. It streams to w: memory stays at a
// few hundred flows whatever the packet count.

const (
	largeClients  = 2000
	largeFlows    = 256
	cameraEvery   = 20000 // packets between camera announcements
	segmentsLimit = 400   // data segments before a bulk flow closes
)

type bulkFlow struct {
	cli, srv   pcapgen.Host
	cport      uint16
	sport      uint16
	cseq, sseq uint32
	segments   int
	state      int // 0 SYN, 1 SYN-ACK, 2 ACK, 3+ data; -1 closing
}

type largeGen struct {
	c       *capture
	p       *payloads
	rng     *rand.Rand
	clients []pcapgen.Host
	servers []net.IP
	flows   []bulkFlow
	bulk    []byte
	gw      pcapgen.Host
	n       int
	cam     int
}

func writeLarge(w io.Writer, p *payloads, packets int, form pcapgen.LinkForm) error {
	g := newLargeGen(p)
	flush, err := g.c.StreamForm(w, &g.n, form)
	if err != nil {
		return err
	}
	for g.n < packets && g.c.Err == nil {
		g.step()
	}
	if g.c.Err != nil {
		return g.c.Err
	}
	return flush()
}

func newLargeGen(p *payloads) *largeGen {
	g := &largeGen{p: p, rng: rand.New(rand.NewPCG(2026, 11)), gw: pcapgen.NewHost("4c:5e:0c:4b:92:7b", "10.30.0.1")}
	g.c = &capture{&pcapgen.Capture{F: pcapgen.NewFramer(), Now: start, Step: 40 * time.Microsecond}}
	for i := range largeClients {
		mac := net.HardwareAddr{0x00, 0x14, 0x22, 0x10, byte(i >> 8), byte(i)}
		g.clients = append(g.clients, pcapgen.Host{MAC: mac, IP: net.IPv4(10, 30, byte(1+i/250), byte(1+i%250)).To4()})
	}
	for i := range 512 {
		g.servers = append(g.servers, net.IPv4(byte(23+i%180), byte(i*7), byte(i*13), byte(1+i%250)).To4())
	}
	g.bulk = make([]byte, pcapgen.MSS+48)
	for i := range g.bulk {
		g.bulk[i] = byte(g.rng.Uint32())
	}
	g.flows = make([]bulkFlow, largeFlows)
	for i := range g.flows {
		g.flows[i] = g.newFlow()
	}
	return g
}

func (g *largeGen) client() pcapgen.Host { return g.clients[g.rng.IntN(len(g.clients))] }

// internet is a public server reached through the gateway's MAC.
func (g *largeGen) internet() pcapgen.Host {
	return pcapgen.Host{MAC: g.gw.MAC, IP: g.servers[g.rng.IntN(len(g.servers))]}
}

func (g *largeGen) newFlow() bulkFlow {
	f := bulkFlow{cli: g.client(), srv: g.internet(), cport: uint16(32768 + g.rng.IntN(28000)), sport: 443,
		cseq: g.rng.Uint32(), sseq: g.rng.Uint32()}
	switch g.rng.IntN(4) {
	case 0:
		f.sport = 80
	case 1: // a file copy between two local hosts
		f.srv, f.sport = g.client(), 445
	}
	return f
}

// step writes one or a few packets, chosen to give an office-like mix.
func (g *largeGen) step() {
	if g.n/cameraEvery > g.cam {
		g.cam++
		g.camera()
		return
	}
	switch r := g.rng.IntN(100); {
	case r < 70:
		g.bulkStep()
	case r < 74: // DNS is a few percent of packets on an office network
		g.dns()
	case r < 84:
		g.web()
	case r < 96:
		g.quic()
	default:
		a, b := g.client(), g.client()
		g.c.Write(g.c.F.ARP(a, b, r%2 == 0))
	}
}

func (g *largeGen) bulkStep() {
	i := g.rng.IntN(len(g.flows))
	f := &g.flows[i]
	c := g.c
	switch {
	case f.state == 0:
		c.Write(c.F.TCP(f.cli, f.srv, f.cport, f.sport, f.cseq, 0, pcapgen.TCPFlags{SYN: true}, nil))
	case f.state == 1:
		c.Write(c.F.TCP(f.srv, f.cli, f.sport, f.cport, f.sseq, f.cseq+1, pcapgen.TCPFlags{SYN: true, ACK: true}, nil))
		f.cseq++
		f.sseq++
	case f.segments >= segmentsLimit:
		c.Write(c.F.TCP(f.srv, f.cli, f.sport, f.cport, f.sseq, f.cseq, pcapgen.TCPFlags{FIN: true, ACK: true}, nil))
		c.Write(c.F.TCP(f.cli, f.srv, f.cport, f.sport, f.cseq, f.sseq+1, pcapgen.TCPFlags{FIN: true, ACK: true}, nil))
		g.flows[i] = g.newFlow()
		return
	case f.state%24 == 3: // one full segment in 24, the rest acknowledgements
		n := pcapgen.MSS + g.rng.IntN(48)
		c.Write(c.F.TCP(f.srv, f.cli, f.sport, f.cport, f.sseq, f.cseq, pcapgen.TCPFlags{ACK: true}, g.bulk[:n]))
		f.sseq += uint32(n)
		f.segments++
	default:
		c.Write(c.F.TCP(f.cli, f.srv, f.cport, f.sport, f.cseq, f.sseq, pcapgen.TCPFlags{ACK: true}, nil))
	}
	f.state++
}

var popularNames = []string{"www.google.com", "outlook.office365.com", "teams.microsoft.com", "api.github.com",
	"update.googleapis.com", "clients4.google.com", "www.bbc.co.uk", "slack.com", "zoom.us", "ocsp.digicert.com"}

func (g *largeGen) dns() {
	cli := g.client()
	name := popularNames[g.rng.IntN(len(popularNames))]
	if g.rng.IntN(4) == 0 {
		name = "host" + strconv.Itoa(g.rng.IntN(1000)) + ".cdn.example.net"
	}
	g.c.Write(g.c.F.DNSQuery(cli, g.gw, uint16(49152+g.rng.IntN(16000)), uint16(g.rng.Uint32()), name))
}

// web is a short plain-HTTP exchange with a public server, mid-stream.
func (g *largeGen) web() {
	cli, srv := g.client(), g.internet()
	port := uint16(40000 + g.rng.IntN(20000))
	seq, ack := g.rng.Uint32(), g.rng.Uint32()
	g.c.Write(g.c.F.TCP(cli, srv, port, 80, seq, ack, pcapgen.TCPFlags{ACK: true, PSH: true},
		[]byte("GET /assets/app.js HTTP/1.1\r\nHost: static.example.com\r\nUser-Agent: Mozilla/5.0\r\n\r\n")))
	g.c.Write(g.c.F.TCP(srv, cli, 80, port, ack, seq+80, pcapgen.TCPFlags{ACK: true, PSH: true},
		[]byte("HTTP/1.1 304 Not Modified\r\nServer: nginx\r\nDate: Thu, 26 Nov 2026 05:10:00 GMT\r\nETag: \"5f1e-6a2b\"\r\n\r\n")))
}

func (g *largeGen) quic() {
	cli, srv := g.client(), g.internet()
	n := 40 + g.rng.IntN(60)
	if g.rng.IntN(2) == 0 {
		g.c.Write(g.c.F.UDP(cli, srv, uint16(50000+g.rng.IntN(10000)), 443, g.bulk[:n]))
	} else {
		g.c.Write(g.c.F.UDP(srv, cli, 443, uint16(50000+g.rng.IntN(10000)), g.bulk[:n]))
	}
}

// camera writes one announcement or exchange from the site's devices.
func (g *largeGen) camera() {
	c, p := g.c, g.p
	switch g.cam % 6 {
	case 0:
		c.sadp()
	case 1:
		c.dhip(p)
	case 2:
		c.Write(c.F.UDP(hikIPC, workstation, 3702, 3702, hikWSD(p)))
		c.Write(c.F.UDP(dahuaIPC, workstation, 3702, 3702, dahuaWSD(p)))
	case 3:
		c.Write(c.F.UDP(xmDVR, bcast, 34569, 34569, xmSearchReply(xmDVR)))
	case 4:
		c.Conversation(workstation, hikIPC, uint16(50000+g.cam%10000), 554, rtspRequest("DESCRIBE", hikIPC, "/Streaming/Channels/101", "1"), p.hikDescribe)
	case 5:
		c.Conversation(workstation, dahuaIPC, uint16(50000+g.cam%10000), 554, rtspRequest("OPTIONS", dahuaIPC, "/", "5"), p.dahuaOptions)
	}
}

package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// The camera-network profile is a video segment: an NVR recording a few
// hundred cameras, ARP-sweeping them and probing them with WS-Discovery,
// the cameras answering, announcing themselves (Hello, mDNS, SSDP, SADP,
// DHIP) and streaming RTP to the NVR over UDP and interleaved in RTSP.
// Discovery chatter is a large share of the packets, and most of it carries
// fields that change from message to message (MessageID, RelatesTo,
// MessageNumber), as it does on real networks: a decoder cannot skip it by
// recognising the bytes. Every choice comes from a seeded generator, so the
// file is the same on every run.

const (
	camnetCameras = 240
	camnetRTP     = 1200 // RTP payload bytes of a video packet
)

type camnetGen struct {
	c       *capture
	p       *payloads
	rng     *rand.Rand
	cams    []camnetCam
	nvr     pcapgen.Host
	n       int
	msgNum  uint32 // WS-Discovery AppSequence MessageNumber, shared by the senders for simplicity
	probeID uint32
	sweep   int // next camera the NVR's ARP sweep asks for
	video   []byte
}

type camnetCam struct {
	h        pcapgen.Host
	dahua    bool
	model    string
	rtpSeq   uint16
	tcpSeq   uint32
	nvrSeq   uint32
	ssdp     []byte
	mdns     []byte
	announce []byte // SADP or DHIP announcement
}

var camnetMDNSGroup = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.IPv4(224, 0, 0, 251)), IP: net.IPv4(224, 0, 0, 251).To4()}

func writeCamnet(w io.Writer, p *payloads, packets int, form pcapgen.LinkForm) error {
	g := newCamnetGen(p)
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

func newCamnetGen(p *payloads) *camnetGen {
	g := &camnetGen{p: p, rng: rand.New(rand.NewPCG(2026, 12)), nvr: pcapgen.NewHost("bc:ad:28:5e:20:01", "10.40.0.2")}
	g.c = &capture{&pcapgen.Capture{F: pcapgen.NewFramer(), Now: start, Step: 25 * time.Microsecond}}
	for i := range camnetCameras {
		cam := camnetCam{dahua: i%3 == 2, rtpSeq: uint16(i * 97), tcpSeq: uint32(i) * 7919, nvrSeq: uint32(i) * 104729}
		ip := net.IPv4(10, 40, byte(1+i/250), byte(1+i%250)).To4()
		if cam.dahua {
			cam.h = pcapgen.Host{MAC: net.HardwareAddr{0x4c, 0x11, 0xbf, 0x30, byte(i >> 8), byte(i)}, IP: ip} // Dahua OUI
			cam.model = "IPC-HDW5421S"
			cam.announce = discovery.DHIPFrame(p.dahuaNotifyAt(ip.String()))
		} else {
			cam.h = pcapgen.Host{MAC: net.HardwareAddr{0x44, 0x19, 0xb6, 0x30, byte(i >> 8), byte(i)}, IP: ip} // Hikvision OUI
			cam.model = "DS-2CD2146G2-ISU"
			cam.announce = sadpProbeMatch("7D2A8A18-0C4E-4A47-B1A1-1C2B3D4E5F60", "138", cam.model, fmt.Sprintf("2024060%dAAWRFJ%04d", i%10, i),
				"V5.7.17build 240606", "V7.3 build 240606", cam.h)
		}
		cam.ssdp = camnetSSDP(cam)
		cam.mdns = camnetMDNS(g.c.F, cam)
		g.cams = append(g.cams, cam)
	}
	g.video = make([]byte, 12+camnetRTP)
	for i := range g.video {
		g.video[i] = byte(g.rng.Uint32())
	}
	return g
}

// step writes one or a few packets in the segment's mix.
func (g *camnetGen) step() {
	cam := &g.cams[g.rng.IntN(len(g.cams))]
	switch r := g.rng.IntN(100); {
	case r < 15:
		g.rtpUDP(cam)
	case r < 22:
		g.rtpInterleaved(cam)
	case r < 50:
		g.arpSweep()
	case r < 60:
		g.probe()
	case r < 66:
		g.hello(cam)
	case r < 75:
		g.c.Write(g.c.F.UDP(cam.h, camnetMDNSGroup, 5353, 5353, cam.mdns))
	case r < 84:
		g.c.Write(g.c.F.UDP(cam.h, sadpGroup, 1900, 1900, cam.ssdp))
	case r < 92:
		g.announce(cam)
	default:
		g.http(cam)
	}
}

// rtpUDP is one video packet from a camera to the NVR (RTP over UDP, the
// ports RTSP SETUP negotiated).
func (g *camnetGen) rtpUDP(cam *camnetCam) {
	cam.rtpSeq++
	g.video[0], g.video[1] = 0x80, 96
	g.video[2], g.video[3] = byte(cam.rtpSeq>>8), byte(cam.rtpSeq)
	i := int(cam.h.IP[3])
	g.c.Write(g.c.F.UDP(cam.h, g.nvr, uint16(8000+2*i), uint16(40000+2*i), g.video))
}

// rtpInterleaved is a video packet inside the RTSP connection ($, channel,
// length, RTP) and, one time in four, the NVR's acknowledgement.
func (g *camnetGen) rtpInterleaved(cam *camnetCam) {
	frame := g.video[:4+camnetRTP-200]
	frame[0], frame[1], frame[2], frame[3] = '$', 0, byte((len(frame)-4)>>8), byte(len(frame)-4)
	port := uint16(50000 + int(cam.h.IP[3]))
	g.c.Write(g.c.F.TCP(cam.h, g.nvr, 554, port, cam.tcpSeq, cam.nvrSeq, pcapgen.TCPFlags{ACK: true, PSH: true}, frame))
	cam.tcpSeq += uint32(len(frame))
	if cam.rtpSeq%4 == 0 {
		g.c.Write(g.c.F.TCP(g.nvr, cam.h, port, 554, cam.nvrSeq, cam.tcpSeq, pcapgen.TCPFlags{ACK: true}, nil))
	}
	cam.rtpSeq++
}

// arpSweep is the NVR asking for the next address and, for addresses that
// are cameras, the camera's reply.
func (g *camnetGen) arpSweep() {
	g.sweep = (g.sweep + 1) % (camnetCameras + 16)
	if g.sweep >= camnetCameras { // an empty address: nobody answers
		empty := pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4(10, 40, 3, byte(g.sweep)).To4()}
		g.c.Write(g.c.F.ARP(g.nvr, empty, false))
		return
	}
	cam := g.cams[g.sweep]
	g.c.Write(g.c.F.ARP(g.nvr, cam.h, false))
	g.c.Write(g.c.F.ARP(cam.h, g.nvr, true))
}

// probe is the NVR's WS-Discovery Probe and the ProbeMatches of a few
// cameras, each with its own MessageID and the probe's in RelatesTo.
func (g *camnetGen) probe() {
	g.probeID++
	probeID := camnetUUID(0xc0ffee00, g.probeID)
	g.c.Write(g.c.F.UDP(g.nvr, sadpGroup, 3702, 3702, wsdProbe(probeID)))
	for range 3 {
		cam := g.cams[g.rng.IntN(len(g.cams))]
		g.c.Write(g.c.F.UDP(cam.h, g.nvr, 3702, 3702, g.probeMatch(cam, probeID)))
	}
}

func (g *camnetGen) probeMatch(cam camnetCam, probeID string) []byte {
	g.msgNum++
	b := g.p.wsdProbeMatch(camnetScopes(cam), "http://"+cam.h.IP.String()+"/onvif/device_service", camnetEndpoint(cam), probeID)
	return []byte(strings.Replace(string(b), "uuid:"+camnetEndpoint(cam)+"</wsa:MessageID>", "uuid:"+camnetUUID(0x5eed0000, g.msgNum)+"</wsa:MessageID>", 1))
}

// hello is a camera's WS-Discovery Hello. CONSTRUCTED after the WS-Discovery
// (2005/04) Hello that ONVIF devices multicast; scopes as in the site scene.
func (g *camnetGen) hello(cam *camnetCam) {
	g.msgNum++
	msg := `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" ` +
		`xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" ` +
		`xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header><wsa:MessageID>uuid:` + camnetUUID(0x5eed0000, g.msgNum) + `</wsa:MessageID>` +
		`<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</wsa:Action>` +
		`<wsdd:AppSequence InstanceId="1764133800" MessageNumber="` + strconv.FormatUint(uint64(g.msgNum), 10) + `"/></SOAP-ENV:Header>` +
		`<SOAP-ENV:Body><wsdd:Hello><wsa:EndpointReference><wsa:Address>urn:uuid:` + camnetEndpoint(*cam) + `</wsa:Address></wsa:EndpointReference>` +
		`<wsdd:Types>dn:NetworkVideoTransmitter</wsdd:Types><wsdd:Scopes>` + camnetScopes(*cam) + `</wsdd:Scopes>` +
		`<wsdd:XAddrs>http://` + cam.h.IP.String() + `/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion>` +
		`</wsdd:Hello></SOAP-ENV:Body></SOAP-ENV:Envelope>`
	g.c.Write(g.c.F.UDP(cam.h, sadpGroup, 3702, 3702, []byte(msg)))
}

// announce repeats a camera's SADP (Hikvision) or DHIP (Dahua) announcement.
func (g *camnetGen) announce(cam *camnetCam) {
	if cam.dahua {
		g.c.Write(g.c.F.UDP(cam.h, dhipGroup, 37810, 37810, cam.announce))
		return
	}
	g.c.Write(g.c.F.UDP(cam.h, sadpGroup, 37020, 37020, cam.announce))
}

// http is the NVR polling a camera's device information: one connection,
// answered 401 as an unauthenticated request is.
func (g *camnetGen) http(cam *camnetCam) {
	server := "App-webs/"
	if cam.dahua {
		server = "Webs"
	}
	port := uint16(30000 + g.rng.IntN(30000))
	g.c.Conversation(g.nvr, cam.h, port, 80, []byte("GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: "+cam.h.IP.String()+"\r\n\r\n"),
		[]byte("HTTP/1.1 401 Unauthorized\r\nServer: "+server+"\r\nContent-Length: 0\r\n"+
			"WWW-Authenticate: Digest realm=\"IP Camera\", nonce=\""+strconv.FormatUint(g.rng.Uint64(), 16)+"\", qop=\"auth\"\r\n\r\n"))
}

func camnetScopes(cam camnetCam) string {
	name := "HIKVISION%20" + cam.model
	if cam.dahua {
		name = "Dahua"
	}
	return "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/MAC/" + cam.h.MAC.String() +
		" onvif://www.onvif.org/hardware/" + cam.model + " onvif://www.onvif.org/name/" + name
}

func camnetEndpoint(cam camnetCam) string {
	m := cam.h.MAC
	return fmt.Sprintf("aa85c000-6324-11b3-819e-%02x%02x%02x%02x%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

func camnetUUID(prefix, n uint32) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", prefix, n)
}

// camnetSSDP is a camera's UPnP NOTIFY (the form of axisSSDP, with the
// server string Hikvision firmware sends, signals.md §2).
func camnetSSDP(cam camnetCam) []byte {
	return []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=3600\r\n" +
		"LOCATION: http://" + cam.h.IP.String() + ":49152/upnpdevicedesc.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
		"SERVER: Linux/3.0.8, UPnP/1.0, Portable SDK for UPnP devices/1.6.6\r\n" +
		"USN: uuid:" + camnetEndpoint(cam) + "::upnp:rootdevice\r\n\r\n")
}

// camnetMDNS is a camera's mDNS announcement of its web interface: PTR, SRV,
// TXT and A records, as Avahi-based firmware sends them.
func camnetMDNS(f *pcapgen.Framer, cam camnetCam) []byte {
	return f.MDNSAnnouncement("_http._tcp.local", "cam-"+cam.h.IP.String()+"._http._tcp.local",
		"cam-"+strconv.Itoa(int(cam.h.IP[3]))+".local", 80, cam.h.IP, "path=/", "model="+cam.model)
}

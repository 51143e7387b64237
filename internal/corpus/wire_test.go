package corpus

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/camsweep/camsweep/scanner/service"
	"github.com/gopacket/gopacket/layers"
)

// The wire test puts every corpus string into a capture the way a device
// sends it (a Server header in an answer to GET /, a realm in a 401, an RTSP
// answer to OPTIONS, a telnet greeting, a discovery datagram, a DHCP request,
// a certificate in a TLS handshake) and reads the capture with `camsweep
// pcap`'s reader. The device found there must be the device `camsweep
// identify` finds in the same string: same verdict, maker, model and
// firmware. A capture is what an auditor most often has, and the held-out
// measure reads the same strings both ways.

var (
	wireClient = pcapgen.NewHost("02:00:5e:00:00:14", "198.18.0.20")
	// wireSniffer streams the site's Wi-Fi to wireClient (TZSP).
	wireSniffer = pcapgen.NewHost("02:00:5e:00:00:1e", "198.18.0.30")
	wireGroup   = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.IPv4(239, 255, 255, 250)), IP: net.IPv4(239, 255, 255, 250).To4()}
	mdnsGroup   = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.IPv4(224, 0, 0, 251)), IP: net.IPv4(224, 0, 0, 251).To4()}
	// The IPv6 groups of the same protocols: SSDP and WS-Discovery's
	// link-local ff02::c, mDNS's ff02::fb.
	wireGroup6 = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.ParseIP("ff02::c")), IP: net.ParseIP("ff02::c")}
	mdnsGroup6 = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.ParseIP("ff02::fb")), IP: net.ParseIP("ff02::fb")}
)

// wireBatch is how many devices share one capture (at most 65,536: their
// addresses are 198.19.0.0/16).
const wireBatch = 2000

// keyValue is one observation of a corpus case, with the port a rule set
// gives it (0: the protocol's usual port).
type keyValue struct {
	key, value string
	port       uint16
}

// wireScene collects what one device sends, grouped by exchange.
type wireScene struct {
	where     string
	dev       pcapgen.Host
	want      fingerprint.Device // what identify finds in the same strings
	obs       []keyValue
	http      map[string]string // http.* facts of one answer to one request
	onvif     map[string]string // onvif.* facts of one GetDeviceInformation answer
	gvcp      map[string]string // gvcp.* facts of one GigE Vision discovery acknowledge
	cert      map[string]string // tls.subject and tls.issuer of one certificate
	certPort  uint16            // the port that certificate is served on
	sip       map[string]string // sip.user_agent and gb28181.* facts of one GB/T 28181 registration
	snmp      []pcapgen.SNMPVar // snmp.* facts of one GetResponse to a manager's poll
	wifi      map[string]string // wifi.ssid and wps.* facts of the device's beacon
	ssdp      map[string]string // ssdp.server and ssdp.usn of one SSDP search answer
	exchanges []func(c *pcapgen.Capture)
	form      wireForm // how a capture made elsewhere differs; zero: the usual form
}

// newWireScene is the scene of the n-th device of a capture: each has its
// own address in 198.19.0.0/16 and its own locally administered MAC, so
// that thousands share one capture without meeting.
func newWireScene(n int, where string, form wireForm) *wireScene {
	mac := net.HardwareAddr{0x02, 0, 0x5e, 1, byte(n >> 8), byte(n)}
	ip := net.IPv4(198, 19, byte(n>>8), byte(n)).To4()
	if form.IPv6 {
		ip = net.ParseIP("fd00::198:19:0:0")
		ip[14], ip[15] = byte(n>>8), byte(n)
	}
	return &wireScene{where: where, dev: pcapgen.Host{MAC: mac, IP: ip}, http: map[string]string{}, onvif: map[string]string{}, sip: map[string]string{}, gvcp: map[string]string{}, cert: map[string]string{}, wifi: map[string]string{}, ssdp: map[string]string{}, form: form}
}

// place adds one observation to the scene; false when the key has no wire
// form here (a hash of a body, a fact decoded from a protocol's fields).
func (s *wireScene) place(kv keyValue) bool {
	switch kv.key {
	case "http.server", "http.www_authenticate", "http.title", "http.body", "http.status", "http.path", "http.content_type":
		s.http[kv.key] = kv.value
	case "http.headers":
		s.tcp(portOr(kv.port, 80), s.httpRequest("/"), []byte(kv.value))
	case "rtsp.server":
		s.tcp(portOr(kv.port, 554), s.rtspOptions(), []byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: "+kv.value+"\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"))
	case "rtsp.www_authenticate":
		s.tcp(portOr(kv.port, 554), s.rtspOptions(), []byte("RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: "+kv.value+"\r\n\r\n"))
	case "rtsp.served_url": // a viewer's request the device answered
		s.tcp(portOr(kv.port, 554), []byte("DESCRIBE "+kv.value+" RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n"),
			[]byte("RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n"))
	case "rtsp.response":
		if requests, answers, ok := service.LoggedExchange(kv.key, kv.value); ok {
			// An exchange as a client's log printed it: its requests are the
			// client's side of the connection, its answers the device's.
			s.tcp(portOr(kv.port, 554), requests, answers)
			break
		}
		s.tcp(portOr(kv.port, 554), s.rtspOptions(), []byte(kv.value))
	case "telnet.banner":
		s.tcp(portOr(kv.port, 23), nil, []byte(kv.value))
	case "tcp.banner_hex":
		b, err := service.RecordedBanner(kv.value) // hex or nmap's escaped form, as identify reads it
		if err != nil {
			return false
		}
		s.tcp(portOr(kv.port, 40404), nil, b) // a rule that names no port: some port no protocol owns
	case "tls.subject", "tls.issuer":
		if _, ok := service.ParseDN(kv.value); !ok {
			return false
		}
		s.cert[kv.key] = kv.value
		s.certPort = portOr(kv.port, 443)
	case "dhcp.vendor_class", "dhcp.hostname":
		vendor, host := "", ""
		if kv.key == "dhcp.vendor_class" {
			vendor = kv.value
		} else {
			host = kv.value
		}
		s.frame(func(f *pcapgen.Framer) []byte {
			return f.DHCP(s.dev, pcapgen.Host{}, layers.DHCPMsgTypeRequest, 0x5e0a, host, vendor)
		})
	case "wsd.scopes":
		s.udp(3702, wireGroup, wsdProbeMatchWith(kv.value))
	case "sadp.payload":
		s.udp(37020, wireGroup, []byte(kv.value))
	case "dhip.payload":
		b := []byte(kv.value)
		if raw, ok := discovery.BytesLiteral(kv.value); ok { // as a Python client logs it
			b = raw
		}
		if !bytes.HasPrefix(b, []byte{0x20, 0, 0, 0, 'D', 'H', 'I', 'P'}) {
			b = discovery.DHIPFrame(b)
		}
		// A framed message that is no search reply, challenge, notice or identity answer
		// (an answer whose request is not recorded) comes from a session on TCP: sent there,
		// as the device's side of a connection whose requests were not captured.
		if err := discovery.DHIP(b, scanner.Meta{}, func(observe.Observation) {}); errors.Is(err, discovery.ErrDHIPNoInfo) {
			s.tcp(37777, nil, b)
			break
		}
		s.udp(37810, wireGroup, b)
	case "onvif.manufacturer", "onvif.model", "onvif.firmware", "onvif.serial", "onvif.hardware_id":
		s.onvif[kv.key] = kv.value
	case "gvcp.manufacturer", "gvcp.model", "gvcp.device_version", "gvcp.serial", "gvcp.manufacturer_info", "gvcp.user_name":
		s.gvcp[kv.key] = kv.value
	case "p2p.did":
		login, ok := ppppDeviceLogin(kv.value)
		if !ok {
			return false
		}
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, wireClient, 32100, 32100, login) })
	case "snmp.sys_descr":
		s.snmp = append(s.snmp, pcapgen.SNMPVar{Name: "1.3.6.1.2.1.1.1.0", Text: kv.value})
	case "snmp.sys_name":
		s.snmp = append(s.snmp, pcapgen.SNMPVar{Name: "1.3.6.1.2.1.1.5.0", Text: kv.value})
	case "snmp.sys_object_id":
		s.snmp = append(s.snmp, pcapgen.SNMPVar{Name: "1.3.6.1.2.1.1.2.0", OIDValue: kv.value})
	case "snmp.private": // OID=value: the variable a manager polled in the maker's MIB
		name, text, ok := strings.Cut(kv.value, "=")
		if !ok {
			return false
		}
		s.snmp = append(s.snmp, pcapgen.SNMPVar{Name: name, Text: text})
	case "snmp.trap_oid": // a v2c trap from an agent's own port to the manager's 162
		s.frame(func(f *pcapgen.Framer) []byte {
			return f.UDP(s.dev, s.client(), 40162, 162, pcapgen.SNMPv2cTrap(kv.value, nil))
		})
	case "xm.payload":
		s.udp(34569, wireGroup, []byte(kv.value))
	case "hds.payload":
		s.udp(8002, wireGroup, []byte(kv.value))
	case "tdp.payload": // an answer to the app's broadcast, to the app's port
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 20002, 48976, []byte(kv.value)) })
	case "kasa.payload": // a get_sysinfo answer as saved (plain JSON), to the app's port
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 9999, 47828, []byte(kv.value)) })
	case "searchipc.payload": // a camera's answer to the search tool, broadcast to its port
		broadcast := pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4bcast.To4()}
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, broadcast, 3001, 3001, []byte(kv.value)) })
	case "moi.payload_hex", "dhs.payload_hex", "tuya.payload_hex": // a camera search answer, to the tool's port; an announcement
		raw, err := discovery.HexDump(kv.value)
		if err != nil {
			return false
		}
		switch kv.key {
		case "moi.payload_hex":
			s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 10000, 10000, raw) })
		case "dhs.payload_hex":
			s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 8600, 8601, raw) })
		default:
			broadcast := pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4bcast.To4()}
			s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, broadcast, 49154, 6667, raw) })
		}
	case "miio.payload_hex": // a Mi Home device's answer, from its miIO port to the app's
		raw, err := discovery.HexDump(kv.value)
		if err != nil {
			return false
		}
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 54321, 37419, raw) })
	case "ssdp.payload": // a search answer, to the searching client
		s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 1900, 50200, []byte(kv.value)) })
	case "sip.message": // a message the device sent its platform or PBX
		s.udp(5060, s.client(), []byte(kv.value))
	case "sip.user_agent", "gb28181.manufacturer", "gb28181.model", "gb28181.firmware", "gb28181.device_name":
		s.sip[kv.key] = kv.value
	case "gb28181.device_type": // the class its code's type digits give
		if _, ok := discovery.GB28181TypeCode(kv.value); !ok {
			return false
		}
		s.sip[kv.key] = kv.value
	case "wifi.ssid", "wps.manufacturer", "wps.model_name", "wps.model_number", "wps.device_name", "wps.device_type":
		// The device's beacon (its set-up hotspot), as a sniffer on the
		// site's Wi-Fi streams it to a collector.
		if len(kv.value) > 32 && kv.key == "wifi.ssid" || len(kv.value) > 64 {
			return false
		}
		s.wifi[kv.key] = kv.value
	case "dhcp.payload_hex", "mdns.payload_hex": // a whole message the device sent, as identify takes it
		raw, err := discovery.HexDump(kv.value)
		if err != nil {
			return false
		}
		if kv.key == "dhcp.payload_hex" {
			broadcast := pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4bcast.To4()}
			s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, broadcast, 68, 67, raw) })
		} else {
			s.udp(5353, mdnsGroup, raw)
		}
	case "ssdp.server", "ssdp.usn", "ssdp.location", "ssdp.st":
		if strings.ContainsAny(kv.value, "\r\n") {
			return false
		}
		s.ssdp[kv.key] = kv.value
	case "dns.query": // a name the device asks its resolver (the capture's other host)
		id := uint16(len(s.exchanges))
		s.frame(func(f *pcapgen.Framer) []byte { return f.DNSQuery(s.dev, s.client(), 50000+id, id, kv.value) })
	case "tls.sni": // the server name the device asks for when it opens its cloud
		cport := 41000 + uint16(len(s.exchanges))
		s.exchanges = append(s.exchanges, func(c *pcapgen.Capture) {
			c.Conversation(s.dev, s.client(), cport, 443, pcapgen.TLS12ClientHelloSNI(kv.value), nil)
		})
	case "arp.mac":
		// The device's own MAC: every scene's capture holds its ARP binding,
		// and check gives the scene the MAC identify found for the case.
	case "mdns.instance":
		name := strings.TrimSuffix(kv.value, ".")
		service := "_http._tcp.local"
		if n, ok := discovery.SplitDNSSDName(name); ok && n.Instance != "" {
			service = n.TypeName()
		} else {
			name += "." + service
		}
		s.mdns(func(f *pcapgen.Framer, announce mdnsBuilder) []byte {
			return announce(f, service, name, "device.local", 80, nil, "path=/")
		})
	case "mdns.hostname": // the SRV target and A record of a service the device announces
		host := strings.TrimSuffix(kv.value, ".")
		s.mdns(func(f *pcapgen.Framer, announce mdnsBuilder) []byte {
			return announce(f, "_http._tcp.local", "device._http._tcp.local", host, 80, s.dev.IP, "path=/")
		})
	default:
		return false
	}
	return true
}

// ppppDeviceLogin is a CS2 PPPP MSG_DEV_LGN carrying the device ID
// PREFIX-NNNNNN-CHECK: magic 0xF1, type 0x10, the body's length, then the ID
// (8-byte prefix, big-endian serial, 8-byte check code) and the rest of the
// login, zeros here.
func ppppDeviceLogin(did string) ([]byte, bool) {
	parts := strings.Split(did, "-")
	if len(parts) != 3 || len(parts[0]) > 8 || len(parts[2]) > 8 {
		return nil, false
	}
	serial, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return nil, false
	}
	body := make([]byte, 20+16)
	copy(body[0:8], parts[0])
	binary.BigEndian.PutUint32(body[8:12], uint32(serial))
	copy(body[12:20], parts[2])
	return append([]byte{0xf1, 0x10, 0, byte(len(body))}, body...), true
}

func portOr(p, def uint16) uint16 {
	if p == 0 {
		return def
	}
	return p
}

func (s *wireScene) tcp(port uint16, request, response []byte) {
	cport := 40000 + uint16(len(s.exchanges))
	port = s.form.serverPort(port)
	exchanges := s.form.httpExchanges(request, response)
	client := s.client()
	s.exchanges = append(s.exchanges, func(c *pcapgen.Capture) {
		c.Dialogue(client, s.dev, cport, port, exchanges)
	})
}

// client is the station talking to the device: of its address family.
func (s *wireScene) client() pcapgen.Host {
	if s.dev.IP.To4() == nil {
		return wireClient6
	}
	return wireClient
}

// udp sends a datagram from the device's port to the same port of a group
// or host; in a unicast form, a group's datagram goes to the prober's own
// port instead (an answer to the prober's query), in an ephemeral form it
// leaves from a port of the device's own.
func (s *wireScene) udp(port uint16, to pcapgen.Host, payload []byte) {
	sport, dport := port, port
	to = s.group(to)
	switch {
	case s.form.Unicast && to.IP.IsMulticast():
		to, dport = s.client(), 50000+uint16(len(s.exchanges))
	case s.form.Ephemeral && to.IP.IsMulticast():
		sport = 50000 + uint16(len(s.exchanges))
	}
	s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, to, sport, dport, payload) })
}

// group is a multicast group of the scene's address family.
func (s *wireScene) group(g pcapgen.Host) pcapgen.Host {
	switch {
	case s.dev.IP.To4() != nil:
		return g
	case g.IP.Equal(wireGroup.IP):
		return wireGroup6
	case g.IP.Equal(mdnsGroup.IP):
		return mdnsGroup6
	case g.IP.Equal(wireClient.IP):
		return wireClient6
	}
	return g
}

func (s *wireScene) frame(build func(f *pcapgen.Framer) []byte) {
	s.exchanges = append(s.exchanges, func(c *pcapgen.Capture) { c.Write(build(c.F)) })
}

// onvifAnswer builds the scene's ONVIF GetDeviceInformation exchange: a
// VMS's unauthenticated POST and the device's SOAP answer.
func (s *wireScene) onvifAnswer() {
	if len(s.onvif) == 0 {
		return
	}
	body := string(pcapgen.ONVIFDeviceInformation(s.onvif))
	request := `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>` +
		`<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`
	s.tcp(80, []byte("POST /onvif/device_service HTTP/1.1\r\nHost: "+s.dev.IP.String()+"\r\nContent-Type: application/soap+xml\r\nContent-Length: "+
		strconv.Itoa(len(request))+"\r\n\r\n"+request),
		[]byte("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body))
}

// gvcpAnswer builds the scene's GigE Vision discovery: the client's
// broadcast DISCOVERY_CMD and the camera's DISCOVERY_ACK to the client's
// port, naming the camera's own MAC and address.
func (s *wireScene) gvcpAnswer() {
	if len(s.gvcp) == 0 {
		return
	}
	const clientPort = 50100
	broadcast := pcapgen.Host{MAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, IP: net.IPv4bcast.To4()}
	s.frame(func(f *pcapgen.Framer) []byte {
		return f.UDP(wireClient, broadcast, clientPort, 3956, discovery.GVCPDiscovery())
	})
	s.frame(func(f *pcapgen.Framer) []byte {
		return f.UDP(s.dev, wireClient, 3956, clientPort, pcapgen.GVCPDiscoveryAck(s.gvcp, s.dev.MAC, s.dev.IP, 1))
	})
}

// wifiBeacon sends the scene's beacon inside TZSP from a Wi-Fi sniffer
// to its collector: the access point is the device, by its MAC.
func (s *wireScene) wifiBeacon() {
	if len(s.wifi) == 0 {
		return
	}
	s.frame(func(f *pcapgen.Framer) []byte {
		return f.UDP(wireSniffer, wireClient, 40037, 37008, pcapgen.TZSP(pcapgen.Beacon(s.dev.MAC, s.wifi["wifi.ssid"], s.wifi)))
	})
}

// ssdpAnswer sends the scene's SSDP search answer (its Server, USN,
// Location and ST headers) to the searching client.
func (s *wireScene) ssdpAnswer() {
	if len(s.ssdp) == 0 {
		return
	}
	header := func(key, name, otherwise string) string {
		if v, ok := s.ssdp[key]; ok {
			return name + ": " + v + "\r\n"
		}
		return otherwise
	}
	answer := "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n" +
		header("ssdp.location", "LOCATION", "LOCATION: http://"+s.dev.IP.String()+":49152/description.xml\r\n") +
		header("ssdp.server", "SERVER", "") + header("ssdp.st", "ST", "ST: upnp:rootdevice\r\n") + header("ssdp.usn", "USN", "")
	s.frame(func(f *pcapgen.Framer) []byte {
		return f.UDP(s.dev, s.client(), 1900, 50200, []byte(answer+"\r\n"))
	})
}

// sipRegistration builds the scene's GB/T 28181 exchange: the device's
// REGISTER (with its User-Agent) to the platform, then its DeviceInfo
// answer when the scene has its fields. The device's code has the type
// digits of its gb28181.device_type, or 199 (an extension type that names
// no class) when it has none.
func (s *wireScene) sipRegistration() {
	if len(s.sip) == 0 {
		return
	}
	code, ok := discovery.GB28181TypeCode(s.sip["gb28181.device_type"])
	if !ok {
		code = "199"
	}
	id := pcapgen.GB28181Code(code)
	s.udp(5060, wireClient, pcapgen.SIPRegister(s.dev.IP, s.client().IP, id, s.sip["sip.user_agent"]))
	for _, k := range []string{"gb28181.manufacturer", "gb28181.model", "gb28181.firmware", "gb28181.device_name"} {
		if _, ok := s.sip[k]; ok {
			s.udp(5060, wireClient, pcapgen.GB28181DeviceInfo(s.dev.IP, s.client().IP, id, s.sip))
			return
		}
	}
}

// snmpAnswer builds the scene's answer to a manager's SNMP poll: one
// GetResponse from the agent's port 161 with every snmp.* variable.
func (s *wireScene) snmpAnswer() {
	if len(s.snmp) == 0 {
		return
	}
	response := pcapgen.SNMPv2cResponse(s.snmp)
	s.frame(func(f *pcapgen.Framer) []byte { return f.UDP(s.dev, s.client(), 161, 40161, response) })
}

// httpAnswer builds the one HTTP exchange the scene's http.* facts describe:
// the request for http.path, an answer with http.status, the Server and
// WWW-Authenticate headers and a page holding the body or the title.
func (s *wireScene) httpAnswer() {
	h := s.http
	if len(h) == 0 {
		return
	}
	path := h["http.path"]
	if path == "" {
		path = "/"
	}
	s.tcp(80, s.httpRequest(path), pcapgen.HTTPAnswer(h))
}

func (s *wireScene) httpRequest(path string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + s.dev.IP.String() + "\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n")
}

func (s *wireScene) rtspOptions() []byte {
	return []byte("OPTIONS rtsp://" + s.dev.IP.String() + ":554/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: LibVLC/3.0.18\r\n\r\n")
}

// wsdProbeMatchWith is the real python-ws-discovery ProbeMatch
// (testdata/realdata) carrying other scopes, as the camera-network
// capture tool builds it.
func wsdProbeMatchWith(scopes string) []byte {
	const realScopes = "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Model/631GA onvif://www.onvif.org/Name/IPCAM onvif://www.onvif.org/location/country/china"
	return bytes.Replace(wsdEnvelope, []byte(realScopes), []byte(xmlEscape(scopes)), 1)
}

var wsdEnvelope = mustRead("realdata", "python-ws-discovery", "probe_response_IPCAM_631GA.xml")

func mustRead(elem ...string) []byte {
	b, err := os.ReadFile(testdata(elem...))
	if err != nil {
		panic(err)
	}
	return b
}

// wireCapture writes the scenes as one capture in the form's link and
// file format (classic Ethernet pcap by default).
func wireCapture(scenes []*wireScene, form wireForm) ([]byte, error) {
	var buf bytes.Buffer
	frames := 0
	c := &pcapgen.Capture{F: pcapgen.NewFramer(), Now: corpusTime, Step: time.Millisecond, Shape: form.Shape}
	flush, err := c.StreamForm(&buf, &frames, form.Link)
	if err != nil {
		return nil, err
	}
	for _, s := range scenes {
		s.httpAnswer()
		s.onvifAnswer()
		if err := s.certificateAnswer(); err != nil {
			return nil, err
		}
		s.gvcpAnswer()
		s.wifiBeacon()
		s.ssdpAnswer()
		s.sipRegistration()
		s.snmpAnswer()
		if !form.IPv6 { // an IPv6 device's binding is its own frames' source MAC
			c.Write(c.F.ARP(s.dev, wireClient, true)) // the device's own address binding, as any capture has
		}
		for _, x := range s.exchanges {
			x(c)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), c.Err
}

// identifyOnTheWire reads the scenes' capture and returns, per scene, the
// device with its address or MAC (zero if none).
func (p pipeline) identifyOnTheWire(scenes []*wireScene, form wireForm) ([]fingerprint.Device, error) {
	b, err := wireCapture(scenes, form)
	if err != nil {
		return nil, err
	}
	e := fingerprint.NewEngine(p.db, p.reg)
	if _, err := pcap.Read(context.Background(), bytes.NewReader(b), "wire", int64(len(b)), e.Add, pcap.Options{}); err != nil {
		return nil, err
	}
	byMAC, byIP := map[string]fingerprint.Device{}, map[netip.Addr]fingerprint.Device{}
	for _, d := range e.Devices() {
		byMAC[d.MAC.String()] = d
		for _, ip := range d.IPs {
			byIP[ip] = d
		}
	}
	out := make([]fingerprint.Device, len(scenes))
	for i, s := range scenes {
		ip, _ := netip.AddrFromSlice(s.dev.IP)
		if d, ok := byIP[ip]; ok {
			out[i] = d
		} else {
			out[i] = byMAC[s.dev.MAC.String()]
		}
	}
	return out, nil
}

var clientHello = pcapgen.TLS12ClientHello()

// certificateAnswer serves the scene's certificate in a TLS 1.2 handshake:
// its subject and issuer print as the case's RFC 2253 strings (place checked
// that they encode). A case with a subject alone gets a self-signed
// certificate; one with an issuer alone an empty subject, which the decoder
// leaves out as identify does.
func (s *wireScene) certificateAnswer() error {
	if len(s.cert) == 0 {
		return nil
	}
	subject, _ := service.ParseDN(s.cert["tls.subject"])
	if s.cert["tls.subject"] == "" {
		subject = pkix.RDNSequence{}
	}
	issuer := subject
	if dn, ok := s.cert["tls.issuer"]; ok {
		issuer, _ = service.ParseDN(dn)
	}
	der, err := pcapgen.Issued(subject, issuer, 1)
	if err != nil {
		return err
	}
	s.tcp(s.certPort, clientHello, pcapgen.TLS12ServerFlight(der, cmp.Or(s.form.TLSRecord, 16384)))
	return nil
}

// identifyObservations reads one corpus observation as `camsweep identify`
// does: a raw answer through its decoder (with the rule set's port), a fact
// as recorded.
func identifyObservations(t *testing.T, kv keyValue) []fingerprint.Observation {
	if _, raw := service.ByRawKey(kv.key); raw {
		return ruleObservations(ruleEntry{Key: kv.key, Value: kv.value, Port: kv.port})
	}
	return entryObservations(t, kv.key, kv.value)
}

// TestWireFormsKeepVerdicts puts every corpus string on the wire and reads
// the capture: the device found must be the one identify finds in the same
// string.
func TestWireFormsKeepVerdicts(t *testing.T) {
	r := newWireRun(t, newPipeline(t), wireForm{})
	r.report = func(s *wireScene, got fingerprint.Device) {
		if r.differ <= 40 {
			t.Errorf("%s %v:\n\ton the wire %s\n\tidentify   %s", s.where, s.obs, describe(got), describe(s.want))
		}
	}
	forEachWireCase(t, func(where string, obs []keyValue, _ string) { r.check(where, obs, nil) })
	r.flush()
	t.Logf("%d cases put on the wire (%d of them restricted there), %d differ; these have a key with no wire form here (by key: %v)", r.tried, r.restricted, r.differ, r.unplaced)
}

// forEachWireCase calls fn with every corpus case: the sources' entries,
// recog's camera entries and the mined rule sets' (scope is the rule's:
// "other" for other products' strings).
func forEachWireCase(t *testing.T, fn func(where string, obs []keyValue, scope string)) {
	for _, path := range sourceFiles(t) {
	entries:
		for _, e := range loadSourceEntries(t, path) {
			var obs []keyValue
			for _, o := range e.Obs {
				if service.Printed(o.Key, o.Value) {
					continue entries // an answer as a client printed it: identify reads it, the wire never holds it
				}
				obs = append(obs, keyValue{key: o.Key, value: o.Value})
			}
			fn(sourceName(path)+" "+e.ID, obs, "")
		}
	}
	for _, rf := range recogFiles {
		cases, err := loadRecog(testdata("corpus", "recog", rf.file), rf.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			fn("recog "+rf.file, []keyValue{{key: rf.key, value: c.Value}}, "")
		}
	}
	for _, rs := range ruleSets {
		for i, e := range loadRuleEntries(t, rs.dir) {
			if e.Scope == "other" && raceEnabled && i%16 != 0 {
				continue // the race detector makes the 50,000 other products' pages slow; a sample of them still runs
			}
			fn(rs.dir+" "+e.Rule, []keyValue{{key: e.Key, value: e.Value, port: e.Port}}, e.Scope)
		}
	}
}

// wireRun puts cases on the wire in one form, a batch of devices per
// capture, and counts those the capture's reader sees otherwise than
// identify does.
type wireRun struct {
	t                         *testing.T
	p                         pipeline
	form                      wireForm
	tried, differ, restricted int
	unplaced                  map[string]int
	batch                     []*wireScene
	usedMACs                  map[fingerprint.MAC]bool
	report                    func(s *wireScene, got fingerprint.Device) // called for each case that differs
}

func newWireRun(t *testing.T, p pipeline, form wireForm) *wireRun {
	return &wireRun{t: t, p: p, form: form, unplaced: map[string]int{}, usedMACs: map[fingerprint.MAC]bool{}}
}

func (r *wireRun) flush() {
	got, err := r.p.identifyOnTheWire(r.batch, r.form)
	if err != nil {
		r.t.Fatal(err)
	}
	for i, s := range r.batch {
		if got[i].Restricted {
			r.restricted++
		}
		want := s.want
		if got[i].Vendor != want.Vendor || got[i].Model != want.Model || got[i].Firmware != want.Firmware || got[i].Verdict != want.Verdict {
			r.differ++
			if r.report != nil {
				r.report(s, got[i])
			}
		}
	}
	r.batch = r.batch[:0]
	clear(r.usedMACs)
}

// check puts one case in the next capture; want is what identify finds in
// its strings (nil: identify it here). It reports false when a key of the
// case has no wire form.
func (r *wireRun) check(where string, obs []keyValue, want *fingerprint.Device) bool {
	s := newWireScene(len(r.batch), where, r.form)
	var plain []fingerprint.Observation
	for _, kv := range obs {
		if !s.place(kv) {
			r.unplaced[kv.key]++
			return false
		}
		if want == nil {
			plain = append(plain, identifyObservations(r.t, kv)...)
		}
	}
	r.tried++
	s.obs = obs
	if want != nil {
		s.want = *want
	} else {
		s.want = r.p.identify(r.t, plain...)
	}
	if s.want.MAC != (fingerprint.MAC{}) {
		// The strings name the device's own MAC (a discovery answer, a
		// realm): on a wire its frames come from that MAC. Two devices
		// with one MAC would be one device, so such a case starts a
		// new capture when its MAC is taken.
		if r.usedMACs[s.want.MAC] {
			r.flush()
			s.dev.IP = newWireScene(0, where, r.form).dev.IP
		}
		s.dev.MAC = net.HardwareAddr(s.want.MAC[:])
		r.usedMACs[s.want.MAC] = true
	}
	if r.batch = append(r.batch, s); len(r.batch) == wireBatch {
		r.flush()
	}
	return true
}

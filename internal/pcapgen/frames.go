package pcapgen

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Host is one station on the constructed network.
type Host struct {
	MAC net.HardwareAddr
	IP  net.IP
}

// NewHost parses a station's MAC and IPv4 address; it panics on a bad one
// (the addresses are the test's or tool's own constants).
func NewHost(mac, ip string) Host {
	m, err := net.ParseMAC(mac)
	if err != nil {
		panic(err)
	}
	return Host{MAC: m, IP: net.ParseIP(ip).To4()}
}

// BroadcastMAC is the Ethernet broadcast address.
var BroadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// MulticastMAC maps an IPv4 group to its Ethernet address.
func MulticastMAC(group net.IP) net.HardwareAddr {
	g := group.To4()
	if g == nil { // IPv6: 33:33 and the group's last four bytes (RFC 2464)
		g = group.To16()
		return net.HardwareAddr{0x33, 0x33, g[12], g[13], g[14], g[15]}
	}
	return net.HardwareAddr{0x01, 0x00, 0x5e, g[1] & 0x7f, g[2], g[3]}
}

// Framer serialises Ethernet frames into one reused buffer: each result is
// valid until the next call.
type Framer struct {
	buf  gopacket.SerializeBuffer
	opts gopacket.SerializeOptions
	ipID uint16
}

// NewFramer returns a framer with checksums and lengths filled in.
func NewFramer() *Framer {
	return &Framer{buf: gopacket.NewSerializeBuffer(), opts: gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}}
}

// Serialize writes the layers as one frame (or payload) into the reused buffer.
func (f *Framer) Serialize(ls ...gopacket.SerializableLayer) []byte {
	if err := gopacket.SerializeLayers(f.buf, f.opts, ls...); err != nil {
		panic(err) // only on a programming error: the layers are ours
	}
	return f.buf.Bytes()
}

func (f *Framer) ipv4(src, dst Host, proto layers.IPProtocol) (*layers.Ethernet, *layers.IPv4) {
	f.ipID++
	eth := &layers.Ethernet{SrcMAC: src.MAC, DstMAC: dst.MAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Id: f.ipID, Protocol: proto, SrcIP: src.IP, DstIP: dst.IP, Flags: layers.IPv4DontFragment}
	return eth, ip
}

// ip is the Ethernet and IP header between two hosts: IPv6 when the
// source's address is one, else IPv4.
func (f *Framer) ip(src, dst Host, proto layers.IPProtocol) (*layers.Ethernet, ipLayer) {
	if src.IP.To4() == nil {
		eth := &layers.Ethernet{SrcMAC: src.MAC, DstMAC: dst.MAC, EthernetType: layers.EthernetTypeIPv6}
		return eth, &layers.IPv6{Version: 6, NextHeader: proto, HopLimit: 64, SrcIP: src.IP, DstIP: dst.IP}
	}
	return f.ipv4(src, dst, proto)
}

type ipLayer interface {
	gopacket.NetworkLayer
	gopacket.SerializableLayer
}

func (f *Framer) UDP(src, dst Host, sport, dport uint16, payload []byte) []byte {
	eth, ip := f.ip(src, dst, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return f.Serialize(eth, ip, udp, gopacket.Payload(payload))
}

// TCPFlags are the flags of one TCP segment.
type TCPFlags struct{ SYN, ACK, FIN, RST, PSH bool }

func (f *Framer) TCP(src, dst Host, sport, dport uint16, seq, ack uint32, fl TCPFlags, payload []byte) []byte {
	eth, ip := f.ip(src, dst, layers.IPProtocolTCP)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack,
		SYN: fl.SYN, ACK: fl.ACK, FIN: fl.FIN, RST: fl.RST, PSH: fl.PSH, Window: 64240}
	_ = tcp.SetNetworkLayerForChecksum(ip)
	return f.Serialize(eth, ip, tcp, gopacket.Payload(payload))
}

// ARP builds a request from src for target (reply=false) or src's reply to dst.
func (f *Framer) ARP(src Host, dst Host, reply bool) []byte {
	eth := &layers.Ethernet{SrcMAC: src.MAC, DstMAC: BroadcastMAC, EthernetType: layers.EthernetTypeARP}
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: src.MAC, SourceProtAddress: src.IP,
		DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: dst.IP}
	if reply {
		eth.DstMAC = dst.MAC
		a.Operation, a.DstHwAddress = layers.ARPReply, dst.MAC
	}
	return f.Serialize(eth, a)
}

// ARPProbe builds an RFC 5227 probe: broadcast, sender protocol address
// 0.0.0.0, target hardware address zero, target protocol address the one the
// sender wants.
func (f *Framer) ARPProbe(src Host) []byte {
	eth := &layers.Ethernet{SrcMAC: src.MAC, DstMAC: BroadcastMAC, EthernetType: layers.EthernetTypeARP}
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: src.MAC, SourceProtAddress: net.IPv4zero.To4(),
		DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: src.IP}
	return f.Serialize(eth, a)
}

// DADSolicit builds an RFC 4862 duplicate address detection message: a
// neighbour solicitation from :: to the target's solicited-node group.
func (f *Framer) DADSolicit(src Host, target net.IP) []byte {
	group := net.ParseIP("ff02::1:ff00:0")
	copy(group[13:], target[13:])
	eth := &layers.Ethernet{SrcMAC: src.MAC, DstMAC: net.HardwareAddr{0x33, 0x33, group[12], group[13], group[14], group[15]},
		EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255, SrcIP: net.IPv6unspecified, DstIP: group}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	ns := &layers.ICMPv6NeighborSolicitation{TargetAddress: target}
	return f.Serialize(eth, ip, icmp, ns)
}

// DHCP builds a client message (Discover/Request, from 0.0.0.0 to broadcast)
// or a server's Offer/ACK.
func (f *Framer) DHCP(client, server Host, msg layers.DHCPMsgType, xid uint32, hostname, vendorClass string) []byte {
	d := &layers.DHCPv4{Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6,
		Xid: xid, ClientHWAddr: client.MAC, Flags: 0x8000}
	d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(msg)}))
	src, dst := Host{MAC: client.MAC, IP: net.IPv4zero.To4()}, Host{MAC: BroadcastMAC, IP: net.IPv4bcast.To4()}
	sport, dport := uint16(68), uint16(67)
	switch msg {
	case layers.DHCPMsgTypeOffer, layers.DHCPMsgTypeAck:
		d.Operation, d.YourClientIP = layers.DHCPOpReply, client.IP
		d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptServerID, server.IP),
			layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 1, 0x51, 0x80}),
			layers.NewDHCPOption(layers.DHCPOptSubnetMask, []byte{255, 255, 255, 0}),
			layers.NewDHCPOption(layers.DHCPOptRouter, server.IP))
		src, sport, dport = server, 67, 68
	default:
		if msg == layers.DHCPMsgTypeRequest {
			d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptRequestIP, client.IP))
		}
		if hostname != "" {
			d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptHostname, []byte(hostname)))
		}
		if vendorClass != "" {
			d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptClassID, []byte(vendorClass)))
		}
		d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptParamsRequest, []byte{1, 3, 6, 12, 15, 28, 42}))
	}
	d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptEnd, nil))
	eth, ip := f.ipv4(src, dst, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return f.Serialize(eth, ip, udp, d)
}

// DNSQuery builds a standard query for an A record.
func (f *Framer) DNSQuery(client, server Host, sport uint16, id uint16, name string) []byte {
	q := &layers.DNS{ID: id, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	eth, ip := f.ip(client, server, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: 53}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return f.Serialize(eth, ip, udp, q)
}

// MDNSAnnouncement is the payload of an mDNS response announcing the DNS-SD
// service instance (its full name, "Cam._http._tcp.local") of the service
// type ("_http._tcp.local") on host:port: PTR, SRV and TXT records and, when
// ip is set, the host's A record, as Avahi-based firmware sends them.
func (f *Framer) MDNSAnnouncement(service, instance, host string, port uint16, ip net.IP, txt ...string) []byte {
	return f.mdnsAnswer(false, service, instance, host, port, ip, txt)
}

// MDNSAnswerAdditional is MDNSAnnouncement as a responder answers a PTR
// question: the PTR record in the answer section, the SRV, TXT and A
// records in the additional section (RFC 6763 section 12).
func (f *Framer) MDNSAnswerAdditional(service, instance, host string, port uint16, ip net.IP, txt ...string) []byte {
	return f.mdnsAnswer(true, service, instance, host, port, ip, txt)
}

func (f *Framer) mdnsAnswer(additional bool, service, instance, host string, port uint16, ip net.IP, txt []string) []byte {
	txts := make([][]byte, len(txt))
	for i, t := range txt {
		txts[i] = []byte(t)
	}
	dns := &layers.DNS{QR: true, AA: true, Answers: []layers.DNSResourceRecord{
		{Name: []byte(service), Type: layers.DNSTypePTR, Class: layers.DNSClassIN, TTL: 4500, PTR: []byte(instance)},
		{Name: []byte(instance), Type: layers.DNSTypeSRV, Class: layers.DNSClassIN, TTL: 120, SRV: layers.DNSSRV{Port: port, Name: []byte(host)}},
		{Name: []byte(instance), Type: layers.DNSTypeTXT, Class: layers.DNSClassIN, TTL: 4500, TXTs: txts},
	}}
	if ip != nil {
		rr := layers.DNSResourceRecord{Name: []byte(host), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 120, IP: ip}
		if ip.To4() == nil {
			rr.Type = layers.DNSTypeAAAA
		}
		dns.Answers = append(dns.Answers, rr)
	}
	if additional {
		dns.Answers, dns.Additionals = dns.Answers[:1], dns.Answers[1:]
	}
	return append([]byte(nil), f.Serialize(dns)...)
}

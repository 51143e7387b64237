package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// host is one station on the constructed network.
type host struct {
	mac net.HardwareAddr
	ip  net.IP
}

func newHost(mac, ip string) host {
	m, err := net.ParseMAC(mac)
	if err != nil {
		panic(err)
	}
	return host{mac: m, ip: net.ParseIP(ip).To4()}
}

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// multicastMAC maps an IPv4 group to its Ethernet address.
func multicastMAC(group net.IP) net.HardwareAddr {
	g := group.To4()
	return net.HardwareAddr{0x01, 0x00, 0x5e, g[1] & 0x7f, g[2], g[3]}
}

// framer serialises Ethernet frames into one reused buffer: each result is
// valid until the next call.
type framer struct {
	buf  gopacket.SerializeBuffer
	opts gopacket.SerializeOptions
	ipID uint16
}

func newFramer() *framer {
	return &framer{buf: gopacket.NewSerializeBuffer(), opts: gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}}
}

func (f *framer) serialize(ls ...gopacket.SerializableLayer) []byte {
	if err := gopacket.SerializeLayers(f.buf, f.opts, ls...); err != nil {
		panic(err) // only on a programming error: the layers are ours
	}
	return f.buf.Bytes()
}

func (f *framer) ipv4(src, dst host, proto layers.IPProtocol) (*layers.Ethernet, *layers.IPv4) {
	f.ipID++
	eth := &layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Id: f.ipID, Protocol: proto, SrcIP: src.ip, DstIP: dst.ip, Flags: layers.IPv4DontFragment}
	return eth, ip
}

func (f *framer) udp(src, dst host, sport, dport uint16, payload []byte) []byte {
	eth, ip := f.ipv4(src, dst, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return f.serialize(eth, ip, udp, gopacket.Payload(payload))
}

type tcpFlags struct{ syn, ack, fin, rst, psh bool }

func (f *framer) tcp(src, dst host, sport, dport uint16, seq, ack uint32, fl tcpFlags, payload []byte) []byte {
	eth, ip := f.ipv4(src, dst, layers.IPProtocolTCP)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack,
		SYN: fl.syn, ACK: fl.ack, FIN: fl.fin, RST: fl.rst, PSH: fl.psh, Window: 64240}
	_ = tcp.SetNetworkLayerForChecksum(ip)
	return f.serialize(eth, ip, tcp, gopacket.Payload(payload))
}

// arp builds a request from src for target (reply=false) or src's reply to dst.
func (f *framer) arp(src host, dst host, reply bool) []byte {
	eth := &layers.Ethernet{SrcMAC: src.mac, DstMAC: broadcastMAC, EthernetType: layers.EthernetTypeARP}
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: src.mac, SourceProtAddress: src.ip,
		DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: dst.ip}
	if reply {
		eth.DstMAC = dst.mac
		a.Operation, a.DstHwAddress = layers.ARPReply, dst.mac
	}
	return f.serialize(eth, a)
}

// arpProbe builds an RFC 5227 probe: broadcast, sender protocol address
// 0.0.0.0, target hardware address zero, target protocol address the one the
// sender wants.
func (f *framer) arpProbe(src host) []byte {
	eth := &layers.Ethernet{SrcMAC: src.mac, DstMAC: broadcastMAC, EthernetType: layers.EthernetTypeARP}
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: src.mac, SourceProtAddress: net.IPv4zero.To4(),
		DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: src.ip}
	return f.serialize(eth, a)
}

// dadSolicit builds an RFC 4862 duplicate address detection message: a
// neighbour solicitation from :: to the target's solicited-node group.
func (f *framer) dadSolicit(src host, target net.IP) []byte {
	group := net.ParseIP("ff02::1:ff00:0")
	copy(group[13:], target[13:])
	eth := &layers.Ethernet{SrcMAC: src.mac, DstMAC: net.HardwareAddr{0x33, 0x33, group[12], group[13], group[14], group[15]},
		EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255, SrcIP: net.IPv6unspecified, DstIP: group}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	ns := &layers.ICMPv6NeighborSolicitation{TargetAddress: target}
	return f.serialize(eth, ip, icmp, ns)
}

// dhcp builds a client message (Discover/Request, from 0.0.0.0 to broadcast)
// or a server's Offer/ACK.
func (f *framer) dhcp(client, server host, msg layers.DHCPMsgType, xid uint32, hostname, vendorClass string) []byte {
	d := &layers.DHCPv4{Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6,
		Xid: xid, ClientHWAddr: client.mac, Flags: 0x8000}
	d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(msg)}))
	src, dst := host{mac: client.mac, ip: net.IPv4zero.To4()}, host{mac: broadcastMAC, ip: net.IPv4bcast.To4()}
	sport, dport := uint16(68), uint16(67)
	switch msg {
	case layers.DHCPMsgTypeOffer, layers.DHCPMsgTypeAck:
		d.Operation, d.YourClientIP = layers.DHCPOpReply, client.ip
		d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptServerID, server.ip),
			layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 1, 0x51, 0x80}),
			layers.NewDHCPOption(layers.DHCPOptSubnetMask, []byte{255, 255, 255, 0}),
			layers.NewDHCPOption(layers.DHCPOptRouter, server.ip))
		src, sport, dport = server, 67, 68
	default:
		if msg == layers.DHCPMsgTypeRequest {
			d.Options = append(d.Options, layers.NewDHCPOption(layers.DHCPOptRequestIP, client.ip))
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
	return f.serialize(eth, ip, udp, d)
}

// dnsQuery builds a standard query for an A record.
func (f *framer) dnsQuery(client, server host, sport uint16, id uint16, name string) []byte {
	q := &layers.DNS{ID: id, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	eth, ip := f.ipv4(client, server, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: 53}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return f.serialize(eth, ip, udp, q)
}

package sweep

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/miekg/dns"
)

// The discovery requests below are what each protocol's own tools send; the
// answers are decoded by scanner/discovery like any captured packet.

// Multicast groups and ports of the link-local discovery protocols.
const (
	groupSSDP = "239.255.255.250" // also WS-Discovery and Hikvision SADP
	groupDHIP = "239.255.255.251"
	groupMDNS = "224.0.0.251"

	portSADP = 37020
	portDHIP = 37810
	portXM   = 34569
	portWSD  = 3702
	portSSDP = 1900
	portMDNS = 5353
)

func uuid() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sadpInquiry is Hikvision SADP's device inquiry.
func sadpInquiry() []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuidUpper() + `</Uuid><Types>inquiry</Types></Probe>`)
}

func uuidUpper() string {
	u := []byte(uuid())
	for i, c := range u {
		if c >= 'a' && c <= 'f' {
			u[i] = c - 32
		}
	}
	return string(u)
}

// xmSearch is the Xiongmai (NETSurveillance/"Sofia") search: a 20-byte
// header with head 0xff and message id 1530, no body.
func xmSearch() []byte {
	h := make([]byte, 20)
	h[0] = 0xff
	binary.LittleEndian.PutUint16(h[14:], 1530)
	return h
}

// wsdProbe is an ONVIF WS-Discovery Probe for network video transmitters.
func wsdProbe() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
		`xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
		`<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
		`<a:MessageID>urn:uuid:` + uuid() + `</a:MessageID>` +
		`<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>` +
		`<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
		`<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`)
}

// ssdpSearch is an SSDP M-SEARCH for everything.
func ssdpSearch() []byte {
	return []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")
}

// mdnsServiceTypes are asked for besides the DNS-SD enumeration: camera
// services that do not always answer the meta-query.
var mdnsServiceTypes = []string{
	"_services._dns-sd._udp.local.",
	"_CGI._tcp.local.", "_http._tcp.local.", "_rtsp._tcp.local.", "_onvif._tcp.local.",
	"_axis-video._tcp.local.", "_psia._tcp.local.", "_device-info._tcp.local.",
}

// mdnsQuery asks for PTR records of the service types with the
// unicast-response bit set; sent from a port other than 5353 it is a "legacy
// unicast" query (RFC 6762 §6.7) answered straight to us.
func mdnsQuery() ([]byte, error) {
	m := new(dns.Msg)
	for _, t := range mdnsServiceTypes {
		m.Question = append(m.Question, dns.Question{Name: t, Qtype: dns.TypePTR, Qclass: dns.ClassINET | 1<<15})
	}
	return m.Pack()
}

package discovery

import (
	"encoding/binary"
	"errors"
	"strings"

	"github.com/miekg/dns"

	"github.com/camsweep/camsweep/scanner"
)

// maxDNSPayload is the largest DNS message read: a UDP datagram's limit.
const maxDNSPayload = 65535

var errDNSTooLarge = errors.New("dns: payload larger than a datagram")

// MDNS decodes a multicast DNS / DNS-SD message (RFC 6762/6763). A
// response's records describe its sender: service instances, service types,
// host names and TXT strings. A query's authority section holds the records
// its sender is probing for, i.e. its own names; its questions and known
// answers describe other hosts and are ignored, so a pure question emits
// nothing.
func MDNS(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	msg, err := unpackDNS(payload)
	if err != nil {
		if msg = unpackMDNSRecords(payload); msg == nil {
			return err
		}
	}
	s := newSink(m, emit)
	if msg.Response {
		mdnsRecords(s, msg.Answer)
		mdnsRecords(s, msg.Ns)
		mdnsRecords(s, msg.Extra)
		return nil
	}
	mdnsRecords(s, msg.Ns)
	return nil
}

// DNS decodes a unicast DNS message on port 53. The sender of a query is the
// asker: each question name becomes dns.query. A response from port 53 says
// only that its sender resolves names for others (dns.answered): the
// questions such a server sends upstream are its clients' (a router or a
// site's DNS server forwarding a camera's cloud lookups), which the engine
// then does not take for its own. The answer's records are someone else's
// and are not read, so a response is not unpacked.
func DNS(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if isDNSResponse(payload) {
		if m.SrcPort == dnsPort {
			m.SrcPort = 0
			newSink(m, emit).field("dns.answered", "true")
		}
		return nil
	}
	msg, err := unpackDNS(payload)
	if err != nil {
		return err
	}
	if msg.Response || msg.Opcode != dns.OpcodeQuery {
		return nil
	}
	// The asker's source port is ephemeral, not a service: without it
	// repeated lookups of one name are one fact.
	m.SrcPort = 0
	s := newSink(m, emit)
	for _, q := range msg.Question {
		s.field("dns.query", strings.ToLower(PresentName(q.Name)))
	}
	return nil
}

const dnsPort = 53

// isDNSResponse reads the QR bit of a DNS header with a standard query's
// opcode (RFC 1035 4.1.1).
func isDNSResponse(b []byte) bool {
	const headerLen, qr, opcodeMask = 12, 0x80, 0x78
	return len(b) >= headerLen && b[2]&qr != 0 && b[2]&opcodeMask == 0
}

func unpackDNS(payload []byte) (*dns.Msg, error) {
	if len(payload) > maxDNSPayload {
		return nil, errDNSTooLarge
	}
	msg := new(dns.Msg)
	if err := msg.Unpack(payload); err != nil {
		return nil, err
	}
	return msg, nil
}

// unpackMDNSRecords reads a message that does not unpack whole record by
// record, as python-zeroconf does: a record whose data does not parse is
// skipped by its RDLENGTH and the others are kept. A eufy HomeBase 2's
// HomeKit answer carries an NSEC record whose next-domain name is a
// compression pointer (python-zeroconf keeps it as a test,
// test_dns_compression_invalid_skips_record); miekg/dns rejects the whole
// message for it, and with it the TXT record that names the model. Nil when
// the header or a name that frames a record does not parse, or no record
// does. Only a standard response (QR set, opcode and RCODE 0, as every
// mDNS answer) whose records, skipped ones included, end exactly where the
// datagram ends is read so: a datagram that is no DNS message at all does not
// frame its records that way.
func unpackMDNSRecords(payload []byte) *dns.Msg {
	const headerLen, fixedLen = 12, 10 // type, class, TTL, RDLENGTH
	if len(payload) < headerLen || len(payload) > maxDNSPayload ||
		payload[2]&0xf8 != 0x80 || payload[3]&0x0f != 0 {
		return nil
	}
	count := func(i int) int { return int(binary.BigEndian.Uint16(payload[i:])) }
	msg := new(dns.Msg)
	msg.Response = payload[2]&0x80 != 0
	off := headerLen
	for range count(4) {
		_, next, err := dns.UnpackDomainName(payload, off)
		if err != nil || next+4 > len(payload) {
			return nil
		}
		off = next + 4
	}
	records := 0
	section := func(n int) []dns.RR {
		var rrs []dns.RR
		for range n {
			if off < 0 || off >= len(payload) {
				return rrs
			}
			rr, next, err := dns.UnpackRR(payload, off)
			if err == nil && rr != nil {
				rrs = append(rrs, rr)
				records++
				off = next
				continue
			}
			_, next, err = dns.UnpackDomainName(payload, off)
			if err != nil || next+fixedLen > len(payload) {
				off = -1
				return rrs
			}
			off = next + fixedLen + int(binary.BigEndian.Uint16(payload[next+8:]))
		}
		return rrs
	}
	msg.Answer = section(count(6))
	msg.Ns = section(count(8))
	msg.Extra = section(count(10))
	if records == 0 || off != len(payload) {
		return nil
	}
	return msg
}

func mdnsRecords(s *sink, records []dns.RR) {
	for _, rr := range records {
		switch r := rr.(type) {
		case *dns.PTR:
			if isReverseName(r.Hdr.Name) {
				s.field("mdns.hostname", PresentName(r.Ptr))
				continue
			}
			serviceFacts(s, r.Hdr.Name)
			serviceFacts(s, r.Ptr)
		case *dns.SRV:
			serviceFacts(s, r.Hdr.Name)
			s.field("mdns.hostname", PresentName(r.Target))
		case *dns.TXT:
			serviceFacts(s, r.Hdr.Name)
			for _, t := range r.Txt {
				s.field("mdns.txt", unescapeDNS(t))
			}
		case *dns.A:
			s.field("mdns.hostname", PresentName(r.Hdr.Name))
		case *dns.AAAA:
			s.field("mdns.hostname", PresentName(r.Hdr.Name))
		}
	}
}

// serviceFacts emits the service type and, when the name is a service
// instance's, the instance name.
func serviceFacts(s *sink, name string) {
	n, ok := SplitDNSSDName(name)
	if !ok {
		return
	}
	s.field("mdns.service", n.Service)
	if n.Instance != "" {
		s.field("mdns.instance", PresentName(name))
	}
}

func isReverseName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".in-addr.arpa.") || strings.HasSuffix(n, ".ip6.arpa.")
}

// PresentName turns a name in presentation format (miekg/dns, dig,
// avahi-browse: \DDD and \X escapes, a trailing dot) into the text a user
// reads: escapes resolved, no trailing dot.
func PresentName(name string) string {
	return strings.Join(splitLabels(name), ".")
}

// splitLabels splits a presentation-format name into unescaped labels; an
// escaped dot stays inside its label.
func splitLabels(name string) []string {
	var labels []string
	var cur strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\\':
			b, n := unescapeAt(name, i)
			cur.WriteByte(b)
			i += n - 1
		case c == '.':
			labels = append(labels, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		labels = append(labels, cur.String())
	}
	return labels
}

// unescapeDNS resolves the \X and \DDD escapes miekg/dns writes into TXT
// strings, giving back the bytes the device sent.
func unescapeDNS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		c, n := unescapeAt(s, i)
		b.WriteByte(c)
		i += n - 1
	}
	return b.String()
}

// unescapeAt decodes the escape starting at s[i] == '\\' and returns the
// byte and the escape's length.
func unescapeAt(s string, i int) (byte, int) {
	if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
		v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
		if v < 256 {
			return byte(v), 4
		}
	}
	if i+1 < len(s) {
		return s[i+1], 2
	}
	return '\\', 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mdnsServiceTypes are asked for besides the DNS-SD enumeration: camera
// services that do not always answer the meta-query. _miio._udp is the miIO
// service Mi Home devices announce, cameras among them: their instance name is
// their model id.
var mdnsServiceTypes = []string{
	"_services._dns-sd._udp.local.",
	"_CGI._tcp.local.", "_http._tcp.local.", "_rtsp._tcp.local.", "_onvif._tcp.local.",
	"_axis-video._tcp.local.", "_psia._tcp.local.", "_device-info._tcp.local.",
	"_miio._udp.local.",
}

// MDNSQuery asks for PTR records of the service types with the
// unicast-response bit set; sent from a port other than 5353 it is a "legacy
// unicast" query (RFC 6762 §6.7) answered straight to us.
func MDNSQuery() ([]byte, error) {
	m := new(dns.Msg)
	for _, t := range mdnsServiceTypes {
		m.Question = append(m.Question, dns.Question{Name: t, Qtype: dns.TypePTR, Qclass: dns.ClassINET | 1<<15})
	}
	return m.Pack()
}

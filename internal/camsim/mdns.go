//go:build linux

package camsim

import (
	"errors"
	"net"
	"strings"

	"github.com/miekg/dns"
)

var mdnsGroup = listenAddr("mdns")

// servicesMeta is the DNS-SD name that enumerates service types.
const servicesMeta = "_services._dns-sd._udp.local."

// mdnsTTL is what embedded responders commonly use for service records.
const mdnsTTL = 120

func (d *Device) startMDNS(s *Service) error {
	conn, err := d.Host.ListenMulticastUDP(mdnsGroup)
	if err != nil {
		return err
	}
	if !d.track(conn) {
		return errors.New("device closed")
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.serveMDNS(conn, s)
	}()
	return nil
}

func (d *Device) serveMDNS(conn *net.UDPConn, s *Service) {
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || d.ctx.Err() != nil {
				return
			}
			continue
		}
		reply := d.answerMDNS(s, buf[:n], from.Port != mdnsGroup.Port)
		if reply == nil {
			continue
		}
		dst := mdnsGroup
		if from.Port != mdnsGroup.Port {
			dst = from // legacy unicast query (RFC 6762 §6.7): answer the sender
		}
		conn.WriteToUDP(reply, dst)
	}
}

// answerMDNS builds the response to a query for the service type, the
// instance, the host name or the service enumeration; nil if none matches.
func (d *Device) answerMDNS(s *Service, query []byte, legacy bool) []byte {
	var q dns.Msg
	if err := q.Unpack(query); err != nil || q.Response || len(q.Question) == 0 || len(q.Question) > 32 {
		return nil
	}
	names := d.mdnsNames(s.MDNS)
	var resp dns.Msg
	resp.Response = true
	resp.Authoritative = true
	if legacy {
		resp.Id = q.Id
		resp.Question = q.Question
	}
	for _, question := range q.Question {
		resp.Answer = append(resp.Answer, names.answer(question)...)
	}
	if len(resp.Answer) == 0 {
		return nil
	}
	resp.Extra = names.additional(resp.Answer)
	out, err := resp.Pack()
	if err != nil {
		return nil
	}
	return out
}

// mdnsNames are the fully qualified names of one device's service.
type mdnsNames struct {
	serviceType, instance, target string
	port                          uint16
	txt                           []string
	ip                            net.IP
}

func (d *Device) mdnsNames(m *MDNSService) mdnsNames {
	exp := func(v string) string { return string(expand([]byte(v), d.vars)) }
	serviceType := strings.TrimSuffix(m.Type, ".") + ".local."
	var txt []string
	for _, t := range m.TXT {
		txt = append(txt, exp(t))
	}
	return mdnsNames{
		serviceType: serviceType,
		instance:    escapeLabel(exp(m.Instance)) + "." + serviceType,
		target:      exp(m.Target) + ".local.",
		port:        uint16(m.Port),
		txt:         txt,
		ip:          d.Host.IP.AsSlice(),
	}
}

// escapeLabel escapes a DNS-SD instance label (spaces stay, dots are escaped).
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `.`, `\.`).Replace(s)
}

func (n mdnsNames) answer(q dns.Question) []dns.RR {
	name := strings.ToLower(q.Name)
	want := func(t uint16) bool { return q.Qtype == t || q.Qtype == dns.TypeANY }
	switch {
	case name == servicesMeta && want(dns.TypePTR):
		return []dns.RR{n.ptr(servicesMeta, n.serviceType)}
	case name == strings.ToLower(n.serviceType) && want(dns.TypePTR):
		return []dns.RR{n.ptr(n.serviceType, n.instance)}
	case name == strings.ToLower(n.instance):
		var rrs []dns.RR
		if want(dns.TypeSRV) {
			rrs = append(rrs, n.srv())
		}
		if want(dns.TypeTXT) {
			rrs = append(rrs, n.txtRR())
		}
		return rrs
	case name == strings.ToLower(n.target) && want(dns.TypeA):
		return []dns.RR{n.a()}
	}
	return nil
}

// additional adds SRV, TXT and A records for the instances answered, as
// responders do so that browsers need one round trip.
func (n mdnsNames) additional(answers []dns.RR) []dns.RR {
	for _, rr := range answers {
		if ptr, ok := rr.(*dns.PTR); ok && ptr.Ptr == n.instance {
			return []dns.RR{n.srv(), n.txtRR(), n.a()}
		}
	}
	return nil
}

func hdr(name string, t uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: mdnsTTL}
}

func (n mdnsNames) ptr(name, target string) dns.RR {
	return &dns.PTR{Hdr: hdr(name, dns.TypePTR), Ptr: target}
}

func (n mdnsNames) srv() dns.RR {
	return &dns.SRV{Hdr: hdr(n.instance, dns.TypeSRV), Port: n.port, Target: n.target}
}

func (n mdnsNames) txtRR() dns.RR {
	return &dns.TXT{Hdr: hdr(n.instance, dns.TypeTXT), Txt: n.txt}
}

func (n mdnsNames) a() dns.RR {
	return &dns.A{Hdr: hdr(n.target, dns.TypeA), A: n.ip}
}

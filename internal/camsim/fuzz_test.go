//go:build linux

package camsim

import (
	"bufio"
	"bytes"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/miekg/dns"
)

// Seeds for every fuzzer are also committed under testdata/fuzz/<Fuzzer>/.

func FuzzSADPProbe(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>8E3B9F0C-1C2D</Uuid><Types>inquiry</Types></Probe>`))
	f.Add([]byte(`<Probe><Uuid>x</Uuid><Types>inquiry_v32</Types></Probe>`))
	f.Add([]byte(`<ProbeMatch><Uuid>x</Uuid><Types>inquiry</Types></ProbeMatch>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		uuid, ok := parseSADPProbe(b)
		if ok && (len(uuid) > 64 || strings.ContainsAny(uuid, "<>&\"'")) {
			t.Fatalf("unsafe uuid %q accepted", uuid)
		}
	})
}

func FuzzWSDProbe(f *testing.F) {
	f.Add(wsdProbe("urn:uuid:0b7a1b36-5f8e-4a57-9d3c-2f1e0d9c8b7a"))
	f.Add([]byte(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"><env:Header><wsa:MessageID>urn:uuid:1</wsa:MessageID></env:Header><env:Body><wsd:Probe/></env:Body></env:Envelope>`))
	f.Add([]byte(`<s:Envelope><s:Header><a:MessageID>x</a:MessageID></s:Header><s:Body><Probe xmlns="http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"/></s:Body></s:Envelope>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, ok := parseWSDProbe(b)
		if ok && (id == "" || len(id) > 256 || strings.ContainsAny(id, "<>&\"'")) {
			t.Fatalf("unsafe MessageID %q accepted", id)
		}
	})
}

func FuzzDHIP(f *testing.F) {
	f.Add(discovery.DHIPFrame([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`)))
	f.Add([]byte(" \x00\x00\x00DHIP"))
	f.Fuzz(func(t *testing.T, b []byte) {
		method, ok := parseDHIP(b)
		if ok {
			if again, ok2 := parseDHIP(discovery.DHIPFrame(b[32 : 32+int(leUint32(b[16:20]))])); !ok2 || again != method {
				t.Fatalf("reframing changed the method: %q vs %q", method, again)
			}
		}
	})
}

func leUint32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func FuzzXMHeader(f *testing.F) {
	f.Add(xmFrame(xmSearchReq, nil))
	f.Add(xmFrame(1000, []byte(`{"LoginType":"DVRIP-Web"}`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, ok := parseXMHeader(b)
		if ok {
			body := b[xmHeaderLen : xmHeaderLen+int(leUint32(b[16:20]))]
			if id2, ok2 := parseXMHeader(xmFrame(id, body)); !ok2 || id2 != id {
				t.Fatalf("reframing changed the message id")
			}
		}
	})
}

// fuzzDevice is a device that is not running, for exercising answer paths.
func fuzzDevice(t testing.TB) (*Device, *Service) {
	p, err := LoadProfile(osDirFS(), "hikvision-ipc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mac, _ := net.ParseMAC(p.MAC)
	d := &Device{Profile: p, Host: &lab.Host{MAC: mac, IP: netip.MustParseAddr("198.18.0.2")}}
	d.vars = d.templateVars()
	s, _ := d.Profile.Service("mdns", 0)
	return d, s
}

func FuzzMDNSQuery(f *testing.F) {
	for _, name := range []string{"_CGI._tcp.local.", servicesMeta, "HIKVISION\\ DS-2CD2386G2-IU\\ -\\ 733052914._CGI._tcp.local."} {
		var q dns.Msg
		q.SetQuestion(name, dns.TypePTR)
		b, _ := q.Pack()
		f.Add(b)
	}
	d, s := fuzzDevice(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, legacy := range []bool{false, true} {
			resp := d.answerMDNS(s, b, legacy)
			if resp == nil {
				continue
			}
			var m dns.Msg
			if err := m.Unpack(resp); err != nil || !m.Response || len(m.Answer) == 0 {
				t.Fatalf("bad answer to %x: %v", b, err)
			}
		}
	})
}

type noDeadline struct{}

func (noDeadline) SetReadDeadline(time.Time) error { return nil }

func FuzzRequestHead(f *testing.F) {
	f.Add([]byte("OPTIONS rtsp://198.18.0.2/ RTSP/1.0\r\nCSeq: 2\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Add([]byte("\r\n\r\nDESCRIBE * RTSP/1.0\ncseq:7\n\n"))
	d, _ := fuzzDevice(f)
	rtsp, _ := d.Profile.Service("rtsp", 554)
	recorded := expand(rtsp.files[rtsp.Methods["DESCRIBE"]], d.vars)
	f.Fuzz(func(t *testing.T, b []byte) {
		head, _ := readHead(bufio.NewReaderSize(bytes.NewReader(b), 4096), noDeadline{})
		if len(head) > maxRequestHead+4096 {
			t.Fatalf("read %d bytes of head", len(head))
		}
		requestLine(head)
		for _, omit := range []bool{false, true} {
			out := fixContentLength(withCSeq(recorded, head, omit))
			if !bytes.HasPrefix(out, []byte("RTSP/1.0 200 OK\r\n")) {
				t.Fatalf("response damaged: %q", out)
			}
		}
	})
}

func osDirFS() fs.FS { return os.DirFS(dataDir) }

package sweep

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/miekg/dns"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// Our own requests, echoed back on a multicast group, must never become
// devices: the decoders see exactly what a capture of our sweep would hold.
func TestOwnRequestsAreNotDevices(t *testing.T) {
	for _, p := range discoveryProbes() {
		payload, err := p.request()
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		dec, ok := discovery.ByPort(uint16(p.port), uint16(p.port))
		if !ok {
			t.Errorf("%s: no decoder for port %d", p.name, p.port)
			continue
		}
		var got []observe.Observation
		_ = dec(payload, scanner.Meta{Probe: p.name}, func(o observe.Observation) { got = append(got, o) })
		for _, o := range got {
			if o.MAC != (observe.MAC{}) || o.Key == "wsd.scopes" || o.Key == "sadp.model" || o.Key == "dhip.model" {
				t.Errorf("%s: our own request produced %+v", p.name, o)
			}
		}
	}
}

func TestRequestShapes(t *testing.T) {
	d := discovery.DHIPSearch()
	if !bytes.Equal(d[:8], []byte(" \x00\x00\x00DHIP")) || int(binary.LittleEndian.Uint32(d[16:])) != len(d)-32 {
		t.Errorf("DHIP header wrong: % x", d[:32])
	}
	x := xmSearch()
	if len(x) != 20 || x[0] != 0xff || binary.LittleEndian.Uint16(x[14:]) != 1530 {
		t.Errorf("XM search wrong: % x", x)
	}
	q, err := mdnsQuery()
	if err != nil {
		t.Fatal(err)
	}
	var m dns.Msg
	if err := m.Unpack(q); err != nil || len(m.Question) != len(mdnsServiceTypes) || m.Question[1].Name != "_CGI._tcp.local." {
		t.Errorf("mDNS query = %v, %v", m.Question, err)
	}
	if !bytes.Contains(sadpInquiry(), []byte("<Types>inquiry</Types>")) {
		t.Error("SADP inquiry lacks its type")
	}
}

package discovery

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/miekg/dns"
)

// Our discovery requests have the shapes the devices expect (signals.md §0).
func TestRequestShapes(t *testing.T) {
	d := DHIPSearch()
	if !bytes.Equal(d[:8], []byte(" \x00\x00\x00DHIP")) || int(binary.LittleEndian.Uint32(d[16:])) != len(d)-32 {
		t.Errorf("DHIP header wrong: % x", d[:32])
	}
	x := XMSearch()
	if len(x) != 20 || x[0] != 0xff || binary.LittleEndian.Uint16(x[14:]) != 1530 {
		t.Errorf("XM search wrong: % x", x)
	}
	q, err := MDNSQuery()
	if err != nil {
		t.Fatal(err)
	}
	var m dns.Msg
	if err := m.Unpack(q); err != nil || len(m.Question) != len(mdnsServiceTypes) || m.Question[1].Name != "_CGI._tcp.local." {
		t.Errorf("mDNS query = %v, %v", m.Question, err)
	}
	if !bytes.Contains(SADPInquiry(), []byte("<Types>inquiry</Types>")) {
		t.Error("SADP inquiry lacks its type")
	}
}

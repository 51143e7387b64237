package pcap

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
)

// A GB/T 28181 session in a capture: the recorded messages of a Dahua dome
// and of its platform (testdata/discovery/sip, from a public capture
// write-up) put on the wire, over UDP on the platform's own port 5062 and
// over TCP with the dome as the client. Every value is about the address
// that sent it: the dome's facts never land on the platform, nor the
// platform's on the dome.
func TestSIPAttributedToTheSender(t *testing.T) {
	dome := pcapgen.NewHost("02:00:5e:00:00:47", "192.168.6.71")
	platform := pcapgen.NewHost("02:00:5e:00:00:6a", "192.168.6.106")
	msg := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "discovery", "sip", name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	}
	var buf bytes.Buffer
	frames := 0
	c := &pcapgen.Capture{F: pcapgen.NewFramer(), Now: time.Date(2024, 5, 17, 14, 22, 30, 0, time.UTC), Step: time.Millisecond}
	if err := c.StreamTo(&buf, &frames); err != nil {
		t.Fatal(err)
	}
	c.Write(c.F.UDP(platform, dome, 5062, 5060, msg("platform-exosip-query.sip")))
	c.Write(c.F.UDP(dome, platform, 5060, 5062, msg("dahua-sd-deviceinfo.sip")))
	c.Conversation(dome, platform, 40312, 5060, msg("dahua-sd-catalog.sip"), msg("platform-exosip-401.sip"))
	if c.Err != nil {
		t.Fatal(c.Err)
	}
	r := &recorder{}
	if _, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), "sip", int64(buf.Len()), r.emit, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][3]string{
		{"192.168.6.71", "sip.user_agent", "SIP UAS V3.0.0.675168"},
		{"192.168.6.71", "gb28181.manufacturer", "Dahua"},
		{"192.168.6.71", "gb28181.model", "DH-SD-6C3230UE-HN"},
		{"192.168.6.71", "gb28181.device_type", "IP camera"},
		{"192.168.6.106", "sip.user_agent", "eXosip/4.1.0"},
		{"192.168.6.106", "gb28181.device_type", "signalling server"},
	} {
		if !r.has(want[0], want[1], want[2]) {
			t.Errorf("no %s %s=%q", want[0], want[1], want[2])
		}
	}
	ports := map[uint16]bool{}
	for _, o := range r.obs {
		if o.Key == "gb28181.manufacturer" && o.IP != netip.MustParseAddr("192.168.6.71") {
			t.Errorf("the dome's maker attributed to %v", o.IP)
		}
		if o.Key == "sip.user_agent" && o.Value == "eXosip/4.1.0" && o.IP != netip.MustParseAddr("192.168.6.106") {
			t.Errorf("the platform's User-Agent attributed to %v", o.IP)
		}
		if o.Key == "sip.user_agent" && o.IP == netip.MustParseAddr("192.168.6.71") {
			ports[o.Port] = true
		}
	}
	// Over UDP the dome's port is its SIP port; over TCP it is the
	// client's ephemeral port, no service of the dome.
	if !ports[5060] || !ports[0] || ports[40312] {
		t.Errorf("the dome's User-Agent seen on ports %v, want 5060 (UDP) and 0 (TCP client)", ports)
	}
	// The platform's answer on the TCP connection is the server's: its
	// User-Agent on the port it listens on, not a banner.
	platformTCP := false
	for _, o := range r.obs {
		if o.IP == netip.MustParseAddr("192.168.6.106") && o.Port == 5060 {
			if o.Key == "sip.user_agent" && o.Value == "eXosip/4.1.0" {
				platformTCP = true
			}
			if o.Key == "tcp.banner_hex" {
				t.Errorf("the platform's SIP answer read as a banner: %s", o.Value)
			}
		}
	}
	if !platformTCP {
		t.Error("the platform's User-Agent on its TCP port not read")
	}
}

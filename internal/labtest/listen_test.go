package labtest

import (
	"bytes"
	"context"
	le "encoding/binary"
	"io/fs"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/camsim"
)

// dhipFrame puts a DHIP JSON body behind its 32-byte header (" \0\0\0DHIP",
// the body length little-endian at offsets 16 and 24).
func dhipFrame(body []byte) []byte {
	h := make([]byte, 32, 32+len(body))
	copy(h, " \x00\x00\x00DHIP")
	le.LittleEndian.PutUint32(h[16:], uint32(len(body)))
	le.LittleEndian.PutUint32(h[24:], uint32(len(body)))
	return append(h, body...)
}

// `camsweep listen` in the scanner namespace hears a Dahua camera announce
// itself with the real DHIP notifyDevInfo reply of an IPC-HDW5421S
// (Phenomite/AMP-Research, internal/camsim/data/recorded) and identifies it,
// while sending nothing itself.
func TestListenIdentifiesWhatItHears(t *testing.T) {
	l := newLab(t, labOptions())
	body, err := fs.ReadFile(camsim.Data(), "recorded/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	if err != nil {
		t.Fatal(err)
	}
	mac, _ := net.ParseMAC("4c:11:bf:c2:0b:9d")
	ip, err := l.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	cam, err := l.AddHost("dahua-talker", mac, ip)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := l.Scanner().Command(ctx, binary, "listen", "-i", l.Scanner().Interface, "--for", "4s", "--format", "json", "-q")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // let the capture socket open
	conn, err := cam.ListenPacket("udp4", ":37810")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	scanner := net.UDPAddrFromAddrPort(netip.AddrPortFrom(l.Scanner().IP, 37810))
	for range 3 {
		if _, err := conn.WriteTo(dhipFrame(body), scanner); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 2 {
		t.Fatalf("listen exit %d (%v), want 2 (a restricted device heard); stderr:\n%s", code, err, stderr.Bytes())
	}
	r := parseReport(t, stdout.Bytes())
	if r.Source.Command != "listen" {
		t.Errorf("source command %q", r.Source.Command)
	}
	d, ok := devicesByMAC(r)[mac.String()]
	if !ok {
		t.Fatalf("camera %s not in the report: %s", mac, stdout.Bytes())
	}
	if d.Vendor != "Dahua" || d.Model != "IPC-HDW5421S" || d.Firmware != "2.400.0.8" || !d.Restricted {
		t.Errorf("heard %+v, want a restricted Dahua IPC-HDW5421S, firmware 2.400.0.8", d)
	}
	if !hasIP(d, ip.String()) {
		t.Errorf("device IPs %v lack its lab address %s", d.IPs, ip)
	}
	for _, e := range d.Evidence {
		if e.Probe != "listen" && e.Probe != "oui" && e.Probe != "" {
			t.Errorf("evidence %+v names probe %q, want listen", e, e.Probe)
		}
	}
}

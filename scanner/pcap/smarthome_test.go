package pcap

import (
	"bytes"
	"context"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
)

// A protocol 3.5 Tuya bulb's real 6699 announcement (tinytuya issue #247,
// testdata/discovery/SOURCES.md) put on the wire as the bulb sends it: a
// broadcast to UDP 6667 and a unicast answer to an app on UDP 7000. Both are
// read through the port table into the same tuya.* keys as a 55AA
// announcement, about the bulb.
func TestTuya35AnnouncementInACapture(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "testdata", "discovery", "tuya35_announcement_globe_bulb_tinytuya247.hex"))
	if err != nil {
		t.Fatal(err)
	}
	frame, err := hex.DecodeString(string(bytes.TrimSpace(text)))
	if err != nil {
		t.Fatal(err)
	}
	bulb := pcapgen.NewHost("02:00:5e:00:02:2e", "192.168.2.46")
	app := pcapgen.NewHost("02:00:5e:00:02:0a", "192.168.2.10")
	broadcast := pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4bcast.To4()}
	for _, to := range []struct {
		host pcapgen.Host
		port uint16
	}{{broadcast, 6667}, {app, 7000}} {
		var buf bytes.Buffer
		frames := 0
		c := &pcapgen.Capture{F: pcapgen.NewFramer(), Now: time.Date(2023, 1, 5, 12, 0, 0, 0, time.UTC), Step: time.Millisecond}
		if err := c.StreamTo(&buf, &frames); err != nil {
			t.Fatal(err)
		}
		c.Write(c.F.UDP(bulb, to.host, 57749, to.port, frame))
		if c.Err != nil {
			t.Fatal(c.Err)
		}
		r := &recorder{}
		if _, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), "tuya35", int64(buf.Len()), r.emit, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, want := range [][2]string{
			{"tuya.product_key", "key8u54q9dtru5jw"},
			{"tuya.gw_id", "ebf310edb88d15f0edyr5i"},
			{"tuya.version", "3.5"},
		} {
			if !r.has("192.168.2.46", want[0], want[1]) {
				t.Errorf("to port %d: no %s=%q about the bulb", to.port, want[0], want[1])
			}
		}
	}
}

// The Xiaomi camera of realdata §13/§16/§29b answers the Mi Home app's
// miIO hello and commands from UDP 54321 with its device id: the id is the
// camera's, never the phone's that asked, nor the cloud servers' the camera
// sends its time requests to.
func TestMiIOAnswersInRealCaptures(t *testing.T) {
	for _, name := range []string{
		"iot-firewall/xiaomi-cam_open-app-local.pcap",
		"hidden-patterns/xiaomi-cam_app-stream.pcap",
		"smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap",
	} {
		r, _ := readCapture(t, name, Options{AllAddresses: true})
		if !r.has("192.168.1.161", "miio.device_id", "369215617") {
			t.Errorf("%s: the camera's miio.device_id is not decoded", name)
		}
		for _, o := range r.obs {
			if o.Key == "miio.device_id" && o.IP.String() != "192.168.1.161" {
				t.Errorf("%s: miio.device_id about %v", name, o.IP)
			}
		}
	}
}

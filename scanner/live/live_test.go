package live

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// fileHandle plays a capture file as a live handle that ends with its file.
type fileHandle struct {
	*pcapgo.Reader
	f *os.File
}

func (h fileHandle) Close() error { return h.f.Close() }

func openFile(t *testing.T, path string) fileHandle {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return fileHandle{r, f}
}

// The setup of a real D-Link camera (IoT Sentinel): the phone at
// bc:f5:ac:f4:c0:9d talks HTTP with the camera, which also announces itself
// by mDNS and SSDP to every host. Listening as that phone (own) hears the
// announcements and none of the phone's own exchanges; listening as another
// host hears both.
func TestOwnFramesAreLeftOut(t *testing.T) {
	const capture = "../../testdata/realdata/iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"
	phone, _ := net.ParseMAC("bc:f5:ac:f4:c0:9d")
	count := func(h Handle) (web, announced int) {
		_, err := Capture(context.Background(), h, func(o observe.Observation) {
			switch {
			case strings.HasPrefix(o.Key, "http."):
				web++
			case strings.HasPrefix(o.Key, "mdns."):
				announced++
			}
		}, pcap.Options{Probe: "listen"}, nil)
		if err == nil {
			t.Fatal("the file's end should end the capture with an error")
		}
		return web, announced
	}
	web, announced := count(openFile(t, capture))
	if web == 0 || announced == 0 {
		t.Fatalf("the whole capture gives %d web and %d mDNS facts, want both", web, announced)
	}
	web, announced = count(notOwnFrames{openFile(t, capture), phone})
	if web != 0 || announced == 0 {
		t.Errorf("listening as the phone gives %d web facts (want 0: its own exchanges) and %d mDNS facts (want some)", web, announced)
	}
}

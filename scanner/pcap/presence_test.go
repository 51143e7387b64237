package pcap

import (
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/gopacket/gopacket"
)

// TestLastSeenFollowsTheLastFrame reads real set-up captures in which
// devices keep talking long after they last said anything new: for every
// unicast sender, the latest observation of its MAC must be within
// presenceEvery of the last frame it sent (read independently with pcapgo),
// so that the report's last_seen says when it was last heard.
func TestLastSeenFollowsTheLastFrame(t *testing.T) {
	for _, name := range []string{
		"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap",
		"iot-sentinel/EdimaxCam2_Setup-A-1-STA.pcap",
		"iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap",
	} {
		lastFrame := lastFramePerMAC(t, name)
		rec, _ := readCapture(t, name, Options{})
		lastObs := map[observe.MAC]time.Time{}
		for _, o := range rec.obs {
			if o.Time.After(lastObs[o.MAC]) {
				lastObs[o.MAC] = o.Time
			}
		}
		for mac, last := range lastFrame {
			if last.Sub(lastObs[mac]) > time.Minute {
				t.Errorf("%s: %s sent its last frame at %s, last observed at %s", name, mac, last.Format(time.TimeOnly), lastObs[mac].Format(time.TimeOnly))
			}
		}
		if len(lastFrame) == 0 {
			t.Errorf("%s: %d senders; the test needs a real capture", name, len(lastFrame))
		}
	}
}

func lastFramePerMAC(t *testing.T, name string) map[observe.MAC]time.Time {
	t.Helper()
	r := openPcap(t, name)
	last := map[observe.MAC]time.Time{}
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		if len(data) < 14 || data[6]&1 != 0 { // too short, or a multicast source
			return
		}
		mac := observe.MAC(data[6:12])
		if ci.Timestamp.After(last[mac]) {
			last[mac] = ci.Timestamp
		}
	})
	return last
}

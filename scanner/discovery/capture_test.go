package discovery

import "testing"

// Every datagram of the real captures that the port table or the sniffer
// hands to a decoder is understood: a rejection here is a decoder too
// strict for real devices.
func TestCapturesDecodeWithoutRejection(t *testing.T) {
	for _, name := range []string{
		"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap",
		"iot-sentinel/D-LinkDayCam_Setup-A-1-STA.pcap",
		"iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap",
		"iot-sentinel/EdnetCam1_Setup-A-1-STA.pcap",
		"iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap",
		"iot-sentinel/negative_TP-LinkPlugHS110_Setup-A-1-STA.pcap",
		"neu-intl-iot/yi_camera_sample.pcap",
	} {
		obs, rejected := decodeCapture(t, name)
		if rejected != 0 {
			t.Errorf("%s: %d datagrams rejected", name, rejected)
		}
		if len(obs) == 0 {
			t.Errorf("%s: nothing decoded", name)
		}
	}
}

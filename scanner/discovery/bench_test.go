package discovery

import (
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

func benchDecoder(b *testing.B, d scanner.Decoder, payload []byte, m scanner.Meta) {
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	discard := func(observe.Observation) {}
	for b.Loop() {
		if err := d(payload, m, discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDHCPRequest(b *testing.B) {
	d := readUDP(b, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	for _, dg := range d {
		if dg.meta.DstPort == 67 {
			benchDecoder(b, DHCP, dg.payload, dg.meta)
			return
		}
	}
}

func BenchmarkMDNSResponse(b *testing.B) {
	for _, dg := range readUDP(b, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap") {
		if dg.meta.SrcPort == 5353 && len(dg.payload) > 300 {
			benchDecoder(b, MDNS, dg.payload, dg.meta)
			return
		}
	}
}

func BenchmarkPPPPData(b *testing.B) {
	for _, dg := range readUDP(b, "neu-intl-iot/yi_camera_sample.pcap") {
		if len(dg.payload) > 1000 {
			benchDecoder(b, PPPP, dg.payload, dg.meta)
			return
		}
	}
}

package service

import (
	"testing"

	"github.com/camsweep/camsweep/observe"
)

func discard(observe.Observation) {}

// BenchmarkDecodeHTTP decodes the real HNAP exchange of the D-Link camera
// (a 691-byte request, a 2.6 KiB response split over two segments).
func BenchmarkDecodeHTTP(b *testing.B) {
	var client, server []byte
	for _, f := range readFlows(b, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80) {
		if len(f.served) > len(server) {
			client, server = f.client, f.served
		}
	}
	b.SetBytes(int64(len(client) + len(server)))
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeHTTP(client, server, webMeta, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeHTTPSmall decodes a short 401 answer, the common case of
// an active sweep.
func BenchmarkDecodeHTTPSmall(b *testing.B) {
	client := []byte("GET / HTTP/1.1\r\nHost: 198.18.0.10\r\n\r\n")
	server := readTestdata(b, "constructed/signals_app_webs_401.http")
	b.SetBytes(int64(len(client) + len(server)))
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeHTTP(client, server, webMeta, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDVRIP decodes a CMS's DVRIP session with the Besder camera
// (login, SystemInfo and SystemFunction answers: 5.9 KiB from the server).
func BenchmarkDecodeDVRIP(b *testing.B) {
	client, server := besderSession(b)
	b.SetBytes(int64(len(client) + len(server)))
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeDVRIP(client, server, cameraMeta, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDHIP decodes a client's DHIP session with a Dahua NVR
// (seven requests and their answers).
func BenchmarkDecodeDHIP(b *testing.B) {
	client, server := dhipSession(b)
	b.SetBytes(int64(len(client) + len(server)))
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeDHIP(client, server, cameraMeta, discard); err != nil {
			b.Fatal(err)
		}
	}
}

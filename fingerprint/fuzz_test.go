package fingerprint

import (
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// FuzzEngineAdd feeds hostile observations (any key, value, MAC and IP) and
// asks for devices after each: no panic, and every device keeps its caps.
func FuzzEngineAdd(f *testing.F) {
	seeds := []struct {
		key, value string
		mac        []byte
		ip         string
	}{
		{"dhip.model", "IPC-HDW5421S", []byte{0x4c, 0x11, 0xbf, 0xc2, 0x0b, 0x9d}, "218.5.136.140"},
		{"dhip.firmware", "4.000.00IB002.17", nil, "192.168.0.2"},
		{"sadp.mac", "58-50-ed-1f-e3-85", nil, "198.18.0.10"},
		{"wsd.endpoint", "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385", nil, "198.18.0.11"},
		{"link.ip", "198.18.0.12", []byte{0x30, 0x49, 0x9e, 0x97, 0xb5, 0xd6}, ""},
		{"dhcp.lease", "not an ip", []byte{0, 0, 0x23, 0x34, 0x45, 0x66}, ""},
		{"http.www_authenticate", `Digest realm="Login to ND011811000000", nonce="ec3682ef24b2cd9cedefe5cc26110000"`, nil, "::ffff:198.18.0.13"},
		{"mdns.instance", "HIKVISION DS-2CD2722FWD-IZS - 733050075._CGI._tcp.local", nil, "fe80::1"},
		{"rtsp.realm_mac", "48:ea:63:c2:40:2b", nil, "198.18.0.14"},
		{"wsd.scope", "onvif://www.onvif.org/MAC/98:8b:0a:38:e0:d7", nil, "198.18.0.15"},
		{"wsd.scope", "onvif://www.onvif.org/macaddr/88263f8d6525", nil, "198.18.0.17"},
		{"rtsp.served_url", "rtsp://198.18.0.16:554/unicast/c1/s0/live", nil, "198.18.0.16"},
	}
	for _, s := range seeds {
		f.Add(s.key, s.value, s.mac, s.ip, uint16(80))
	}
	db, err := LoadDatabase()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, value string, macBytes []byte, ipText string, port uint16) {
		var mac MAC
		copy(mac[:], macBytes)
		ip, _ := netip.ParseAddr(ipText)
		e := NewEngine(db, nil)
		// The same fact with many ports and values, bound and IP-only, so
		// that every cap is reached from one input.
		for i := range 80 {
			v := value + strings.Repeat("x", i%20)
			e.Add(Observation{Probe: "fuzz", MAC: mac, IP: ip, Port: port + uint16(i), Key: key, Value: v})
			e.Add(Observation{Probe: "fuzz", IP: ip, Port: port + uint16(i), Key: key, Value: v})
		}
		for _, d := range e.Devices() {
			if len(d.IPs) > MaxIPsPerDevice || len(d.Ports) > MaxPortsPerDevice {
				t.Fatalf("device over its caps: %d IPs, %d ports", len(d.IPs), len(d.Ports))
			}
			if len(d.Evidence) > 4*maxMergedFacts {
				t.Fatalf("%d evidence items", len(d.Evidence))
			}
			for _, ev := range d.Evidence {
				if len(ev.Value) > MaxValueLen {
					t.Fatalf("evidence value of %d bytes", len(ev.Value))
				}
			}
		}
	})
}

// BenchmarkEngineAdd measures the hot path of a capture: mostly repeated
// facts about known devices, as a long pcap produces.
func BenchmarkEngineAdd(b *testing.B) {
	e := newTestEngine(b)
	obs := make([]Observation, 0, 4096)
	for i := range 1024 {
		mac := MAC{0x44, 0x19, 0xb6, 0, byte(i >> 8), byte(i)}
		ip := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		obs = append(obs,
			Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()},
			Observation{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"},
			Observation{Probe: "rtsp", IP: ip, Port: 554, Key: "rtsp.date", Value: "  Wed, May 05 2021 21:51:17 GMT"},
			Observation{Probe: "pcap", MAC: mac, IP: ip, Key: "link.ip", Value: ip.String()})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Add(obs[i%len(obs)])
	}
}

// BenchmarkEngineDevices measures identification of 1024 merged devices.
func BenchmarkEngineDevices(b *testing.B) {
	e := newTestEngine(b)
	for i := range 1024 {
		mac := MAC{0x44, 0x19, 0xb6, 0, byte(i >> 8), byte(i)}
		ip := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		e.Add(Observation{Probe: "sadp", MAC: mac, IP: ip, Key: "sadp.mac", Value: mac.String()})
		e.Add(Observation{Probe: "sadp", IP: ip, Key: "sadp.model", Value: "DS-2CD2146G2-ISU"})
		e.Add(Observation{Probe: "sadp", IP: ip, Key: "sadp.firmware", Value: "V5.7.17 build 240606"})
		e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(e.Devices()) != 1024 {
			b.Fatal("device count")
		}
	}
}

// BenchmarkEngineWebPages measures what long bodies cost: 100 web servers
// of a capture, each sending 16 distinct 20 KiB pages (a login page's
// styles and scripts, the text telling its maker at the end). It reports
// the heap the facts take and times identification of all of them, which
// runs every http.body signature over every kept body.
func BenchmarkEngineWebPages(b *testing.B) {
	const servers, pages = 100, 16
	filler := strings.Repeat(".login-box{margin:0 auto;width:417px}\n", 20<<10/39)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e := newTestEngine(b)
	for i := range servers {
		ip := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		for p := range pages {
			// As the decoder sends it: a copy of the clipped text.
			body := fmt.Sprintf("<html><head><title>page %d</title><style>", p) + filler
			e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.body", Value: strings.Clone(observe.Clip(body, observe.MaxLen("http.body")))})
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapInuse-before.HeapInuse) / (1 << 20)
	b.ResetTimer()
	for b.Loop() {
		if len(e.Devices()) != servers {
			b.Fatal("device count")
		}
	}
	b.ReportMetric(heap, "heap-MB")
}

package pcap

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Packet counts are capinfos' for each file (testdata/realdata/SOURCES.md).
func TestRealCapturesReadCompletely(t *testing.T) {
	for name, packets := range map[string]int64{
		"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap":                 624,
		"iot-sentinel/D-LinkDayCam_Setup-A-1-STA.pcap":              60,
		"iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap":                49,
		"iot-sentinel/EdimaxCam2_Setup-A-1-STA.pcap":                42,
		"iot-sentinel/EdnetCam1_Setup-A-1-STA.pcap":                 21,
		"iot-sentinel/EdnetCam2_Setup-C-3-STA.pcap":                 38,
		"iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap":        1513,
		"iot-sentinel/negative_TP-LinkPlugHS110_Setup-A-1-STA.pcap": 52,
		"neu-intl-iot/yi_camera_sample.pcap":                        1631,
		"uhctf2022/EyeP_rtsp_setup.pcapng":                          39,
	} {
		t.Run(name, func(t *testing.T) {
			r, st := readCapture(t, name, Options{})
			if st.Packets != packets {
				t.Errorf("read %d packets, want %d", st.Packets, packets)
			}
			if st.Observations != int64(len(r.obs)) || len(r.obs) == 0 {
				t.Errorf("stats say %d observations, emitted %d", st.Observations, len(r.obs))
			}
			for _, o := range r.obs {
				if o.IP.IsValid() && !o.IP.IsPrivate() && !o.IP.IsLinkLocalUnicast() && !o.IP.IsUnspecified() {
					t.Errorf("observation about public host %v: %s=%q", o.IP, o.Key, o.Value)
				}
			}
		})
	}
}

func TestDLinkStaleAndLeasedAddressesBothBind(t *testing.T) {
	r, _ := readCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", Options{})
	for _, ip := range []string{"10.10.10.37", "192.168.0.20"} {
		if !r.binds("arp.mac", "b0:c5:54:25:5b:0e", ip) {
			t.Errorf("no arp.mac binding of the camera to %s", ip)
		}
		if !r.binds("link.ip", "b0:c5:54:25:5b:0e", ip) {
			t.Errorf("no link.ip binding of the camera to %s", ip)
		}
	}
	if !r.has("10.10.10.37", "tcp.open", "80") {
		t.Error("the camera's HTTP port was not seen open")
	}
	if !r.has("", "dhcp.hostname", "DCS-935L") {
		t.Error("DHCP hostname DCS-935L not decoded")
	}
}

func TestEdimaxDefaultAddressBinds(t *testing.T) {
	r, _ := readCapture(t, "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap", Options{})
	for _, ip := range []string{"10.10.10.51", "192.168.2.3"} {
		if !r.binds("arp.mac", "74:da:38:80:7a:08", ip) {
			t.Errorf("no arp.mac binding to %s", ip)
		}
	}
}

func TestYiCameraP2PDeviceID(t *testing.T) {
	r, _ := readCapture(t, "neu-intl-iot/yi_camera_sample.pcap", Options{})
	if !r.has("192.168.10.204", "p2p.did", "TNPUSAE-227402-DSELD") {
		t.Error("CS2 device ID of 192.168.10.204 not decoded")
	}
	if !r.binds("arp.mac", "b0:d5:9d:b9:f0:b4", "192.168.10.204") {
		t.Error("camera MAC not bound")
	}
	// The camera talks to Alibaba Cloud servers on 32100: those are not inventory.
	if r.has("47.88.59.209", "p2p.protocol", "cs2-pppp") {
		t.Error("public P2P server reported")
	}
}

func TestUHCTFRTSPDigest(t *testing.T) {
	r, _ := readCapture(t, "uhctf2022/EyeP_rtsp_setup.pcapng", Options{})
	if !r.has("10.66.130.2", "rtsp.www_authenticate", `Digest realm="RTSP"*`) {
		t.Error(`RTSP 401 realm "RTSP" of 10.66.130.2 not decoded`)
	}
	if !r.has("10.66.130.2", "rtsp.sdp_session", "RTSP/RTP stream from HDIPCam") {
		t.Error("SDP session name not decoded")
	}
	for _, o := range r.obs {
		if o.Key == "rtsp.www_authenticate" && o.Port != 554 {
			t.Errorf("RTSP observation on port %d, want 554", o.Port)
		}
	}
	if !r.has("10.66.130.2", "tcp.open", "554") {
		t.Error("554 not seen open")
	}
	// The camera sits one hop behind a MikroTik router (testdata/realdata/
	// SOURCES.md §3): its packets arrive with TTL 63 from the router's MAC,
	// which must not be bound to the camera's address. VLC's host, on the
	// segment, is bound.
	for _, o := range r.obs {
		if o.Key == "link.ip" && o.Value == "10.66.130.2" {
			t.Errorf("routed camera bound to the router's MAC %s", o.MAC)
		}
	}
	if !r.has("10.66.10.101", "link.ip", "10.66.10.101") {
		t.Error("the on-segment client lost its link binding")
	}
}

func TestPublicHostsOnlyWithAllAddresses(t *testing.T) {
	r, _ := readCapture(t, "site-sample.pcapng", Options{})
	if r.has("142.250.74.110", "tcp.open", "443") {
		t.Error("public server reported without AllAddresses")
	}
	r, _ = readCapture(t, "site-sample.pcapng", Options{AllAddresses: true})
	if !r.has("142.250.74.110", "tcp.open", "443") {
		t.Error("public server not reported with AllAddresses")
	}
}

func TestTruncatedCaptureKeepsWhatCameBefore(t *testing.T) {
	for _, name := range []string{"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", "site-sample.pcapng"} {
		t.Run(name, func(t *testing.T) {
			data := readBytes(t, name)
			cut := filepath.Join(t.TempDir(), "cut-"+filepath.Base(name))
			if err := os.WriteFile(cut, data[:len(data)*2/3+7], 0o644); err != nil {
				t.Fatal(err)
			}
			r := &recorder{}
			st, err := ReadFile(context.Background(), cut, r.emit, Options{})
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CorruptError", err)
			}
			if ce.Packet != st.Packets+1 || ce.Packet < 2 || ce.File != cut {
				t.Errorf("error names packet %d of %s after %d packets read", ce.Packet, ce.File, st.Packets)
			}
			if len(r.obs) == 0 || st.Observations != int64(len(r.obs)) {
				t.Errorf("observations before the cut: %d (stats %d)", len(r.obs), st.Observations)
			}
			t.Log(err)
		})
	}
	// The D-Link camera's first bindings come early: they must survive the cut.
	data := readBytes(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	r := &recorder{}
	_, err := Read(context.Background(), bytes.NewReader(data[:len(data)/2+3]), "half", 0, r.emit, Options{})
	if err == nil || !r.binds("arp.mac", "b0:c5:54:25:5b:0e", "192.168.0.20") {
		t.Errorf("half capture: err=%v, stale binding seen=%v", err, r.binds("arp.mac", "b0:c5:54:25:5b:0e", "192.168.0.20"))
	}
}

func TestNotACaptureIsOneClearError(t *testing.T) {
	for name, data := range map[string][]byte{
		"text":   []byte("this is a README, not a capture\n"),
		"empty":  nil,
		"short":  {0xd4, 0xc3},
		"source": readBytes(t, "SOURCES.md"),
	} {
		t.Run(name, func(t *testing.T) {
			st, err := Read(context.Background(), bytes.NewReader(data), name, 0, (&recorder{}).emit, Options{})
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != name || st.Packets != 0 {
				t.Fatalf("err = %v (%T), want *FormatError naming %s", err, err, name)
			}
		})
	}
	_, err := ReadFile(context.Background(), capturePath("no-such-file.pcap"), (&recorder{}).emit, Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestPcapHeaderWithoutPackets(t *testing.T) {
	data := readBytes(t, "sadp-hikvision.pcap")[:24]
	st, err := Read(context.Background(), bytes.NewReader(data), "empty.pcap", 0, (&recorder{}).emit, Options{})
	if err != nil || st.Packets != 0 {
		t.Errorf("header-only capture: %v, %d packets", err, st.Packets)
	}
	_, err = Read(context.Background(), bytes.NewReader(data[:20]), "cut-header.pcap", 0, (&recorder{}).emit, Options{})
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Errorf("cut file header: %v, want *CorruptError", err)
	}
}

// toBigEndianNanos rewrites a little-endian microsecond pcap as a
// big-endian nanosecond one: same packets, other header conventions.
func toBigEndianNanos(t *testing.T, le []byte) []byte {
	t.Helper()
	if binary.LittleEndian.Uint32(le) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian microsecond pcap")
	}
	out := make([]byte, 0, len(le))
	hdr := make([]byte, 24)
	binary.BigEndian.PutUint32(hdr[0:], 0xa1b23c4d)
	binary.BigEndian.PutUint16(hdr[4:], binary.LittleEndian.Uint16(le[4:]))
	binary.BigEndian.PutUint16(hdr[6:], binary.LittleEndian.Uint16(le[6:]))
	for i := 8; i < 24; i += 4 {
		binary.BigEndian.PutUint32(hdr[i:], binary.LittleEndian.Uint32(le[i:]))
	}
	out = append(out, hdr...)
	for rest := le[24:]; len(rest) >= 16; {
		rec := make([]byte, 16)
		binary.BigEndian.PutUint32(rec[0:], binary.LittleEndian.Uint32(rest[0:]))
		binary.BigEndian.PutUint32(rec[4:], binary.LittleEndian.Uint32(rest[4:])*1000)
		binary.BigEndian.PutUint32(rec[8:], binary.LittleEndian.Uint32(rest[8:]))
		binary.BigEndian.PutUint32(rec[12:], binary.LittleEndian.Uint32(rest[12:]))
		n := int(binary.LittleEndian.Uint32(rest[8:]))
		out = append(append(out, rec...), rest[16:16+n]...)
		rest = rest[16+n:]
	}
	return out
}

func TestByteOrderAndResolutionDoNotMatter(t *testing.T) {
	const name = "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"
	want, wantStats := readCapture(t, name, Options{})
	got := &recorder{}
	st, err := Read(context.Background(), bytes.NewReader(toBigEndianNanos(t, readBytes(t, name))), "be", 0, got.emit, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st != wantStats || len(got.obs) != len(want.obs) {
		t.Fatalf("big-endian ns: %+v, want %+v", st, wantStats)
	}
	for i := range got.obs {
		if got.obs[i] != want.obs[i] {
			t.Fatalf("observation %d: %+v, want %+v", i, got.obs[i], want.obs[i])
		}
	}
}

func TestCancelStopsTheRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := bytes.Repeat(readBytes(t, "neu-intl-iot/yi_camera_sample.pcap")[24:], 4)
	data = append(readBytes(t, "neu-intl-iot/yi_camera_sample.pcap")[:24], data...)
	st, err := Read(ctx, bytes.NewReader(data), "yi x4", 0, (&recorder{}).emit, Options{})
	if !errors.Is(err, context.Canceled) || st.Packets >= 4*1631 {
		t.Errorf("cancelled read: %v after %d packets", err, st.Packets)
	}
}

func TestProgressReachesTheEnd(t *testing.T) {
	var done, total int64
	path := capturePath("neu-intl-iot/yi_camera_sample.pcap")
	info, _ := os.Stat(path)
	_, err := ReadFile(context.Background(), path, (&recorder{}).emit, Options{Progress: func(d, t int64) { done, total = d, t }})
	if err != nil || total != info.Size() || done != total {
		t.Errorf("progress %d/%d, file %d bytes, err %v", done, total, info.Size(), err)
	}
}

func TestObservationsAreAboutTheSender(t *testing.T) {
	r, _ := readCapture(t, "site-sample.pcapng", Options{})
	for _, o := range r.obs {
		if o.Probe != "pcap" {
			t.Errorf("probe %q for %s", o.Probe, o.Key)
		}
		if o.Time.IsZero() {
			t.Errorf("no time on %s", o.Key)
		}
		// The laptop sends the probes; it must not pick up the answers' fields.
		if o.IP == netip.MustParseAddr("10.20.0.5") && (o.Key == "sadp.model" || o.Key == "dhip.model" || o.Key == "http.server") {
			t.Errorf("prober credited with %s=%q", o.Key, o.Value)
		}
	}
}

func TestGzipCompressedCaptures(t *testing.T) {
	for _, name := range []string{"iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap", "uhctf2022/EyeP_rtsp_setup.pcapng"} {
		want, wantStats := readCapture(t, name, Options{})
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(readBytes(t, name))
		w.Close()
		got := &recorder{}
		st, err := Read(context.Background(), &gz, name+".gz", 0, got.emit, Options{})
		if err != nil || st.Packets != wantStats.Packets || len(got.obs) != len(want.obs) {
			t.Errorf("%s.gz: %v, %d packets, %d observations; want %d, %d", name, err, st.Packets, len(got.obs), wantStats.Packets, len(want.obs))
		}
	}
}

// The Hue bridge announces itself over mDNS from its IPv6 link-local
// address: the IPv6 path reaches the decoder, and the MAC binds to it.
func TestIPv6LinkLocalMDNS(t *testing.T) {
	r, _ := readCapture(t, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", Options{})
	const ll = "fe80::217:88ff:fe24:76ff"
	if !r.binds("link.ip", "00:17:88:24:76:ff", ll) {
		t.Error("no link.ip binding of the bridge to its link-local address")
	}
	found := false
	for _, o := range r.obs {
		if o.IP.String() == ll && o.Port == 5353 && o.Key == "mdns.txt" && o.Value == "md=BSB002" {
			found = true
		}
	}
	if !found {
		t.Error("mDNS TXT md=BSB002 from the IPv6 link-local address not decoded")
	}
}

// The Xiaomi camera's TLS connections to its cloud name the server they ask
// for (realdata §13): the name is the camera's, without the client's
// ephemeral port; the D-Link camera's TLS 1.0 hellos carry no server name.
func TestClientHelloServerNameIsTheClients(t *testing.T) {
	r, _ := readCapture(t, "smart-home-firewall/xiaomi-cam_all-devices_CUT.pcap", Options{})
	if !r.has("192.168.1.161", "tls.sni", "business.smartcamera.api.io.mi.com") {
		t.Error("the camera's TLS server name is not decoded")
	}
	for _, o := range r.obs {
		if o.Key == "tls.sni" && (o.Port != 0 || o.IP != netip.MustParseAddr("192.168.1.161")) {
			t.Errorf("tls.sni about %v port %d: want the client, no port", o.IP, o.Port)
		}
	}
	r, _ = readCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", Options{})
	if r.has("", "tls.sni", "*") {
		t.Error("a server name from hellos that carry none")
	}
}

// The Amcrest camera checks in with its cloud by plain HTTP (realdata §20):
// the request's target, naming its class, serial, ports and brand, is the
// camera's, without a port, beside the name it asked.
func TestHTTPRequestTargetIsTheClients(t *testing.T) {
	r, _ := readCapture(t, "iotls/amcrest-cam-wired_CUT.pcap", Options{})
	want := "/p2pdev/update?oemid=0&type=IPC&version=2.520&devid=AMC020SC43PJ749D66&privPort=37777&httpPort=80&rtspPort=554&server=dhp2p&webver=2.420.0&manufacturer=Amcrest&webSpec=IPC2.420&webSubVer=0"
	if !r.has("192.168.10.201", "http.request_target", want) || !r.has("192.168.10.201", "http.request_host", "amcrestview.com") {
		t.Error("the camera's check-in is not decoded")
	}
	for _, o := range r.obs {
		if o.Key == "http.request_target" && (o.Port != 0 || o.IP != netip.MustParseAddr("192.168.10.201")) {
			t.Errorf("http.request_target about %v port %d: want the camera, no port", o.IP, o.Port)
		}
	}
	// The Hue bridge's requests to its cloud are its own (realdata §1);
	// the phone's requests to the bridge by address are the bridge's
	// http.path, no target of the phone's.
	hue, _ := readCapture(t, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", Options{})
	targets := 0
	for _, o := range hue.obs {
		if o.Key != "http.request_target" {
			continue
		}
		targets++
		if o.IP != netip.MustParseAddr("10.10.10.6") || !strings.HasPrefix(o.Value, "/") {
			t.Errorf("http.request_target about %v: %s", o.IP, o.Value)
		}
	}
	if targets == 0 {
		t.Error("the Hue bridge's requests to its cloud are not read")
	}
}

// The Hue bridge asks its cloud by plain HTTP, with a port in the Host header
// (realdata §1): the name is the bridge's, without the port. Its requests to
// bridge.meethue.com send "POST " in a segment of its own: one segment is
// read at a time (connections to servers outside the site are not
// reassembled), so those give nothing.
func TestHTTPRequestHostIsTheClients(t *testing.T) {
	r, _ := readCapture(t, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", Options{})
	if !r.has("10.10.10.6", "http.request_host", "dcp.cpp.philips.com") || !r.has("10.10.10.6", "http.request_host", "www.ecdinterface.philips.com") {
		t.Error("the bridge's HTTP host names are not decoded")
	}
	for _, o := range r.obs {
		if o.Key == "http.request_host" && (o.Port != 0 || o.IP != netip.MustParseAddr("10.10.10.6")) {
			t.Errorf("http.request_host about %v port %d: want the bridge, no port", o.IP, o.Port)
		}
	}
}

package pcap

import (
	"net/netip"
	"strings"
	"testing"
)

// The constructed site (testdata/pcap/SOURCES.md): each device's payloads
// reach its decoder and come back as observations about that device.
func TestSiteSampleDevices(t *testing.T) {
	r, st := readCapture(t, "site-sample.pcapng", Options{})
	if st.Packets != 207 || st.Skipped != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, c := range []struct{ ip, key, value string }{
		{"10.20.0.11", "sadp.model", "DS-2CD2146G2-ISU"},
		{"10.20.0.11", "wsd.scope", "onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2-ISU"},
		{"10.20.0.11", "http.server", "App-webs/"},
		{"10.20.0.11", "http.www_authenticate", `Digest qop="auth", realm="IP Camera(J2914)"*`},
		{"10.20.0.11", "rtsp.date", "  Thu, Nov 26 2026 05:10:12 GMT"},
		{"10.20.0.11", "rtsp.sdp_session", "Media Presentation"},
		{"10.20.0.11", "tcp.open", "8000"},
		{"10.20.0.12", "sadp.model", "DS-7608NXI-I2/8P/S"},
		{"10.20.0.12", "sadp.firmware", "V4.62.210build 230619"},
		{"10.20.0.12", "http.server", "DNVRS-Webs"},
		{"10.20.0.21", "dhip.model", "IPC-HDW5421S"},
		{"10.20.0.21", "rtsp.server", "Rtsp Server/3.0"},
		{"10.20.0.21", "wsd.scope", "onvif://www.onvif.org/type/Network_Video_Transmitter"},
		{"10.20.0.22", "dhip.vendor", "Intelbras"},
		{"10.20.0.31", "xm.firmware", "V5.00.R02.00030747.10010.349f17.0000000"},
		{"10.20.0.31", "http.title", "NETSurveillance WEB"},
		{"10.20.0.31", "rtsp.server", "H264DVR 1.0"},
		{"10.20.0.41", "ssdp.server", "Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22"},
		{"10.20.0.41", "http.www_authenticate", `Digest realm="AXIS_ACCC8E3C0419"*`},
		{"10.20.0.51", "http.server", "HP HTTP Server; HP Officejet 6500 E709n - CB057A*"},
		{"10.20.0.61", "dns.query", "connectivitycheck.gstatic.com"},
		{"10.20.0.71", "tcp.banner_hex", "5353482d322e30*"},
	} {
		if !r.has(c.ip, c.key, c.value) {
			t.Errorf("%s: no %s=%q", c.ip, c.key, c.value)
		}
	}
	for mac, ip := range map[string]string{
		"44:19:b6:3a:7c:21": "10.20.0.11", "bc:ad:28:5e:10:02": "10.20.0.12", "4c:11:bf:c2:0b:9d": "10.20.0.21",
		"58:10:8c:19:bf:fb": "10.20.0.22", "00:00:23:34:45:66": "10.20.0.31", "ac:cc:8e:3c:04:19": "10.20.0.41",
	} {
		if !r.binds("arp.mac", mac, ip) || !r.binds("link.ip", mac, ip) {
			t.Errorf("%s not bound to %s by ARP and link", mac, ip)
		}
	}
}

// The printer's exchange is on the raw-IP interface (nanosecond timestamps):
// decoded, but with no MAC to bind from it.
func TestPcapngSecondInterfaceRawIP(t *testing.T) {
	r, _ := readCapture(t, "site-sample.pcapng", Options{})
	if !r.has("10.20.0.51", "tcp.open", "80") {
		t.Fatal("raw-IP interface not decoded")
	}
	if r.has("10.20.0.51", "link.ip", "10.20.0.51") {
		t.Error("link.ip from a raw-IP interface, which carries no MAC")
	}
	for _, o := range r.obs {
		if o.Key == "http.server" && o.IP.String() == "10.20.0.51" && o.Time.Nanosecond()%1000 == 0 {
			t.Errorf("nanosecond timestamp lost: %v", o.Time)
		}
	}
}

// The same site with VLAN tags and with Linux cooked headers gives the same
// facts (the printer is on Ethernet there, so those files have more).
func TestLinkLayerVariants(t *testing.T) {
	want, _ := readCapture(t, "site-sample.pcapng", Options{})
	for _, name := range []string{"site-vlan.pcap", "site-sll.pcap", "site-sll2.pcap"} {
		t.Run(name, func(t *testing.T) {
			got, st := readCapture(t, name, Options{})
			if st.Packets != 207 || st.Skipped != 0 {
				t.Errorf("stats %+v", st)
			}
			for _, o := range want.obs {
				if !got.hasAddr(o.IP, false, o.Key, o.Value) {
					t.Errorf("missing %s %s=%q", o.IP, o.Key, o.Value)
				}
			}
			if !got.binds("link.ip", "3c:d9:2b:51:0a:77", "10.20.0.51") {
				t.Error("printer MAC not bound from its frames")
			}
		})
	}
}

func TestPerProtocolSamples(t *testing.T) {
	for _, c := range []struct{ file, ip, key, value string }{
		{"sadp-hikvision.pcap", "10.20.0.11", "sadp.firmware", "V5.7.17build 240606"},
		{"dhip-dahua.pcap", "10.20.0.21", "dhip.serial", "1F006E4PAX00075"},
		{"wsd-hikvision.pcap", "10.20.0.11", "wsd.scope", "onvif://www.onvif.org/location/city/hangzhou"},
		{"wsd-dahua.pcap", "10.20.0.21", "wsd.scope", "onvif://www.onvif.org/extension/unique_identifier"},
	} {
		r, _ := readCapture(t, c.file, Options{})
		if !r.has(c.ip, c.key, c.value) {
			t.Errorf("%s: no %s %s=%q", c.file, c.ip, c.key, c.value)
		}
	}
}

// A CMS's DVRIP sessions with a camera, on the default port 34567 and on a
// port no table names (34600): the frames name the protocol, and the
// camera's answers give its board, firmware and serial on each port; the
// CMS's login (user name, password hash) gives nothing.
func TestDVRIPSessions(t *testing.T) {
	r, st := readCapture(t, "dvrip-xiongmai.pcap", Options{})
	want := map[string]string{
		"dvrip.device_type": "IPC",
		"dvrip.hardware":    "XM530_50X50-WG_8M",
		"dvrip.firmware":    "V5.00.R02.00030747.10010.349f17.0000000",
		"dvrip.serial":      "09d53d540f99b818",
	}
	for _, port := range []uint16{34567, 34600} {
		for key, value := range want {
			found := false
			for _, o := range r.obs {
				found = found || o.Key == key && o.Value == value && o.Port == port && o.IP == netip.MustParseAddr("10.20.0.32")
			}
			if !found {
				t.Errorf("port %d: no %s=%q from the camera", port, key, value)
			}
		}
	}
	for _, o := range r.obs {
		if strings.Contains(o.Value, "tlJwpbo6") || o.IP == netip.MustParseAddr("10.20.0.5") && strings.HasPrefix(o.Key, "dvrip.") {
			t.Errorf("the client's login was read: %+v", o)
		}
	}
	if st.Flows != 2 {
		t.Errorf("%d flows kept, want 2", st.Flows)
	}
}

// A client's DHIP session with a Dahua NVR on 37777: the NVR's answers,
// read by the methods the client asked, give its model, class, firmware,
// serial and vendor.
func TestDHIPSessionCapture(t *testing.T) {
	r, _ := readCapture(t, "dhip-session-dahua.pcap", Options{})
	for key, value := range map[string]string{
		"dhip.model": "DHI-NVR5232-4KS2", "dhip.device_class": "NVR", "dhip.firmware": "4.002.0000000.8.R",
		"dhip.serial": "8B02C47PAZ58EDD", "dhip.vendor": "Dahua",
	} {
		if !r.has("10.20.0.23", key, value) {
			t.Errorf("no %s=%q from the NVR", key, value)
		}
	}
	for _, o := range r.obs {
		if strings.HasPrefix(o.Key, "dhip.") && o.IP != netip.MustParseAddr("10.20.0.23") {
			t.Errorf("%s=%q about %s, not the NVR", o.Key, o.Value, o.IP)
		}
	}
}

// Every frame of site-vlan.pcap is tagged VLAN 20 and every third also
// carries an outer service tag (VLAN 100): the binding observations, which
// carry the device's MAC, say VLAN 20, the innermost tag, the VLAN the
// device is on. Untagged captures say none.
func TestBindingsCarryTheInnermostVLAN(t *testing.T) {
	for name, want := range map[string]uint16{"site-vlan.pcap": 20, "site-sll.pcap": 0, "site-sample.pcapng": 0} {
		r, _ := readCapture(t, name, Options{})
		bindings := 0
		for _, o := range r.obs {
			if o.Key != "link.ip" && o.Key != "arp.mac" {
				continue
			}
			bindings++
			if o.VLAN != want {
				t.Errorf("%s: %s %s=%s on VLAN %d, want %d", name, o.IP, o.Key, o.Value, o.VLAN, want)
			}
		}
		if bindings == 0 {
			t.Errorf("%s: no bindings", name)
		}
	}
}

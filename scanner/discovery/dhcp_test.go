package discovery

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// The D-Link DCS-935L's DHCP Discover/Request (realdata §1): facts about
// the client keyed by chaddr, no IP (it has none yet, source 0.0.0.0).
func TestDHCPClientOptionsFromCapture(t *testing.T) {
	obs, rejected := decodeCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	camera := mustMAC(t, "b0:c5:54:25:5b:0e")
	want := map[string]string{
		"dhcp.hostname":     "DCS-935L",
		"dhcp.vendor_class": "udhcp 1.22.1",
		"dhcp.prl":          "1,3,6,12,15,28,42",
		"dhcp.client_id":    "01b0c554255b0e",
	}
	for key, value := range want {
		found := false
		for _, o := range obs {
			if o.Key != key {
				continue
			}
			found = true
			if o.Value != value || o.MAC != camera || o.IP.IsValid() {
				t.Errorf("%s: got %q mac %v ip %v; want %q about %v and no IP", key, o.Value, o.MAC, o.IP, value, camera)
			}
		}
		if !found {
			t.Errorf("no %s", key)
		}
	}
	if got := values(obs, noAddr, "dhcp.lease"); len(got) != 0 {
		t.Errorf("Discover/Request without ciaddr asserted a lease: %q", got)
	}
}

// Ednet camera (realdata §1): the server's ACK binds chaddr to yiaddr; the
// server's Offer does not.
func TestDHCPAckLeaseFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/EdnetCam1_Setup-A-1-STA.pcap")
	lease := single(t, obs, "dhcp.lease")
	if lease.MAC != mustMAC(t, "3c:49:37:03:17:db") || lease.IP != netip.MustParseAddr("10.10.10.186") || lease.Value != "10.10.10.186" {
		t.Errorf("lease = %+v", lease)
	}
	if lease.Port != 0 {
		t.Errorf("lease carries the server's port %d", lease.Port)
	}
	wantValue(t, obs, noAddr, "dhcp.vendor_class", "udhcp 1.12.1")
	wantValue(t, obs, noAddr, "dhcp.prl", "1,3,6,12,15,28,42")
}

func TestDHCPSmartPlugFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/negative_TP-LinkPlugHS110_Setup-A-1-STA.pcap")
	wantValue(t, obs, noAddr, "dhcp.hostname", "HS110(EU)")
	wantValue(t, obs, noAddr, "dhcp.vendor_class", "udhcp 0.9.9-pre")
	lease := single(t, obs, "dhcp.lease")
	if lease.MAC != mustMAC(t, "50:c7:bf:00:c7:03") || lease.IP != netip.MustParseAddr("10.10.10.20") {
		t.Errorf("lease = %+v", lease)
	}
}

// firstDHCP returns the first client DHCP payload of a capture.
func firstDHCP(t *testing.T, name string) []byte {
	t.Helper()
	for _, d := range readUDP(t, name) {
		if d.meta.DstPort == 67 {
			return d.payload
		}
	}
	t.Fatal("no DHCP request in " + name)
	return nil
}

func TestDHCPRejectsBrokenMessages(t *testing.T) {
	real := firstDHCP(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	badCookie := append([]byte(nil), real...)
	badCookie[dhcpOffCookie] ^= 0xff
	// Cut inside the vendor class option (its data starts at 240+15).
	cut := append([]byte(nil), real[:dhcpOffOptions+18]...)
	for name, payload := range map[string][]byte{
		"short":            real[:100],
		"bad cookie":       badCookie,
		"truncated option": cut,
	} {
		obs, err := decode(DHCP, payload, scanner.Meta{})
		if err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
}

// A renewing client states its ciaddr: that binds its MAC to it (RFC 2131
// §4.3.2), and the client's facts carry the address.
func TestDHCPClientCiaddrBinds(t *testing.T) {
	msg := append([]byte(nil), firstDHCP(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")...)
	copy(msg[dhcpOffCiaddr:], []byte{10, 10, 10, 37})
	obs, err := decode(DHCP, msg, scanner.Meta{SrcIP: netip.MustParseAddr("10.10.10.37")})
	if err != nil {
		t.Fatal(err)
	}
	lease := single(t, obs, "dhcp.lease")
	if lease.IP != netip.MustParseAddr("10.10.10.37") || lease.MAC != mustMAC(t, "b0:c5:54:25:5b:0e") {
		t.Errorf("lease = %+v", lease)
	}
	if h := single(t, obs, "dhcp.hostname"); h.IP != lease.IP {
		t.Errorf("hostname about %v, want %v", h.IP, lease.IP)
	}
}

// Option 81 in both encodings (RFC 4702 §2.3): constructed option bodies.
func TestDHCPFQDNEncodings(t *testing.T) {
	wire, _ := hex.DecodeString("0363616d076578616d706c6503636f6d00")
	if got := fqdnName(fqdnFlagEncoded, wire); got != "cam.example.com" {
		t.Errorf("wire form: %q", got)
	}
	if got := fqdnName(0, []byte("cam.example.com")); got != "cam.example.com" {
		t.Errorf("ASCII form: %q", got)
	}
	if got := fqdnName(fqdnFlagEncoded, []byte{9, 'a'}); got != "" {
		t.Errorf("label past the end: %q", got)
	}
}

// The Xiaobai Y2 camera's set-up (realdata §21) holds only the router's Offer
// and ACK; the ACK's host name option names the client, chaddr at yiaddr,
// never the server that sent it.
func TestDHCPAckHostnameNamesTheClient(t *testing.T) {
	obs, _ := decodeCapture(t, "lifecycle/xiaobai-y2-camera_setup_CUT.pcap")
	name := single(t, obs, "dhcp.hostname")
	if name.Value != "chuangmi_camera_060a02" || name.MAC != mustMAC(t, "78:df:72:24:69:4d") ||
		name.IP != netip.MustParseAddr("192.168.1.165") || name.Port != 0 {
		t.Errorf("hostname = %+v", name)
	}
}

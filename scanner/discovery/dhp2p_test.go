package discovery

import (
	"net/netip"
	"testing"
)

// An Amcrest camera (realdata iotls) registers with the DH P2P service over
// UDP 8800/8802: DHGET /setup/device/<its serial> says it is the device and
// names its serial; its lookup of itself (/online/p2psrv/<serial>, which the
// apps send too) names no role. The service's HTTP/1.1 answers are not read.
func TestDHP2PFromCapture(t *testing.T) {
	obs, rejected := decodeCapture(t, "iotls/amcrest-cam-wired_CUT.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	for _, ip := range []string{"192.168.10.128", "192.168.10.201"} { // the camera, before and after its DHCP lease
		camera := netip.MustParseAddr(ip)
		wantValue(t, obs, camera, "p2p.protocol", "dh-p2p")
		wantValue(t, obs, camera, "p2p.role", "device")
		wantValue(t, obs, camera, "p2p.did", "AMC020SC43PJ749D66")
	}
	for _, o := range obs {
		if o.Key == "p2p.protocol" && o.Port != 0 {
			t.Errorf("a requester's ephemeral source port kept: %d", o.Port)
		}
	}
	server := netip.MustParseAddr("52.42.224.222")
	for _, key := range []string{"p2p.protocol", "p2p.role", "p2p.did"} {
		if got := values(obs, server, key); len(got) != 0 {
			t.Errorf("the service's answers read as %s %q", key, got)
		}
	}
}

func TestDHP2PRequests(t *testing.T) {
	m := fuzzMeta
	for _, c := range []struct {
		payload   string
		ok        bool
		role, did string
	}{
		// The camera's own requests in the capture above.
		{"DHGET /setup/device/AMC020SC43PJ749D66 HTTP/1.1\r\nCSeq: 779268259\r\n\r\n", true, "device", "AMC020SC43PJ749D66"},
		{"DHGET /online/p2psrv/AMC020SC43PJ749D66 HTTP/1.1\r\nCSeq: 785307200\r\n\r\n", true, "", ""},
		// An app's requests (khoanguyen-3fc/dh-p2p): the device it wants, not itself.
		{"DHGET /probe/p2psrv HTTP/1.1\r\nCSeq: 1\r\n\r\n", true, "", ""},
		{"DHPOST /device/4H01D66PAJ2FA64/p2p-channel HTTP/1.1\r\nCSeq: 5\r\n\r\n", true, "", ""},
		{"DHGET /probe/device/4H01D66PAJ2FA64 HTTP/1.1\r\n\r\n", true, "", ""},
		// Not a serial: nothing more than the protocol.
		{"DHGET /setup/device/AB-12 HTTP/1.1\r\n\r\n", true, "", ""},
		{"DHGET /setup/device/ HTTP/1.1\r\n\r\n", true, "", ""},
		// Not the protocol.
		{"GET /heartbeat/device/AMC020SC43PJ749D66 HTTP/1.1\r\n\r\n", false, "", ""},
		{"HTTP/1.1 200 OK\r\nCSeq: 779268259\r\n\r\n", false, "", ""},
		{"NFGET /online/p2psrv/ABC123456 HTTP/1.1\r\n\r\n", false, "", ""},
		{"DHGET /setup/device/AMC020SC43PJ749D66 HTTP/1.1", false, "", ""},
		{"DHGET setup HTTP/1.1\r\n", false, "", ""},
		{"DHGET /a b HTTP/1.1\r\n", false, "", ""},
		{"DHGET /x\x01y HTTP/1.1\r\n", false, "", ""},
	} {
		obs, err := decode(DHP2P, []byte(c.payload), m)
		if (err == nil) != c.ok || isDHP2P([]byte(c.payload)) != c.ok {
			t.Errorf("%q: decoded %v, want %v", c.payload, err == nil, c.ok)
			continue
		}
		if !c.ok {
			continue
		}
		if got := values(obs, noAddr, "p2p.protocol"); len(got) != 1 || got[0] != "dh-p2p" {
			t.Errorf("%q: p2p.protocol %q", c.payload, got)
		}
		gotRole, gotDID := values(obs, noAddr, "p2p.role"), values(obs, noAddr, "p2p.did")
		if c.role == "" && (len(gotRole) != 0 || len(gotDID) != 0) {
			t.Errorf("%q: role %q did %q, want none", c.payload, gotRole, gotDID)
		}
		if c.role != "" && (len(gotRole) != 1 || gotRole[0] != c.role || len(gotDID) != 1 || gotDID[0] != c.did) {
			t.Errorf("%q: role %q did %q, want %q %q", c.payload, gotRole, gotDID, c.role, c.did)
		}
	}
}

package discovery

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

func TestHDSSearchAnswer(t *testing.T) {
	m := scanner.Meta{Probe: "hds", SrcIP: netip.MustParseAddr("192.168.1.105"), SrcPort: 8002}
	obs, err := decode(HDS, readTestdata(t, "hds_search_ack_easyn.txt"), m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"hds.protocol":    "HDS/1.0",
		"hds.device_id":   "ABBC000000e0f8009821BVFCDETYUISX",
		"hds.device_name": "IPCAM",
		"hds.model":       "V1.0.0.1",
		"hds.device_type": "C6F0SeZ0N0P0L0", // Device-Type and C_Product agree: one observation
		"hds.vendor":      "EN",
		"hds.uid":         "AZGK2ZVF8DUSYVAL111A",
		"hds.firmware":    "V7.4.4.1.1-20140925",
		"hds.http_port":   "81",
	}
	for key, value := range want {
		if o := single(t, obs, key); o.Value != value || o.IP != m.SrcIP {
			t.Errorf("%s = %+v, want %q about %v", key, o, value, m.SrcIP)
		}
	}
	if b := single(t, obs, "hds.mac"); b.MAC != mustMAC(t, "00:e0:f8:00:98:21") || b.IP != m.SrcIP {
		t.Errorf("binding = %+v", b)
	}
	if len(obs) != len(want)+1 {
		t.Errorf("want %d observations, got %d: %+v", len(want)+1, len(obs), obs)
	}
}

// The JUAN/EseeCloud form: upper-case headers, an Esee-ID, no product code.
// Given as a raw key without socket metadata, it is about the address it names.
func TestHDSBeaconRawKey(t *testing.T) {
	dec, ok := ByRawKey("hds.payload")
	if !ok {
		t.Fatal("hds.payload unknown")
	}
	obs, err := decode(dec, readTestdata(t, "hds_beacon_juan.txt"), scanner.Meta{Probe: "identify"})
	if err != nil {
		t.Fatal(err)
	}
	own := netip.MustParseAddr("10.0.0.169")
	for key, value := range map[string]string{"hds.model": "5523-W", "hds.esee_id": "4781620744",
		"hds.firmware": "3.6.103.5721106", "hds.device_id": "Z7C34781620744"} {
		if o := single(t, obs, key); o.Value != value || o.IP != own {
			t.Errorf("%s = %+v, want %q about %v", key, o, value, own)
		}
	}
	if b := single(t, obs, "hds.mac"); b.MAC != mustMAC(t, "9c:a3:a9:bc:6f:ec") {
		t.Errorf("binding = %+v", b)
	}
}

// Credentials some answers carry are never emitted.
func TestHDSNeverReadsCredentials(t *testing.T) {
	answer := append(bytes.Clone(readTestdata(t, "hds_search_ack_easyn.txt")),
		[]byte("DDNS-User=someone\r\nDDNS-Passwd=secret1\r\nwirelessApPsk=secret2\r\nnonce=00ff\r\nDevice-PWD=secret3\r\n")...)
	obs, err := decode(HDS, answer, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if bytes.Contains([]byte(o.Value), []byte("secret")) || o.Value == "someone" {
			t.Errorf("credential emitted: %+v", o)
		}
	}
}

// Our own search, a command and an error answer name no device; other
// text is not HDS.
func TestHDSRequestsAndOthers(t *testing.T) {
	for _, b := range [][]byte{HDSSearch(), []byte("CMD * HDS/1.0\r\nCSeq:2\r\nClient-ID:deadbeef\r\nDevice-ID:X\r\n\r\n"),
		[]byte("HDS/1.0 401 Unauthorized\r\nCSeq:2\r\n\r\nDevice-ID=X\r\n")} {
		if obs, err := decode(HDS, b, scanner.Meta{}); err != nil || len(obs) != 0 {
			t.Errorf("%q: err %v, observations %+v", b, err, obs)
		}
	}
	for _, b := range [][]byte{SSDPSearch(), []byte("MCTP/1.0 200 OK\r\n\r\nDevice-ID=X\r\n"), nil} {
		if _, err := decode(HDS, b, scanner.Meta{}); err == nil {
			t.Errorf("%q accepted as HDS", b)
		}
	}
	if !IsHDSSearch(HDSSearch()) || IsHDSSearch(SSDPSearch()) {
		t.Error("IsHDSSearch")
	}
}

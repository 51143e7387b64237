package store

import (
	"net/netip"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
)

// The HiSilicon SDK's default MAC 00:00:23:34:45:66 (vendor catalogue
// placeholder_macs) is carried by many cheap boards: the Xiongmai DVR of the
// constructed site capture has it. It must not merge devices.
func TestPlaceholderMACIsNotAnIdentity(t *testing.T) {
	dvr := device("00:00:23:34:45:66", "10.10.10.31", "Xiongmai", "", "", fingerprint.KindDVR, true)
	other := device("00:00:23:34:45:66", "", "", "", "", "", false)
	serial := device("00:00:23:34:45:66", "10.10.10.32", "Xiongmai", "", "", fingerprint.KindDVR, true)
	serial.Serial = "ef9b4d6a1b3e7c1c"
	recs := recordsOf(result(t, []fingerprint.Device{dvr, other, serial}, time.Now()))
	want := map[string]string{
		"placeholder-mac:00:00:23:34:45:66@10.10.10.31": "critical",
		"placeholder-mac:00:00:23:34:45:66":             "",
		"serial:EF9B4D6A1B3E7C1C":                       "critical",
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %+v", len(recs), len(want), recs)
	}
	for _, r := range recs {
		sev, ok := want[r.Identity]
		if !ok || sev != r.Severity {
			t.Errorf("record %s severity %q; want one of %v", r.Identity, r.Severity, want)
		}
	}
	hik := device("28:57:be:65:7d:d5", "10.10.10.40", "Hikvision", "", "", fingerprint.KindCamera, true)
	if id := Identity(&hik); id != "mac:28:57:be:65:7d:d5" {
		t.Errorf("ordinary MAC identity = %q", id)
	}
	ipOnly := fingerprint.Device{IPs: []netip.Addr{netip.MustParseAddr("10.10.10.9")}}
	if id := Identity(&ipOnly); id != "ip-only:10.10.10.9" {
		t.Errorf("address-only identity = %q", id)
	}
}

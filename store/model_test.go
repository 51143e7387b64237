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

// Matching across runs: a camera swapped for another of the same model at
// the same address is two devices (their MACs differ); a camera seen by MAC
// and serial on its segment and by serial only from a routed sensor is one.
func TestCompareMatching(t *testing.T) {
	rec := func(id, mac, ip, model, serial, fw string) DeviceRecord {
		return DeviceRecord{Identity: id, MAC: mac, IPs: ip, Model: model, Serial: serial, Firmware: fw}
	}
	from := []DeviceRecord{
		rec("mac:44:19:b6:00:00:01", "44:19:b6:00:00:01", "10.10.10.40", "DS-2CD2042WD-I", "", "V5.4.5"),
		rec("mac:4c:11:bf:c2:0b:9d", "4c:11:bf:c2:0b:9d", "10.10.10.41", "IPC-HDW5421S", "1F006E4PAX00075", "2.400.0.8"),
	}
	to := []DeviceRecord{
		rec("mac:44:19:b6:00:00:99", "44:19:b6:00:00:99", "10.10.10.40", "DS-2CD2042WD-I", "", "V5.4.5"),
		rec("serial:1F006E4PAX00075", "", "10.10.10.41", "IPC-HDW5421S", "1F006E4PAX00075", "2.800.0.1"),
	}
	d := Compare(from, to)
	news, gone, changed := d.New, d.Gone, d.Changed
	if len(news) != 1 || news[0].MAC != "44:19:b6:00:00:99" || len(gone) != 1 || gone[0].MAC != "44:19:b6:00:00:01" {
		t.Errorf("swapped camera: new %+v gone %+v", news, gone)
	}
	if len(changed) != 1 || changed[0].Before.MAC != "4c:11:bf:c2:0b:9d" || len(changed[0].Fields) != 1 ||
		changed[0].Fields[0] != (FieldChange{Field: "firmware", From: "2.400.0.8", To: "2.800.0.1"}) {
		t.Errorf("serial match: %+v", changed)
	}
	// An unseen firmware is not a change: the probe that reads it may not have answered.
	to[1].Firmware = ""
	if changed := Compare(from, to).Changed; len(changed) != 0 {
		t.Errorf("missing firmware reported as a change: %+v", changed)
	}
}

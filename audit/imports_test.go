package audit

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner/pcap"
)

// captures are real and constructed captures with their sources in
// testdata/pcap/SOURCES.md and testdata/realdata/SOURCES.md: a site with
// Hikvision, Dahua, Xiongmai (on the HiSilicon placeholder MAC), Axis and
// others, a VLAN trunk, and the IoT Sentinel D-Link camera.
var captures = []string{
	"../testdata/pcap/site-sample.pcapng",
	"../testdata/pcap/site-vlan.pcap",
	"../testdata/realdata/iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap",
}

// TestImportedDevicesEqualDevicesSeenDirectly: each capture is read into an
// engine (what a sensor sees), written as the sensor's JSON report, and
// imported by an audit. Every device comes out as it was seen directly:
// addresses, VLANs, ports, times, maker, model, firmware, kind, confidence,
// restriction and evidence.
func TestImportedDevicesEqualDevicesSeenDirectly(t *testing.T) {
	db, err := fingerprint.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := oui.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, capture := range captures {
		t.Run(filepath.Base(capture), func(t *testing.T) {
			eng := fingerprint.NewEngine(db, reg)
			if _, err := pcap.ReadFile(context.Background(), capture, eng.Add, pcap.Options{}); err != nil {
				t.Fatal(err)
			}
			direct := eng.Devices()
			sensor := report.New(report.Tool{Name: "camsweep", Version: "sensor"}, time.Now(), report.Source{Command: "pcap", Host: "sensor-a"})
			sensor.Fill(direct, nil, nil)
			path := filepath.Join(t.TempDir(), "sensor.json")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := report.WriteJSON(f, sensor); err != nil {
				t.Fatal(err)
			}
			f.Close()

			cfg := &Config{Site: "hq", Reports: []string{path}}
			plan, err := NewPlan(cfg, policy.Default(), Env{Registry: reg})
			if err != nil {
				t.Fatal(err)
			}
			res := report.New(report.Tool{Name: "camsweep", Version: "test"}, time.Now(), report.Source{Command: "audit"})
			if err := plan.Run(context.Background(), res); err != nil {
				t.Fatal(err)
			}
			if len(res.Devices) != len(direct) {
				t.Fatalf("%d devices imported, %d seen directly", len(res.Devices), len(direct))
			}
			for i, got := range res.Devices {
				want := direct[i]
				if len(got.ImportedFrom) != 1 || got.ImportedFrom[0].Report != path || got.ImportedFrom[0].Host != "sensor-a" {
					t.Errorf("%s: imported from %+v", want.MAC, got.ImportedFrom)
				}
				got.ImportedFrom = nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("device %d imported as\n%+v\nseen directly as\n%+v", i, got, want)
				}
			}
		})
	}
}

// FuzzImportReport: a sensor's report is input from another machine; any
// bytes in its place either are refused with an error or import without a
// panic, every device judged here (never restricted without a basis).
func FuzzImportReport(f *testing.F) {
	f.Add([]byte(`{"schema": "camsweep.report/v1", "tool": {"name": "camsweep", "version": "0.3.0"},
 "source": {"command": "sweep", "host": "sensor-a"},
 "devices": [{"mac": "28:57:be:65:7d:d5", "ips": ["10.10.10.40"], "vlans": [20], "ports": [80, 554],
   "first_seen": "2026-11-20T02:30:01Z", "last_seen": "2026-11-20T02:31:07Z", "restricted": false,
   "evidence": [{"probe": "sadp", "key": "sadp.model", "value": "DS-2CD2042WD-I"},
                {"probe": "pcap", "key": "arp.mac", "value": "28:57:be:65:7d:d5", "sets": "ip=10.10.10.40"}]}],
 "findings": [], "inventory": []}`))
	f.Add([]byte(`{"schema": "camsweep.report/v1", "devices": [{"mac": "00:00:23:34:45:66", "restricted": true, "basis": ["prc-nil"],
   "evidence": [{"probe": "xm", "key": "xm.firmware", "value": "V5.00.R02.00030747.10010.349f17.0000000"}]},
  {"ips": ["10.20.0.41", "::ffff:10.20.0.41"], "evidence": [{"probe": "dhip", "key": "dhip.model", "value": "IPC-HDW5421S"},
   {"probe": "pcap", "key": "link.ip", "value": "not-an-ip", "sets": "ip=also-not"}]}]}`))
	f.Add([]byte(`{"schema": "other/v1"}`))
	f.Add([]byte(`[1, 2`))
	reg, err := oui.Default()
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, doc []byte) {
		path := filepath.Join(dir, "sensor.json")
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		plan, err := NewPlan(&Config{Site: "hq", Reports: []string{path}}, policy.Default(), Env{Registry: reg})
		if err != nil {
			t.Fatal(err)
		}
		res := report.New(report.Tool{Name: "camsweep", Version: "test"}, time.Now(), report.Source{Command: "audit"})
		if err := plan.Run(context.Background(), res); err != nil {
			return
		}
		for _, d := range res.Devices {
			if d.Restricted && len(d.Basis) == 0 {
				t.Errorf("restricted without a basis: %+v", d)
			}
		}
	})
}

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

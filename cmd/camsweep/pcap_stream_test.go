package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/report"
)

// devicesOf runs a command with JSON output and returns its devices.
func devicesOf(t *testing.T, stdin string, args ...string) []fingerprint.Device {
	t.Helper()
	code, out, stderr := cli(t, stdin, append(args, "-q", "--format", "json")...)
	if code != exitOK && code != exitFindings {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	return decodeJSON(t, out).Devices
}

// A capture on standard input, plain or gzip-compressed, gives the devices
// the same file gives.
func TestPcapReadsStandardInput(t *testing.T) {
	file := pcapData("site-sample.pcapng")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	want := devicesOf(t, "", "pcap", file)
	if len(want) < 10 {
		t.Fatalf("only %d devices from the site sample", len(want))
	}
	for name, in := range map[string]string{"plain": string(raw), "gzip": gz.String()} {
		if got := devicesOf(t, in, "pcap", "-"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s on stdin: %d devices differ from the file's %d", name, len(got), len(want))
		}
	}
	code, _, stderr := cli(t, string(raw), "pcap", "-", "-")
	if code != exitError {
		t.Errorf("- twice: exit %d", code)
	}
	oneLine(t, stderr, "only once")
}

// pcap --format observations writes what identify reads, and identify
// makes the same devices of it as pcap does of the capture.
func TestPcapObservationsRoundTripThroughIdentify(t *testing.T) {
	for _, file := range []string{pcapData("site-sample.pcapng"), pcapData("site-vlan.pcap"), realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")} {
		code, obs, stderr := cli(t, "", "pcap", "--format", "observations", file)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", file, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(obs), "\n")
		var first fingerprint.Observation
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Key == "" || first.Probe != "pcap" {
			t.Fatalf("%s: first line %q: %v", file, lines[0], err)
		}
		want := devicesOf(t, "", "pcap", file)
		got := devicesOf(t, obs, "identify", "-")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: identify made %d devices of %d observation lines, pcap %d; first differing:\n%s", file, len(got), len(lines), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []fingerprint.Device) string {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			x, _ := json.Marshal(a[i])
			y, _ := json.Marshal(b[i])
			return string(x) + "\n" + string(y)
		}
	}
	return "(one list is longer)"
}

// --format observations belongs to pcap; other commands refuse it.
func TestObservationsFormatOnlyForPcap(t *testing.T) {
	code, _, stderr := cli(t, "", "identify", "--format", "observations", identifyData("hikvision-nmap.jsonl"))
	if code != exitError {
		t.Errorf("identify --format observations: exit %d", code)
	}
	oneLine(t, stderr, "unknown --format")
}

// JSON Lines: the devices of the JSON report, one a line, then the findings.
func TestPcapJSONLinesHoldsTheReport(t *testing.T) {
	file := pcapData("site-sample.pcapng")
	_, js, _ := cli(t, "", "pcap", "-q", "--format", "json", file)
	r := decodeJSON(t, js)
	_, jl, _ := cli(t, "", "pcap", "-q", "--format", "jsonl", file)
	lines := strings.Split(strings.TrimSpace(jl), "\n")
	if len(lines) != len(r.Devices)+len(r.Findings) {
		t.Fatalf("%d lines for %d devices and %d findings", len(lines), len(r.Devices), len(r.Findings))
	}
	for i, l := range lines {
		var line report.JSONLine
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		switch {
		case i < len(r.Devices):
			if line.Type != "device" || !reflect.DeepEqual(*line.Device, r.Devices[i]) {
				t.Errorf("line %d: not device %d of the report", i+1, i)
			}
		case line.Type != "finding" || !reflect.DeepEqual(*line.Finding, r.Findings[i-len(r.Devices)]):
			t.Errorf("line %d: not finding %d of the report", i+1, i-len(r.Devices))
		}
	}
}

// --max-devices bounds the devices kept and says so; a bound below 1 is refused.
func TestPcapMaxDevices(t *testing.T) {
	code, out, stderr := cli(t, "", "pcap", "--format", "json", "-q", "--max-devices", "3", pcapData("site-sample.pcapng"))
	if code == exitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r := decodeJSON(t, out); len(r.Devices) > 3 || !strings.Contains(stderr, "its device bound (--max-devices)") {
		t.Errorf("%d devices with --max-devices 3; stderr %q", len(r.Devices), stderr)
	}
	code, _, stderr = cli(t, "", "pcap", "--max-devices", "0", pcapData("site-sample.pcapng"))
	if code != exitError {
		t.Errorf("--max-devices 0: exit %d", code)
	}
	oneLine(t, stderr, "--max-devices")
}

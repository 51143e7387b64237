package main

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func pcapData(name string) string { return filepath.Join(repo, "testdata", "pcap", name) }

// realData names origin/file in testdata/realdata (the real captures).
func realData(name string) string { return filepath.Join(repo, "testdata", "realdata", name) }

func TestPcapRealCaptureBindsDLinkCamera(t *testing.T) {
	// iot-sentinel D-Link camera set-up capture: the camera ARPs first with
	// its factory IP 192.168.0.20, then with its DHCP address 10.10.10.37.
	code, out, stderr := cli(t, "", "pcap", "--format", "json", "-q", realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"))
	if code != exitOK {
		t.Errorf("a D-Link camera is not restricted: exit %d (%s)", code, stderr)
	}
	r := decodeJSON(t, out)
	d := deviceByMAC(t, r, "b0:c5:54:25:5b:0e")
	ips := map[string]bool{}
	for _, ip := range d.IPs {
		ips[ip.String()] = true
	}
	if !ips["10.10.10.37"] || !ips["192.168.0.20"] || d.Restricted {
		t.Errorf("D-Link camera: %+v", d)
	}
	if r.Source.Command != "pcap" || len(r.Source.Inputs) != 1 || r.OUIDate == "" {
		t.Errorf("metadata: %+v", r.Source)
	}
}

func TestPcapSiteSampleFlagsRestrictedDevices(t *testing.T) {
	sample := pcapData("site-sample.pcapng")
	if _, err := os.Stat(sample); err != nil {
		t.Fatalf("the README's RUN command needs %s: %v", sample, err)
	}
	code, out, stderr := cli(t, "", "pcap", sample)
	if code != exitFindings {
		t.Errorf("exit %d, want %d: the sample holds Hikvision and Dahua devices (%s)", code, exitFindings, stderr)
	}
	for _, want := range []string{"FINDINGS", "Hikvision", "Dahua", "DEVICES", "INVENTORY"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// The same run as JSON, device by device (values of testdata/pcap/SOURCES.md).
	_, js, _ := cli(t, "", "pcap", "-q", "--format", "json", sample)
	r := decodeJSON(t, js)
	checks := []struct {
		mac, vendor, brand, model, kind string
		restricted                      bool
	}{
		{"44:19:b6:3a:7c:21", "Hikvision", "Hikvision", "DS-2CD2146G2-ISU", "camera", true},
		{"bc:ad:28:5e:10:02", "Hikvision", "Hikvision", "DS-7608NXI-I2/8P/S", "nvr", true},
		{"4c:11:bf:c2:0b:9d", "Dahua", "Dahua", "IPC-HDW5421S", "camera", true},
		{"58:10:8c:19:bf:fb", "Dahua", "Intelbras", "HDCVI 1008 - Gerao 2", "dvr", true}, // OEM: brand Intelbras, maker Dahua
		{"ac:cc:8e:3c:04:19", "Axis", "Axis", "P3343", "camera", false},                  // own name as brand
	}
	for _, c := range checks {
		d := deviceByMAC(t, r, c.mac)
		if d.Vendor != c.vendor || d.Brand != c.brand || d.Model != c.model || string(d.Kind) != c.kind || d.Restricted != c.restricted {
			t.Errorf("%s: got vendor %q brand %q model %q kind %q restricted %v; want %+v",
				c.mac, d.Vendor, d.Brand, d.Model, d.Kind, d.Restricted, c)
		}
	}
	// Without a policy, every restricted device is a finding, and nothing else
	// is. Devices are told apart by MAC and address: the sample's Xiongmai DVR
	// carries the HiSilicon placeholder MAC, which many boards share.
	flagged := map[string]bool{}
	for _, f := range r.Findings {
		flagged[f.MAC.String()+" "+f.IP.String()] = true
	}
	for _, d := range r.Devices {
		var ip netip.Addr
		if len(d.IPs) > 0 {
			ip = d.IPs[0]
		}
		if key := d.MAC.String() + " " + ip.String(); d.Restricted != flagged[key] {
			t.Errorf("%s: restricted=%v but finding=%v", key, d.Restricted, flagged[key])
		}
	}
}

// A CMS's DVRIP sessions with a Xiongmai camera (testdata/pcap/SOURCES.md,
// dvrip-xiongmai.pcap) name the camera's maker, board, firmware and serial,
// with the DVRIP answer as evidence, and list both ports it answered on; the
// CMS's host is not flagged.
func TestPcapDVRIPSession(t *testing.T) {
	code, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", pcapData("dvrip-xiongmai.pcap"))
	if code != exitFindings {
		t.Errorf("exit %d, want %d (%s)", code, exitFindings, stderr)
	}
	r := decodeJSON(t, out)
	var cam *fingerprint.Device
	for i, d := range r.Devices {
		if d.MAC.String() == "20:98:ed:3c:51:0b" {
			cam = &r.Devices[i]
		} else if d.Restricted {
			t.Errorf("%s restricted: the CMS is not a camera", d.MAC)
		}
	}
	if cam == nil {
		t.Fatalf("no camera in %s", out)
	}
	if cam.Vendor != "Xiongmai" || cam.Model != "XM530_50X50-WG_8M" || cam.Firmware != "V5.00.R02.00030747.10010.349f17.0000000" ||
		cam.Serial != "09d53d540f99b818" || cam.Kind != "camera" || !cam.Restricted {
		t.Errorf("camera: %+v", cam)
	}
	if !slices.ContainsFunc(cam.Evidence, func(e fingerprint.Evidence) bool { return e.Key == "dvrip.hardware" && e.Signature != "" }) {
		t.Errorf("no dvrip.hardware evidence: %+v", cam.Evidence)
	}
	if !slices.Equal(cam.Ports, []uint16{34567, 34600}) {
		t.Errorf("ports %v, want the default and the unlisted DVRIP port", cam.Ports)
	}
}

// A client's DHIP session with a Dahua NVR on 37777 (testdata/pcap/SOURCES.md,
// dhip-session-dahua.pcap) names the recorder's maker, model, kind, firmware
// and serial.
func TestPcapDHIPSession(t *testing.T) {
	code, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", pcapData("dhip-session-dahua.pcap"))
	if code != exitFindings {
		t.Errorf("exit %d, want %d (%s)", code, exitFindings, stderr)
	}
	r := decodeJSON(t, out)
	i := slices.IndexFunc(r.Devices, func(d fingerprint.Device) bool { return d.MAC.String() == "3c:ef:8c:5a:21:07" })
	if i < 0 {
		t.Fatalf("no NVR in %s", out)
	}
	nvr := r.Devices[i]
	if nvr.Vendor != "Dahua" || nvr.Model != "NVR5232-4KS2" || nvr.Kind != "nvr" || nvr.Firmware != "4.002.0000000.8.R" ||
		nvr.Serial != "8B02C47PAZ58EDD" || !nvr.Restricted {
		t.Errorf("NVR: %+v", nvr)
	}
}

func TestPcapTruncatedCaptureIsPartial(t *testing.T) {
	data, err := os.ReadFile(realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	// Cut in the middle of a record well into the file.
	if err := os.WriteFile(cut, data[:len(data)*2/3+7], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.json")
	code, stdout, stderr := cli(t, "", "pcap", "--format", "json", "-o", out, cut)
	if code != exitPartial {
		t.Errorf("exit %d, want %d (%s)", code, exitPartial, stderr)
	}
	if stdout != "" {
		t.Errorf("with -o, stdout must stay empty: %q", stdout)
	}
	if !strings.Contains(stderr, "warning:") || !strings.Contains(stderr, "packet ") {
		t.Errorf("no warning naming the packet:\n%s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r := decodeJSON(t, string(b))
	if !r.Partial || len(r.Warnings) == 0 {
		t.Errorf("report not marked partial: %+v", r)
	}
	deviceByMAC(t, r, "b0:c5:54:25:5b:0e") // what came before the cut stands
}

func TestPcapFormatsAgree(t *testing.T) {
	file := realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	_, js, _ := cli(t, "", "pcap", "-q", "--format", "json", file)
	_, csvOut, _ := cli(t, "", "pcap", "-q", "--format", "csv", file)
	r := decodeJSON(t, js)
	if rows := strings.Count(csvOut, "\n"); rows < len(r.Devices)+1 {
		t.Errorf("CSV has %d lines for %d devices", rows, len(r.Devices))
	}
	if !strings.HasPrefix(csvOut, "mac,ips,vendor,") {
		t.Errorf("CSV header: %q", csvOut[:min(len(csvOut), 40)])
	}
}

// sitePolicy puts the site sample's 10.20.0.0/16 in a core zone.
const sitePolicy = `version: 1
sites:
  - name: hq
    zones:
      - name: cctv-core
        cidrs: [10.20.0.0/16]
        core: true
exceptions:
  - mac: "4c:11:bf:c2:0b:9d"
    justification: "test: replacement ordered"
    owner: test@example.org
    expires: 2999-12-31
`

func TestPcapPolicyZonesSeverityAndFailOn(t *testing.T) {
	policyFile := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(policyFile, []byte(sitePolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	sample := pcapData("site-sample.pcapng")
	code, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", "--policy", policyFile, "--fail-on", "critical", sample)
	if code != exitFindings {
		t.Errorf("restricted devices in a core zone with --fail-on critical: exit %d (%s)", code, stderr)
	}
	r := decodeJSON(t, out)
	if len(r.Zones) != 1 || r.Zones[0].Name != "cctv-core" {
		t.Errorf("zones %+v", r.Zones)
	}
	for _, f := range r.Findings {
		if f.Zone != "cctv-core" || f.Site != "hq" {
			t.Errorf("finding not placed in the zone: %+v", f)
		}
		excepted := f.MAC.String() == "4c:11:bf:c2:0b:9d"
		if excepted != (f.Exception != "") {
			t.Errorf("exception handling: %+v", f)
		}
	}
	// Inventory per site: every device with an address in 10.20/16 counts at hq
	// (the sample also has a MAC seen without any address: no zone, no site).
	hq := map[string]report.VendorCount{}
	for _, s := range r.Inventory {
		if s.Site == "hq" {
			for _, v := range s.Vendors {
				hq[v.Vendor] = v
			}
		}
	}
	if hq["Hikvision"] != (report.VendorCount{Vendor: "Hikvision", Devices: 2, Restricted: 2}) ||
		hq["Dahua"] != (report.VendorCount{Vendor: "Dahua", Devices: 2, Restricted: 2}) || hq["Axis"].Restricted != 0 {
		t.Errorf("hq inventory: %+v", r.Inventory)
	}
	code, _, _ = cli(t, "", "pcap", "-q", "--policy", policyFile, "--fail-on", "none", sample)
	if code != exitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
}

// A zone named only by its VLAN: on the trunk capture (every frame tagged
// VLAN 20) the site's restricted devices that sent frames of their own are
// placed there, each finding naming VLAN 20; the untagged capture of the
// same site places nothing.
func TestPcapPlacesDevicesByVLAN(t *testing.T) {
	policyFile := filepath.Join(t.TempDir(), "vlan.yaml")
	if err := os.WriteFile(policyFile, []byte("version: 1\nsites:\n  - name: plant\n    zones:\n      - name: scada\n        vlans: [20]\n        core: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", "--policy", policyFile, "--fail-on", "none", pcapData("site-vlan.pcap"))
	r := decodeJSON(t, out)
	placed := 0
	for _, d := range r.Devices {
		if !d.Restricted || d.MAC.IsZero() {
			continue
		}
		if d.Zone != "scada" || !slices.Equal(d.VLANs, []uint16{20}) {
			t.Errorf("%s %s %v: zone %q, VLANs %v; want scada, [20]", d.Vendor, d.MAC, d.IPs, d.Zone, d.VLANs)
		}
		placed++
	}
	if placed < 3 {
		t.Fatalf("%d restricted devices with a MAC placed (stderr %s)", placed, stderr)
	}
	for _, f := range r.Findings {
		if f.Zone == "scada" && (f.VLAN != 20 || f.Severity != "critical") {
			t.Errorf("finding %+v: want VLAN 20, critical", f)
		}
	}
	_, out, _ = cli(t, "", "pcap", "-q", "--format", "json", "--policy", policyFile, "--fail-on", "none", pcapData("site-sample.pcapng"))
	for _, d := range decodeJSON(t, out).Devices {
		if d.Zone != "" || len(d.VLANs) > 0 {
			t.Errorf("untagged capture: %s in zone %q on VLANs %v", d.MAC, d.Zone, d.VLANs)
		}
	}
}

func TestPcapBadPolicyIsOneLine(t *testing.T) {
	policyFile := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(policyFile, []byte("version: 1\nsites:\n  - name: hq\n    zones:\n      - name: z\n        cidrs: [10.0.0.0/33]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := cli(t, "", "pcap", "--policy", policyFile, pcapData("site-sample.pcapng"))
	if code != exitError || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.HasPrefix(stderr, "camsweep: policy: ") || !strings.Contains(stderr, "10.0.0.0/33") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	var b strings.Builder
	if progressFor(&b, "x.pcap", false) != nil {
		t.Error("progress drawn into a non-terminal writer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progressFor(f, "x.pcap", false) != nil {
		t.Error("progress drawn into a regular file (cron, log)")
	}
}

func TestPcapAllAddressesIncludesPublicHosts(t *testing.T) {
	// The D-Link camera's set-up capture talks to cloud servers on public
	// addresses: inventoried only with --all-addresses.
	file := realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	public := func(args ...string) int {
		_, out, _ := cli(t, "", append([]string{"pcap", "-q", "--format", "json"}, append(args, file)...)...)
		n := 0
		for _, d := range decodeJSON(t, out).Devices {
			for _, ip := range d.IPs {
				if !ip.IsPrivate() && !ip.IsLinkLocalUnicast() {
					n++
				}
			}
		}
		return n
	}
	if n := public(); n != 0 {
		t.Errorf("without --all-addresses: %d public hosts inventoried", n)
	}
	if n := public("--all-addresses"); n == 0 {
		t.Errorf("--all-addresses inventoried no public host")
	}
}

// addressless.pcap (testdata/pcap/SOURCES.md): devices that never hold an
// address are in the report by their MAC. The Hikvision intercom that only
// sends ARP probes is restricted and shows the address it probes for; the
// Huawei and Kedacom boxes, whose makers make much besides cameras, are for
// review.
func TestPcapDevicesWithoutAnAddress(t *testing.T) {
	capture := pcapData("addressless.pcap")
	code, out, stderr := cli(t, "", "pcap", "-q", "--format", "json", "--fail-on", "review", capture)
	if code != exitFindings {
		t.Errorf("exit %d, want %d (%s)", code, exitFindings, stderr)
	}
	r := decodeJSON(t, out)
	if len(r.Devices) != 3 {
		t.Errorf("%d devices, want 3: %+v", len(r.Devices), r.Devices)
	}
	intercom := deviceByMAC(t, r, "44:19:b6:7e:01:30")
	probed := slices.ContainsFunc(intercom.Evidence, func(e fingerprint.Evidence) bool {
		return e.Key == "arp.probe" && e.Value == "10.20.0.77"
	})
	if intercom.Vendor != "Hikvision" || intercom.Verdict != fingerprint.VerdictRestricted || len(intercom.IPs) != 0 || !probed {
		t.Errorf("intercom: %+v", intercom)
	}
	if _, table, _ := cli(t, "", "pcap", "-q", capture); !strings.Contains(table, "44:19:b6:7e:01:30  probing 10.20.0.77") {
		t.Errorf("the table does not show the address the intercom probes for:\n%s", table)
	}
	for _, mac := range []string{"30:49:9e:51:c2:07", "00:14:10:3b:9a:11"} {
		if d := deviceByMAC(t, r, mac); d.Verdict != fingerprint.VerdictReview || d.Restricted {
			t.Errorf("%s: %+v", mac, d)
		}
	}
	sev := map[string]policy.Severity{}
	for _, f := range r.Findings {
		sev[f.MAC.String()] = f.Severity
	}
	if sev["44:19:b6:7e:01:30"] != policy.SeverityMedium || sev["30:49:9e:51:c2:07"] != policy.SeverityReview ||
		sev["00:14:10:3b:9a:11"] != policy.SeverityReview || r.Inventory[0].Vendors[1].Review != 1 {
		t.Errorf("findings %+v, inventory %+v", r.Findings, r.Inventory)
	}
	// Exceptions clear the two review findings: --fail-on review then only
	// fails on the restricted intercom, and not at all once it is excepted too.
	dir := t.TempDir()
	pol := filepath.Join(dir, "p.yaml")
	exceptions := "exceptions:\n"
	for _, mac := range []string{"30:49:9e:51:c2:07", "00:14:10:3b:9a:11"} {
		exceptions += "  - {mac: \"" + mac + "\", justification: \"checked: a switch\", owner: netops, expires: 2099-12-31}\n"
	}
	os.WriteFile(pol, []byte(exceptions), 0o644)
	_, out, _ = cli(t, "", "pcap", "-q", "--format", "json", "--fail-on", "review", "--policy", pol, capture)
	for _, f := range decodeJSON(t, out).Findings {
		if f.Suppressed() != (f.Severity == policy.SeverityReview) {
			t.Errorf("review findings excepted: %+v", f)
		}
	}
	os.WriteFile(pol, []byte(exceptions+"  - {mac: \"44:19:b6:7e:01:30\", justification: \"intercom, removal booked\", owner: facilities, expires: 2099-12-31}\n"), 0o644)
	if code, _, stderr := cli(t, "", "pcap", "-q", "--fail-on", "review", "--policy", pol, capture); code != exitOK {
		t.Errorf("every finding excepted, --fail-on review: exit %d (%s)", code, stderr)
	}
}

// public-site.pcap (testdata/pcap/SOURCES.md): a Uniview NVR on a site that
// numbers its network from public space is inventoried like a host on a
// private address once the site's range is named, by --local or by a policy
// zone: its MAC, its address and its maker (from the MAC block).
func TestPcapLocalRangesInventoryPublicSites(t *testing.T) {
	capture := pcapData("public-site.pcap")
	nvrAt := func(out string) (fingerprint.Device, bool) {
		for _, d := range decodeJSON(t, out).Devices {
			if d.MAC.String() == "48:ea:63:1c:20:08" && slices.Contains(d.IPs, netip.MustParseAddr("203.0.113.40")) {
				return d, true
			}
		}
		return fingerprint.Device{}, false
	}
	_, out, _ := cli(t, "", "pcap", "-q", "--format", "json", "--all-addresses", capture)
	if _, ok := nvrAt(out); ok {
		t.Error("--all-addresses bound a public host's MAC")
	}
	pol := filepath.Join(t.TempDir(), "campus.yaml")
	os.WriteFile(pol, []byte("sites:\n  - name: campus\n    zones:\n      - {name: cctv, cidrs: [203.0.113.0/24], sensitive: true}\n"), 0o644)
	for _, args := range [][]string{{"--local", "198.51.100.0/24, 203.0.113.0/24"}, {"--policy", pol}} {
		code, out, stderr := cli(t, "", append([]string{"pcap", "-q", "--format", "json", capture}, args...)...)
		d, ok := nvrAt(out)
		if code != exitFindings || !ok || d.Vendor != "Uniview" || d.Verdict != fingerprint.VerdictRestricted || !slices.Contains(d.Ports, 554) {
			t.Errorf("%v: exit %d (%s), NVR %+v", args, code, stderr, d)
		}
	}
	for _, bad := range []string{"203.0.113.0/33", "203.0.113.7/24", "campus"} {
		code, _, stderr := cli(t, "", "pcap", "--local", bad, capture)
		if code != exitError || !strings.Contains(stderr, "--local") {
			t.Errorf("--local %s: exit %d, %q", bad, code, stderr)
		}
	}
}

// A capture taken at a remote mirror's collector says so: the summary line
// counts the packets read inside the tunnel (the real MikroTik TZSP stream
// to port 31337, realdata SOURCES.md §24), and a plain capture says nothing
// of tunnels.
func TestPcapSummarySaysTunnelsWereRead(t *testing.T) {
	_, _, stderr := cli(t, "", "pcap", "--format", "json", realData("filesamples/simple_http_tzsp.pcapng"))
	if !strings.Contains(stderr, "read 5 packets from 1 file, 5 of them read inside a tunnel") {
		t.Errorf("summary of the TZSP capture: %s", stderr)
	}
	_, _, stderr = cli(t, "", "pcap", "--format", "json", realData("iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap"))
	if !strings.Contains(stderr, "packets from 1 file\n") || strings.Contains(stderr, "tunnel") {
		t.Errorf("summary of a plain capture: %s", stderr)
	}
}

// A mirror on a port of its own that carries only protected Wi-Fi frames
// gives nothing to recognise it by; --tunnel-port names it, and the station
// inside (a Hikvision block) is reported. Without the flag it is not, and a
// malformed flag is refused before anything is read.
func TestPcapTunnelPortFlag(t *testing.T) {
	station := []byte{0x44, 0x19, 0xb6, 0x12, 0x34, 0x56}
	bssid := []byte{0x02, 0xb5, 0x51, 0xd0, 0x00, 0x01}
	dot11 := append([]byte{0x08, 0x41, 0, 0}, bssid...) // data, to DS, protected
	dot11 = append(append(append(dot11, station...), bssid...), 0x10, 0x00)
	dot11 = append(dot11, bytes.Repeat([]byte{0x5a}, 48)...)
	tzsp := append([]byte{1, 0, 0, 18, 1}, dot11...) // TZSP v1, received, 802.11, end
	frame := pcapgen.NewFramer().UDP(pcapgen.NewHost("02:00:5e:00:00:01", "198.18.255.1"), pcapgen.NewHost("02:00:5e:00:00:02", "198.18.255.2"), 40000, 31999, tzsp)
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, 0), CaptureLength: len(frame), Length: len(frame)}, frame); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wifi-mirror.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, stderr := cli(t, "", "pcap", "--format", "csv", "--tunnel-port", "31999=tzsp", path)
	if !strings.Contains(strings.ToLower(out), "44:19:b6:12:34:56") || !strings.Contains(out, "Hikvision") || !strings.Contains(stderr, "1 of them read inside a tunnel") {
		t.Errorf("with --tunnel-port the station is missing:\n%s\n%s", out, stderr)
	}
	_, out, _ = cli(t, "", "pcap", "--format", "csv", path)
	if strings.Contains(strings.ToLower(out), "44:19:b6:12:34:56") {
		t.Errorf("without --tunnel-port the unconfirmed stream was read:\n%s", out)
	}
	for spec, want := range map[string]string{
		"31999":          "names no tunnel",
		"70000=tzsp":     "is not a UDP port",
		"0=vxlan":        "is not a UDP port",
		"31999=gre":      `unknown tunnel "gre"`,
		"9=tzsp,9=vxlan": "port 9 named twice",
	} {
		code, _, stderr := cli(t, "", "pcap", "--tunnel-port", spec, path)
		if code != exitError || !strings.Contains(stderr, want) {
			t.Errorf("--tunnel-port %s: exit %d, %q (want %q)", spec, code, stderr, want)
		}
	}
}

// TestPcapNamesTheCommandForOtherInputs: a new user hands pcap what another
// command reads (observation lines, a camsweep report, nmap's XML, a Zeek
// log). The refusal names the magic number and, from the file's first bytes,
// the command that reads it; a text that is none of these gets no guess.
func TestPcapNamesTheCommandForOtherInputs(t *testing.T) {
	dir := t.TempDir()
	reportPath := filepath.Join(dir, "report.json")
	if code, _, stderr := cli(t, "", "identify", "-q", "-o", reportPath, identifyData("hikvision-nmap.jsonl")); code != exitFindings {
		t.Fatalf("identify -o: exit %d: %s", code, stderr)
	}
	cases := []struct{ path, want string }{
		{identifyData("hostile.jsonl"), "camsweep identify " + identifyData("hostile.jsonl")},
		{reportPath, "it is a camsweep report"},
		{filepath.Join(repo, "testdata", "import", "nmap", "camsim-lab.xml"), "camsweep identify --from nmap"},
		{filepath.Join(repo, "testdata", "import", "zeek", "tsv", "dns.log"), "camsweep identify --from zeek"},
		{filepath.Join(repo, "testdata", "import", "zeek", "json", "dns.log"), "camsweep identify --from zeek"},
		{filepath.Join(repo, "README.md"), "not a pcap or pcapng capture: unknown magic number 23 20 63 61\n"},
	}
	for _, c := range cases {
		code, out, stderr := cli(t, "", "pcap", c.path)
		if code != exitError || out != "" {
			t.Errorf("%s: exit %d, stdout %q", c.path, code, out)
		}
		oneLine(t, stderr, c.want)
	}
}

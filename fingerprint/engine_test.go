package fingerprint

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/oui"
)

func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	db, err := LoadDatabase()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := oui.Default()
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(db, reg)
}

func mustMAC(t testing.TB, s string) MAC {
	t.Helper()
	m, err := ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func onlyDevice(t *testing.T, e *Engine) Device {
	t.Helper()
	ds := e.Devices()
	if len(ds) != 1 {
		t.Fatalf("got %d devices, want 1: %+v", len(ds), ds)
	}
	return ds[0]
}

func hasEvidence(d Device, sigPrefix string) bool {
	return slices.ContainsFunc(d.Evidence, func(ev Evidence) bool { return strings.HasPrefix(ev.Signature, sigPrefix) })
}

// hikDeviceInfo is the part of an ISAPI System/deviceInfo answer the test reads.
type hikDeviceInfo struct {
	Model, FirmwareVersion, FirmwareReleasedDate, DeviceType, SerialNumber string
}

func loadHikvisionNext(t *testing.T, path string) hikDeviceInfo {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct {
			ISAPI map[string]struct {
				Response struct {
					DeviceInfo struct {
						Model                string `json:"model"`
						FirmwareVersion      string `json:"firmwareVersion"`
						FirmwareReleasedDate string `json:"firmwareReleasedDate"`
						DeviceType           string `json:"deviceType"`
						SerialNumber         string `json:"serialNumber"`
					} `json:"DeviceInfo"`
				} `json:"response"`
			} `json:"ISAPI"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	di := doc.Data.ISAPI["System/deviceInfo"].Response.DeviceInfo
	return hikDeviceInfo{di.Model, di.FirmwareVersion, di.FirmwareReleasedDate, di.DeviceType, di.SerialNumber}
}

// TestEngineHikvisionNext feeds the model, firmware and serial of 15 real
// Hikvision devices as SADP would report them, and checks model → kind.
func TestEngineHikvisionNext(t *testing.T) {
	files, _ := filepath.Glob("../testdata/realdata/hikvision_next/*.json")
	if len(files) != 15 {
		t.Fatalf("want 15 devices, found %d files", len(files))
	}
	// deviceType as the device reports it → the kind the engine must say.
	// DS-2TD is Hikvision's thermal line; it reports itself as IPCamera.
	wantKind := func(di hikDeviceInfo) Kind {
		switch {
		case strings.HasPrefix(di.Model, "DS-2TD"):
			return KindThermal
		case di.DeviceType == "IPCamera" || di.DeviceType == "IPDome":
			return KindCamera
		case di.DeviceType == "NVR":
			return KindNVR
		case di.DeviceType == "DVR":
			return KindDVR
		}
		t.Fatalf("unexpected deviceType %q", di.DeviceType)
		return ""
	}
	counts := map[Kind]int{}
	for i, f := range files {
		di := loadHikvisionNext(t, f)
		e := newTestEngine(t)
		ip := netip.AddrFrom4([4]byte{198, 18, 0, byte(10 + i)})
		mac := MAC{0x44, 0x19, 0xb6, 0, 0, byte(i)} // a real Hikvision block; the file's MACs are anonymised
		fw := di.FirmwareVersion + " " + di.FirmwareReleasedDate
		for _, o := range []Observation{
			{Probe: "sadp", MAC: mac, IP: ip, Key: "sadp.mac", Value: mac.String()},
			{Probe: "sadp", IP: ip, Key: "sadp.model", Value: di.Model},
			{Probe: "sadp", IP: ip, Key: "sadp.firmware", Value: fw},
			{Probe: "sadp", IP: ip, Key: "sadp.serial", Value: di.SerialNumber},
		} {
			e.Add(o)
		}
		d := onlyDevice(t, e)
		k := wantKind(di)
		counts[k]++
		if d.Vendor != "Hikvision" || d.Model != di.Model || d.Firmware != fw || d.Kind != k || !d.Restricted {
			t.Errorf("%s: got vendor=%q model=%q fw=%q kind=%q restricted=%v; want Hikvision %q %q %q true",
				filepath.Base(f), d.Vendor, d.Model, d.Firmware, d.Kind, d.Restricted, di.Model, fw, k)
		}
		if d.MAC != mac || !slices.Equal(d.IPs, []netip.Addr{ip}) {
			t.Errorf("%s: MAC %s IPs %v", filepath.Base(f), d.MAC, d.IPs)
		}
		if !slices.Contains(d.Basis, "ndaa-889") || !slices.Contains(d.Basis, "prc-nil") {
			t.Errorf("%s: basis %v", filepath.Base(f), d.Basis)
		}
	}
	if counts[KindCamera] != 8 || counts[KindThermal] != 1 || counts[KindNVR] != 4 || counts[KindDVR] != 2 {
		t.Errorf("kinds %v, want 8 cameras, 1 thermal, 4 NVR, 2 DVR", counts)
	}
}

// dhipObservations turns a notifyDevInfo JSON into the observations the
// DHIP decoder emits (docs/observation-keys.md).
func dhipObservations(t *testing.T, raw []byte) []Observation {
	t.Helper()
	var msg struct {
		MAC    string `json:"mac"`
		Params struct {
			DeviceInfo struct {
				DeviceClass, DeviceType, SerialNo, Version, Vendor, Manufacturer, MachineName string
				IPv4Address                                                                   struct{ IPAddress string }
			} `json:"deviceInfo"`
		} `json:"params"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	di := msg.Params.DeviceInfo
	mac := mustMAC(t, msg.MAC)
	ip := netip.MustParseAddr(di.IPv4Address.IPAddress)
	return dhipFields(mac, ip, map[string]string{"dhip.device_class": di.DeviceClass, "dhip.model": di.DeviceType,
		"dhip.serial": di.SerialNo, "dhip.firmware": di.Version, "dhip.vendor": di.Vendor,
		"dhip.manufacturer": di.Manufacturer, "dhip.machine_name": di.MachineName})
}

func dhipFields(mac MAC, ip netip.Addr, fields map[string]string) []Observation {
	obs := []Observation{{Probe: "dhip", MAC: mac, IP: ip, Key: "dhip.mac", Value: mac.String()}}
	for k, v := range fields {
		if v != "" {
			obs = append(obs, Observation{Probe: "dhip", IP: ip, Port: 37810, Key: k, Value: v})
		}
	}
	return obs
}

func TestEngineDHIPPayload(t *testing.T) {
	raw, err := os.ReadFile("../testdata/realdata/dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t)
	for _, o := range dhipObservations(t, raw) {
		e.Add(o)
	}
	d := onlyDevice(t, e)
	want := Device{Vendor: "Dahua", Brand: "Dahua", Model: "IPC-HDW5421S", Firmware: "2.400.0.8",
		Serial: "1F006E4PAX00075", Kind: KindCamera}
	if d.Vendor != want.Vendor || d.Brand != want.Brand || d.Model != want.Model || d.Firmware != want.Firmware ||
		d.Serial != want.Serial || d.Kind != want.Kind || !d.Restricted {
		t.Errorf("got %+v", d)
	}
	if !strings.Contains(d.MACVendor, "Dahua") || d.MAC.String() != "4c:11:bf:c2:0b:9d" {
		t.Errorf("MAC %s vendor %q", d.MAC, d.MACVendor)
	}
	if d.Confidence < 0.99 {
		t.Errorf("confidence %v", d.Confidence)
	}
	if !hasEvidence(d, "dahua.dhip.") || !hasEvidence(d, "oui") {
		t.Errorf("evidence %+v", d.Evidence)
	}
	if !slices.Contains(d.Ports, 37810) {
		t.Errorf("ports %v", d.Ports)
	}
}

// TestEngineShadowserverRows: real DHIP answers from Dahua-platform devices
// sold as BCS, Intelbras or unbranded; vendor Dahua whatever the OUI says.
func TestEngineShadowserverRows(t *testing.T) {
	files, _ := filepath.Glob("../testdata/realdata/shadowserver-intelmq/*.csv")
	rows := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, r := range recs[1:] {
			rows++
			get := func(h string) string { return r[col[h]] }
			e := newTestEngine(t)
			mac := mustMAC(t, get("mac_address"))
			ip := netip.MustParseAddr(get("ipv4_address"))
			for _, o := range dhipFields(mac, ip, map[string]string{"dhip.device_class": get("device_type"),
				"dhip.model": get("device_model"), "dhip.serial": get("device_serial"), "dhip.firmware": get("device_version"),
				"dhip.vendor": get("device_vendor"), "dhip.manufacturer": get("manufacturer"), "dhip.machine_name": get("machine_name")}) {
				e.Add(o)
			}
			d := onlyDevice(t, e)
			wantBrand := map[string]string{"Intelbras": "Intelbras"}[get("device_vendor")]
			if strings.HasPrefix(get("device_model"), "BCS-") {
				wantBrand = "BCS"
			}
			wantKind := KindDVR
			if get("device_type") == "IPC" {
				wantKind = KindCamera
			}
			if d.Vendor != "Dahua" || d.Brand != wantBrand || d.Kind != wantKind || d.Model != get("device_model") ||
				d.Firmware != get("device_version") || !d.Restricted {
				t.Errorf("%s %s: got vendor=%q brand=%q kind=%q model=%q fw=%q restricted=%v; want Dahua %q %q",
					filepath.Base(f), get("device_model"), d.Vendor, d.Brand, d.Kind, d.Model, d.Firmware, d.Restricted, wantBrand, wantKind)
			}
		}
	}
	if rows != 6 {
		t.Fatalf("read %d rows, want 6", rows)
	}
}

func add(e *Engine, obs ...Observation) {
	for _, o := range obs {
		e.Add(o)
	}
}

// TestEngineOEM: a foreign brand's block with the maker's firmware signals is
// reported as that brand, made by the maker.
func TestEngineOEM(t *testing.T) {
	ip := netip.MustParseAddr("198.18.0.20")
	t.Run("Lorex block with Dahua realm", func(t *testing.T) {
		e := newTestEngine(t)
		mac := mustMAC(t, "00:1f:54:12:34:56")
		add(e, Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()},
			Observation{Probe: "http", IP: ip, Port: 80, Key: "http.www_authenticate",
				Value: `Digest realm="Login to ND011811000000", nonce="ec3682ef24b2cd9cedefe5cc26110000"`})
		d := onlyDevice(t, e)
		if d.Brand != "Lorex" || d.Vendor != "Dahua" || d.Serial != "ND011811000000" || !d.Restricted {
			t.Errorf("got %+v", d)
		}
	})
	t.Run("Lorex block alone", func(t *testing.T) {
		e := newTestEngine(t)
		mac := mustMAC(t, "00:1f:54:12:34:56")
		add(e, Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
		d := onlyDevice(t, e)
		if d.Brand != "Lorex" || d.Vendor != "" || d.Restricted || d.MACVendor != "Lorex Technology Inc." {
			t.Errorf("got %+v", d)
		}
	})
	t.Run("EZVIZ block with SADP firmware", func(t *testing.T) {
		e := newTestEngine(t)
		mac := mustMAC(t, "0c:a6:4c:00:00:01")
		add(e, Observation{Probe: "sadp", MAC: mac, IP: ip, Key: "sadp.mac", Value: mac.String()},
			Observation{Probe: "sadp", IP: ip, Key: "sadp.firmware", Value: "V5.6.2build 190701"})
		d := onlyDevice(t, e)
		if d.Brand != "EZVIZ" || d.Vendor != "Hikvision" || d.Firmware != "V5.6.2build 190701" || !d.Restricted {
			t.Errorf("got %+v", d)
		}
	})
	t.Run("CP Plus scope on Dahua template", func(t *testing.T) {
		e := newTestEngine(t)
		add(e, Observation{Probe: "wsd", IP: ip, Key: "wsd.scope", Value: "onvif://www.onvif.org/name/CPPLUS"},
			Observation{Probe: "wsd", IP: ip, Key: "wsd.scope", Value: "onvif://www.onvif.org/hardware/DH-IPC-HDW1230T2"},
			Observation{Probe: "wsd", IP: ip, Key: "wsd.scope", Value: "onvif://www.onvif.org/extension/unique_identifier"})
		d := onlyDevice(t, e)
		// Dahua's DH- prefix is dropped (vendors.yaml model_prefixes): its DHIP names the model IPC-HDW1230T2.
		if d.Brand != "CP Plus" || d.Vendor != "Dahua" || d.Model != "IPC-HDW1230T2" || d.Kind != KindCamera || !d.Restricted {
			t.Errorf("got %+v", d)
		}
	})
}

func TestEngineOUIOnly(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "44:19:b6:00:00:01")
	add(e, Observation{Probe: "arp", MAC: mac, IP: netip.MustParseAddr("198.18.0.10"), Key: "arp.mac", Value: mac.String()})
	d := onlyDevice(t, e)
	if d.Vendor != "Hikvision" || d.Kind != "" || d.Model != "" || d.Confidence != ouiWeightSecurity || !d.Restricted {
		t.Errorf("got %+v", d)
	}
	if d.MACVendor != "Hangzhou Hikvision Digital Technology Co.,Ltd." {
		t.Errorf("MACVendor %q", d.MACVendor)
	}
}

// TestEngineHuaweiOUI: the router of signals.md §8 is Huawei's, not a camera.
func TestEngineHuaweiOUI(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "30:49:9e:97:b5:d6")
	add(e, Observation{Probe: "arp", MAC: mac, IP: netip.MustParseAddr("198.18.0.1"), Key: "arp.mac", Value: mac.String()})
	d := onlyDevice(t, e)
	if d.Vendor != "Huawei" || d.Kind != "" || d.Restricted || d.Verdict != VerdictReview || d.Confidence != ouiWeightOther {
		t.Errorf("got %+v", d)
	}
}

// TestEnginePlaceholderMAC: HiSilicon's U-Boot default is ABB's block; two
// boards sharing it are two devices, and neither is called ABB.
func TestEnginePlaceholderMAC(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "00:00:23:34:45:66")
	for _, ip := range []string{"198.18.0.30", "198.18.0.31"} {
		add(e, Observation{Probe: "arp", MAC: mac, IP: netip.MustParseAddr(ip), Key: "arp.mac", Value: mac.String()},
			Observation{Probe: "rtsp", IP: netip.MustParseAddr(ip), Port: 554, Key: "rtsp.server", Value: "Dahua Rtsp Server"})
	}
	ds := e.Devices()
	if len(ds) != 2 {
		t.Fatalf("got %d devices: %+v", len(ds), ds)
	}
	for _, d := range ds {
		if d.MAC != mac || d.MACVendor != "" || !strings.Contains(d.MACNote, "placeholder") || d.Vendor != "Dahua" || len(d.IPs) != 1 {
			t.Errorf("got %+v", d)
		}
	}
}

// TestEngineSharedMACNeverKeys: a placeholder MAC without an address (a DHCP
// DISCOVER from a HiSilicon board, a frame of its in a capture) and a group
// address (broadcast, multicast) name no device. Each used to become a
// phantom device with no IP and no evidence, one more in every count.
func TestEngineSharedMACNeverKeys(t *testing.T) {
	e := newTestEngine(t)
	placeholder := mustMAC(t, "00:00:23:34:45:66")
	ip := netip.MustParseAddr("198.18.0.30")
	add(e,
		Observation{Probe: "dhcp", MAC: placeholder, Key: "dhcp.hostname", Value: "IPC"},
		Observation{Probe: "arp", Key: "arp.mac", Value: "ff:ff:ff:ff:ff:ff"},
		Observation{Probe: "sadp", Key: "sadp.mac", Value: "00-00-00-00-00-00"},
		Observation{Probe: "mdns", MAC: mustMAC(t, "01:00:5e:00:00:fb"), Key: "mdns.hostname", Value: "x"},
		Observation{Probe: "arp", MAC: placeholder, IP: ip, Key: "arp.mac", Value: placeholder.String()},
		Observation{Probe: "rtsp", MAC: mustMAC(t, "ff:ff:ff:ff:ff:ff"), IP: ip, Port: 554, Key: "rtsp.server", Value: "Dahua Rtsp Server"},
	)
	ds := e.Devices()
	if len(ds) != 1 {
		t.Fatalf("got %d devices, want the one at %s: %+v", len(ds), ip, ds)
	}
	if d := ds[0]; d.MAC != placeholder || len(d.IPs) != 1 || d.IPs[0] != ip || d.Vendor != "Dahua" {
		t.Errorf("got %+v", d)
	}
	if e.Dropped() != 0 {
		t.Errorf("Dropped = %d: ignoring a shared address is not a loss at a memory bound", e.Dropped())
	}
}

func TestEngineLocalMAC(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "02:11:22:33:44:55")
	add(e, Observation{Probe: "arp", MAC: mac, IP: netip.MustParseAddr("198.18.0.40"), Key: "arp.mac", Value: mac.String()})
	d := onlyDevice(t, e)
	if d.MACVendor != "" || !strings.Contains(d.MACNote, "locally administered") || d.Vendor != "" {
		t.Errorf("got %+v", d)
	}
}

// TestEngineMergeByBinding: IP-only observations join the MAC that ARP
// bound to the IP, even when they arrive first; one device may hold two IPs.
func TestEngineMergeByBinding(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "58:50:ed:1f:e3:85")
	ip1, ip2 := netip.MustParseAddr("198.18.0.50"), netip.MustParseAddr("198.18.0.51")
	add(e, Observation{Probe: "http", IP: ip1, Port: 80, Key: "http.server", Value: "App-webs/"},
		Observation{Probe: "arp", MAC: mac, IP: ip1, Key: "arp.mac", Value: mac.String()},
		Observation{Probe: "dhcp", MAC: mac, IP: ip2, Key: "dhcp.lease", Value: ip2.String()},
		Observation{Probe: "rtsp", IP: ip2, Port: 554, Key: "rtsp.sdp_attr", Value: "Media_header:MEDIAINFO=494D4B48010100000400010000000000000000000000000000000000000000000000000000000000;"})
	d := onlyDevice(t, e)
	if !slices.Equal(d.IPs, []netip.Addr{ip1, ip2}) || d.Vendor != "Hikvision" || !slices.Equal(d.Ports, []uint16{80, 554}) {
		t.Errorf("got %+v", d)
	}
	if !hasEvidence(d, "hikvision.http.server-app-webs") || !hasEvidence(d, "hikvision.rtsp.sdp-mediainfo-imkh") {
		t.Errorf("evidence %+v", d.Evidence)
	}
	if !slices.ContainsFunc(d.Evidence, func(ev Evidence) bool { return ev.Key == "arp.mac" && ev.Sets == "ip="+ip1.String() }) {
		t.Errorf("no ARP binding evidence: %+v", d.Evidence)
	}
}

// TestEngineRouterLinkIP: link.ip binds only for a MAC with few addresses.
func TestEngineRouterLinkIP(t *testing.T) {
	e := newTestEngine(t)
	router := mustMAC(t, "30:49:9e:97:b5:d6")
	for i := range 10 {
		ip := netip.AddrFrom4([4]byte{198, 19, 0, byte(i + 1)})
		add(e, Observation{Probe: "pcap", MAC: router, IP: ip, Key: "link.ip", Value: ip.String()},
			Observation{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"})
	}
	cam := mustMAC(t, "44:19:b6:00:00:02")
	camIP := netip.MustParseAddr("198.18.0.60")
	add(e, Observation{Probe: "pcap", MAC: cam, IP: camIP, Key: "link.ip", Value: camIP.String()},
		Observation{Probe: "rtsp", IP: camIP, Port: 554, Key: "rtsp.server", Value: "Dahua Rtsp Server"})
	ds := e.Devices()
	if len(ds) != 12 {
		t.Fatalf("got %d devices, want router + camera + 10 IP-only", len(ds))
	}
	for _, d := range ds {
		switch d.MAC {
		case router:
			if len(d.IPs) != 0 || d.Vendor != "Huawei" {
				t.Errorf("router got %+v", d)
			}
		case cam:
			if !slices.Equal(d.IPs, []netip.Addr{camIP}) || !hasEvidence(d, "dahua.rtsp.server-dahua") {
				t.Errorf("camera got %+v", d)
			}
		default:
			if !d.MAC.IsZero() || d.Vendor != "Hikvision" || len(d.IPs) != 1 {
				t.Errorf("IP-only device got %+v", d)
			}
		}
	}
}

// TestEngineWSDEndpointMAC: the node of a time-based endpoint UUID names the
// MAC when it is a registered unicast block; random UUIDs name none.
func TestEngineWSDEndpointMAC(t *testing.T) {
	cases := []struct{ endpoint, mac string }{
		{"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385", "58:50:ed:1f:e3:85"},           // Hikvision, signals.md §2
		{"urn:uuid:2419d68a-2dd2-21b2-a205-78A5DD0F9593", "78:a5:dd:0f:95:93"},           // python-ws-discovery IPCAM
		{"urn:uuid:3f2b8c1e-4d5a-4e6f-9a7b-8c9d0e1f2a3b", ""},                            // version 4: random
		{"urn:uuid:aa85c000-6324-11b3-819e-025056000001", ""},                            // locally administered
		{"uuid:aa85c000-6324-11b3-819e-5850ed1fe385", ""},                                // not a urn:uuid
		{"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385-" + strings.Repeat("f", 12), ""}, // malformed
	}
	for _, c := range cases {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.70")
		add(e, Observation{Probe: "wsd", IP: ip, Port: 3702, Key: "wsd.endpoint", Value: c.endpoint})
		d := onlyDevice(t, e)
		got := ""
		if !d.MAC.IsZero() {
			got = d.MAC.String()
		}
		if got != c.mac {
			t.Errorf("%s: MAC %q, want %q", c.endpoint, got, c.mac)
		}
	}
}

// TestEngineWSDScopeMAC: an ONVIF MAC scope, and the macaddr scope of
// Uniview's own discovery answer, name the device's MAC when the block is
// registered; other scopes name none.
func TestEngineWSDScopeMAC(t *testing.T) {
	cases := []struct{ scope, mac string }{
		{"onvif://www.onvif.org/MAC/58:50:ed:1f:e3:85", "58:50:ed:1f:e3:85"}, // Hikvision, code index 28717267299
		{"onvif://www.onvif.org/macaddr/88263f8d6525", "88:26:3f:8d:65:25"},  // Uniview, code index 57617078315
		{"onvif://www.onvif.org/macaddr/025056000001", ""},                   // locally administered
		{"onvif://www.onvif.org/hardware/88263f8d6525", ""},                  // not a MAC scope
		{"onvif://www.onvif.org/A1C2B3/mac/4c:60:ba:af:56:57", ""},           // not the scope's path
	}
	for _, c := range cases {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.71")
		add(e, Observation{Probe: "wsd", IP: ip, Port: 3702, Key: "wsd.scope", Value: c.scope})
		d := onlyDevice(t, e)
		got := ""
		if !d.MAC.IsZero() {
			got = d.MAC.String()
		}
		if got != c.mac {
			t.Errorf("%s: MAC %q, want %q", c.scope, got, c.mac)
		}
	}
}

// SetMaxStoredBytes moves the byte budget; facts past it are dropped and
// counted apart from the device bound's drops.
func TestEngineFactBudget(t *testing.T) {
	e := newTestEngine(t)
	e.SetMaxStoredBytes(1 << 20)
	for i := range 2000 {
		e.Add(Observation{Probe: "http", IP: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Key: "http.body", Value: strings.Repeat("x", 1000)})
	}
	if e.bytes > 1<<20 || e.OverBudget() == 0 || e.OverBudget() != e.Dropped() {
		t.Errorf("1 MiB budget: %d bytes kept, %d over budget, %d dropped", e.bytes, e.OverBudget(), e.Dropped())
	}
	e = newTestEngine(t)
	e.SetMaxDevices(10)
	for i := range 20 {
		e.Add(Observation{Probe: "arp", MAC: MAC{0x44, 0x19, 0xb6, 0, 0, byte(i)}, Key: "arp.mac", Value: "x"})
	}
	if e.Dropped() != 10 || e.OverBudget() != 0 {
		t.Errorf("device bound: %d dropped, %d over budget", e.Dropped(), e.OverBudget())
	}
}

func TestEngineBoundedMemory(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "44:19:b6:00:00:03")
	for i := range 1000 {
		e.Add(Observation{Probe: "http", MAC: mac, Key: "http.title", Value: fmt.Sprintf("title %d", i)})
		e.Add(Observation{Probe: "http", MAC: mac, Key: "http.title", Value: "title 0"}) // duplicate: kept once
	}
	for i := range 1000 {
		e.Add(Observation{Probe: "http", MAC: mac, Key: fmt.Sprintf("x.key%d", i), Value: "v"})
	}
	e.Add(Observation{Probe: "http", MAC: mac, Key: "http.body", Value: strings.Repeat("é", MaxValueLen)})
	st := e.byMAC[mac]
	if st.perKey["http.title"] != MaxValuesPerKey || len(st.facts) != MaxFactsPerDevice {
		t.Errorf("http.title values %d (cap %d), facts %d (cap %d)", st.perKey["http.title"], MaxValuesPerKey, len(st.facts), MaxFactsPerDevice)
	}
	if e.Trimmed() == 0 || e.Dropped() != 0 {
		t.Errorf("per-device caps counted as trimmed %d, dropped %d; want trimmed only", e.Trimmed(), e.Dropped())
	}
	if e.bytes < factOverhead*len(st.facts) || e.bytes > MaxStoredBytes {
		t.Errorf("budget accounts %d bytes for %d facts", e.bytes, len(st.facts))
	}
	for i := range MaxDevices + 100 {
		e.Add(Observation{Probe: "arp", MAC: MAC{0x44, 0x19, 0xb6, byte(i >> 16), byte(i >> 8), byte(i)}, Key: "arp.mac", Value: "x"})
	}
	if n := len(e.byMAC) + len(e.byIP); n != MaxDevices {
		t.Errorf("%d devices tracked, cap %d", n, MaxDevices)
	}
	if e.Dropped() != 100 {
		t.Errorf("devices over the cap counted as dropped %d, want 100", e.Dropped())
	}
}

func TestEngineTruncatesLongValues(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "44:19:b6:00:00:04")
	e.Add(Observation{Probe: "http", MAC: mac, Key: "http.title", Value: "a" + strings.Repeat("é", MaxValueLen)})
	e.Add(Observation{Probe: "http", MAC: mac, Key: "http.body", Value: "a" + strings.Repeat("é", observe.MaxBodyLen)})
	for i, limit := range []int{MaxValueLen, observe.MaxBodyLen} {
		v := e.byMAC[mac].facts[i].Value
		if len(v) > limit || len(v) < limit-1 || !strings.HasSuffix(v, "é") {
			t.Errorf("%s: kept %d bytes of at most %d, last %q", e.byMAC[mac].facts[i].Key, len(v), limit, v[len(v)-2:])
		}
	}
}

// A web server that sends many long pages keeps MaxLongBytesPerDevice of
// them whole and the rest clipped to MaxValueLen: a busy server in a
// capture costs little more than before bodies were kept longer.
func TestEngineBoundsLongValuesPerDevice(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "44:19:b6:00:00:05")
	page := strings.Repeat("x", observe.MaxBodyLen-8)
	for i := range MaxValuesPerKey {
		e.Add(Observation{Probe: "http", MAC: mac, Key: "http.body", Value: fmt.Sprintf("page %2d ", i) + page})
	}
	e.Add(Observation{Probe: "http", MAC: mac, Key: "http.body", Value: "page  0 " + page}) // a page seen again: kept once
	st := e.byMAC[mac]
	whole, clipped := 0, 0
	for _, f := range st.facts {
		switch len(f.Value) {
		case observe.MaxBodyLen:
			whole++
		case MaxValueLen:
			clipped++
		default:
			t.Errorf("a body of %d bytes kept", len(f.Value))
		}
	}
	if want := MaxLongBytesPerDevice / observe.MaxBodyLen; whole != want || clipped != MaxValuesPerKey-want {
		t.Errorf("%d bodies kept whole and %d clipped, want %d and %d", whole, clipped, want, MaxValuesPerKey-want)
	}
	if st.longBytes > MaxLongBytesPerDevice {
		t.Errorf("%d long bytes kept, bound %d", st.longBytes, MaxLongBytesPerDevice)
	}
}

func TestEngineConcurrentAdd(t *testing.T) {
	e := newTestEngine(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				ip := netip.AddrFrom4([4]byte{198, 18, byte(g), byte(i)})
				mac := MAC{0x44, 0x19, 0xb6, byte(g), 0, byte(i)}
				e.Add(Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
				e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"})
				if i%100 == 0 {
					e.Devices()
				}
			}
		}()
	}
	wg.Wait()
	ds := e.Devices()
	if len(ds) != 4*256 { // byte(i) wraps: 256 distinct MACs per goroutine
		t.Fatalf("got %d devices", len(ds))
	}
	for _, d := range ds {
		if d.Vendor != "Hikvision" || len(d.IPs) != 1 {
			t.Fatalf("got %+v", d)
		}
	}
	again := e.Devices()
	for i := range ds {
		if ds[i].MAC != again[i].MAC {
			t.Fatal("Devices order is not deterministic")
		}
	}
}

// TestEngineManyIPsOneMAC: a MAC answering ARP for many addresses (proxy
// ARP) keeps the per-device caps; the addresses beyond stay their own devices.
func TestEngineManyIPsOneMAC(t *testing.T) {
	e := newTestEngine(t)
	mac := mustMAC(t, "30:49:9e:97:b5:d6")
	for i := range 40 {
		ip := netip.AddrFrom4([4]byte{198, 18, 1, byte(i)})
		add(e, Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
		for p := range 5 {
			add(e, Observation{Probe: "http", IP: ip, Port: uint16(1000 + 5*i + p), Key: "http.server", Value: "App-webs/"})
		}
	}
	ds := e.Devices()
	if len(ds) != 1+40-MaxIPsPerDevice {
		t.Fatalf("got %d devices, want the MAC with %d IPs and %d IP-only", len(ds), MaxIPsPerDevice, 40-MaxIPsPerDevice)
	}
	if d := ds[0]; d.MAC != mac || len(d.IPs) != MaxIPsPerDevice || len(d.Ports) > MaxPortsPerDevice {
		t.Errorf("MAC device: %d IPs, %d ports", len(d.IPs), len(d.Ports))
	}
}

// TestEngineOUINames: blocks whose registrant resembles a maker are not
// flagged; a maker's block whose product class is unclear (a maker or brand
// that also sells other things) is for review, not restricted.
func TestEngineOUINames(t *testing.T) {
	cases := []struct {
		mac, vendor, brand string
		verdict            Verdict
	}{
		{"40:2c:76:10:00:01", "", "", VerdictClear},                   // Shanghai Dahua Scale Factory
		{"8c:1f:64:f4:b0:01", "", "", VerdictClear},                   // JOREX LOREX INDIA
		{"34:bd:20:00:00:01", "Hikvision", "Hikrobot", VerdictReview}, // machine vision, not CCTV
		{"24:b1:05:00:00:01", "Hikvision", "Prama Hikvision India", VerdictRestricted},
		{"00:d9:8b:00:00:01", "Dahua", "Imou", VerdictRestricted},
		{"00:40:8c:ef:08:1c", "Axis", "", VerdictClear},
		{"30:2f:ac:00:00:01", "Dahua", "Huaray", VerdictReview}, // machine vision
		{"30:49:9e:97:b5:d6", "Huawei", "", VerdictReview},      // phones, routers, cameras
		{"84:8a:59:00:00:01", "HiSilicon", "", VerdictReview},   // chips
		{"00:14:10:00:00:01", "Kedacom", "", VerdictReview},     // also video conferencing
		{"24:e1:24:00:00:01", "Milesight", "", VerdictReview},   // also LoRaWAN
		{"c8:98:db:30:00:01", "", "", VerdictClear},             // Shenzhen Kedakeda, not Keda
	}
	for _, c := range cases {
		e := newTestEngine(t)
		mac := mustMAC(t, c.mac)
		add(e, Observation{Probe: "arp", MAC: mac, IP: netip.MustParseAddr("198.18.0.80"), Key: "arp.mac", Value: mac.String()})
		d := onlyDevice(t, e)
		restricted := c.verdict == VerdictRestricted
		if d.Vendor != c.vendor || d.Brand != c.brand || d.Verdict != c.verdict || d.Restricted != restricted ||
			d.Review != (c.verdict == VerdictReview) || d.MACVendor == "" || d.Kind != "" {
			t.Errorf("%s (%s): vendor=%q brand=%q verdict=%q restricted=%v review=%v kind=%q", c.mac, d.MACVendor, d.Vendor, d.Brand,
				d.Verdict, d.Restricted, d.Review, d.Kind)
		}
		if (c.verdict == VerdictClear) != (len(d.Basis) == 0) {
			t.Errorf("%s: basis %v with verdict %s", c.mac, d.Basis, d.Verdict)
		}
	}
}

// TestEngineReviewNeedsUnknownKind: a restricted maker's device that the
// evidence shows to be something other than surveillance equipment is clear,
// and one shown to be surveillance equipment is restricted.
func TestEngineReviewNeedsUnknownKind(t *testing.T) {
	mac := mustMAC(t, "30:49:9e:97:b5:d6") // Huawei
	for kind, want := range map[Kind]Verdict{KindNetwork: VerdictClear, KindPhone: VerdictClear, KindCamera: VerdictRestricted, KindUnknown: VerdictReview} {
		e := newTestEngine(t)
		d := Device{Vendor: "Huawei", Kind: kind, MAC: mac}
		e.restrict(&d, false)
		if d.Verdict != want || d.Restricted != (want == VerdictRestricted) || d.Review != (want == VerdictReview) {
			t.Errorf("Huawei %s: verdict %q restricted=%v review=%v, want %q", kind, d.Verdict, d.Restricted, d.Review, want)
		}
	}
}

// TestEngineHearsayCameraIsReview: a camera whose only word of a restricted
// maker is hearsay (a mention signature) is a review, not restricted: the
// scopes below are another maker's camera (code index file 45591933515) that
// copied Dahua's unique_identifier scope so that Dahua recorders list it. With
// Dahua's own template name beside it, the same scope is Dahua's.
func TestEngineHearsayCameraIsReview(t *testing.T) {
	scopes := func(name string) string {
		return "onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/" + name +
			" onvif://www.onvif.org/hardware/IPC-Xcam onvif://www.onvif.org/Profile/Streaming" +
			" onvif://www.onvif.org/type/Network_Video_Transmitter onvif://www.onvif.org/extension/unique_identifier"
	}
	for name, want := range map[string]Verdict{"Xcam": VerdictReview, "General": VerdictRestricted} {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("10.0.0.5")
		for _, sc := range strings.Fields(scopes(name)) {
			e.Add(Observation{Probe: "wsd", IP: ip, Key: "wsd.scope", Value: sc})
		}
		devs := e.Devices()
		if len(devs) != 1 {
			t.Fatalf("%s: %d devices", name, len(devs))
		}
		d := devs[0]
		if d.Vendor != "Dahua" || d.Kind != KindCamera || d.Verdict != want || d.Restricted != (want == VerdictRestricted) {
			t.Errorf("name/%s: vendor %q kind %q verdict %q restricted=%v, want Dahua camera %q", name, d.Vendor, d.Kind, d.Verdict, d.Restricted, want)
		}
	}
}

// A frame's VLAN places the device on it only when the observation carries
// the device's own MAC: an IP-only observation may have come through a
// router, whose egress VLAN says nothing about the sender's.
func TestEngineVLANNeedsTheDevicesMAC(t *testing.T) {
	e := newTestEngine(t)
	mac, _ := ParseMAC("44:19:b6:6d:24:85")
	onLAN := netip.MustParseAddr("10.1.20.64")
	routed := netip.MustParseAddr("10.9.0.7")
	e.Add(Observation{Probe: "pcap", MAC: mac, IP: onLAN, VLAN: 20, Key: "link.ip", Value: onLAN.String()})
	e.Add(Observation{Probe: "pcap", IP: onLAN, VLAN: 20, Key: "http.server", Value: "App-webs/"})
	e.Add(Observation{Probe: "pcap", IP: routed, VLAN: 30, Key: "http.server", Value: "App-webs/"})
	for i := range MaxVLANsPerDevice + 2 { // a hostile trunk cannot grow the list
		e.Add(Observation{Probe: "pcap", MAC: mac, IP: onLAN, VLAN: uint16(100 + i), Key: "link.ip", Value: onLAN.String()})
	}
	for _, d := range e.Devices() {
		switch {
		case d.MAC == mac && (len(d.VLANs) != MaxVLANsPerDevice || d.VLANs[0] != 20):
			t.Errorf("device on VLAN 20: VLANs %v", d.VLANs)
		case d.MAC.IsZero() && len(d.VLANs) > 0:
			t.Errorf("routed IP-only device %v placed on VLANs %v", d.IPs, d.VLANs)
		}
	}
}

// SetMaxDevices moves the device bound both ways: devices past it are
// dropped and counted, and up to it none are.
func TestEngineSetMaxDevices(t *testing.T) {
	for _, bound := range []int{10, MaxDevices + 50} {
		e := newTestEngine(t)
		e.SetMaxDevices(bound)
		for i := range bound + 7 {
			e.Add(Observation{Probe: "arp", MAC: MAC{0x00, 0x14, 0x22, byte(i >> 16), byte(i >> 8), byte(i)},
				IP: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), Key: "arp.mac", Value: "x"})
		}
		if n := len(e.Devices()); n != bound || e.Dropped() != 7 {
			t.Errorf("bound %d: %d devices, %d dropped; want %d and 7", bound, n, e.Dropped(), bound)
		}
	}
}

// A control character inside a device string does not hide it from a
// signature (the value is matched as observe.MatchText reads it), and the
// evidence keeps the value as sent for the report to escape. The Server
// string is Hikvision's real "App-webs/" (nmap-service-probes) with a NUL
// and a colour escape inserted.
func TestEngineMatchesTheCleanedValue(t *testing.T) {
	for _, sent := range []string{"App-\x00webs/", "App-\x1b[0mwebs/", "App-we\u200bbs/"} {
		e := newTestEngine(t)
		add(e, Observation{Probe: "http", IP: netip.MustParseAddr("198.18.0.90"), Port: 80, Key: "http.server", Value: sent})
		d := onlyDevice(t, e)
		if d.Vendor != "Hikvision" {
			t.Errorf("%q: vendor %q", sent, d.Vendor)
		}
		kept := slices.ContainsFunc(d.Evidence, func(ev Evidence) bool { return ev.Key == "http.server" && ev.Value == sent })
		if !kept {
			t.Errorf("%q: evidence %+v does not keep the value as sent", sent, d.Evidence)
		}
	}
}

// TakeDevices gives what Devices gives, and leaves the engine empty.
func TestEngineTakeDevicesEmptiesTheEngine(t *testing.T) {
	e := newTestEngine(t)
	for i := range 50 {
		mac := MAC{0x44, 0x19, 0xb6, 0, 0, byte(i)}
		ip := netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})
		e.Add(Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
		e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.server", Value: "App-webs/"})
	}
	// A device known only by its address, and one whose address names its
	// MAC (a Uniview camera's realm) while that MAC was never seen.
	e.Add(Observation{Probe: "http", IP: netip.MustParseAddr("10.0.1.1"), Port: 80, Key: "http.server", Value: "App-webs/"})
	e.Add(Observation{Probe: "rtsp", IP: netip.MustParseAddr("10.0.1.2"), Port: 554, Key: "rtsp.realm_mac", Value: "48:ea:63:c2:40:2b"})
	want := e.Devices()
	got := e.TakeDevices()
	if !reflect.DeepEqual(got, want) || len(got) != 52 {
		t.Errorf("TakeDevices gave %d devices, Devices %d, or they differ", len(got), len(want))
	}
	if n := len(e.Devices()); n != 0 || e.Heard() != 0 {
		t.Errorf("engine still holds %d devices after TakeDevices", n)
	}
}

// TestEngineRealmMAC: an authentication realm that is a registered MAC names
// the device's interface, so a device seen only by IP (behind a router, or
// in `identify`) gets that MAC and its block's maker. The realm
// 48ea63c2402b is a Uniview camera's RTSP challenge quoted in a public RTSP
// client (signals: Uniview names its MAC in the realm).
func TestEngineRealmMAC(t *testing.T) {
	cases := []struct{ key, realm, mac, vendor string }{
		{"rtsp.realm_mac", "48:ea:63:c2:40:2b", "48:ea:63:c2:40:2b", "Uniview"},
		{"http.realm_mac", "00:40:8c:ef:08:1c", "00:40:8c:ef:08:1c", "Axis"},
		{"rtsp.realm_mac", "02:50:56:00:00:01", "", ""}, // locally administered
		{"rtsp.realm_mac", "00:00:23:34:45:66", "", ""}, // HiSilicon placeholder
		{"rtsp.realm_mac", "not a mac", "", ""},         // malformed
		{"rtsp.realm_mac", "ff:ff:ff:ff:ff:ff", "", ""}, // broadcast
	}
	for _, c := range cases {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.71")
		add(e, Observation{Probe: "rtsp", IP: ip, Port: 554, Key: c.key, Value: c.realm})
		d := onlyDevice(t, e)
		got := ""
		if !d.MAC.IsZero() {
			got = d.MAC.String()
		}
		if got != c.mac || d.Vendor != c.vendor {
			t.Errorf("%s %s: MAC %q vendor %q, want %q %q", c.key, c.realm, got, d.Vendor, c.mac, c.vendor)
		}
		if c.vendor == "Uniview" && !d.Restricted {
			t.Errorf("%s: a Uniview block named by the device is restricted: %+v", c.realm, d)
		}
		if c.vendor == "Axis" && d.Restricted {
			t.Errorf("%s: Axis is never restricted: %+v", c.realm, d)
		}
	}
}

// TestEngineModelPrecedence: where two facts give a model, the most specific
// wins (a model that extends the other), then the better-sourced one by the
// data's precedence (the ONVIF hardware scope over the free-text name scope),
// in whichever order the facts arrive.
func TestEngineModelPrecedence(t *testing.T) {
	cases := []struct {
		scopes []string
		model  string
	}{
		{[]string{"onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2", "onvif://www.onvif.org/hardware/DS-2CD2146G2-ISU"}, "DS-2CD2146G2-ISU"},
		{[]string{"onvif://www.onvif.org/hardware/DS-2CD2146G2-ISU", "onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2"}, "DS-2CD2146G2-ISU"},
		{[]string{"onvif://www.onvif.org/name/HIKVISION Garage", "onvif://www.onvif.org/hardware/DS-2CD2386G2-IU"}, "DS-2CD2386G2-IU"},
		{[]string{"onvif://www.onvif.org/hardware/DS-2CD2386G2-IU", "onvif://www.onvif.org/name/HIKVISION Garage"}, "DS-2CD2386G2-IU"},
	}
	for _, c := range cases {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.72")
		for _, s := range c.scopes {
			add(e, Observation{Probe: "wsd", IP: ip, Port: 3702, Key: "wsd.scope", Value: s})
		}
		d := onlyDevice(t, e)
		if d.Model != c.model || d.Vendor != "Hikvision" {
			t.Errorf("%q: vendor %q model %q, want Hikvision %q", c.scopes, d.Vendor, d.Model, c.model)
		}
	}
}

// TestEngineFirmwarePrecedence: where the device's own protocol and ONVIF
// both give its firmware, the own protocol's field wins, in whichever order
// the facts arrive: ONVIF is a generic protocol whose FirmwareVersion OEM
// firmware rewrites (the Besder XM530 camera, realdata §7, answers
// V5.00.R02.00030747.10010.349f17..ONVIF 16.12 for the
// V5.00.R02.00030747.10010.349f17.0000000 its search reply and DVRIP send;
// Dahua's ONVIF adds ", Build Date <date>" that DHIP's Version lacks, code
// index file 55929149485). The own fields are the constructed pairing of each
// maker's real field forms (docs/signatures.md, precedence).
func TestEngineFirmwarePrecedence(t *testing.T) {
	const xmVersion = "V5.00.R02.00030747.10010.349f17.0000000"
	cases := []struct {
		name        string
		own         Observation
		onvif, want string
	}{
		{"xiongmai search reply", Observation{Probe: "xm", Key: "xm.firmware", Value: xmVersion},
			"V5.00.R02.00030747.10010.349f17..ONVIF 16.12", xmVersion},
		{"xiongmai DVR.htm page", Observation{Probe: "http", Port: 80, Key: "http.body", Value: `var g_SoftWareVersion="` + xmVersion + `";`},
			"V5.00.R02.00030747.10010.349f17..ONVIF 16.12", xmVersion},
		{"dahua dhip", Observation{Probe: "dhip", Key: "dhip.firmware", Value: "2.800.0000000.4.R"},
			"2.800.0000000.4.R, Build Date 2019-11-05", "2.800.0000000.4.R"},
		{"dahua getSoftwareVersion", Observation{Probe: "http", Port: 80, Key: "http.body", Value: "version=2.800.0000000.4.R,build:2019-11-05"},
			"2.800.0000000.4.R, Build Date 2019-11-05", "2.800.0000000.4.R,build:2019-11-05"},
	}
	ip := netip.MustParseAddr("198.18.0.73")
	for _, c := range cases {
		onvif := Observation{Probe: "http", Port: 8899, Key: "onvif.firmware", Value: c.onvif, IP: ip}
		own := c.own
		own.IP = ip
		for _, order := range [][]Observation{{own, onvif}, {onvif, own}} {
			e := newTestEngine(t)
			add(e, order...)
			if d := onlyDevice(t, e); d.Firmware != c.want {
				t.Errorf("%s, %s first: firmware %q, want %q", c.name, order[0].Key, d.Firmware, c.want)
			}
		}
	}
}

// TestEngineMakerPrecedence: where the device's own maker field and a model
// scheme name two restricted makers, the maker field wins whatever the
// weights (maker_precedence), in whichever order the facts arrive; where the
// maker field is a relabeller's (a maker the catalogue does not restrict, a
// brand linked weak or by firmware only), the scheme still names the maker
// behind it and the device stays restricted. The models are real: HiLook's
// IPC-B1120HAP-LUF (ch-bas/cctv-camera-database cameras/hilook, code index
// file 61510125807, from Hikvision's datasheet), Uniarch's IPC-D312-ADZK and
// IPC-B132-AF28-DL-ECO (the same database's cameras/uniarch, code index
// files 61399148286 and 61850758502, from uniarch.cn), Dahua's
// IPC-HDW5421S (testdata/realdata/dhip-payloads) and Hikvision's
// DS-2CD2146G2-ISU (testdata/realdata/hikvision_next); the pairing with each
// Manufacturer is constructed, as the catalogue's names are written.
func TestEngineMakerPrecedence(t *testing.T) {
	onvif := func(mfr, model string) []Observation {
		return []Observation{{Probe: "http", Port: 80, Key: "onvif.manufacturer", Value: mfr},
			{Probe: "http", Port: 80, Key: "onvif.model", Value: model}}
	}
	scopes := func(name, hardware string) []Observation {
		return []Observation{{Probe: "wsd", Port: 3702, Key: "wsd.scope", Value: "onvif://www.onvif.org/name/" + name},
			{Probe: "wsd", Port: 3702, Key: "wsd.scope", Value: "onvif://www.onvif.org/hardware/" + hardware}}
	}
	cases := []struct {
		name                       string
		obs                        []Observation
		vendor, brand, model, lost string // lost: the maker no evidence may still set
		kind                       Kind
	}{
		// Uniview's home-market lines, which Dahua's IPC- scheme claims by
		// their shape too (testdata/corpus/SOURCES.md, hikmicro/).
		{"Uniview over Dahua's IPC- scheme", onvif("Uniview", "IPC-T23S-A40-V2"), "Uniview", "Uniview", "IPC-T23S-A40-V2", "Dahua", KindCamera},
		{"Uniview over Dahua's IPC- scheme, lens after @", onvif("Uniview", "IPC-L2A4-IR@F40"), "Uniview", "Uniview", "IPC-L2A4-IR@F40", "Dahua", KindCamera},
		// Names a scheme of the other maker claimed before models9 narrowed
		// it: the brand still names the maker whatever the schemes do.
		{"HiLook over Dahua's IPC- scheme", onvif("HiLook", "IPC-B1120HAP-LUF"), "Hikvision", "HiLook", "IPC-B1120HAP-LUF", "Dahua", KindCamera},
		{"HiLook scopes over Dahua's hardware scope", scopes("HiLook", "IPC-B1120HAP-LUF"), "Hikvision", "HiLook", "IPC-B1120HAP-LUF", "Dahua", KindCamera},
		{"Uniarch dome over HiLook's IPC- scheme", onvif("Uniarch", "IPC-D312-ADZK"), "Uniview", "Uniarch", "IPC-D312-ADZK", "Hikvision", KindCamera},
		{"Uniarch over HiLook's IPC- scheme", onvif("Uniarch", "IPC-B132-AF28-DL-ECO"), "Uniview", "Uniarch", "IPC-B132-AF28-DL-ECO", "Hikvision", KindCamera},
		// Relabellers: the scheme names the maker that made the device.
		{"FLIR (not restricted) on a Dahua model", onvif("FLIR", "IPC-HDW5421S"), "Dahua", "FLIR", "IPC-HDW5421S", "", KindCamera},
		{"Honeywell (firmware link) on a Dahua model", onvif("Honeywell", "IPC-HDW5421S"), "Dahua", "Honeywell", "IPC-HDW5421S", "", KindCamera},
		{"Annke (weak link to Hikvision) on a Dahua model", onvif("Annke", "IPC-HDW5421S"), "Dahua", "Annke", "IPC-HDW5421S", "", KindCamera},
		{"Swann (not restricted) on a Hikvision model", onvif("Swann", "DS-2CD2146G2-ISU"), "Hikvision", "Swann", "DS-2CD2146G2-ISU", "", KindCamera},
	}
	ip := netip.MustParseAddr("198.18.0.74")
	base := newTestEngine(t) // loaded once; a fresh engine per run shares its database
	for _, c := range cases {
		for _, order := range [][]Observation{c.obs, {c.obs[1], c.obs[0]}} {
			e := NewEngine(base.db, base.reg)
			for _, o := range order {
				o.IP = ip
				add(e, o)
			}
			d := onlyDevice(t, e)
			if d.Vendor != c.vendor || d.Brand != c.brand || d.Model != c.model || d.Kind != c.kind || !d.Restricted {
				t.Errorf("%s, %s first: got vendor %q brand %q model %q kind %q restricted %v, want %s %s %s %s restricted",
					c.name, order[0].Key, d.Vendor, d.Brand, d.Model, d.Kind, d.Restricted, c.vendor, c.brand, c.model, c.kind)
			}
			for _, ev := range d.Evidence {
				if c.lost != "" && strings.Contains(ev.Sets, "vendor="+c.lost) {
					t.Errorf("%s: evidence %s (%s) still sets %q", c.name, ev.Signature, ev.Value, ev.Sets)
				}
			}
		}
	}
}

// TestEngineCloudNameAloneGoesToReview: a device that only asked for a
// maker's cloud names may be the maker's camera or a phone running the
// maker's app (Hik-Connect, DMSS, XMEye): review, never restricted. A device
// that also shows itself (the maker's MAC block) is restricted as before.
func TestEngineCloudNameAloneGoesToReview(t *testing.T) {
	cases := []struct {
		mac, query string
		vendor     string
		want       Verdict
	}{
		{"3c:22:fb:11:22:33", "www.hik-online.com", "Hikvision", VerdictReview},      // an Apple block: an iPhone with Hik-Connect
		{"a4:50:46:11:22:34", "cellphonepush.quickddns.com", "Dahua", VerdictReview}, // a Xiaomi block: a phone with DMSS
		{"02:11:22:33:44:55", "time.ys7.com", "Hikvision", VerdictReview},            // a randomized address
		{"02:11:22:33:44:56", "i.ys7.com", "", VerdictClear},                         // the EZVIZ apps' own host names no one
		{"44:19:b6:11:22:33", "www.hik-online.com", "Hikvision", VerdictRestricted},  // Hikvision's own block
	}
	// A name asked in a DNS question, as a TLS server name (ClientHello) or
	// in an HTTP request's Host header is the same fact.
	for _, key := range []string{"dns.query", "tls.sni", "http.request_host"} {
		for _, c := range cases {
			e := newTestEngine(t)
			mac := mustMAC(t, c.mac)
			ip := netip.MustParseAddr("192.168.1.50")
			e.Add(Observation{Probe: "pcap", MAC: mac, IP: ip, Key: "arp.mac", Value: c.mac})
			e.Add(Observation{Probe: "pcap", IP: ip, Key: key, Value: c.query})
			d := onlyDevice(t, e)
			if d.Vendor != c.vendor || d.Verdict != c.want {
				t.Errorf("%s asking %s (%s): vendor %q verdict %q, want %q %q", c.mac, c.query, key, d.Vendor, d.Verdict, c.vendor, c.want)
			}
		}
	}
}

// TestEngineRouterDefaultNetworkNameClears: an access point heard in a Wi-Fi
// capture with only its MAC block of a restricted maker that also makes
// routers is review; its default network name (real scans: TP-LINK_F5C3F4
// from F4:EC:38:F5:C3:F4, HUAWEI-B315-4E79 from C4:07:2F:09:4E:79, Xiaomi_CC3D
// from 8C:53:C3:52:CC:3E) shows a router, so it is clear.
func TestEngineRouterDefaultNetworkNameClears(t *testing.T) {
	for mac, ssid := range map[string]string{
		"f4:ec:38:f5:c3:f4": "TP-LINK_F5C3F4",
		"c4:07:2f:09:4e:79": "HUAWEI-B315-4E79",
		"8c:53:c3:52:cc:3e": "Xiaomi_CC3D",
	} {
		e := newTestEngine(t)
		m := mustMAC(t, mac)
		e.Add(Observation{Probe: "pcap", MAC: m, Key: "link.mac", Value: mac})
		if d := onlyDevice(t, e); d.Verdict != VerdictReview {
			t.Errorf("%s alone: verdict %q, want review", mac, d.Verdict)
		}
		e.Add(Observation{Probe: "pcap", MAC: m, Key: "wifi.ssid", Value: ssid})
		if d := onlyDevice(t, e); d.Verdict != VerdictClear || d.Kind != KindNetwork {
			t.Errorf("%s with network name %s: verdict %q kind %q, want clear network", mac, ssid, d.Verdict, d.Kind)
		}
	}
}

// TestEngineResolverForwardsItsClientsLookups: a device that answers DNS
// queries (a site's DNS server, a router) asks upstream what its clients ask:
// a Hikvision camera's cloud name forwarded by a server in a Dell block, or a
// Tapo camera's (tplink.dns.tapo-camera-endpoints) by a TP-Link router, says
// nothing of the server itself. Without the answers the same question is the
// device's own. Nor does a forwarded lookup meet a signature's requirement:
// a server named C200 forwarding a Tapo camera's lookup of its Tapo Care
// endpoint is no Tapo C200 (tplink.dhcp.hostname-tapo-camera).
func TestEngineResolverForwardsItsClientsLookups(t *testing.T) {
	cases := []struct {
		mac, hostname, query string
		resolver, asker      Verdict
	}{
		{"00:14:22:11:22:33", "", "www.hik-online.com", VerdictClear, VerdictReview},
		{"50:c7:bf:11:22:33", "", "euw1-device-tapo-care.i.tplinknbu.com", VerdictReview, VerdictRestricted},
		{"00:14:22:11:22:33", "C200", "euw1-device-tapo-care.i.tplinknbu.com", VerdictClear, VerdictRestricted},
	}
	for _, c := range cases {
		for _, answers := range []bool{true, false} {
			e := newTestEngine(t)
			mac := mustMAC(t, c.mac)
			ip := netip.MustParseAddr("192.168.1.1")
			e.Add(Observation{Probe: "pcap", MAC: mac, IP: ip, Key: "arp.mac", Value: c.mac})
			e.Add(Observation{Probe: "pcap", IP: ip, Key: "dns.query", Value: c.query})
			if c.hostname != "" {
				e.Add(Observation{Probe: "pcap", MAC: mac, IP: ip, Key: "dhcp.hostname", Value: c.hostname})
			}
			want := c.asker
			if answers {
				e.Add(Observation{Probe: "pcap", IP: ip, Key: "dns.answered", Value: "true"})
				want = c.resolver
			}
			if d := onlyDevice(t, e); d.Verdict != want {
				t.Errorf("%s asking %s, answering DNS %v: verdict %q (vendor %q kind %q), want %q", c.mac, c.query, answers, d.Verdict, d.Vendor, d.Kind, want)
			}
		}
	}
}

// TestEngineMentionAloneGoesToReview: a page that only mentions a brand
// (FingerprintHub's Amcrest rule, the bare word) may be the maker's device or
// a VMS listing the brands it supports: review. With the device's own word
// (Dahua's RTSP server name, scottlamb/retina dahua_options.txt) it is
// restricted as before.
func TestEngineMentionAloneGoesToReview(t *testing.T) {
	page := "<html><body><h2>Supported cameras</h2><ul><li>Amcrest</li><li>Axis</li><li>Foscam</li></ul></body></html>"
	for _, c := range []struct {
		also Observation
		want Verdict
	}{
		{Observation{}, VerdictReview},
		{Observation{Probe: "rtsp", Port: 554, Key: "rtsp.server", Value: "Rtsp Server/3.0"}, VerdictRestricted},
	} {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.61")
		e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.body", Value: page})
		if c.also.Key != "" {
			c.also.IP = ip
			e.Add(c.also)
		}
		d := onlyDevice(t, e)
		if d.Vendor != "Dahua" || d.Brand != "Amcrest" || d.Verdict != c.want {
			t.Errorf("with %q: vendor %q brand %q verdict %q, want Dahua Amcrest %q", c.also.Value, d.Vendor, d.Brand, d.Verdict, c.want)
		}
	}
}

// A page names its maker 10 KiB in: the device is identified from it, and
// the evidence shows the part around what matched, not the whole page, so
// that judging the evidence again (an imported report) finds it again.
// Control characters a device put before the marker do not move the
// excerpt off it.
func TestLongBodyEvidenceIsAnExcerpt(t *testing.T) {
	marker := `<script language="javascript" event="OnInit(iID)" for="TiandyVideo">`
	for _, pad := range []string{".login{margin:0 auto}\n", ".login{margin:0\x1b[2J auto}\x07\n"} {
		body := "<html><head><style>" + strings.Repeat(pad, 10<<10/len(pad)) + "</style>" + marker +
			strings.Repeat("<!-- pad -->\n", 5<<10/13) + "</html>"
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.60")
		e.Add(Observation{Probe: "http", IP: ip, Port: 80, Key: "http.body", Value: body})
		ds := e.Devices()
		if len(ds) != 1 || ds[0].Vendor != "Tiandy" {
			t.Fatalf("devices %+v", ds)
		}
		var ev *Evidence
		for i := range ds[0].Evidence {
			if ds[0].Evidence[i].Key == "http.body" {
				ev = &ds[0].Evidence[i]
			}
		}
		if ev == nil {
			t.Fatalf("no http.body evidence in %+v", ds[0].Evidence)
		}
		if !strings.Contains(ev.Value, marker) || !strings.HasPrefix(ev.Value, "…") || !strings.HasSuffix(ev.Value, "…") ||
			len(ev.Value) > len(marker)+2*excerptContext+len(body)-len(observe.MatchText(body))+8 {
			t.Errorf("evidence of %d bytes: %q", len(ev.Value), ev.Value)
		}
		again := newTestEngine(t)
		again.Add(Observation{Probe: ev.Probe, IP: ip, Port: ev.Port, Key: ev.Key, Value: ev.Value})
		if ds := again.Devices(); len(ds) != 1 || ds[0].Vendor != "Tiandy" {
			t.Errorf("judged again from its evidence: %+v", ds)
		}
	}
}

// TestEngineCatchAllServerPaths: a server's 200 for a maker's path names
// that maker (Uniview's LAPI, Xiongmai's snapshot path: the signatures'
// examples); a server that answered 200 for both makers' paths answers
// every path (nikto#728, yawast#113 document such servers), so neither
// answer is evidence. Its own word (Dahua's RTSP server) still counts.
func TestEngineCatchAllServerPaths(t *testing.T) {
	lapi := "200 /LAPI/V1.0/System/DeviceInfo"
	snap := "200 /webcapture.jpg?command=snap&channel=1"
	for _, c := range []struct {
		answers []string
		also    string
		want    string
	}{
		{[]string{lapi}, "", "Uniview"},
		{[]string{snap}, "", "Xiongmai"},
		{[]string{lapi, snap, "200 /nikto-test-1234.html"}, "", ""},
		{[]string{lapi, snap}, "Rtsp Server/3.0", "Dahua"},
	} {
		e := newTestEngine(t)
		ip := netip.MustParseAddr("198.18.0.62")
		for _, a := range c.answers {
			e.Add(Observation{Probe: "pcap", IP: ip, Port: 80, Key: "http.answer", Value: a})
		}
		if c.also != "" {
			e.Add(Observation{Probe: "pcap", IP: ip, Port: 554, Key: "rtsp.server", Value: c.also})
		}
		d := onlyDevice(t, e)
		if d.Vendor != c.want {
			t.Errorf("answers %q (and %q): vendor %q, want %q", c.answers, c.also, d.Vendor, c.want)
		}
		for _, ev := range d.Evidence {
			if c.want != "Uniview" && c.want != "Xiongmai" && ev.Key == "http.answer" && ev.Signature != "" {
				t.Errorf("answers %q: a catch-all server's answer kept as evidence: %+v", c.answers, ev)
			}
		}
	}
}

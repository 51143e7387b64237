package corpus

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// dhipRow is one Shadowserver "DVR DHCPDiscover" row: a real DHIP
// client.notifyDevInfo answer flattened by Shadowserver. Column to DHIP
// member, as intelmq's shadowserver parser documents it: device_vendor ←
// Vendor, device_type ← DeviceClass, device_model ← DeviceType,
// device_version ← Version, device_serial ← SerialNo.
type dhipRow struct {
	file, line                         string
	vendor, class, model, firmware     string
	serial, machine, manufacturer, mac string
	httpPort, port                     string
}

func loadShadowserver(t *testing.T) []dhipRow {
	t.Helper()
	files, err := filepath.Glob(testdata("realdata", "shadowserver-intelmq", "*.csv"))
	if err != nil || len(files) != 2 {
		t.Fatalf("want the two shadowserver CSVs, found %d (%v)", len(files), err)
	}
	var rows []dhipRow
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		col := map[string]int{}
		for i, name := range records[0] {
			col[name] = i
		}
		for i, r := range records[1:] {
			get := func(name string) string {
				j, ok := col[name]
				if !ok {
					t.Fatalf("%s: no column %q", f, name)
				}
				return r[j]
			}
			rows = append(rows, dhipRow{file: filepath.Base(f), line: strconv.Itoa(i + 2),
				vendor: get("device_vendor"), class: get("device_type"), model: get("device_model"),
				firmware: get("device_version"), serial: get("device_serial"), machine: get("machine_name"),
				manufacturer: get("manufacturer"), mac: get("mac_address"),
				httpPort: get("http_port"), port: get("internal_port")})
		}
	}
	if len(rows) != 6 {
		t.Fatalf("want 6 rows, got %d", len(rows))
	}
	return rows
}

// observations are the row's fields as the DHIP decoder names them, about
// an address only (no MAC): the firmware's own fields must name the maker.
func (r dhipRow) observations() []fingerprint.Observation {
	var out []fingerprint.Observation
	for _, kv := range [][2]string{
		{"dhip.vendor", r.vendor}, {"dhip.device_class", r.class}, {"dhip.model", r.model},
		{"dhip.firmware", r.firmware}, {"dhip.serial", r.serial}, {"dhip.machine_name", r.machine},
		{"dhip.manufacturer", r.manufacturer}, {"dhip.http_port", r.httpPort}, {"dhip.port", r.port},
	} {
		if kv[1] != "" {
			out = append(out, observation("dhip", kv[0], kv[1]))
		}
	}
	return out
}

// payload is the row rebuilt as the client.notifyDevInfo JSON it was
// flattened from (member names of the real reply in
// testdata/realdata/dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json),
// with this corpus's address in IPv4Address.
func (r dhipRow) payload(t *testing.T) []byte {
	t.Helper()
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	msg := map[string]any{
		"mac": r.mac, "method": "client.notifyDevInfo",
		"params": map[string]any{"deviceInfo": map[string]any{
			"DeviceClass": r.class, "DeviceType": r.model, "Version": r.firmware, "SerialNo": r.serial,
			"MachineName": r.machine, "Vendor": r.vendor, "Manufacturer": r.manufacturer,
			"HttpPort": num(r.httpPort), "Port": num(r.port),
			"IPv4Address": map[string]any{"IPAddress": deviceIP.String()},
		}},
	}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shadowserverExpect is what each row (by model) must identify as, and why.
var shadowserverExpect = map[string]struct {
	brand string
	kind  fingerprint.Kind
	why   string
}{
	"BCS-TIP3401IR-E-V":    {"BCS", fingerprint.KindCamera, "BCS-TIP model prefix of the Polish BCS relabel; DeviceClass IPC"},
	"HCVR":                 {"", fingerprint.KindDVR, "Vendor Private, no brand on the box: Dahua's own unbranded HDCVI recorder"},
	"BCS-XVR0401-IV":       {"BCS", fingerprint.KindDVR, "BCS-XVR model prefix; DeviceClass HCVR"},
	"HDCVI 1008 - Gerao 2": {"Intelbras", fingerprint.KindDVR, "Vendor Intelbras; DeviceClass HDCVI"},
	"MHDX 3116":            {"Intelbras", fingerprint.KindDVR, "Vendor Intelbras, firmware 4.000.00IB...; DeviceClass MHDX"},
	"MHDX 5216":            {"Intelbras", fingerprint.KindDVR, "Vendor Intelbras, firmware 4.000.00IB...; DeviceClass MHDX"},
}

// TestShadowserverDHIP: every row is Dahua firmware, whatever the brand and
// the OUI, once as decoded dhip.* fields about an address, once as the
// client.notifyDevInfo JSON through the DHIP decoder (MAC and OUI included).
func TestShadowserverDHIP(t *testing.T) {
	p := newPipeline(t)
	rows := loadShadowserver(t)
	for _, r := range rows {
		want, ok := shadowserverExpect[r.model]
		if !ok {
			t.Errorf("%s:%s: no expectation for model %q", r.file, r.line, r.model)
			continue
		}
		fields := r.observations()
		payload := r.payload(t)
		for _, path := range []struct {
			name string
			obs  []fingerprint.Observation
			mac  string
		}{
			{"fields", fields, ""},
			{"payload", decodeDatagram(t, "dhip.payload", payload, deviceIP), r.mac},
		} {
			d := p.identify(t, path.obs...)
			gotMAC := ""
			if !d.MAC.IsZero() {
				gotMAC = d.MAC.String()
			}
			if d.Vendor != "Dahua" || d.Brand != want.brand || d.Kind != want.kind || d.Model != r.model ||
				d.Firmware != r.firmware || d.Serial != r.serial || !d.Restricted || gotMAC != path.mac {
				t.Errorf("%s:%s %s: want Dahua brand=%s kind=%s model=%q firmware=%q serial=%q mac=%s restricted (%s)\n\tinput %s\n\tgot %s serial=%q mac=%s",
					r.file, r.line, path.name, q(want.brand), want.kind, r.model, r.firmware, r.serial, q(path.mac), want.why,
					values(path.obs), describe(d), d.Serial, q(gotMAC))
			}
		}
	}
	t.Logf("%d Shadowserver DHIP rows identified as Dahua with brand, kind, model, firmware and serial, as fields and as payloads", len(rows))
}

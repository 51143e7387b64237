package report

import (
	"encoding/csv"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// CSVHeader names the columns WriteCSV writes, in order.
var CSVHeader = []string{
	"mac", "ips", "vendor", "brand", "model", "firmware", "serial", "kind", "confidence",
	"restricted", "verdict", "basis", "severity", "site", "zone", "hostname", "mac_vendor", "mac_note", "ports",
	"vlans", "first_seen", "last_seen", "why",
}

// WriteCSV writes one row per device. Cells that a spreadsheet would run as a
// formula are defused (see SafeCell); quoting is encoding/csv's (RFC 4180).
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	siteOfZone := map[string]string{}
	for _, z := range r.Zones {
		siteOfZone[z.Name] = z.Site
	}
	worst := worstFindings(r.Findings)
	for _, d := range r.Devices {
		rec := deviceRecord(d, worst.about(d), siteOfZone[d.Zone])
		for i := range rec {
			rec[i] = SafeCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func deviceRecord(d fingerprint.Device, sev policy.Severity, site string) []string {
	ips := make([]string, len(d.IPs))
	for i, ip := range d.IPs {
		ips[i] = ip.String()
	}
	ports := joinNumbers(d.Ports)
	conf := ""
	if d.Confidence > 0 {
		conf = strconv.FormatFloat(d.Confidence, 'f', 2, 64)
	}
	return []string{
		macOrEmpty(d.MAC), strings.Join(ips, " "), d.Vendor, d.Brand, d.Model, d.Firmware, d.Serial,
		string(d.Kind), conf, strconv.FormatBool(d.Restricted), string(d.Judged()), strings.Join(d.Basis, " "), string(sev),
		site, d.Zone, d.Hostname, d.MACVendor, d.MACNote, ports, joinNumbers(d.VLANs),
		timeOrEmpty(d.FirstSeen), timeOrEmpty(d.LastSeen), whyRaw(d),
	}
}

// joinNumbers writes ports or VLAN ids space-separated.
func joinNumbers(ns []uint16) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(int(n))
	}
	return strings.Join(s, " ")
}

// severityIndex holds the most severe non-excepted finding per MAC, and per
// IP for findings without a MAC, so each device row is a map lookup.
type severityIndex struct {
	byMAC map[fingerprint.MAC]policy.Severity
	byIP  map[netip.Addr]policy.Severity
}

func worstFindings(findings []policy.Finding) severityIndex {
	idx := severityIndex{byMAC: map[fingerprint.MAC]policy.Severity{}, byIP: map[netip.Addr]policy.Severity{}}
	for _, f := range findings {
		switch {
		case f.Exception != "":
		case !f.MAC.IsZero():
			idx.byMAC[f.MAC] = worse(idx.byMAC[f.MAC], f.Severity)
		case f.IP.IsValid():
			idx.byIP[f.IP] = worse(idx.byIP[f.IP], f.Severity)
		}
	}
	return idx
}

// about is the worst severity of the findings about d.
func (idx severityIndex) about(d fingerprint.Device) policy.Severity {
	sev := idx.byMAC[d.MAC]
	if d.MAC.IsZero() {
		sev = ""
	}
	for _, ip := range d.IPs {
		sev = worse(sev, idx.byIP[ip])
	}
	return sev
}

func worse(a, b policy.Severity) policy.Severity {
	if b != "" && b != a && b.AtLeast(a) {
		return b
	}
	return a
}

func macOrEmpty(m fingerprint.MAC) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// whyRaw is the strongest evidence as key=value, unshortened (CSV keeps data whole).
func whyRaw(d fingerprint.Device) string {
	e, ok := strongest(d.Evidence)
	if !ok {
		return ""
	}
	return e.Key + "=" + e.Value
}

// SafeCell defuses spreadsheet formula injection (OWASP "CSV Injection"): a
// cell starting with = + - @ TAB or CR, or their full-width forms, gets a
// leading apostrophe so spreadsheets show it as text. Invalid UTF-8 is
// replaced so the file stays valid UTF-8.
func SafeCell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

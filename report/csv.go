package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// CSVHeader names the columns WriteCSV writes, in order. Columns are only
// ever added at the end, so a sheet that reads them by position keeps
// working: severity and reason are the device's worst unsuppressed finding's.
var CSVHeader = []string{
	"mac", "ips", "vendor", "brand", "model", "firmware", "serial", "kind", "confidence",
	"restricted", "verdict", "basis", "severity", "site", "zone", "hostname", "mac_vendor", "mac_note", "ports",
	"vlans", "first_seen", "last_seen", "why", "imported_from", "reason",
}

// WriteCSV writes one row per device. Every cell is cleaned of control
// characters and, when a spreadsheet would run it as a formula, defused (see
// SafeCell); quoting is encoding/csv's (RFC 4180).
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	siteOfZone := map[string]string{}
	for _, z := range r.Zones {
		siteOfZone[z.Name] = z.Site
	}
	worst := policy.IndexFindings(r.Findings)
	for _, d := range r.Devices {
		rec := deviceRecord(d, worst.Finding(&d), siteOfZone[d.Zone])
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

func deviceRecord(d fingerprint.Device, worst *policy.Finding, site string) []string {
	var sev policy.Severity
	reason := ""
	if worst != nil {
		sev, reason = worst.Severity, worst.Reason
	}
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
		timeOrEmpty(d.FirstSeen), timeOrEmpty(d.LastSeen), whyRaw(d), origins(d.ImportedFrom), reason,
	}
}

// origins names the imported reports of a device, "; "-separated.
func origins(os []fingerprint.Origin) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = OriginText(o)
	}
	return strings.Join(s, "; ")
}

// joinNumbers writes ports or VLAN ids space-separated.
func joinNumbers(ns []uint16) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(int(n))
	}
	return strings.Join(s, " ")
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

// SafeCell makes a device-supplied value safe in a CSV cell, for a
// spreadsheet and for a terminal that shows the file (cat, less): the value
// is cleaned as the table cleans it (Clean: escape sequences removed, other
// control characters, DEL, C1 controls, bidirectional overrides and invalid
// UTF-8 shown as U+FFFD, white space and line breaks folded to single
// spaces), never cut. Then a cell that starts with = + - @ (or their
// full-width forms) gets a leading apostrophe, so that a spreadsheet shows it
// as text instead of running it as a formula (OWASP "CSV Injection", ASVS
// 1.2.10; tab, CR and NUL, which those lists name too, cannot start a
// cleaned cell). camsweep's own values never start so: MACs, addresses,
// numbers (none negative), verdicts, times, evidence as key=value.
func SafeCell(s string) string {
	s = Clean(s, 0)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

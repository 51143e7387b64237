package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// maxIPsShown bounds the IP cell; the rest are counted ("+3").
const maxIPsShown = 3

// WriteTable renders the result for a person at a terminal: what needs action
// (findings) first, then every device with the evidence that identified it,
// then counts per site and vendor. Every device-supplied string goes through
// Clean, so a hostile banner cannot move the cursor or recolour the screen.
//
// On a terminal the rows fit its width (long cells cut with "…", addresses
// never) and severities are coloured; see TerminalOptions.
func WriteTable(w io.Writer, r *Result) error {
	return WriteTableWith(w, r, TerminalOptions(w))
}

// WriteTableWith renders the table with explicit layout options.
func WriteTableWith(w io.Writer, r *Result, opt TableOptions) error {
	ew := &errWriter{w: w}
	writeHeader(ew, r)
	writeFindings(ew, r.Findings, opt)
	writeDevices(ew, r.Devices, opt)
	writeInventory(ew, r.Inventory, opt)
	return ew.err
}

// errWriter keeps the first write error so the renderers can stay linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func writeHeader(w io.Writer, r *Result) {
	inputs := make([]string, len(r.Source.Inputs))
	for i, in := range r.Source.Inputs {
		inputs[i] = Clean(in, MaxCell)
	}
	fmt.Fprintf(w, "camsweep %s %s", Clean(r.Source.Command, MaxCell), strings.Join(inputs, " "))
	if r.OUIDate != "" {
		fmt.Fprintf(w, "  (OUI registry %s)", Clean(r.OUIDate, 32))
	}
	fmt.Fprintln(w)
	for _, o := range importedReports(r.Devices) {
		fmt.Fprintf(w, "imported from %s: %d devices, judged again here\n", Clean(OriginText(o.Origin), 2*MaxCell), o.devices)
	}
	if r.Partial {
		fmt.Fprintln(w, "PARTIAL: some input could not be read (truncated, corrupt, bad lines or interrupted); results cover the rest")
	}
	if r.Unprivileged {
		fmt.Fprintln(w, "UNPRIVILEGED: probes needing raw sockets were skipped")
	}
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "warning:", Clean(warn, 200))
	}
	fmt.Fprintln(w)
}

// severityColor is the ANSI SGR for a severity on a terminal.
func severityColor(f policy.Finding) string {
	if f.Exception != "" {
		return "2" // dim: suppressed by an exception
	}
	switch f.Severity {
	case policy.SeverityCritical:
		return "1;31"
	case policy.SeverityHigh:
		return "31"
	case policy.SeverityMedium:
		return "33"
	case policy.SeverityReview:
		return "36"
	}
	return ""
}

func writeFindings(w io.Writer, findings []policy.Finding, opt TableOptions) {
	fmt.Fprintf(w, "FINDINGS (%d)\n", len(findings))
	if len(findings) == 0 {
		fmt.Fprintln(w, "  none")
		fmt.Fprintln(w)
		return
	}
	g := newGrid(true, false, true, true).droppable(4, 5, 6, 1) // vendor and model are in the reason
	g.add("SEVERITY", "ZONE", "IP", "MAC", "VENDOR", "MODEL", "SEEN (UTC)", "REASON")
	// On a terminal the reason is cut to the window, and with it what to do.
	g.cutNote = "reasons cut to fit; each ends with what to do: -o report.txt has them whole"
	for _, f := range findings {
		sev, reason := string(f.Severity), Clean(f.Reason, MaxReason)
		if f.Exception != "" {
			sev += " (excepted)"
			reason += " [exception: " + Clean(f.Exception, 32) + "]"
		}
		zone := f.Zone
		if f.Site != "" {
			zone = f.Site + "/" + f.Zone
		}
		if f.VLAN != 0 {
			zone += fmt.Sprintf(" (vlan %d)", f.VLAN) // the VLAN, not the address, placed it
		}
		g.addPainted(0, severityColor(f), Clean(sev, MaxCell), cell(zone), addr(f.IP.IsValid(), f.IP.String()), mac(f.MAC),
			cell(f.Vendor), cell(f.Model), cell(SeenSpan(f.FirstSeen, f.LastSeen)), reason)
	}
	g.write(w, opt)
	fmt.Fprintln(w)
}

func writeDevices(w io.Writer, all []fingerprint.Device, opt TableOptions) {
	devs := identified(all)
	fmt.Fprintf(w, "DEVICES (%d)\n", len(devs))
	if len(devs) == 0 {
		fmt.Fprintln(w, "  none identified")
	}
	if hidden := len(all) - len(devs); hidden > 0 {
		fmt.Fprintf(w, "  (%s seen but not identified: --format json or csv lists them)\n", Plural(hidden, "other address", "other addresses"))
	}
	if len(devs) == 0 {
		fmt.Fprintln(w)
		return
	}
	g := newGrid(false, false, false, false, false, true, true).droppable(1, 3, 4, 2)
	g.markers = []string{" !", " ?"}
	g.add("VENDOR", "BRAND", "MODEL", "FIRMWARE", "KIND", "MAC", "IPS", "WHY")
	marks := map[fingerprint.Verdict]bool{}
	for _, d := range tableOrder(devs) {
		vendor, paint := cell(d.Vendor), ""
		switch v := d.Judged(); v {
		case fingerprint.VerdictRestricted:
			vendor, paint = vendor+" !", "31"
			marks[v] = true
		case fingerprint.VerdictReview:
			vendor, paint = vendor+" ?", "36"
			marks[v] = true
		}
		g.addPainted(0, paint, vendor, cell(d.Brand), cell(d.Model), cell(d.Firmware), cell(string(d.Kind)),
			mac(d.MAC), ipList(d), Why(d))
	}
	g.write(w, opt)
	if marks[fingerprint.VerdictRestricted] {
		fmt.Fprintln(w, "  ! = restricted: surveillance equipment of a restricted maker")
	}
	if marks[fingerprint.VerdictReview] {
		// What to do with it, which a terminal cuts from the finding's reason.
		fmt.Fprintln(w, "  ? = review: restricted maker, the evidence does not show what the product is;")
		fmt.Fprintln(w, "      check its label, web page or asset record: surveillance equipment is")
		fmt.Fprintln(w, "      restricted, anything else gets a policy exception")
	}
	fmt.Fprintln(w)
}

func writeInventory(w io.Writer, inv []SiteInventory, opt TableOptions) {
	fmt.Fprintln(w, "INVENTORY")
	g := newGrid(false, false, true, true, true)
	g.add("SITE", "VENDOR", "DEVICES", "RESTRICTED", "REVIEW")
	for _, s := range inv {
		for _, v := range s.Vendors {
			g.add(cell(s.Site), cell(v.Vendor), strconv.Itoa(v.Devices), strconv.Itoa(v.Restricted), strconv.Itoa(v.Review))
		}
	}
	g.write(w, opt)
}

// cell is a cleaned, bounded value, "-" when unknown.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return Clean(s, MaxCell)
}

// OriginText names an imported report: its file, then the host and program
// that wrote it and when, as far as the report says.
func OriginText(o fingerprint.Origin) string {
	var about []string
	if o.Host != "" {
		about = append(about, "host "+o.Host)
	}
	if o.Tool != "" {
		about = append(about, o.Tool)
	}
	if !o.Generated.IsZero() {
		about = append(about, o.Generated.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if len(about) == 0 {
		return o.Report
	}
	return o.Report + " (" + strings.Join(about, ", ") + ")"
}

type originCount struct {
	fingerprint.Origin
	devices int
}

// importedReports counts the devices each imported report contributed, in
// the order the reports first appear.
func importedReports(devs []fingerprint.Device) []originCount {
	var out []originCount
	for _, d := range devs {
		for _, o := range d.ImportedFrom {
			i := slices.IndexFunc(out, func(c originCount) bool { return c.Origin == o })
			if i < 0 {
				out = append(out, originCount{Origin: o})
				i = len(out) - 1
			}
			out[i].devices++
		}
	}
	return out
}

// SeenSpan writes when a device was first and last seen, in UTC to the
// minute: "2026-11-26 05:00", or "2026-11-26 05:00..06:12" (the date
// repeated only when it changes); "" when neither is known.
func SeenSpan(first, last time.Time) string {
	const day, minute = "2006-01-02 ", "15:04"
	switch {
	case first.IsZero() && last.IsZero():
		return ""
	case first.IsZero():
		first = last
	case last.IsZero():
		last = first
	}
	first, last = first.UTC(), last.UTC()
	from := first.Format(day + minute)
	switch {
	case last.Format(day+minute) == from:
		return from
	case last.Format(day) == first.Format(day):
		return from + ".." + last.Format(minute)
	}
	return from + ".." + last.Format(day+minute)
}

// FindingLine is one finding on one line, for a cron mail or a log: the
// severity, address, MAC, site/zone, vendor and model, when it was seen,
// and the reason. Every value is cleaned for a terminal.
func FindingLine(f policy.Finding) string {
	where := f.Zone
	if f.Site != "" {
		where = f.Site + "/" + f.Zone
	}
	if f.VLAN != 0 {
		where += fmt.Sprintf(" (vlan %d)", f.VLAN)
	}
	parts := []string{fmt.Sprintf("%-8s", f.Severity), addr(f.IP.IsValid(), f.IP.String()), mac(f.MAC), cell(where),
		cell(strings.TrimSpace(f.Vendor + " " + f.Model))}
	if seen := SeenSpan(f.FirstSeen, f.LastSeen); seen != "" {
		parts = append(parts, "seen "+seen)
	}
	line := strings.Join(parts, "  ") + ": " + Clean(f.Reason, 0)
	if f.Exception != "" {
		line += " [exception: " + Clean(f.Exception, 32) + "]"
	}
	return line
}

func mac(m fingerprint.MAC) string {
	if m.IsZero() {
		return "-"
	}
	return m.String()
}

func addr(ok bool, s string) string {
	if !ok {
		return "-"
	}
	return s
}

// ipList is the device's addresses; a device without one shows the address
// it was probing for (ARP probe), if any.
func ipList(d fingerprint.Device) string {
	if len(d.IPs) == 0 {
		for _, e := range d.Evidence {
			if e.Key == "arp.probe" {
				return "probing " + Clean(e.Value, MaxCell)
			}
		}
		return "-"
	}
	n := min(len(d.IPs), maxIPsShown)
	parts := make([]string, n)
	for i := range n {
		parts[i] = d.IPs[i].String()
	}
	s := strings.Join(parts, ",")
	if extra := len(d.IPs) - n; extra > 0 {
		s += fmt.Sprintf(" +%d", extra)
	}
	return s
}

// identified keeps the devices the table is for: those with a maker, brand,
// model or kind, or restricted. A busy capture holds thousands of ordinary
// hosts known only by address; the table would drown the cameras in them.
func identified(devs []fingerprint.Device) []fingerprint.Device {
	var out []fingerprint.Device
	for _, d := range devs {
		known := d.Vendor != "" || d.Brand != "" || d.Model != "" || (d.Kind != "" && d.Kind != fingerprint.KindUnknown)
		if known || d.Judged() != fingerprint.VerdictClear {
			out = append(out, d)
		}
	}
	return out
}

// tableOrder puts restricted devices first, then other surveillance kit,
// then the rest, keeping the engine's order within each group.
func tableOrder(devs []fingerprint.Device) []fingerprint.Device {
	rank := func(d fingerprint.Device) int {
		switch {
		case d.Judged() == fingerprint.VerdictRestricted:
			return 0
		case d.Judged() == fingerprint.VerdictReview:
			return 1
		case d.Kind.Surveillance():
			return 2
		}
		return 3
	}
	out := slices.Clone(devs)
	slices.SortStableFunc(out, func(a, b fingerprint.Device) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// Why is the strongest evidence for a device, short and cleaned (see strongest).
func Why(d fingerprint.Device) string {
	e, ok := strongest(d.Evidence)
	if !ok {
		if d.MACVendor != "" {
			return Clean("OUI: "+d.MACVendor, MaxWhy)
		}
		return "-"
	}
	return Clean(e.Key+"="+e.Value, MaxWhy)
}

// identityFields are what a signature can conclude; evidence that sets more
// of them says more about the device.
var identityFields = []string{"vendor=", "brand=", "model=", "kind=", "firmware=", "serial="}

// strongest picks the evidence that says the most: a signature match setting
// the most identity fields, first on ties; an OUI match only when no
// signature matched (it names the network interface's maker, not the
// device); else the first observation.
func strongest(ev []fingerprint.Evidence) (fingerprint.Evidence, bool) {
	if len(ev) == 0 {
		return fingerprint.Evidence{}, false
	}
	best, bestScore := 0, -1
	for i, e := range ev {
		score := 0
		for _, f := range identityFields {
			if strings.Contains(e.Sets, f) {
				score += 2
			}
		}
		if e.Signature == "oui" || e.Signature == "" {
			score = min(score, 1)
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return ev[best], true
}

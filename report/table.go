package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// maxIPsShown bounds the IP cell; the rest are counted ("+3").
const maxIPsShown = 3

// WriteTable renders the result for a person at a terminal: what needs action
// (findings) first, then every device with the evidence that identified it,
// then counts per site and vendor. Every device-supplied string goes through
// Clean, so a hostile banner cannot move the cursor or recolour the screen.
func WriteTable(w io.Writer, r *Result) error {
	ew := &errWriter{w: w}
	writeHeader(ew, r)
	writeFindings(ew, r.Findings)
	writeDevices(ew, r.Devices)
	writeInventory(ew, r.Inventory)
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

func writeFindings(w io.Writer, findings []policy.Finding) {
	fmt.Fprintf(w, "FINDINGS (%d)\n", len(findings))
	if len(findings) == 0 {
		fmt.Fprintln(w, "  none")
		fmt.Fprintln(w)
		return
	}
	tw := newTabWriter(w)
	row(tw, "SEVERITY", "ZONE", "IP", "MAC", "VENDOR", "MODEL", "REASON")
	for _, f := range findings {
		sev, reason := string(f.Severity), Clean(f.Reason, 2*MaxCell)
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
		row(tw, Clean(sev, MaxCell), cell(zone), addr(f.IP.IsValid(), f.IP.String()), mac(f.MAC),
			cell(f.Vendor), cell(f.Model), reason)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func writeDevices(w io.Writer, all []fingerprint.Device) {
	devs := identified(all)
	fmt.Fprintf(w, "DEVICES (%d)\n", len(devs))
	if len(devs) == 0 {
		fmt.Fprintln(w, "  none identified")
	}
	if hidden := len(all) - len(devs); hidden > 0 {
		fmt.Fprintf(w, "  (%d other addresses seen but not identified: --format json or csv lists them)\n", hidden)
	}
	if len(devs) == 0 {
		fmt.Fprintln(w)
		return
	}
	tw := newTabWriter(w)
	row(tw, "VENDOR", "BRAND", "MODEL", "FIRMWARE", "KIND", "MAC", "IPS", "WHY")
	marks := map[fingerprint.Verdict]bool{}
	for _, d := range tableOrder(devs) {
		vendor := cell(d.Vendor)
		switch v := d.Judged(); v {
		case fingerprint.VerdictRestricted:
			vendor += " !"
			marks[v] = true
		case fingerprint.VerdictReview:
			vendor += " ?"
			marks[v] = true
		}
		row(tw, vendor, cell(d.Brand), cell(d.Model), cell(d.Firmware), cell(string(d.Kind)),
			mac(d.MAC), ipList(d), Why(d))
	}
	tw.Flush()
	if marks[fingerprint.VerdictRestricted] {
		fmt.Fprintln(w, "  ! = restricted vendor")
	}
	if marks[fingerprint.VerdictReview] {
		fmt.Fprintln(w, "  ? = review: restricted maker, the evidence does not show what the product is")
	}
	fmt.Fprintln(w)
}

func writeInventory(w io.Writer, inv []SiteInventory) {
	fmt.Fprintln(w, "INVENTORY")
	tw := newTabWriter(w)
	row(tw, "SITE", "VENDOR", "DEVICES", "RESTRICTED", "REVIEW")
	for _, s := range inv {
		for _, v := range s.Vendors {
			row(tw, cell(s.Site), cell(v.Vendor), strconv.Itoa(v.Devices), strconv.Itoa(v.Restricted), strconv.Itoa(v.Review))
		}
	}
	tw.Flush()
}

func newTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// row writes cleaned cells; cells never hold tabs or newlines after Clean.
func row(w io.Writer, cells ...string) {
	fmt.Fprintln(w, "  "+strings.Join(cells, "\t"))
}

// cell is a cleaned, bounded value, "-" when unknown.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return Clean(s, MaxCell)
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

package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// WriteHTML renders the result as one self-contained HTML file: no scripts,
// no external assets, charts as inline SVG, so it opens offline and can be
// mailed. The first screen is the summary a manager reads; the evidence
// behind each device follows for the engineer. Every value is escaped by
// html/template, and a Content-Security-Policy forbids scripts besides.
func WriteHTML(w io.Writer, r *Result) error {
	return htmlTemplate.Execute(w, buildHTMLView(r))
}

//go:embed html_template.html
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"clean": func(s string) string { return Clean(s, maxHTMLValue) },
	"mac":   mac,
	"ips":   ipList,
	"join":  strings.Join,
}).Parse(htmlSource))

// maxHTMLValue bounds one evidence value on the page (runes); the JSON keeps it whole.
const maxHTMLValue = 600

// htmlView is everything the template draws, computed here so the template
// only lays it out.
type htmlView struct {
	*Result
	Title       string
	Verdict     string
	VerdictSev  policy.Severity
	Counts      []severityCount
	Restricted  int
	Review      int
	Suppressed  int
	Urgent      []policy.Finding // critical and high, unsuppressed: the first screen
	Others      []policy.Finding // the rest, suppressed ones last
	SeverityBar []svgBar
	SiteBars    []svgBar
	SiteChartH  int
	Sites       []siteRow
	DeviceViews []deviceView
	// Hosts is how many devices were known only by address and are left out
	// of the device section (they are in the JSON).
	Hosts int
}

type severityCount struct {
	Severity policy.Severity
	N        int
}

// svgBar is one bar of an inline SVG chart, geometry precomputed.
type svgBar struct {
	Label        string
	Value        int
	Y            int
	W, W2        int // W2: second segment (restricted share) for stacked bars
	Class        string
	Sub          string
	LabelY, BarY int
}

type siteRow struct {
	Site       string
	Vendor     string
	Devices    int
	Restricted int
	Review     int
}

type deviceView struct {
	fingerprint.Device
	Anchor   string
	Severity policy.Severity
	Site     string
}

const chartWidth = 330 // pixels of the longest bar

func buildHTMLView(r *Result) htmlView {
	v := htmlView{Result: r, Title: "camsweep report"}
	if sites := siteNames(r.Zones); len(sites) > 0 {
		v.Title += ": " + strings.Join(sites, ", ")
	}
	counts := map[policy.Severity]int{}
	for _, f := range r.Findings {
		switch {
		case f.Exception != "":
			v.Suppressed++
			v.Others = append(v.Others, f)
		case f.Severity == policy.SeverityCritical || f.Severity == policy.SeverityHigh:
			counts[f.Severity]++
			v.Urgent = append(v.Urgent, f)
		default:
			counts[f.Severity]++
			v.Others = append(v.Others, f)
		}
	}
	policy.SortFindings(v.Urgent)
	policy.SortFindings(v.Others)
	for _, s := range []policy.Severity{policy.SeverityCritical, policy.SeverityHigh, policy.SeverityMedium, policy.SeverityReview} {
		v.Counts = append(v.Counts, severityCount{s, counts[s]})
	}
	v.Restricted = CountRestricted(r.Devices)
	v.Review = CountReview(r.Devices)
	v.Verdict, v.VerdictSev = verdict(counts, v.Restricted, len(r.Devices))
	v.SeverityBar = severityBars(v.Counts)
	v.SiteBars, v.Sites = siteBars(r.Inventory)
	v.SiteChartH = max(len(v.SiteBars)*28+8, 36)
	v.DeviceViews = deviceViews(r)
	v.Hosts = len(r.Devices) - len(v.DeviceViews)
	return v
}

func siteNames(zones []policy.ZoneInfo) []string {
	var out []string
	for _, z := range zones {
		if z.Site != "" && !slices.Contains(out, z.Site) {
			out = append(out, z.Site)
		}
	}
	return out
}

// CountRestricted is how many devices have the verdict restricted.
func CountRestricted(devs []fingerprint.Device) int {
	return countVerdict(devs, fingerprint.VerdictRestricted)
}

// CountReview is how many devices have the verdict review.
func CountReview(devs []fingerprint.Device) int { return countVerdict(devs, fingerprint.VerdictReview) }

func countVerdict(devs []fingerprint.Device, v fingerprint.Verdict) int {
	n := 0
	for _, d := range devs {
		if d.Judged() == v {
			n++
		}
	}
	return n
}

// verdict is the one sentence at the top of the page.
func verdict(counts map[policy.Severity]int, restricted, devices int) (string, policy.Severity) {
	switch {
	case counts[policy.SeverityCritical] > 0:
		return fmt.Sprintf("%d restricted device(s) on core networks: act now.", counts[policy.SeverityCritical]), policy.SeverityCritical
	case counts[policy.SeverityHigh] > 0:
		return fmt.Sprintf("%d restricted device(s) on sensitive sites or zones.", counts[policy.SeverityHigh]), policy.SeverityHigh
	case counts[policy.SeverityMedium] > 0:
		return fmt.Sprintf("%d restricted device(s) found; none on core or sensitive networks.", counts[policy.SeverityMedium]), policy.SeverityMedium
	case counts[policy.SeverityReview] > 0:
		return fmt.Sprintf("No restricted devices; %d device(s) to review: restricted makers of unclear products, or unidentified cameras on core networks.", counts[policy.SeverityReview]), policy.SeverityReview
	}
	return fmt.Sprintf("No open findings among %d device(s) (%d restricted, all covered by exceptions).", devices, restricted), ""
}

func severityBars(counts []severityCount) []svgBar {
	most := 1
	for _, c := range counts {
		most = max(most, c.N)
	}
	bars := make([]svgBar, len(counts))
	for i, c := range counts {
		y := i * 28
		bars[i] = svgBar{Label: string(c.Severity), Value: c.N, Y: y, BarY: y + 4, LabelY: y + 19,
			W: c.N * chartWidth / most, Class: "sev-" + string(c.Severity)}
	}
	return bars
}

// siteBars draws devices per site, the restricted share in a second colour,
// and flattens the inventory into table rows.
func siteBars(inv []SiteInventory) ([]svgBar, []siteRow) {
	var bars []svgBar
	var rows []siteRow
	most := 1
	for _, s := range inv {
		total, restricted := 0, 0
		for _, vc := range s.Vendors {
			total += vc.Devices
			restricted += vc.Restricted
			rows = append(rows, siteRow{Site: s.Site, Vendor: vc.Vendor, Devices: vc.Devices, Restricted: vc.Restricted, Review: vc.Review})
		}
		most = max(most, total)
		label := s.Site
		if label == "" {
			label = "(no site)"
		}
		bars = append(bars, svgBar{Label: label, Value: total, W: total, W2: restricted,
			Sub: fmt.Sprintf("%d restricted", restricted)})
	}
	for i := range bars {
		y := i * 28
		bars[i].Y, bars[i].BarY, bars[i].LabelY = y, y+4, y+19
		bars[i].W = bars[i].W * chartWidth / most
		bars[i].W2 = bars[i].W2 * chartWidth / most
	}
	return bars, rows
}

// deviceViews orders devices worst finding first, then restricted, then by address.
func deviceViews(r *Result) []deviceView {
	siteOfZone := map[string]string{}
	for _, z := range r.Zones {
		siteOfZone[z.Name] = z.Site
	}
	// Findings name MAC and address together: a placeholder MAC is shared by
	// many devices, and the address is the one that placed the device.
	type key struct {
		mac fingerprint.MAC
		ip  netip.Addr
	}
	worst := map[key]policy.Severity{}
	for _, f := range r.Findings {
		k := key{f.MAC, f.IP}
		if cur, ok := worst[k]; f.Exception == "" && (!ok || f.Severity.AtLeast(cur)) {
			worst[k] = f.Severity
		}
	}
	devs := identified(r.Devices)
	out := make([]deviceView, len(devs))
	for i, d := range devs {
		ips := d.IPs
		if len(ips) == 0 {
			ips = []netip.Addr{{}}
		}
		var sev policy.Severity
		for _, ip := range ips {
			if s, ok := worst[key{d.MAC, ip}]; ok && (sev == "" || s.AtLeast(sev)) {
				sev = s
			}
		}
		out[i] = deviceView{Device: d, Severity: sev, Site: siteOfZone[d.Zone]}
	}
	rank := func(s policy.Severity) int {
		for i, x := range []policy.Severity{policy.SeverityReview, policy.SeverityMedium, policy.SeverityHigh, policy.SeverityCritical} {
			if s == x {
				return i + 1
			}
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b deviceView) int {
		if c := cmp.Compare(rank(b.Severity), rank(a.Severity)); c != 0 {
			return c
		}
		if a.Restricted != b.Restricted {
			if a.Restricted {
				return -1
			}
			return 1
		}
		return cmp.Compare(ipList(a.Device), ipList(b.Device))
	})
	for i := range out {
		out[i].Anchor = fmt.Sprintf("dev-%d", i+1)
	}
	return out
}

package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
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

// WriteAuditHTML renders an audit run for its auditor: the page is titled
// with the audited site and, before the run's own findings, says what is
// new, gone and escalated since the site's previous run and how its counts
// went over recent runs. a nil is the plain report.
func WriteAuditHTML(w io.Writer, r *Result, a *AuditContext) error {
	v := buildHTMLView(r)
	if a != nil {
		v.Audit = a
		v.Title = "camsweep audit: " + Clean(a.Site, MaxCell)
		v.TrendBars = trendBars(a.Trend)
	}
	return htmlTemplate.Execute(w, v)
}

//go:embed html_template.html
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"clean":       func(s string) string { return Clean(s, maxHTMLValue) },
	"sevMark":     severityMark,
	"trendHeight": func(n int) int { return max(n*28+8, 36) },
	"mac":         mac,
	"seen":        SeenSpan,
	"origin":      OriginText,
	"ips":         ipList,
	"join":        strings.Join,
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
	// Audit is set for an audit report: changes since the last run, trend.
	Audit     *AuditContext
	TrendBars []svgBar
}

// severityMark is a shape that says the severity without colour, for
// readers who cannot tell the badge colours apart and for black-and-white print.
func severityMark(s policy.Severity) string {
	switch s {
	case policy.SeverityCritical:
		return "▲▲"
	case policy.SeverityHigh:
		return "▲"
	case policy.SeverityMedium:
		return "●"
	case policy.SeverityReview:
		return "?"
	}
	return ""
}

// trendBars draws restricted devices per run as bars, oldest first, each
// labelled with its number so the chart reads without colour.
func trendBars(trend []TrendPoint) []svgBar {
	return valueBars(len(trend), func(i int) (string, int, string) {
		return trend[i].Run.Time.UTC().Format("2006-01-02 15:04"), trend[i].Restricted, "bar-restricted"
	})
}

// valueBars lays out n labelled bars, one a row, the longest chartWidth wide;
// bar(i) gives the i-th label, value and CSS class.
func valueBars(n int, bar func(i int) (label string, value int, class string)) []svgBar {
	most := 1
	for i := range n {
		_, v, _ := bar(i)
		most = max(most, v)
	}
	bars := make([]svgBar, n)
	for i := range n {
		label, v, class := bar(i)
		y := i * 28
		bars[i] = svgBar{Label: label, Value: v, Y: y, BarY: y + 4, LabelY: y + 19, W: v * chartWidth / most, Class: class}
	}
	return bars
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
	v.SeverityBar = severityBars(v.Counts)
	v.SiteBars, v.Sites = siteBars(r.Inventory)
	v.SiteChartH = max(len(v.SiteBars)*28+8, 36)
	v.DeviceViews = deviceViews(r)
	v.Hosts = len(r.Devices) - len(v.DeviceViews)
	v.Verdict, v.VerdictSev = verdict(counts, v.Restricted, len(v.DeviceViews))
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

// CountIdentified is how many devices the table lists: those named by maker,
// brand, model or kind, or judged; the rest are addresses seen.
func CountIdentified(devs []fingerprint.Device) int { return len(identified(devs)) }

// Plural is n with the noun in its singular or plural form: "1 device",
// "2 devices".
func Plural(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
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
	if restricted == 0 {
		return fmt.Sprintf("No open findings among %d identified device(s); none is restricted.", devices), ""
	}
	return fmt.Sprintf("No open findings among %d identified device(s) (%d restricted, all covered by exceptions).", devices, restricted), ""
}

func severityBars(counts []severityCount) []svgBar {
	return valueBars(len(counts), func(i int) (string, int, string) {
		return string(counts[i].Severity), counts[i].N, "sev-" + string(counts[i].Severity)
	})
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
	worst := policy.IndexFindings(r.Findings)
	devs := identified(r.Devices)
	out := make([]deviceView, len(devs))
	for i, d := range devs {
		out[i] = deviceView{Device: d, Severity: worst.Of(&d), Site: siteOfZone[d.Zone]}
	}
	slices.SortStableFunc(out, func(a, b deviceView) int {
		if c := cmp.Compare(b.Severity.Rank(), a.Severity.Rank()); c != 0 {
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

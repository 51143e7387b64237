package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/audit"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/store"
)

const auditLong = `Run a scheduled audit: read the inputs the configuration names, apply its
policy, store the run, compare it with the previous run of the same site and
print what is new, gone and changed (firmware, IP, zone), with the findings.
The exit code follows --fail-on, so cron or a systemd timer can alert on it.

The configuration is a policy file (docs/policy.md) with an audit section:

  audit:
    site: hq                              # runs are compared per site
    store: /var/lib/camsweep/audit.db     # or postgres://user@host/db
    captures: [/var/lib/camsweep/latest.pcapng]
    reports: [/var/lib/camsweep/sensor-a.json]   # camsweep JSON reports
    sweep: {interface: eth1}              # an active sweep (the sweep command's settings)
    fail_on: high

Imported reports are judged again: each device is identified from the
evidence its report records with this installation's signatures, catalogue
and policy; the sensor's own verdicts are ignored, and the report names the
sensor each device came from. Everything (configuration, inputs, sweep scope,
--report, store) is checked before anything is read, sent or stored.

Relative paths are relative to the configuration file. See docs/audit.md.`

type auditOptions struct {
	config       string
	store        string
	site         string
	failOn       string
	reportPath   string
	reportFormat string
	check        bool
	quiet        bool
	format       string
}

func newAuditCmd() *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit --config site.yaml",
		Short: "Run a scheduled audit: read inputs, store the run, show new/gone/changed, exit by --fail-on",
		Long:  auditLong,
		Example: `  camsweep audit --config /etc/camsweep/site.yaml
  camsweep audit --config site.yaml --fail-on critical --report /var/www/camsweep/hq.html
  camsweep audit --config site.yaml --check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd, &o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "site configuration: policy plus an audit section (required)")
	f.StringVar(&o.store, "store", "", "audit store, overriding the config: SQLite file or postgres://...")
	f.StringVar(&o.site, "site", "", "site name, overriding the config's audit.site")
	f.StringVar(&o.failOn, "fail-on", "", "exit 2 on an unsuppressed finding at or above this severity (default: the config's fail_on, else "+defaultFailOn+")")
	f.StringVar(&o.reportPath, "report", "", "also write this run's report to FILE (its directory must exist; checked before the run)")
	f.StringVar(&o.reportFormat, "report-format", "", "format of --report: "+formatNames()+" (default: from the file extension)")
	f.BoolVar(&o.check, "check", false, "only validate the configuration and exit")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only when something changed or a finding is at or above --fail-on")
	f.StringVar(&o.format, "format", "table", "what audit prints: table (for people and cron mail) or json (run, findings, diff)")
	cmd.MarkFlagRequired("config")
	return cmd
}

// runAudit checks everything (flags, configuration, inputs, sweep scope,
// report file, store) before the work starts, so nothing is read, sent or
// stored for an audit that would fail on a typo.
func runAudit(cmd *cobra.Command, o *auditOptions) error {
	if o.format != "table" && o.format != "json" {
		return usageError("unknown --format %q (want table or json)", o.format)
	}
	pol, err := policy.Load(o.config)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	cfg, err := audit.Load(o.config)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	o.applyOverrides(cfg)
	threshold, err := policy.ParseSeverity(cfg.FailOn)
	if err != nil {
		return usageError("fail-on: %v", err)
	}
	plan, err := audit.NewPlan(cfg, pol, audit.Env{Warnings: cmd.ErrOrStderr(), MaxDevices: defaultMaxDevices})
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("%s: %w", o.config, err)}
	}
	rep, err := o.reportTarget(cfg)
	if err != nil {
		return err
	}
	if o.check {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: site %s, %d zones, %d profiles, %d exceptions, store %s\n",
			o.config, cfg.Site, len(pol.Zones()), len(pol.Profiles()), len(pol.Exceptions()), redactURL(cfg.Store))
		return nil
	}
	if err := plan.CheckInputs(); err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("%s: %w", o.config, err)}
	}
	so := storeOptions{location: cfg.Store}
	st, _, err := so.open(cmd.Context(), true)
	if err != nil {
		return err
	}
	defer st.Close()
	res := newResult("audit", nil)
	if err := plan.Run(cmd.Context(), res); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	sum, diff, err := audit.SaveAndCompare(cmd.Context(), st, cfg.Site, res)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	failing := policy.FailsAt(res.Findings, threshold)
	switch {
	case o.format == "json":
		if err := writeJSON(cmd.OutOrStdout(), newAuditJSON(sum, res, diff)); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	case !o.quiet || failing || (diff != nil && !diff.Empty()):
		writeAuditSummary(cmd.OutOrStdout(), sum, res, diff)
	}
	if rep != nil {
		render := formats[rep.format]
		if rep.format == "html" {
			actx, err := auditContext(cmd.Context(), st, sum, diff)
			if err != nil {
				return &exitErr{code: exitError, err: err}
			}
			render = auditHTML(actx)
		}
		if err := rep.write(cmd.OutOrStdout(), func(w io.Writer) error { return render(w, res) }); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	}
	if failing {
		return &exitErr{code: exitFindings, err: fmt.Errorf("findings at or above %s", threshold)}
	}
	if res.Partial {
		return &exitErr{code: exitPartial, err: errors.New("partial input")}
	}
	return nil
}

// reportTarget settles --report before the run: the format from
// --report-format or the extension, the directory writable. A report that
// still cannot be written at the end goes next to an SQLite store.
func (o *auditOptions) reportTarget(cfg *audit.Config) (*target, error) {
	if o.reportPath == "" {
		return nil, nil
	}
	format, explicit := o.reportFormat, o.reportFormat != ""
	if !explicit {
		format = "table" // a file whose extension names no format
	}
	t, err := settleTarget(format, explicit, o.reportPath, "--report-format", "--report", formatList())
	if err != nil {
		return nil, err
	}
	if !explicit && formatOfExtension[strings.ToLower(filepath.Ext(o.reportPath))] == "" {
		return nil, usageError("--report %s: the extension names no format (use .html, .json, .jsonl, .csv or .txt, or --report-format)", o.reportPath)
	}
	if !store.IsPostgres(cfg.Store) {
		t.fallbackDir = filepath.Dir(cfg.Store)
	}
	return &t, nil
}

// auditJSON is what `audit --format json` prints: the stored run, its
// findings and the comparison with the site's previous run (null on the first).
type auditJSON struct {
	Schema   string           `json:"schema"`
	Run      store.RunSummary `json:"run"`
	Findings []policy.Finding `json:"findings"`
	Diff     *store.Diff      `json:"diff"`
}

// auditSchema versions the JSON audit prints (docs/schema/audit.v1.json).
const auditSchema = "camsweep.audit/v1"

func newAuditJSON(sum store.RunSummary, res *report.Result, d *store.Diff) auditJSON {
	return auditJSON{Schema: auditSchema, Run: sum, Findings: res.Findings, Diff: d}
}

func (o *auditOptions) applyOverrides(cfg *audit.Config) {
	if o.store != "" {
		cfg.Store = o.store
	}
	if cfg.Store == "" {
		cfg.Store = os.Getenv("CAMSWEEP_STORE")
	}
	if cfg.Store == "" {
		cfg.Store, _ = defaultStore()
	}
	if o.site != "" {
		cfg.Site = o.site
	}
	if o.failOn != "" {
		cfg.FailOn = o.failOn
	}
	if cfg.FailOn == "" {
		cfg.FailOn = defaultFailOn
	}
}

func writeAuditSummary(w io.Writer, sum store.RunSummary, res *report.Result, d *store.Diff) {
	fmt.Fprintf(w, "audit run %d, site %s, %s: %d devices, %d restricted\n",
		sum.ID, report.Clean(sum.Site, report.MaxCell), sum.Time.Format("2006-01-02 15:04 UTC"), sum.Devices, sum.Restricted)
	fmt.Fprintf(w, "findings: %d critical, %d high, %d medium, %d review (%d suppressed by exceptions)\n",
		sum.Critical, sum.High, sum.Medium, sum.Review, sum.Suppressed)
	for _, f := range res.Findings {
		if f.Suppressed() {
			continue
		}
		fmt.Fprintf(w, "  %s\n", report.FindingLine(f))
	}
	if d == nil {
		fmt.Fprintln(w, "first run of this site: nothing to compare with")
		return
	}
	writeDiffText(w, d)
}

// redactURL hides a password in a postgres:// URL for messages.
func redactURL(loc string) string {
	if !store.IsPostgres(loc) {
		return loc
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

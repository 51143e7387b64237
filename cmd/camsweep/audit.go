package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner/sweep"
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
	f.StringVar(&o.reportPath, "report", "", "also write this run's report to FILE")
	f.StringVar(&o.reportFormat, "report-format", "", "format of --report: html, json, csv or table (default: from the file extension)")
	f.BoolVar(&o.check, "check", false, "only validate the configuration and exit")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only when something changed or a finding is at or above --fail-on")
	f.StringVar(&o.format, "format", "table", "what audit prints: table (for people and cron mail) or json (run, findings, diff)")
	cmd.MarkFlagRequired("config")
	return cmd
}

// auditConfig is the audit section of a site configuration.
type auditConfig struct {
	Site         string   `yaml:"site"`
	Store        string   `yaml:"store"`
	Captures     []string `yaml:"captures"`
	Reports      []string `yaml:"reports"`
	FailOn       string   `yaml:"fail_on"`
	AllAddresses bool     `yaml:"all_addresses"`
	// Sweep runs an active sweep as part of the audit (the sweep command's
	// settings); absent means no sweep.
	Sweep *auditSweep `yaml:"sweep"`
}

// auditSweep mirrors the sweep command's flags.
type auditSweep struct {
	Interface     string   `yaml:"interface"`
	Targets       []string `yaml:"targets"`
	TargetsFile   string   `yaml:"targets_file"`
	Exclude       []string `yaml:"exclude"`
	ExcludeFile   string   `yaml:"exclude_file"`
	Rate          float64  `yaml:"rate"`
	BroadcastRate float64  `yaml:"broadcast_rate"`
	DiscoveryWait string   `yaml:"discovery_wait"`
	Probes        []string `yaml:"probes"`
	Ports         []int    `yaml:"ports"`
	Timeout       string   `yaml:"timeout"`
	AllowPublic   bool     `yaml:"allow_public"`
	LargeScope    bool     `yaml:"large_scope"` // the sweep command's --yes
}

// loadAuditConfig reads the audit section strictly, so a misspelt key is an
// error with its line, and resolves relative paths against the file.
func loadAuditConfig(path string) (*auditConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &auditConfig{}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlErrorAt(path, err)
	}
	p, _ := yaml.PathString("$.audit")
	node, err := p.FilterFile(file)
	if err == nil && node != nil {
		if err := yaml.NodeToValue(node, cfg, yaml.Strict()); err != nil {
			return nil, yamlErrorAt(path, err)
		}
	}
	dir := filepath.Dir(path)
	for i, c := range cfg.Captures {
		cfg.Captures[i] = relativeTo(dir, c)
	}
	for i, r := range cfg.Reports {
		cfg.Reports[i] = relativeTo(dir, r)
	}
	if cfg.Store != "" && !store.IsPostgres(cfg.Store) {
		cfg.Store = relativeTo(dir, cfg.Store)
	}
	if s := cfg.Sweep; s != nil {
		for _, f := range []*string{&s.TargetsFile, &s.ExcludeFile} {
			if *f != "" {
				*f = relativeTo(dir, *f)
			}
		}
	}
	return cfg, nil
}

// yamlErrorAt formats a go-yaml error as "file:line: audit: message", like
// the policy's own errors.
func yamlErrorAt(path string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return fmt.Errorf("%s:%d: audit: %s", path, tk.Position.Line, ye.GetMessage())
		}
		return fmt.Errorf("%s: audit: %s", path, ye.GetMessage())
	}
	return fmt.Errorf("%s: audit: %w", path, err)
}

func relativeTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// auditSource is one kind of input an audit reads. Each adds observations to
// the engine or finished devices to the run; a new kind of input is one more
// entry here and one more field in auditConfig.
type auditSource struct {
	name       string
	configured func(cfg *auditConfig) bool
	collect    func(ctx context.Context, cmd *cobra.Command, cfg *auditConfig, in *auditInputs) error
}

var auditSources = []auditSource{
	{name: "captures", configured: func(c *auditConfig) bool { return len(c.Captures) > 0 }, collect: collectCaptures},
	{name: "reports", configured: func(c *auditConfig) bool { return len(c.Reports) > 0 }, collect: collectReports},
	{name: "sweep", configured: func(c *auditConfig) bool { return c.Sweep != nil }, collect: collectSweep},
}

// auditInputs gathers what the sources produced.
type auditInputs struct {
	res     *report.Result
	eng     engine
	devices []fingerprint.Device // imported whole (reports)
	inputs  []string
	// siteRanges are the policy's zone CIDRs: captures inventory hosts there
	// like hosts on private addresses.
	siteRanges []netip.Prefix
}

// engine creates the fingerprint engine on first use: an audit that only
// imports reports does not need it.
func (in *auditInputs) engine() (engine, error) {
	if in.eng != nil {
		return in.eng, nil
	}
	reg, err := loadRegistry()
	if err != nil {
		return nil, err
	}
	in.eng, err = newEngine(reg, defaultMaxDevices)
	return in.eng, err
}

func collectCaptures(ctx context.Context, cmd *cobra.Command, cfg *auditConfig, in *auditInputs) error {
	eng, err := in.engine()
	if err != nil {
		return err
	}
	for _, f := range cfg.Captures {
		if err := checkReadableFile(f); err != nil {
			return err
		}
		in.inputs = append(in.inputs, f)
		err := readCapture(ctx, f, eng.Add, cfg.AllAddresses, in.siteRanges, nil)
		switch {
		case err == nil:
		case isPartialCapture(err) || errors.Is(err, context.Canceled):
			in.res.Partial = true
			warn(cmd.ErrOrStderr(), in.res, "%s: %v: the run covers what was read", f, err)
		default:
			return err
		}
	}
	return nil
}

// collectReports imports camsweep JSON reports (from sensors or earlier
// sweeps). Their devices are judged again by this configuration's policy.
func collectReports(_ context.Context, cmd *cobra.Command, cfg *auditConfig, in *auditInputs) error {
	for _, f := range cfg.Reports {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		r, err := report.ReadJSON(fh)
		fh.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		in.inputs = append(in.inputs, f)
		if r.Partial {
			in.res.Partial = true
			warn(cmd.ErrOrStderr(), in.res, "%s is a partial result", f)
		}
		for _, d := range r.Devices {
			d.Zone = ""
			in.devices = append(in.devices, d)
		}
	}
	return nil
}

// collectSweep runs the active sweep with the same scope checks as the sweep
// command: nothing leaves before the configuration is known to be in scope.
func collectSweep(ctx context.Context, cmd *cobra.Command, cfg *auditConfig, in *auditInputs) error {
	so, err := cfg.Sweep.options()
	if err != nil {
		return err
	}
	sc, inputs, err := so.config()
	if err != nil {
		return fmt.Errorf("audit.sweep: %w", err)
	}
	eng, err := in.engine()
	if err != nil {
		return err
	}
	in.inputs = append(in.inputs, inputs...)
	sum, err := sweep.Run(ctx, sc, eng.Add)
	in.res.Unprivileged = in.res.Unprivileged || sum.Unprivileged
	for _, w := range sum.Warnings {
		warn(cmd.ErrOrStderr(), in.res, "%s", w)
	}
	if errors.Is(err, context.Canceled) {
		in.res.Partial = true
		warn(cmd.ErrOrStderr(), in.res, "sweep interrupted: the run covers what was found")
		return nil
	}
	if err != nil { // what was found before the error is kept, marked partial
		in.res.Partial = true
		warn(cmd.ErrOrStderr(), in.res, "sweep stopped early: %v; the run covers what was found", err)
	}
	return nil
}

// options turns the audit's sweep section into the sweep command's options.
func (s *auditSweep) options() (*sweepOptions, error) {
	o := &sweepOptions{iface: s.Interface, targets: strings.Join(s.Targets, ","), targetsFile: s.TargetsFile,
		exclude: strings.Join(s.Exclude, ","), excludeFile: s.ExcludeFile,
		rate: cmp.Or(s.Rate, sweep.DefaultRate), bcastRate: cmp.Or(s.BroadcastRate, sweep.DefaultBroadcastRate),
		probes: strings.Join(s.Probes, ","), timeout: sweep.DefaultExchangeTimeout, discWait: sweep.DefaultListenWindow,
		allowPublic: s.AllowPublic, yes: s.LargeScope}
	ports := make([]string, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = strconv.Itoa(p)
	}
	o.ports = strings.Join(ports, ",")
	for _, d := range []struct {
		key, value string
		into       *time.Duration
	}{{"timeout", s.Timeout, &o.timeout}, {"discovery_wait", s.DiscoveryWait, &o.discWait}} {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil {
			return nil, fmt.Errorf("audit.sweep.%s: %v", d.key, err)
		}
		*d.into = v
	}
	return o, nil
}

func runAudit(cmd *cobra.Command, o *auditOptions) error {
	if o.format != "table" && o.format != "json" {
		return usageError("unknown --format %q (want table or json)", o.format)
	}
	pol, err := policy.Load(o.config)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	cfg, err := loadAuditConfig(o.config)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	o.applyOverrides(cfg)
	threshold, err := policy.ParseSeverity(cfg.FailOn)
	if err != nil {
		return usageError("fail-on: %v", err)
	}
	if err := validateAudit(cfg, pol); err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("%s: %w", o.config, err)}
	}
	if o.check {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: site %s, %d zones, %d profiles, %d exceptions, store %s\n",
			o.config, cfg.Site, len(pol.Zones()), len(pol.Profiles()), len(pol.Exceptions()), redactURL(cfg.Store))
		return nil
	}
	res, err := o.collect(cmd, cfg, pol)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	so := storeOptions{location: cfg.Store}
	st, _, err := so.open(cmd.Context(), true)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, diff, err := saveAndCompare(cmd.Context(), st, cfg.Site, res)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	failing := policy.FailsAt(res.Findings, threshold)
	switch {
	case o.format == "json":
		if err := writeJSON(cmd.OutOrStdout(), auditJSON{Run: sum, Findings: res.Findings, Diff: diff}); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	case !o.quiet || failing || (diff != nil && !diff.Empty()):
		writeAuditSummary(cmd.OutOrStdout(), sum, res, diff)
	}
	if o.reportPath != "" {
		if err := o.writeReport(cmd, res); err != nil {
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

// auditJSON is what `audit --format json` prints: the stored run, its
// findings and the comparison with the site's previous run (null on the first).
type auditJSON struct {
	Run      store.RunSummary `json:"run"`
	Findings []policy.Finding `json:"findings"`
	Diff     *store.Diff      `json:"diff"`
}

func (o *auditOptions) applyOverrides(cfg *auditConfig) {
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

func validateAudit(cfg *auditConfig, pol *policy.Policy) error {
	sites := pol.Sites()
	switch {
	case cfg.Site == "" && len(sites) == 1:
		cfg.Site = sites[0]
	case cfg.Site == "":
		return errors.New("audit.site is not set (runs are compared per site)")
	case len(sites) > 0 && !contains(sites, cfg.Site):
		return fmt.Errorf("audit.site %q is not one of the policy's sites (%s)", cfg.Site, strings.Join(sites, ", "))
	}
	for _, s := range auditSources {
		if s.configured(cfg) {
			return nil
		}
	}
	return errors.New("the audit section names no input (captures, reports or sweep)")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// collect runs every configured source and applies the policy.
func (o *auditOptions) collect(cmd *cobra.Command, cfg *auditConfig, pol *policy.Policy) (*report.Result, error) {
	in := &auditInputs{res: newResult("audit", nil), siteRanges: pol.SiteRanges()}
	for _, s := range auditSources {
		if !s.configured(cfg) {
			continue
		}
		if err := s.collect(cmd.Context(), cmd, cfg, in); err != nil {
			return nil, err
		}
	}
	devs := in.devices
	if in.eng != nil {
		devs = append(in.eng.Devices(), devs...)
	}
	in.res.Source.Inputs = in.inputs
	in.res.Fill(devs, pol.Apply(devs, in.res.Generated), pol.Zones())
	return in.res, nil
}

// saveAndCompare stores the run and diffs it against the site's previous run.
func saveAndCompare(ctx context.Context, st store.Store, site string, res *report.Result) (store.RunSummary, *store.Diff, error) {
	sum, err := st.Save(ctx, store.Run{Site: site, Result: res})
	if err != nil {
		return sum, nil, fmt.Errorf("storing the run: %w", err)
	}
	prev, ok, err := st.Previous(ctx, site, sum.ID)
	if err != nil || !ok {
		return sum, nil, err
	}
	d, err := st.Diff(ctx, prev.ID, sum.ID)
	return sum, d, err
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
		fmt.Fprintf(w, "  %-8s %s\n", f.Severity, report.Clean(f.Reason, 0))
	}
	if d == nil {
		fmt.Fprintln(w, "first run of this site: nothing to compare with")
		return
	}
	writeDiffText(w, d)
}

func (o *auditOptions) writeReport(cmd *cobra.Command, res *report.Result) error {
	format := o.reportFormat
	if format == "" {
		format = strings.TrimPrefix(filepath.Ext(o.reportPath), ".")
		if format == "htm" {
			format = "html"
		}
	}
	if _, ok := formats[format]; !ok {
		return fmt.Errorf("--report %s: unknown format %q (want html, json, csv or table)", o.reportPath, format)
	}
	w := outputOptions{format: format, outPath: o.reportPath}
	return w.write(cmd.OutOrStdout(), res)
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

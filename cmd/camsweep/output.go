package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/spf13/cobra"
)

// formats maps --format values to renderers.
var formats = map[string]func(io.Writer, *report.Result) error{
	"table": report.WriteTable,
	"json":  report.WriteJSON,
	"jsonl": report.WriteJSONL,
	"csv":   report.WriteCSV,
}

// formatObservations is the pcap command's --format that writes the decoded
// observations as JSON lines (what identify reads) instead of a report.
const formatObservations = "observations"

// defaultMaxDevices is the --max-devices default: the devices a report can
// hold within about 1 GB of memory (docs/performance.md: about 1.2 KB at
// the peak for a device that says little, through engine, report and
// output, plus the engine's 128 MiB budget for what devices say). Past it,
// devices are dropped with a warning rather than the machine running out
// of memory.
const defaultMaxDevices = 500_000

// defaultFactMemory is the --fact-memory default in MiB: the engine's
// budget for what devices say (fingerprint.MaxStoredBytes), about 1.45x
// that in heap; part of the 1 GB the --max-devices default fits.
const defaultFactMemory = fingerprint.MaxStoredBytes >> 20

// formatNames lists the --format values, table first, for help and errors.
// Other files register more renderers (html) in init.
func formatNames() string { return strings.Join(formatList(), ", ") }

func formatList() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		if n != "table" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return append([]string{"table"}, names...)
}

// defaultFailOn makes any restricted device fail a script: the default policy
// reports every restricted device as at least medium, and "review" (a
// restricted maker's device whose product is unclear, or an unidentified
// camera on a core network) is a question, not a violation.
const defaultFailOn = "medium"

// outputOptions are the flags every command that produces a report shares.
type outputOptions struct {
	format     string
	outPath    string
	policyPath string
	failOn     string
	threshold  policy.Severity // failOn, parsed by validate
	quiet      bool
	target     target // format and outPath, settled by validate
	maxDevices int
	factMemory int // MiB
	// observations allows --format observations (the pcap command).
	observations bool
}

func (o *outputOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	names := formatNames()
	if o.observations {
		names += ", " + formatObservations + " (the decoded observations as JSON lines, for identify)"
	}
	// No flag default: cobra would print (default "table") after the rule
	// that the -o file's extension picks the format (settleTarget).
	f.StringVar(&o.format, "format", "", "output format: "+names+" (default: from the -o file's extension, else table)")
	f.StringVarP(&o.outPath, "output", "o", "", "write the report to FILE instead of standard output (its directory must exist)")
	f.StringVar(&o.policyPath, "policy", "", "policy file with zones, profiles and exceptions (default: every restricted device is a medium finding)")
	f.StringVar(&o.failOn, "fail-on", defaultFailOn, "exit 2 when a finding is at or above this severity: review, medium, high, critical or none")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar, summary or notes (identify's unread keys) on standard error; warnings still print")
	f.IntVar(&o.maxDevices, "max-devices", defaultMaxDevices, "keep at most this many devices; past it, devices are dropped with a warning (each costs about 1.2 KB of memory at the peak; the default fits 1 GB)")
	f.IntVar(&o.factMemory, "fact-memory", defaultFactMemory, "MiB kept of what devices say (answers, pages, names; about 1.45x that in memory); past it, further facts are dropped with a warning. Devices that say much, as internet scanners' records give them, spend the default at about 65,000 devices")
}

// validate checks the flags and the output file before any input is read,
// so a typo or a missing directory costs nothing.
func (o *outputOptions) validate(cmd *cobra.Command) error {
	allowed := formatList()
	if o.observations {
		allowed = append(allowed, formatObservations)
	}
	t, err := settleTarget(o.format, cmd.Flags().Changed("format"), o.outPath, "--format", "-o", allowed)
	if err != nil {
		return err
	}
	if o.maxDevices < 1 {
		return usageError("--max-devices must be at least 1, not %d", o.maxDevices)
	}
	if o.factMemory < 1 {
		return usageError("--fact-memory must be at least 1 (MiB), not %d", o.factMemory)
	}
	o.target, o.format = t, t.format
	sev, err := policy.ParseSeverity(o.failOn)
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	o.threshold = sev
	return nil
}

func (o *outputOptions) loadPolicy() (*policy.Policy, error) {
	if o.policyPath == "" {
		return policy.Default(), nil
	}
	p, err := policy.Load(o.policyPath)
	if err != nil {
		return nil, &exitErr{code: exitError, err: fmt.Errorf("policy: %w", err)}
	}
	return p, nil
}

// setup loads what every report-producing command needs: the policy the
// flags name and an engine over the OUI registry and signature database.
func (o *outputOptions) setup() (*policy.Policy, engine, error) {
	pol, err := o.loadPolicy()
	if err != nil {
		return nil, nil, err
	}
	eng, err := o.loadEngine()
	if err != nil {
		return nil, nil, err
	}
	return pol, eng, nil
}

// loadEngine reads the OUI registry and the signature database, each on its
// own core, and returns an engine over both.
func (o *outputOptions) loadEngine() (engine, error) {
	type loaded struct {
		reg *oui.Registry
		err error
	}
	regc := make(chan loaded, 1)
	go func() {
		reg, err := loadRegistry()
		regc <- loaded{reg, err}
	}()
	db, dbErr := fingerprint.Default()
	r := <-regc
	if r.err != nil {
		return nil, &exitErr{code: exitError, err: r.err}
	}
	if dbErr != nil {
		return nil, &exitErr{code: exitError, err: fmt.Errorf("signature database: %w", dbErr)}
	}
	return newEngineOver(db, r.reg, o.maxDevices, o.factMemory), nil
}

// finish applies the policy, renders the result and turns it into an exit code.
func (o *outputOptions) finish(cmd *cobra.Command, res *report.Result, pol *policy.Policy, devs []fingerprint.Device) error {
	findings := pol.Apply(devs, res.Generated)
	res.Fill(devs, findings, pol.Zones())
	if err := o.write(cmd.OutOrStdout(), res); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	if !o.quiet {
		// The table lists the identified devices; the count says how many
		// of all the devices (addresses included) those are.
		fmt.Fprintf(cmd.ErrOrStderr(), "camsweep: %s (%d identified), %d restricted, %d to review, %s\n",
			report.Plural(len(res.Devices), "device", "devices"), report.CountIdentified(res.Devices), report.CountRestricted(res.Devices),
			report.CountReview(res.Devices), report.Plural(len(res.Findings), "finding", "findings"))
	}
	return exitFor(res, o.threshold)
}

// write renders the report to standard output or the -o file.
func (o *outputOptions) write(stdout io.Writer, res *report.Result) error {
	render := formats[o.target.format]
	return o.writeWith(stdout, func(w io.Writer) error { return render(w, res) })
}

// writeWith runs fill on standard output or the -o file (see target.write).
func (o *outputOptions) writeWith(stdout io.Writer, fill func(io.Writer) error) error {
	return o.target.write(stdout, fill)
}

// exitFor maps a finished run to its exit code: findings at or above failOn
// (not suppressed by an exception) give 2, else partial input gives 3.
func exitFor(res *report.Result, threshold policy.Severity) error {
	if policy.FailsAt(res.Findings, threshold) {
		return &exitErr{code: exitFindings, err: fmt.Errorf("findings at or above %s", threshold)}
	}
	if res.Partial {
		return &exitErr{code: exitPartial, err: fmt.Errorf("partial input")}
	}
	return nil
}

// engineDevices returns the engine's devices, warning when it had to drop
// observations at its memory bounds (the result is then incomplete). The
// engine is done with afterwards: its state is let go as the devices are
// built (TakeDevices), which keeps the peak of a large inventory down.
func engineDevices(stderr io.Writer, res *report.Result, eng engine) []fingerprint.Device {
	if n, full := eng.Dropped(), eng.OverBudget(); n > 0 {
		var why []string
		if n > full {
			why = append(why, "its device bound (--max-devices)")
		}
		if full > 0 {
			why = append(why, "its memory for what devices say (--fact-memory)")
		}
		raise := "raise it"
		if len(why) > 1 {
			raise = "raise them"
		}
		warn(stderr, res, "%d observations were not kept: the engine reached %s, so the report is incomplete; %s to keep them", n, strings.Join(why, " and "), raise)
	}
	return eng.TakeDevices()
}

// warn records a warning in the result and prints it on standard error at once,
// so it is seen even when the report goes to a file.
func warn(stderr io.Writer, res *report.Result, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	res.Warnings = append(res.Warnings, msg)
	fmt.Fprintln(stderr, "camsweep: warning:", report.Clean(msg, 300))
}

func newResult(command string, inputs []string) *report.Result {
	host, _ := os.Hostname() // names the sensor when an audit imports this report
	res := report.New(report.Tool{Name: "camsweep", Version: toolVersion()}, time.Now(), report.Source{Command: command, Inputs: inputs, Host: host})
	if reg, err := loadRegistry(); err == nil {
		res.OUIDate = reg.Date()
	}
	return res
}

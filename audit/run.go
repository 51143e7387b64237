package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/camsweep/camsweep/scanner/sweep"
)

// Env is what an audit takes from its caller.
type Env struct {
	// Registry looks MACs up; nil means the embedded IEEE registry.
	Registry fingerprint.MACRegistry
	// MaxDevices bounds the devices the engine keeps (0: the engine's own
	// bound); past it, devices are dropped with a warning.
	MaxDevices int
	// Warnings receives each warning as it happens (standard error); the
	// result keeps them too. Nil discards them.
	Warnings io.Writer
}

// Plan is an audit whose configuration, inputs and sweep scope have been
// checked: running it reads and sends only what was checked.
type Plan struct {
	cfg         *Config
	pol         *policy.Policy
	env         Env
	sweep       *sweep.Config
	sweepInputs []string
}

// NewPlan checks the configuration against the policy and the sweep's
// scope and settings, before anything is read or sent.
func NewPlan(cfg *Config, pol *policy.Policy, env Env) (*Plan, error) {
	if err := cfg.Validate(pol); err != nil {
		return nil, err
	}
	p := &Plan{cfg: cfg, pol: pol, env: env}
	if cfg.Sweep != nil {
		plan, err := cfg.Sweep.Plan()
		if err != nil {
			return nil, err
		}
		sc, inputs, err := sweep.NewConfig(plan)
		if err != nil {
			return nil, sweepError(err)
		}
		if cfg.Sweep.Listen && sc.Segment == nil {
			return nil, errors.New("audit.sweep.listen: only a local segment can be listened to (name its interface)")
		}
		p.sweep, p.sweepInputs = &sc, inputs
	}
	return p, nil
}

// sweepError names the sweep option at fault by its key in the audit
// section (audit.sweep.broadcast_rate), as the sweep command names its flag.
func sweepError(err error) error {
	var pe *sweep.PlanError
	if !errors.As(err, &pe) {
		return fmt.Errorf("audit.sweep: %w", err)
	}
	hint := ""
	if errors.Is(err, sweep.ErrNeedsConfirmation) {
		hint = "; set large_scope: true to sweep that many"
	}
	return fmt.Errorf("audit.sweep.%s: %v%s", strings.ReplaceAll(pe.Option, "-", "_"), pe.Err, hint)
}

// CheckInputs checks that every capture and report is a readable file now;
// a run checks it first, so a missing input fails before the sweep.
func (p *Plan) CheckInputs() error {
	for _, f := range append(slices.Clone(p.cfg.Captures), p.cfg.Reports...) {
		if err := checkReadableFile(f); err != nil {
			return err
		}
	}
	return nil
}

func checkReadableFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s: is a directory, not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// Run reads every input into one engine, so a device seen by a capture, a
// sensor's report and the sweep is one device, judged once by this
// installation's signatures, catalogue and policy. It fills res (devices,
// findings, zones, inputs, warnings, partial). An interrupted sweep or a
// damaged capture leaves a partial result, not an error.
func (p *Plan) Run(ctx context.Context, res *report.Result) error {
	if err := p.CheckInputs(); err != nil {
		return err
	}
	db, eng, err := p.engine()
	if err != nil {
		return err
	}
	var inputs []string
	for _, f := range p.cfg.Captures {
		inputs = append(inputs, f)
		if err := p.readCapture(ctx, f, eng, res); err != nil {
			return err
		}
	}
	imports := newImportIndex(db.Catalogue)
	for _, f := range p.cfg.Reports {
		inputs = append(inputs, f)
		if err := p.importReport(f, eng, imports, res); err != nil {
			return err
		}
	}
	if p.sweep != nil {
		inputs = append(inputs, p.sweepInputs...)
		if err := p.runSweep(ctx, eng, res); err != nil {
			return err
		}
	}
	if n := eng.Dropped(); n > 0 {
		p.warn(res, "%d observations were not kept: the engine reached its device or memory bound, so the report is incomplete", n)
	}
	devs := eng.Devices()
	imports.annotate(devs)
	res.Source.Inputs = inputs
	res.Fill(devs, p.pol.Apply(devs, res.Generated), p.pol.Zones())
	return nil
}

// engine is this installation's signatures and catalogue over the registry.
func (p *Plan) engine() (*fingerprint.Database, *fingerprint.Engine, error) {
	db, err := fingerprint.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("signature database: %w", err)
	}
	reg := p.env.Registry
	if reg == nil {
		r, err := oui.Default()
		if err != nil {
			return nil, nil, err
		}
		reg = r
	}
	eng := fingerprint.NewEngine(db, reg)
	if p.env.MaxDevices > 0 {
		eng.SetMaxDevices(p.env.MaxDevices)
	}
	return db, eng, nil
}

func (p *Plan) readCapture(ctx context.Context, path string, eng *fingerprint.Engine, res *report.Result) error {
	// Hosts in the policy's zones are inventoried like hosts on private
	// addresses, also where a site numbers its networks from public ranges.
	tunnels, _ := p.cfg.Tunnels() // checked by Validate before the run
	_, err := pcap.ReadFile(ctx, path, eng.Add, pcap.Options{AllAddresses: p.cfg.AllAddresses, Local: p.pol.SiteRanges(), TunnelPorts: tunnels})
	var corrupt *pcap.CorruptError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &corrupt) || errors.Is(err, context.Canceled):
		res.Partial = true
		p.warn(res, "%s: %v: the run covers what was read", path, err)
		return nil
	}
	return err
}

func (p *Plan) runSweep(ctx context.Context, eng *fingerprint.Engine, res *report.Result) error {
	stopListening := p.listen(ctx, eng, res)
	sum, err := sweep.Run(ctx, *p.sweep, eng.Add)
	stopListening()
	res.Unprivileged = res.Unprivileged || sum.Unprivileged
	for _, w := range sum.Warnings {
		p.warn(res, "%s", w)
	}
	switch {
	case errors.Is(err, context.Canceled):
		res.Partial = true
		p.warn(res, "sweep interrupted: the run covers what was found")
	case err != nil: // what was found before the error is kept, marked partial
		res.Partial = true
		p.warn(res, "sweep stopped early: %v; the run covers what was found", err)
	}
	return nil
}

// listen listens to the swept segment while the sweep runs, when the
// configuration asks (audit.sweep.listen); a capture that cannot open or
// stops early is a warning, and the sweep's results stand.
func (p *Plan) listen(ctx context.Context, eng *fingerprint.Engine, res *report.Result) (stop func()) {
	if !p.cfg.Sweep.Listen {
		return func() {}
	}
	stopCapture, err := sweep.ListenDuring(ctx, *p.sweep, p.pol.SiteRanges(), eng.Add)
	if err != nil {
		p.warn(res, "audit.sweep.listen: %v (listening needs root or CAP_NET_RAW); the sweep runs without it", err)
		return func() {}
	}
	return func() {
		if err := stopCapture(); err != nil {
			p.warn(res, "audit.sweep.listen: the capture stopped early: %v", err)
		}
	}
}

// warn keeps a warning in the result and prints it at once, so it is seen
// even when the report goes to a file.
func (p *Plan) warn(res *report.Result, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	res.Warnings = append(res.Warnings, msg)
	if p.env.Warnings != nil {
		fmt.Fprintln(p.env.Warnings, "camsweep: warning:", report.Clean(msg, 300))
	}
}

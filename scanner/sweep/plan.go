package sweep

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"
)

// Plan is what a caller asks a sweep to do, as the operator gave it: the
// sweep command's flags, an audit's sweep section, or any other caller's
// settings. NewConfig checks it and turns it into a Config, so every caller
// shares one check. Zero values get the defaults noted.
type Plan struct {
	// Interface whose segment to sweep; "" picks the default route's
	// interface when no targets are given, and no segment when they are.
	Interface string
	// Targets are IPv4 CIDRs or addresses to sweep instead of the whole segment.
	Targets []string
	// TargetsFile names a file of targets, one CIDR or address a line, with
	// # comments; added to Targets.
	TargetsFile string
	// Exclude are CIDRs or addresses that never receive a packet.
	Exclude []string
	// ExcludeFile names a file of exclusions, in the TargetsFile format.
	ExcludeFile string
	// Rate and BroadcastRate are Config's (defaults DefaultRate, DefaultBroadcastRate).
	Rate, BroadcastRate float64
	// DiscoveryWait is Config.ListenWindow (default DefaultListenWindow).
	DiscoveryWait time.Duration
	// Timeout is Config.ExchangeTimeout (default DefaultExchangeTimeout).
	Timeout time.Duration
	// Probes names the probes to run (default all of AllProbes).
	Probes []string
	// Ports are the TCP ports probed on each host (default DefaultPorts).
	Ports []int
	// AllowPublic allows targets outside private, shared and link-local ranges.
	AllowPublic bool
	// AllowLarge confirms a sweep of more than LargeScope addresses.
	AllowLarge bool
}

// Option names, as PlanError reports them: the sweep command's flags
// without their dashes. An audit configuration spells them with _.
const (
	OptInterface     = "interface"
	OptTargets       = "targets"
	OptTargetsFile   = "targets-file"
	OptExclude       = "exclude"
	OptExcludeFile   = "exclude-file"
	OptRate          = "rate"
	OptBroadcastRate = "broadcast-rate"
	OptDiscoveryWait = "discovery-wait"
	OptTimeout       = "timeout"
	OptProbes        = "probes"
	OptPorts         = "ports"
)

// Limits of what a plan may ask.
const (
	MaxRate        = 100000
	MinWait        = 100 * time.Millisecond
	MaxWait        = time.Minute
	maxTargetsFile = 1 << 20 // bytes: far more than any real list of networks
)

// PlanError says which option of a plan is wrong and why.
type PlanError struct {
	Option string // one of the Opt* names
	Err    error
}

func (e *PlanError) Error() string { return e.Option + ": " + e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

// ErrNeedsConfirmation is wrapped by the PlanError of a scope larger than
// LargeScope that AllowLarge did not confirm.
var ErrNeedsConfirmation = errors.New("a sweep that large needs confirming")

func planErr(opt, format string, a ...any) error {
	return &PlanError{Option: opt, Err: fmt.Errorf(format, a...)}
}

// Validate checks everything of the plan that does not depend on this
// machine's interfaces: paces, waits, probes, ports, targets, exclusions and
// their scope. Reading TargetsFile and ExcludeFile is part of it.
func (p Plan) Validate() error {
	_, err := p.check()
	return err
}

// checked is what a valid plan resolves to without looking at interfaces.
type checked struct {
	cfg     Config
	targets []netip.Prefix
}

func (p Plan) check() (checked, error) {
	var c checked
	cfg := Config{Rate: p.Rate, BroadcastRate: p.BroadcastRate, ListenWindow: p.DiscoveryWait, ExchangeTimeout: p.Timeout}
	for _, r := range []struct {
		opt string
		v   float64
	}{{OptRate, p.Rate}, {OptBroadcastRate, p.BroadcastRate}} {
		if r.v != 0 && (r.v < 1 || r.v > MaxRate) {
			return c, planErr(r.opt, "%g is not between 1 and %d packets per second", r.v, MaxRate)
		}
	}
	for _, w := range []struct {
		opt string
		v   time.Duration
	}{{OptDiscoveryWait, p.DiscoveryWait}, {OptTimeout, p.Timeout}} {
		if w.v != 0 && (w.v < MinWait || w.v > MaxWait) {
			return c, planErr(w.opt, "%s is not between %s and %s", w.v, MinWait, MaxWait)
		}
	}
	if len(p.Probes) > 0 {
		cfg.Probes = map[string]bool{}
		for _, name := range p.Probes {
			name = strings.TrimSpace(name)
			if !slices.Contains(AllProbes, name) {
				return c, planErr(OptProbes, "unknown probe %q (want some of %s)", name, strings.Join(AllProbes, ","))
			}
			cfg.Probes[name] = true
		}
	}
	for _, port := range p.Ports {
		if port < 1 || port > 65535 {
			return c, planErr(OptPorts, "bad port %d (want 1 to 65535)", port)
		}
		cfg.Ports = append(cfg.Ports, uint16(port))
	}
	targets, err := prefixesFrom(OptTargets, p.Targets, OptTargetsFile, p.TargetsFile)
	if err != nil {
		return c, err
	}
	if p.TargetsFile != "" && len(targets) == 0 {
		return c, planErr(OptTargetsFile, "%s lists no targets", p.TargetsFile)
	}
	if cfg.Exclude, err = prefixesFrom(OptExclude, p.Exclude, OptExcludeFile, p.ExcludeFile); err != nil {
		return c, err
	}
	if len(targets) > 0 {
		n, err := CheckScope(targets, p.AllowPublic)
		if err != nil {
			return c, &PlanError{Option: OptTargets, Err: err}
		}
		if n > LargeScope && !p.AllowLarge {
			return c, &PlanError{Option: OptTargets, Err: fmt.Errorf("they cover %d addresses: %w", n, ErrNeedsConfirmation)}
		}
	}
	cfg.Targets = targets
	c.cfg, c.targets = cfg, targets
	return c, nil
}

// prefixesFrom parses a list of CIDRs or addresses and a file of them.
func prefixesFrom(listOpt string, list []string, fileOpt, file string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	if len(list) > 0 {
		ps, err := ParseTargets(strings.Join(list, ","))
		if err != nil {
			return nil, &PlanError{Option: listOpt, Err: err}
		}
		out = ps
	}
	if file != "" {
		ps, err := ReadTargetsFile(file)
		if err != nil {
			return nil, &PlanError{Option: fileOpt, Err: err}
		}
		out = append(out, ps...)
	}
	return out, nil
}

// ReadTargetsFile reads one IPv4 CIDR or address a line; blank lines and
// everything after a # are ignored, as nmap's -iL and --excludefile read them.
func ReadTargetsFile(path string) ([]netip.Prefix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseTargetLines(path, io.LimitReader(f, maxTargetsFile+1))
}

func parseTargetLines(name string, r io.Reader) ([]netip.Prefix, error) {
	var out []netip.Prefix
	sc := bufio.NewScanner(r)
	read := 0
	for line := 1; sc.Scan(); line++ {
		read += len(sc.Bytes()) + 1
		if read > maxTargetsFile {
			return nil, fmt.Errorf("%s is larger than %d bytes", name, maxTargetsFile)
		}
		text, _, _ := strings.Cut(sc.Text(), "#")
		for _, field := range strings.Fields(text) {
			ps, err := ParseTargets(field)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, err)
			}
			out = append(out, ps...)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return out, nil
}

// NewConfig checks the plan and resolves it on this machine: the interface
// and its segment, whose size is checked like the targets'. inputs describe
// what is swept, for a report (the interface and its network, the targets).
func NewConfig(p Plan) (cfg Config, inputs []string, err error) {
	c, err := p.check()
	if err != nil {
		return Config{}, nil, err
	}
	cfg = c.cfg
	if len(c.targets) > 0 {
		inputs = append(inputs, joinPrefixes(c.targets))
	}
	if p.Interface == "" && len(c.targets) > 0 {
		return cfg, inputs, nil
	}
	ifi, err := pickInterface(p.Interface)
	if err != nil {
		return Config{}, nil, &PlanError{Option: OptInterface, Err: err}
	}
	seg, err := LocalSegment(ifi)
	if err != nil {
		return Config{}, nil, &PlanError{Option: OptInterface, Err: err}
	}
	if len(c.targets) == 0 {
		n, err := CheckScope([]netip.Prefix{seg.Prefix}, true)
		if err != nil {
			return Config{}, nil, planErr(OptInterface, "segment %s of %s: %v", seg.Prefix, ifi.Name, err)
		}
		if n > LargeScope && !p.AllowLarge {
			return Config{}, nil, planErr(OptInterface, "the segment %s of %s has %d addresses (narrow it with targets): %w",
				seg.Prefix, ifi.Name, n, ErrNeedsConfirmation)
		}
	}
	cfg.Segment = &seg
	return cfg, append([]string{ifi.Name + " " + seg.Prefix.String()}, inputs...), nil
}

func pickInterface(name string) (*net.Interface, error) {
	if name == "" {
		return DefaultInterface()
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("interface %q: %v", name, err)
	}
	return ifi, nil
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		if p.IsSingleIP() {
			s[i] = p.Addr().String()
		} else {
			s[i] = p.String()
		}
	}
	return strings.Join(s, ",")
}

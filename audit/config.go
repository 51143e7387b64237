package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/camsweep/camsweep/scanner/sweep"
	"github.com/camsweep/camsweep/store"
)

// Config is the audit section of a site configuration (docs/audit.md).
type Config struct {
	Site         string   `yaml:"site"`
	Store        string   `yaml:"store"`
	Captures     []string `yaml:"captures"`
	Reports      []string `yaml:"reports"`
	FailOn       string   `yaml:"fail_on"`
	AllAddresses bool     `yaml:"all_addresses"`
	// TunnelPorts are UDP ports that carry a remote mirror (the pcap
	// command's --tunnel-port): port to vxlan, geneve or tzsp.
	TunnelPorts map[int]string `yaml:"tunnel_ports"`
	// Sweep runs an active sweep as part of the audit; nil means no sweep.
	Sweep *Sweep `yaml:"sweep"`
}

// Sweep is the sweep section: the sweep command's settings, typed. Zero
// values mean the sweep's defaults.
type Sweep struct {
	Interface     string   `yaml:"interface"`
	Targets       []string `yaml:"targets"`
	TargetsFile   string   `yaml:"targets_file"` // one CIDR or address a line, # comments
	Exclude       []string `yaml:"exclude"`      // never sent a packet
	ExcludeFile   string   `yaml:"exclude_file"`
	Rate          float64  `yaml:"rate"`
	BroadcastRate float64  `yaml:"broadcast_rate"`
	DiscoveryWait string   `yaml:"discovery_wait"` // a Go duration: 1.5s
	Probes        []string `yaml:"probes"`
	Ports         []int    `yaml:"ports"`
	Timeout       string   `yaml:"timeout"`
	AllowPublic   bool     `yaml:"allow_public"`
	LargeScope    bool     `yaml:"large_scope"` // the sweep command's --yes
	Listen        bool     `yaml:"listen"`      // the sweep command's --listen
}

// Load reads the audit section of the configuration at path strictly, so a
// misspelt key is an error with its line, and resolves relative paths
// against the file's directory. A file without an audit section gives an
// empty Config.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{}
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
		s.TargetsFile, s.ExcludeFile = relativeTo(dir, s.TargetsFile), relativeTo(dir, s.ExcludeFile)
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

// Validate checks the configuration against the policy: the site must be one
// of the policy's (or is taken from it when it has only one), and at least
// one input must be named. It fills Site when the policy decides it.
func (c *Config) Validate(pol *policy.Policy) error {
	sites := pol.Sites()
	switch {
	case c.Site == "" && len(sites) == 1:
		c.Site = sites[0]
	case c.Site == "":
		return errors.New("audit.site is not set (runs are compared per site)")
	case len(sites) > 0 && !slices.Contains(sites, c.Site):
		return fmt.Errorf("audit.site %q is not one of the policy's sites (%s)", c.Site, strings.Join(sites, ", "))
	}
	if len(c.Captures) == 0 && len(c.Reports) == 0 && c.Sweep == nil {
		return errors.New("the audit section names no input (captures, reports or sweep)")
	}
	_, err := c.Tunnels()
	return err
}

// Tunnels reads tunnel_ports as the capture reader takes them; an error
// names the entry.
func (c *Config) Tunnels() (map[uint16]pcap.Tunnel, error) {
	if len(c.TunnelPorts) == 0 {
		return nil, nil
	}
	out := make(map[uint16]pcap.Tunnel, len(c.TunnelPorts))
	for number, name := range c.TunnelPorts {
		port, kind, err := pcap.TunnelPort(number, name)
		if err != nil {
			return nil, fmt.Errorf("audit.tunnel_ports: %v", err)
		}
		out[port] = kind
	}
	return out, nil
}

// Plan is the section as the sweep package takes it; sweep.NewConfig checks
// it (scope, public ranges, size, exclusions, paces, probes, ports).
func (s *Sweep) Plan() (sweep.Plan, error) {
	discWait, timeout, err := s.Durations()
	if err != nil {
		return sweep.Plan{}, err
	}
	return sweep.Plan{Interface: s.Interface, Targets: s.Targets, TargetsFile: s.TargetsFile,
		Exclude: s.Exclude, ExcludeFile: s.ExcludeFile, Rate: s.Rate, BroadcastRate: s.BroadcastRate,
		DiscoveryWait: discWait, Timeout: timeout, Probes: s.Probes, Ports: s.Ports,
		AllowPublic: s.AllowPublic, AllowLarge: s.LargeScope}, nil
}

// Durations reads discovery_wait and timeout; an empty one is 0 (the
// sweep's default). Errors name the key.
func (s *Sweep) Durations() (discoveryWait, timeout time.Duration, err error) {
	for _, d := range []struct {
		key, value string
		into       *time.Duration
	}{{"discovery_wait", s.DiscoveryWait, &discoveryWait}, {"timeout", s.Timeout, &timeout}} {
		if d.value == "" {
			continue
		}
		if *d.into, err = time.ParseDuration(d.value); err != nil {
			return 0, 0, fmt.Errorf("audit.sweep.%s: %v", d.key, err)
		}
	}
	return discoveryWait, timeout, nil
}

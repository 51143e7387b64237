package sweep

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPlanValidateNamesTheBadOption checks that every refusal names the
// option at fault, so the command and an audit configuration can point at it.
func TestPlanValidateNamesTheBadOption(t *testing.T) {
	dir := t.TempDir()
	badFile := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(badFile, []byte("10.0.0.0/24\n# a comment\nnot-a-network\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(emptyFile, []byte("# nothing here\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		plan    Plan
		option  string
		message string
	}{
		{Plan{Targets: []string{"10.0.0.0/24"}, Rate: 0.5}, OptRate, "between 1 and"},
		{Plan{Targets: []string{"10.0.0.0/24"}, BroadcastRate: -5}, OptBroadcastRate, "between 1 and"},
		{Plan{Targets: []string{"10.0.0.0/24"}, Rate: MaxRate + 1}, OptRate, "between 1 and"},
		{Plan{Targets: []string{"10.0.0.0/24"}, DiscoveryWait: time.Millisecond}, OptDiscoveryWait, "between"},
		{Plan{Targets: []string{"10.0.0.0/24"}, Timeout: 2 * time.Minute}, OptTimeout, "between"},
		{Plan{Targets: []string{"10.0.0.0/24"}, Probes: []string{"arp", "snmp"}}, OptProbes, `unknown probe "snmp"`},
		{Plan{Targets: []string{"10.0.0.0/24"}, Ports: []int{80, 70000}}, OptPorts, "bad port 70000"},
		{Plan{Targets: []string{"example.com"}}, OptTargets, "neither an address nor a CIDR"},
		{Plan{Targets: []string{"8.8.8.0/24"}}, OptTargets, "--allow-public"},
		{Plan{Targets: []string{"10.0.0.0/15"}}, OptTargets, "131072 addresses"},
		{Plan{TargetsFile: badFile}, OptTargetsFile, "bad.txt:3:"},
		{Plan{TargetsFile: emptyFile}, OptTargetsFile, "lists no targets"},
		{Plan{TargetsFile: filepath.Join(dir, "missing")}, OptTargetsFile, "no such file"},
		{Plan{Targets: []string{"10.0.0.0/24"}, Exclude: []string{"10.0.0.300"}}, OptExclude, "10.0.0.300"},
		{Plan{Targets: []string{"10.0.0.0/24"}, ExcludeFile: badFile}, OptExcludeFile, "bad.txt:3:"},
	}
	for _, tt := range tests {
		err := tt.plan.Validate()
		var pe *PlanError
		if !errors.As(err, &pe) || pe.Option != tt.option || !strings.Contains(err.Error(), tt.message) {
			t.Errorf("%+v: got %v, want a %s error with %q", tt.plan, err, tt.option, tt.message)
		}
	}
	if err := (Plan{Targets: []string{"10.0.0.0/15"}}).Validate(); !errors.Is(err, ErrNeedsConfirmation) {
		t.Errorf("a /15 without AllowLarge: %v, want ErrNeedsConfirmation", err)
	}
}

func TestNewConfigFromTargetsAndFiles(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.txt")
	body := "# site networks\n10.20.0.0/22   # cameras\n\n198.18.0.7\n10.30.5.0/24 10.30.6.0/24\n"
	if err := os.WriteFile(targets, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	excludes := filepath.Join(dir, "exclude.txt")
	if err := os.WriteFile(excludes, []byte("10.20.1.0/24 # the PLCs\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := Plan{Targets: []string{"10.40.0.0/16"}, TargetsFile: targets, Exclude: []string{"10.40.0.1"}, ExcludeFile: excludes,
		Rate: 500, Probes: []string{"tcp"}, Ports: []int{80, 554}, AllowLarge: true}
	cfg, inputs, err := NewConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	wantTargets := "10.40.0.0/16,10.20.0.0/22,198.18.0.7,10.30.5.0/24,10.30.6.0/24"
	if len(inputs) != 1 || inputs[0] != wantTargets {
		t.Errorf("inputs = %q, want [%q]", inputs, wantTargets)
	}
	if cfg.Segment != nil {
		t.Error("targets without an interface got a segment")
	}
	wantExclude := []netip.Prefix{netip.MustParsePrefix("10.40.0.1/32"), netip.MustParsePrefix("10.20.1.0/24")}
	if len(cfg.Exclude) != 2 || cfg.Exclude[0] != wantExclude[0] || cfg.Exclude[1] != wantExclude[1] {
		t.Errorf("Exclude = %v, want %v", cfg.Exclude, wantExclude)
	}
	if cfg.Rate != 500 || !cfg.Probes["tcp"] || len(cfg.Probes) != 1 || len(cfg.Ports) != 2 || cfg.Ports[1] != 554 {
		t.Errorf("config = %+v", cfg)
	}
	r := &run{cfg: cfg}
	inScope := r.scopeFunc()
	for addr, want := range map[string]bool{
		"10.20.0.5": true, "10.20.1.5": false, "10.40.0.1": false, "10.40.0.2": true, "198.18.0.7": true, "198.18.0.8": false,
	} {
		if got := inScope(netip.MustParseAddr(addr)); got != want {
			t.Errorf("inScope(%s) = %v, want %v", addr, got, want)
		}
	}
	if _, _, err := NewConfig(Plan{Interface: "no-such-interface0"}); err == nil || !strings.Contains(err.Error(), OptInterface+": ") {
		t.Errorf("unknown interface: %v", err)
	}
}

// FuzzParseTargetLines: any file content either fails with a line number or
// yields masked IPv4 prefixes; it never panics.
func FuzzParseTargetLines(f *testing.F) {
	for _, seed := range []string{
		"10.0.0.0/24\n# comment\n198.18.0.7 10.1.0.0/16 # two\n",
		"", "#", "\n\n", "10.0.0.0/33", "fe80::/64", "1.2.3.4/0", "10.0.0.1#x\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ps, err := parseTargetLines("t.txt", strings.NewReader(body))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "t.txt") {
				t.Errorf("error without the file name: %v", err)
			}
			return
		}
		for _, p := range ps {
			if !p.Addr().Is4() || p != p.Masked() {
				t.Errorf("%s: not a masked IPv4 prefix", p)
			}
		}
	})
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
)

func runDemo(cmd *cobra.Command, o *demoOptions) error {
	out, err := settleTarget(o.format, cmd.Flags().Changed("format"), o.outPath, "--format", "-o", formatList())
	if err != nil {
		return err
	}
	o.format = out.format // the sweep it runs gets the settled format
	if reason := demoUnavailable(os.Geteuid(), lab.Unavailable); reason != "" {
		return &exitErr{code: exitError, err: errors.New(reason)}
	}
	profiles, err := demoProfiles(o.data)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := cmd.ErrOrStderr()
	l, err := buildDemoLab(ctx, stderr, profiles)
	if l != nil {
		defer func() {
			if cerr := l.Close(); cerr != nil {
				fmt.Fprintln(stderr, "camsweep demo: removing the lab:", cerr)
				return
			}
			fmt.Fprintln(stderr, "camsweep demo: lab removed. On a real segment: sudo camsweep sweep -i IFACE --policy site.yaml")
		}()
	}
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return demoSweep(ctx, cmd, o, l)
}

// demoUnavailable says plainly why the demo cannot run, or "" if it can.
func demoUnavailable(euid int, labUnavailable func() string) string {
	if euid != 0 {
		return "demo needs root: it builds a private network of simulated devices in network namespaces. Run: sudo camsweep demo"
	}
	if reason := labUnavailable(); reason != "" {
		return "demo cannot build its lab here: " + reason
	}
	return ""
}

// buildDemoLab creates the lab and starts every demo device in its zone.
// A non-nil lab is returned even with an error, so the caller removes it.
func buildDemoLab(ctx context.Context, stderr io.Writer, profiles map[string]camsim.Profile) (*lab.Lab, error) {
	fmt.Fprintf(stderr, "camsweep demo: building a lab of %d simulated devices on %s (network namespaces, no route out)\n",
		len(demoDevices), demoPrefix)
	l, err := lab.New(lab.Options{Prefix: demoPrefix})
	if err != nil {
		return nil, err
	}
	next := map[bool]netip.Addr{true: netip.MustParseAddr("198.18.0.10"), false: netip.MustParseAddr("198.18.0.130")}
	for i, d := range demoDevices {
		p, ok := profiles[d.profile]
		if !ok {
			return l, fmt.Errorf("demo: no simulated-device profile %q", d.profile)
		}
		ip := next[d.core]
		next[d.core] = ip.Next()
		if err := startDemoDevice(ctx, l, p, i, ip); err != nil {
			return l, err
		}
	}
	return l, ctx.Err()
}

// startDemoDevice starts p at ip. A profile used twice gets a MAC of its
// own by changing the last byte, keeping the maker's OUI.
func startDemoDevice(ctx context.Context, l *lab.Lab, p camsim.Profile, i int, ip netip.Addr) error {
	mac, err := net.ParseMAC(p.MAC)
	if err != nil {
		return err
	}
	name := p.Name
	if _, dup := l.Host(name); dup {
		mac[5] ^= byte(i + 1)
		name = fmt.Sprintf("%s-%d", p.Name, i)
		p.MAC = mac.String()
	}
	host, err := l.AddHost(name, mac, ip)
	if err != nil {
		return fmt.Errorf("demo: %s: %w", name, err)
	}
	if _, err := camsim.Start(ctx, host, p); err != nil {
		return fmt.Errorf("demo: %s: %w", name, err)
	}
	return nil
}

// demoPolicy is the demo's policy: the lab's halves as a core and a CCTV zone.
const demoPolicy = `# camsweep demo policy: the lab LAN split into two zones.
version: 1
sites:
  - name: demo-lab
    zones:
      - name: core
        cidrs: [198.18.0.0/25]
        core: true
      - name: cctv
        cidrs: [198.18.0.128/25]
`

// demoSweep runs "camsweep sweep" as a separate process inside the lab's
// scanner namespace. It must be a process: a namespace belongs to one OS
// thread, and a sweep's goroutines started here would probe the real network.
func demoSweep(ctx context.Context, cmd *cobra.Command, o *demoOptions, l *lab.Lab) error {
	dir, err := os.MkdirTemp("", "camsweep-demo-")
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	defer os.RemoveAll(dir)
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(demoPolicy), 0o600); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	args := []string{"sweep", "-i", l.Scanner().Interface, "--policy", policyFile, "--format", o.format, "--fail-on", "none"}
	if o.outPath != "" {
		out, err := filepath.Abs(o.outPath)
		if err != nil {
			return usageError("-o %s: %v", o.outPath, err)
		}
		args = append(args, "-o", out)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "camsweep demo: sweeping it from %s with \"camsweep %s\" (zones: core 198.18.0.0/25, cctv 198.18.0.128/25)\n",
		l.Scanner().IP, strings.Join(args[:3], " "))
	// Resolved here: "ip netns exec" would read /proc/self/exe as itself.
	self, err := os.Executable()
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("finding camsweep's own executable: %w", err)}
	}
	sweep := l.Scanner().Command(context.WithoutCancel(ctx), self, args...)
	sweep.Stdout, sweep.Stderr = cmd.OutOrStdout(), cmd.ErrOrStderr()
	if err := sweep.Start(); err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("starting the sweep: %w", err)}
	}
	return waitSweep(ctx, sweep)
}

// waitSweep waits for the sweep; on Ctrl-C it asks the sweep to stop the
// same way (it then prints what it found) and kills it if it does not.
func waitSweep(ctx context.Context, sweep *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- sweep.Wait() }()
	select {
	case err := <-done:
		if killedBySignal(err) && ctx.Err() != nil {
			// Ctrl-C in a terminal reaches the sweep too, and may end it
			// before this process has seen its own.
			return &exitErr{code: exitPartial, err: errors.New("interrupted before the sweep could report")}
		}
		return sweepExit(err)
	case <-ctx.Done():
	}
	sweep.Process.Signal(os.Interrupt)
	select {
	case err := <-done:
		if killedBySignal(err) {
			// The sweep had not yet set up its own handling of Ctrl-C.
			return &exitErr{code: exitPartial, err: errors.New("interrupted before the sweep could report")}
		}
		if err := sweepExit(err); err != nil {
			return err
		}
		return &exitErr{code: exitPartial, err: errors.New("interrupted")}
	case <-time.After(5 * time.Second):
		sweep.Process.Kill()
		<-done
		return &exitErr{code: exitPartial, err: errors.New("interrupted; the sweep did not stop and was killed")}
	}
}

// killedBySignal reports whether the sweep was ended by a signal rather
// than exiting (its exit code is then -1).
func killedBySignal(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == -1
}

// sweepExit passes the sweep's exit code through; it has printed its own
// errors (run prints this one only for exit 1). A sweep killed by a signal
// has no exit code of its own: that is an error.
func sweepExit(err error) error {
	var ee *exec.ExitError
	if killedBySignal(err) {
		return &exitErr{code: exitError, err: fmt.Errorf("the sweep in the lab was killed: %v", err)}
	}
	if errors.As(err, &ee) {
		return &exitErr{code: ee.ExitCode(), err: fmt.Errorf("the sweep in the lab failed (exit %d)", ee.ExitCode())}
	}
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return nil
}

// demoProfiles loads the simulated-device profiles by name, from dir when
// given, else from the first place that has them.
func demoProfiles(dir string) (map[string]camsim.Profile, error) {
	fsys, where, err := camsimData(dir)
	if err != nil {
		return nil, err
	}
	ps, err := camsim.LoadProfiles(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("loading simulated devices from %s: %w", where, err)
	}
	out := make(map[string]camsim.Profile, len(ps))
	for _, p := range ps {
		out[p.Name] = p
	}
	return out, nil
}

// camsimData is the named directory, or the profiles built into camsweep.
func camsimData(dir string) (fs.FS, string, error) {
	if dir != "" {
		return os.DirFS(dir), dir, nil
	}
	return camsim.Data(), "the built-in profiles", nil
}

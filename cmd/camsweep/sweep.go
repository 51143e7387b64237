package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/scanner/sweep"
)

const sweepLong = `Sweep a network for surveillance equipment. By default it sweeps the local
segment of the default interface: ARP finds every host, link-local discovery
(mDNS, ONVIF WS-Discovery, Hikvision SADP, Dahua DHIP, Xiongmai search, SSDP)
asks devices to describe themselves, and each host gets a few polite TCP probes
on camera ports (HTTP, RTSP, TLS certificate, banners, ONVIF
GetSystemDateAndTime) as soon as it is found. It never tries a password or an
exploit. On a web port it fetches what a browser opening the device's page
fetches, within bounds: up to 3 redirects of / on the same host and port
(HTTP Location, meta refresh, a redirect page's script), then up to 4 of the
frames and scripts the page it lands on loads; plain GETs only, never a link
that carries a credential or leaves the device, each one connection paced like
the others.

Pacing: --rate caps every packet and connection attempt (default 2000/s);
--broadcast-rate caps ARP and discovery requests (default 300/s), which every
host on the segment must handle; the port probes open at most 2 connections
to a device at once. What ARP finds is written into the kernel's neighbour
table (never over an entry already there), so the probes that follow do not
broadcast ARP again; without raw ARP, the requests the kernel broadcasts for
each address probed are held to --broadcast-rate too.

Only what you name is touched: the chosen interface's segment, narrowed or
replaced by --targets. Routed networks (--targets outside the segment) are
reached with unicast probes only: ARP and multicast do not cross routers, so
run one sweep per segment for MAC addresses and discovery answers. Public
address ranges need --allow-public; more than 65,536 addresses need --yes.

Raw ARP needs root or CAP_NET_RAW. Without it the sweep still runs its UDP and
TCP probes, reads MACs from the kernel's neighbour table, and says so.
Ctrl-C stops the sweep and still reports what was found.`

const sweepExample = `  sudo camsweep sweep
  sudo camsweep sweep -i eth1 --format json -o sweep.json
  camsweep sweep --targets 10.20.0.0/22,10.30.5.0/24 --rate 200
  sudo camsweep sweep -i eth1 --probes arp,sadp,dhip,wsd --policy site.yaml`

type sweepOptions struct {
	out         outputOptions
	iface       string
	targets     string
	rate        float64
	bcastRate   float64
	discWait    time.Duration
	probes      string
	ports       string
	timeout     time.Duration
	allowPublic bool
	yes         bool
}

func newSweepCmd() *cobra.Command {
	var o sweepOptions
	cmd := &cobra.Command{
		Use:     "sweep",
		Short:   "Actively find cameras, NVRs and DVRs on the local segment or named networks",
		Long:    sweepLong,
		Example: sweepExample,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runSweep(cmd, &o) },
	}
	o.out.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.iface, "interface", "i", "", "interface whose segment to sweep (default: the one holding the default route)")
	f.StringVar(&o.targets, "targets", "", "comma-separated IPv4 CIDRs or addresses to sweep instead of the whole segment")
	f.Float64Var(&o.rate, "rate", sweep.DefaultRate, "most packets and connection attempts per second, in all")
	f.Float64Var(&o.bcastRate, "broadcast-rate", sweep.DefaultBroadcastRate, "most broadcast and multicast packets per second (ARP, discovery requests), which every host\non the segment must handle; never above --rate")
	f.DurationVar(&o.discWait, "discovery-wait", sweep.DefaultListenWindow, "how long to listen for answers to the discovery requests (raise it on a slow or busy network)")
	f.StringVar(&o.probes, "probes", "", "comma-separated probes to run (default all): "+strings.Join(sweep.AllProbes, ","))
	f.StringVar(&o.ports, "ports", "", "comma-separated TCP ports to probe on each host (default "+joinPorts(sweep.DefaultPorts)+")")
	f.DurationVar(&o.timeout, "timeout", sweep.DefaultExchangeTimeout, "longest one request/response exchange with a device may take; a device silent for half of it is taken as silent")
	f.BoolVar(&o.allowPublic, "allow-public", false, "allow public address ranges in --targets (only where you are authorised)")
	f.BoolVar(&o.yes, "yes", false, "confirm a sweep of more than 65,536 addresses")
	return cmd
}

func runSweep(cmd *cobra.Command, o *sweepOptions) error {
	if err := o.out.validate(); err != nil {
		return err
	}
	cfg, inputs, err := o.config()
	if err != nil {
		return err
	}
	pol, eng, err := o.out.setup()
	if err != nil {
		return err
	}
	res := newResult("sweep", inputs)
	stderr := cmd.ErrOrStderr()
	cfg.Progress = sweepProgress(stderr, o.out.quiet)
	sum, err := sweep.Run(cmd.Context(), cfg, eng.Add)
	res.Unprivileged = sum.Unprivileged
	for _, w := range sum.Warnings {
		warn(stderr, res, "%s", w)
	}
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		res.Partial = true
		warn(stderr, res, "interrupted: results cover what was found before Ctrl-C")
	default:
		return &exitErr{code: exitError, err: err}
	}
	if !o.out.quiet {
		fmt.Fprintf(stderr, "camsweep: sweep sent %d packets to %d responding hosts\n", sum.Sent, sum.Hosts)
	}
	return o.out.finish(cmd, res, pol, eng.Devices())
}

// config turns the flags into a sweep configuration, refusing anything out of
// scope before a packet leaves.
func (o *sweepOptions) config() (sweep.Config, []string, error) {
	cfg := sweep.Config{Rate: o.rate, BroadcastRate: o.bcastRate, ExchangeTimeout: o.timeout, ListenWindow: o.discWait}
	if o.rate < 1 || o.rate > 100000 {
		return cfg, nil, usageError("--rate must be between 1 and 100000 packets per second")
	}
	if o.bcastRate < 1 || o.bcastRate > 100000 {
		return cfg, nil, usageError("--broadcast-rate must be between 1 and 100000 packets per second")
	}
	if o.discWait < 100*time.Millisecond || o.discWait > time.Minute {
		return cfg, nil, usageError("--discovery-wait must be between 100ms and 1m")
	}
	if o.timeout < 100*time.Millisecond || o.timeout > time.Minute {
		return cfg, nil, usageError("--timeout must be between 100ms and 1m")
	}
	probes, err := parseProbes(o.probes)
	if err != nil {
		return cfg, nil, err
	}
	cfg.Probes = probes
	if cfg.Ports, err = parsePorts(o.ports); err != nil {
		return cfg, nil, err
	}
	var inputs []string
	if o.targets != "" {
		if cfg.Targets, err = sweep.ParseTargets(o.targets); err != nil {
			return cfg, nil, usageError("%v", err)
		}
		n, err := sweep.CheckScope(cfg.Targets, o.allowPublic)
		if err != nil {
			return cfg, nil, usageError("%v", err)
		}
		if n > sweep.LargeScope && !o.yes {
			return cfg, nil, usageError("--targets cover %d addresses; add --yes to sweep that many", n)
		}
		inputs = append(inputs, o.targets)
	}
	// An interface is swept when named, or by default when no targets are given.
	if o.iface != "" || o.targets == "" {
		ifi, err := pickInterface(o.iface)
		if err != nil {
			return cfg, nil, &exitErr{code: exitError, err: err}
		}
		seg, err := sweep.LocalSegment(ifi)
		if err != nil {
			return cfg, nil, &exitErr{code: exitError, err: err}
		}
		if o.targets == "" {
			n, err := sweep.CheckScope([]netip.Prefix{seg.Prefix}, true)
			if err != nil {
				return cfg, nil, usageError("segment %s of %s: %v", seg.Prefix, ifi.Name, err)
			}
			if n > sweep.LargeScope && !o.yes {
				return cfg, nil, usageError("the segment %s of %s has %d addresses; add --yes or narrow it with --targets", seg.Prefix, ifi.Name, n)
			}
		}
		cfg.Segment = &seg
		inputs = append([]string{ifi.Name + " " + seg.Prefix.String()}, inputs...)
	}
	return cfg, inputs, nil
}

func pickInterface(name string) (*net.Interface, error) {
	if name == "" {
		return sweep.DefaultInterface()
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("interface %q: %v", name, err)
	}
	return ifi, nil
}

func parseProbes(s string) (map[string]bool, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(sweep.AllProbes, p) {
			return nil, usageError("unknown probe %q (want some of %s)", p, strings.Join(sweep.AllProbes, ","))
		}
		out[p] = true
	}
	return out, nil
}

func parsePorts(s string) ([]uint16, error) {
	if s == "" {
		return nil, nil
	}
	var out []uint16
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 65535 {
			return nil, usageError("bad port %q in --ports", f)
		}
		out = append(out, uint16(n))
	}
	return out, nil
}

func joinPorts(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}

// sweepProgress shows hosts found and probed on stderr when it is a
// terminal. Hosts are probed as they are found, so the bar's end grows.
func sweepProgress(stderr io.Writer, quiet bool) func(sweep.Progress) {
	if !drawsProgress(stderr, quiet) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(p sweep.Progress) {
		if bar == nil {
			bar = progressbar.NewOptions(max(p.Queued, 1), progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetWidth(30), progressbar.OptionShowCount(),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		if p.Done {
			_ = bar.Finish()
			fmt.Fprint(stderr, "\r\033[K")
			return
		}
		if int64(p.Queued) > bar.GetMax64() {
			bar.ChangeMax(p.Queued)
		}
		if p.Queued == 0 {
			bar.Describe("finding hosts")
		} else {
			bar.Describe(fmt.Sprintf("%d hosts found, probed", p.Hosts))
		}
		_ = bar.Set(p.Probed)
	}
}

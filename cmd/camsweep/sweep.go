package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/sweep"
)

const sweepLong = `Sweep a network for surveillance equipment. By default it sweeps the local
segment of the default interface: ARP finds every host, link-local discovery
(mDNS, ONVIF WS-Discovery, Hikvision SADP, Dahua DHIP, Xiongmai search, the
HDS search of HiSilicon-SDK cameras, GigE Vision, SSDP, the SSDP search for
EmbeddedNetDeviceControl that TVT firmware answers, TP-Link's device discovery
on UDP 20002 (Tapo cameras), and the camera searches of Foscam's tool (MO_I,
UDP 10000), VStarcam's (UDP 8600) and the Topsee/Anjvision SDK's (UDP 3001))
asks devices to describe themselves, one request per protocol (sent twice,
250 ms apart, in case one is lost), and each host
gets a few polite TCP probes on camera ports (HTTP, RTSP, TLS certificate,
banners, ONVIF GetSystemDateAndTime) as soon as it is found. It never tries a password or an exploit. On a web port it fetches what
a browser opening the device's page fetches, within bounds: up to 3 redirects
of / on the same host and port (HTTP Location, meta refresh, a redirect page's
script), then up to 4 of the frames and scripts the page it lands on loads;
plain GETs only, never a link that carries a credential or leaves the device,
each one connection paced like the others.

Pacing: --rate caps every packet and connection attempt (default 2000/s);
--broadcast-rate caps ARP and discovery requests (default 300/s), which every
host on the segment must handle; the port probes open at most 2 connections
to a device at once. What ARP finds is written into the kernel's neighbour
table (never over an entry already there), so the probes that follow do not
broadcast ARP again; without raw ARP, the requests the kernel broadcasts for
each address probed are held to --broadcast-rate too.

ARP asks every address once; one that stays silent is asked once more after
2 s. On a large, mostly empty segment only the first 1,024 silent addresses
are all asked again; after them one in 16, and more as answers heard only
on a second request show the segment drops answers (all of them when one
answer in four is lost). No address is asked more than twice.

Only what you name is touched: the chosen interface's segment, narrowed or
replaced by --targets and --targets-file (one CIDR or address a line, #
comments, as nmap's -iL). --exclude and --exclude-file name addresses that
must never receive a packet: no ARP request asks for them, no probe goes to
them and their answers are not reported. (Broadcasts reach every host of
the segment, excluded ones too, without asking for them; --probes arp,tcp
leaves out the multicast discovery requests.) Routed networks (--targets outside the segment) are reached with
unicast only: each address is first knocked at on a few camera ports
(80, 443, 554, 8000; a refused connection counts as an answer) and, with
root or CAP_NET_RAW, sent an ICMP echo request (a silent address once more
after 1 s); only hosts that answer either get the full probes. Without raw
sockets the knock alone finds them, and the summary says so once. ARP and multicast do not cross
routers, so run one sweep per segment for MAC addresses and discovery
answers. Public address ranges need --allow-public; more than 65,536
addresses need --yes.

A full send queue (ENOBUFS) slows the sweep down for the rest of its run
and the summary says so. On a terminal a status line shows hosts found,
addresses asked, the pace and the time left; without one, a sweep expected
to take over a minute logs that line every 10 s (-q silences both).

--listen also listens to the segment while the sweep runs, as "camsweep
listen" does: devices that announce themselves are reported with what they
said, among them devices no sweep can ask (one with no address of its own,
heard only by its ARP probes or DHCP requests; one configured for another
subnet, heard by its SADP, DHIP or mDNS announcements). Excluded addresses
are not reported; a device that announces itself from the segment is, even
when --targets names only part of the segment (what the listener hears is not
a probe). It needs root or CAP_NET_RAW; without it the sweep runs
on and says so.

Raw ARP and ICMP echo need root or CAP_NET_RAW. Without it the sweep still
runs its UDP and TCP probes, reads MACs from the kernel's neighbour table,
and says so.
Ctrl-C, or an error that ends the sweep early, still reports what was found
(marked partial, exit 3).`

const sweepExample = `  sudo camsweep sweep
  sudo camsweep sweep -i eth1 --format json -o sweep.json
  camsweep sweep --targets 10.20.0.0/22,10.30.5.0/24 --rate 200
  sudo camsweep sweep -i eth1 --probes arp,sadp,dhip,wsd --policy site.yaml
  sudo camsweep sweep -i eth1 --exclude-file plc.txt --broadcast-rate 100
  camsweep sweep --targets-file sites.txt --exclude 10.20.0.1`

type sweepOptions struct {
	out         outputOptions
	iface       string
	targets     string
	targetsFile string
	exclude     string
	excludeFile string
	rate        float64
	bcastRate   float64
	discWait    time.Duration
	probes      string
	ports       string
	timeout     time.Duration
	allowPublic bool
	yes         bool
	listen      bool
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
	f.StringVar(&o.targetsFile, "targets-file", "", "file of targets, one CIDR or address a line, # comments (as nmap -iL); added to --targets")
	f.StringVar(&o.exclude, "exclude", "", "comma-separated CIDRs or addresses that must never receive a packet")
	f.StringVar(&o.excludeFile, "exclude-file", "", "file of exclusions, one CIDR or address a line, # comments")
	f.Float64Var(&o.rate, "rate", sweep.DefaultRate, "most packets and connection attempts per second, in all")
	f.Float64Var(&o.bcastRate, "broadcast-rate", sweep.DefaultBroadcastRate, "most broadcast and multicast packets per second (ARP, discovery requests), which every host\non the segment must handle; never above --rate")
	f.DurationVar(&o.discWait, "discovery-wait", sweep.DefaultListenWindow, "how long to listen for answers to the discovery requests (raise it on a slow or busy network)")
	f.StringVar(&o.probes, "probes", "", "comma-separated probes to run (default all): "+strings.Join(sweep.AllProbes, ","))
	f.StringVar(&o.ports, "ports", "", "comma-separated TCP ports to probe on each host (default "+joinPorts(sweep.DefaultPorts)+")")
	f.DurationVar(&o.timeout, "timeout", sweep.DefaultExchangeTimeout, "longest one request/response exchange with a device may take; a device silent for half of it is taken as silent")
	f.BoolVar(&o.allowPublic, "allow-public", false, "allow public address ranges in --targets (only where you are authorised)")
	f.BoolVar(&o.yes, "yes", false, "confirm a sweep of more than 65,536 addresses")
	f.BoolVar(&o.listen, "listen", false, "also listen to the segment while sweeping and report devices that announce themselves,\nthose without an address or on another subnet among them (needs root or CAP_NET_RAW)")
	return cmd
}

func runSweep(cmd *cobra.Command, o *sweepOptions) error {
	if err := requireLinux("sweep"); err != nil {
		return err
	}
	if err := o.out.validate(cmd); err != nil {
		return err
	}
	cfg, inputs, err := o.config()
	if err != nil {
		return err
	}
	if o.listen && cfg.Segment == nil {
		return usageError("--listen hears the local segment only: sweep one (with -i, or targets on it)")
	}
	pol, eng, err := o.out.setup()
	if err != nil {
		return err
	}
	res := newResult("sweep", inputs)
	stderr := cmd.ErrOrStderr()
	cfg.Progress = sweepProgress(stderr, o.out.quiet)
	stopListening := func() {}
	if o.listen {
		stopListening = listenDuringSweep(cmd.Context(), stderr, res, cfg, pol.SiteRanges(), eng.Add)
	}
	sum, err := sweep.Run(cmd.Context(), cfg, eng.Add)
	stopListening()
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
		// What was found before the error is reported, marked partial.
		res.Partial = true
		warn(stderr, res, "the sweep stopped early: %v; results cover what was found before", err)
	}
	if !o.out.quiet {
		fmt.Fprintf(stderr, "camsweep: sweep sent %d packets to %d responding hosts\n", sum.Sent, sum.Hosts)
	}
	return o.out.finish(cmd, res, pol, eng.Devices())
}

// listenDuringSweep listens to the swept segment (sweep.ListenDuring) until
// the returned stop is called. A capture that cannot open or stops early is
// a warning: the sweep's own results stand.
func listenDuringSweep(ctx context.Context, stderr io.Writer, res *report.Result, cfg sweep.Config, site []netip.Prefix, add scanner.Emit) (stop func()) {
	iface := cfg.Segment.Interface.Name
	stopCapture, err := sweep.ListenDuring(ctx, cfg, site, add)
	if err != nil {
		warn(stderr, res, "--listen: capturing on %s: %v (listening needs root or CAP_NET_RAW); the sweep runs without it", iface, err)
		return func() {}
	}
	return func() {
		if err := stopCapture(); err != nil {
			warn(stderr, res, "--listen: capture on %s stopped early: %v", iface, err)
		}
	}
}

// config turns the flags into a sweep configuration: the sweep package
// checks the plan, so nothing out of scope leaves and a bad flag is named.
func (o *sweepOptions) config() (sweep.Config, []string, error) {
	plan, err := o.plan()
	if err != nil {
		return sweep.Config{}, nil, err
	}
	cfg, inputs, err := sweep.NewConfig(plan)
	if err != nil {
		return cfg, nil, flagError(err)
	}
	return cfg, inputs, nil
}

// plan is the flags as the sweep package takes them.
func (o *sweepOptions) plan() (sweep.Plan, error) {
	p := sweep.Plan{Interface: o.iface, Targets: splitList(o.targets), TargetsFile: o.targetsFile,
		Exclude: splitList(o.exclude), ExcludeFile: o.excludeFile, Rate: o.rate, BroadcastRate: o.bcastRate,
		DiscoveryWait: o.discWait, Timeout: o.timeout, Probes: splitList(o.probes),
		AllowPublic: o.allowPublic, AllowLarge: o.yes}
	for _, f := range splitList(o.ports) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return p, usageError("bad port %q in --ports", f)
		}
		p.Ports = append(p.Ports, n)
	}
	// A zero flag is a mistake here, not "the default" as it is in a Plan.
	for _, z := range []struct {
		name string
		zero bool
	}{{"rate", o.rate == 0}, {"broadcast-rate", o.bcastRate == 0}, {"discovery-wait", o.discWait == 0}, {"timeout", o.timeout == 0}} {
		if z.zero {
			return p, usageError("--%s must not be 0", z.name)
		}
	}
	return p, nil
}

// flagError words a plan's error in the command's flags.
func flagError(err error) error {
	var pe *sweep.PlanError
	if !errors.As(err, &pe) {
		return &exitErr{code: exitError, err: err}
	}
	hint := ""
	if errors.Is(err, sweep.ErrNeedsConfirmation) {
		hint = "; add --yes to sweep that many"
	}
	return usageError("--%s: %v%s", pe.Option, pe.Err, hint)
}

// splitList splits a comma-separated flag, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func joinPorts(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}

// sweepProgress shows how far the sweep is on stderr: a status bar on a
// terminal; otherwise, for a sweep expected to take more than a minute, a
// line every 10 s (a log should show a long sweep is alive). -q silences both.
func sweepProgress(stderr io.Writer, quiet bool) func(sweep.Progress) {
	switch {
	case quiet:
		return nil
	case drawsProgress(stderr, quiet):
		return sweepBar(stderr)
	default:
		return sweepLog(stderr, 10*time.Second, time.Minute)
	}
}

// sweepBar draws hosts probed against hosts found, described by what
// discovery has asked so far. Hosts are probed as they are found, so the
// bar's end grows.
func sweepBar(stderr io.Writer) func(sweep.Progress) {
	var bar *progressbar.ProgressBar
	return func(p sweep.Progress) {
		if bar == nil {
			bar = progressbar.NewOptions(max(p.Queued, 1), progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetWidth(20), progressbar.OptionShowCount(),
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
		bar.Describe(progressLine(p) + ", probed")
		_ = bar.Set(p.Probed)
	}
}

// sweepLog writes a progress line every interval, when the sweep is
// expected to last longer than longer.
func sweepLog(stderr io.Writer, interval, longer time.Duration) func(sweep.Progress) {
	var last time.Duration
	return func(p sweep.Progress) {
		if p.Done || p.Expected <= longer || p.Elapsed-last < interval {
			return
		}
		last = p.Elapsed
		fmt.Fprintf(stderr, "camsweep: %s\n", progressLine(p))
	}
}

// progressLine says hosts found, addresses asked, the pace and time left.
func progressLine(p sweep.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d hosts found", p.Hosts)
	if p.Addresses > 0 {
		fmt.Fprintf(&b, ", %d/%d addresses asked", p.Asked, p.Addresses)
	}
	if secs := p.Elapsed.Seconds(); secs >= 1 {
		fmt.Fprintf(&b, ", %.0f packets/s", float64(p.Sent)/secs)
	}
	if p.Addresses > 0 && p.Asked < p.Addresses && p.Left > 0 {
		fmt.Fprintf(&b, ", about %s left", p.Left.Round(time.Second))
	}
	return b.String()
}

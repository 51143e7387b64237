package main

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/scanner/live"
	"github.com/camsweep/camsweep/scanner/pcap"
)

const listenLong = `Listen on an interface and identify devices from the traffic they send, through
the same decoders as "camsweep pcap". Nothing is sent: this is the way to survey
a segment where even a polite sweep is not allowed. Devices that talk (DHCP,
ARP, mDNS, SSDP, SADP and DHIP announcements, HDS and GigE Vision discovery
answers, LLDP to the switch port, SNMP answers and traps, SIP registrations,
cloud lookups, HTTP and RTSP to viewers, and the answers to the search tools a
site runs: Tapo/Kasa discovery, Foscam's MO_I, VStarcam's DH, SEARCHIPC, Tuya
announcements, Mi Home miIO answers) are found; silent ones are not. A Wi-Fi
interface already in monitor mode is read as 802.11 (bare, radiotap or Prism)
on the channel it is tuned to, access points' network names and WPS device
descriptions included.
Runs for --for, or until Ctrl-C, then reports. Needs root or CAP_NET_RAW.`

const listenExample = `  sudo camsweep listen -i eth1 --for 10m
  sudo camsweep listen -i eth1 --for 1h --format json -o listen.json`

type listenOptions struct {
	out          outputOptions
	iface        string
	duration     time.Duration
	allAddresses bool
	local        localRanges
	tunnels      tunnelPorts
}

func newListenCmd() *cobra.Command {
	var o listenOptions
	cmd := &cobra.Command{
		Use:     "listen -i IFACE",
		Short:   "Passively identify devices from live traffic on an interface (sends nothing)",
		Long:    listenLong,
		Example: listenExample,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runListen(cmd, &o) },
	}
	o.out.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.iface, "interface", "i", "", "interface to listen on (required)")
	f.DurationVar(&o.duration, "for", 0, "how long to listen, e.g. 10m (default: until Ctrl-C)")
	f.BoolVar(&o.allAddresses, "all-addresses", false, "also inventory hosts with public addresses")
	o.local.register(cmd)
	o.tunnels.register(cmd)
	return cmd
}

func runListen(cmd *cobra.Command, o *listenOptions) error {
	if err := requireLinux("listen"); err != nil {
		return err
	}
	if err := o.out.validate(cmd); err != nil {
		return err
	}
	if o.iface == "" {
		return usageError("name the interface to listen on with -i")
	}
	if o.duration < 0 {
		return usageError("--for must be positive")
	}
	if err := o.local.parse(); err != nil {
		return err
	}
	if err := o.tunnels.parse(); err != nil {
		return err
	}
	pol, eng, err := o.out.setup()
	if err != nil {
		return err
	}
	h, err := live.Open(o.iface)
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("capturing on %s: %w (listening needs root or CAP_NET_RAW)", o.iface, err)}
	}
	ctx := cmd.Context()
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	res := newResult("listen", []string{o.iface})
	var packets atomic.Int64
	stopStatus := func() {}
	if drawsProgress(cmd.ErrOrStderr(), o.out.quiet) {
		stopStatus = listenStatus(ctx, cmd.ErrOrStderr(), o.iface, &packets, eng.Heard)
	}
	stats, err := live.Capture(ctx, h, eng.Add, pcap.Options{AllAddresses: o.allAddresses, Local: o.local.with(pol.SiteRanges()), TunnelPorts: o.tunnels.ports, Probe: "listen"}, &packets)
	stopStatus()
	if err != nil {
		res.Partial = true
		warn(cmd.ErrOrStderr(), res, "capture on %s stopped: %v", o.iface, err)
	}
	if !o.out.quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "camsweep: listened to %d packets on %s\n", stats.Packets, o.iface)
	}
	return o.out.finish(cmd, res, pol, eng.Devices())
}

// listenStatus redraws, once a second until stopped, what listen has heard
// so far and how long it has left (ctx's deadline, if any).
func listenStatus(ctx context.Context, w io.Writer, iface string, packets *atomic.Int64, heard func() int) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
				fmt.Fprint(w, "\r\033[K"+listenLine(iface, packets.Load(), heard(), ctx))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// listenLine is one status line: "listening on eth1: 12345 packets, 7 hosts
// heard, 4m12s left".
func listenLine(iface string, packets int64, heard int, ctx context.Context) string {
	line := fmt.Sprintf("listening on %s: %d packets, %d hosts heard", iface, packets, heard)
	if deadline, ok := ctx.Deadline(); ok {
		line += fmt.Sprintf(", %s left", time.Until(deadline).Round(time.Second))
	} else {
		line += " (Ctrl-C to stop and report)"
	}
	return line
}

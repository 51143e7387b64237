package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

const pcapLong = `Read pcap or pcapng capture files and report the devices seen in them. Nothing
is sent: this is the way to analyse traffic captured elsewhere (a SPAN port, a
tcpdump on a sensor, an incident's evidence). Files of any size are read in
bounded memory. Only hosts with private, link-local, CGNAT or benchmark
(198.18.0.0/15) addresses, or in the site's own ranges (--local, and the
policy's zone CIDRs), are inventoried unless --all-addresses is given; only
those have their MAC bound to their address (a public host's frames usually
come through a router).

A truncated or corrupt file still yields everything before the damage, with a
warning naming the packet, and exit code 3 (2 if there are findings).`

const pcapExample = `  camsweep pcap capture.pcapng
  camsweep pcap --format json -o sweep.json site-a.pcap site-b.pcapng
  camsweep pcap --policy site.yaml --fail-on high capture.pcap
  camsweep pcap --local 130.225.0.0/16,2001:878::/32 campus.pcap
  camsweep pcap -q --format csv capture.pcap > devices.csv`

// pcapOptions are the pcap command's own flags.
type pcapOptions struct {
	out          outputOptions
	allAddresses bool
	local        localRanges
}

func newPcapCmd() *cobra.Command {
	var o pcapOptions
	cmd := &cobra.Command{
		Use:     "pcap FILE...",
		Short:   "Identify devices in pcap/pcapng capture files (sends nothing)",
		Long:    pcapLong,
		Example: pcapExample,
		Args:    cobra.MinimumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runPcap(cmd, args, &o) },
	}
	o.out.register(cmd)
	cmd.Flags().BoolVar(&o.allAddresses, "all-addresses", false, "also inventory hosts with public addresses")
	o.local.register(cmd)
	return cmd
}

func runPcap(cmd *cobra.Command, files []string, o *pcapOptions) error {
	if err := o.out.validate(); err != nil {
		return err
	}
	if err := o.local.parse(); err != nil {
		return err
	}
	for _, f := range files {
		if err := checkReadableFile(f); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	}
	pol, eng, err := o.out.setup()
	if err != nil {
		return err
	}
	res := newResult("pcap", files)
	stderr := cmd.ErrOrStderr()
	var packets int64
	local := o.local.with(pol.SiteRanges())
	for _, f := range files {
		n, err := readCaptureCounting(cmd.Context(), f, eng.Add, o.allAddresses, local, progressFor(stderr, f, o.out.quiet))
		packets += n
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			res.Partial = true
			warn(stderr, res, "interrupted while reading %s: results cover what was read", f)
		case isPartialCapture(err):
			res.Partial = true
			warn(stderr, res, "%v", err) // names the file and packet, says what stands
		default:
			return &exitErr{code: exitError, err: err}
		}
		if cmd.Context().Err() != nil {
			break // interrupted: report what was read
		}
	}
	if !o.out.quiet {
		fmt.Fprintf(stderr, "camsweep: read %d packets from %d file(s)\n", packets, len(files))
	}
	return o.out.finish(cmd, res, pol, engineDevices(cmd.ErrOrStderr(), res, eng))
}

// checkReadableFile turns the common user mistakes into one clear line before
// any work starts: a missing file, a directory, no permission.
func checkReadableFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return plainPathError(path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s: is a directory, not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return plainPathError(path, err)
	}
	return f.Close()
}

// plainPathError says "FILE: reason" without the Go operation name
// ("stat", "open") that *os.PathError puts in between.
func plainPathError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", path, pe.Err)
	}
	return err
}

// drawsProgress says whether progress is drawn: only on a terminal (not a
// pipe, a log file or cron), and not with -q.
func drawsProgress(stderr io.Writer, quiet bool) bool {
	f, ok := stderr.(*os.File)
	return !quiet && ok && term.IsTerminal(int(f.Fd()))
}

// progressFor returns a progress callback drawing a bar on stderr, or nil when
// stderr is not a terminal (a pipe, a log file, cron) or -q was given.
func progressFor(stderr io.Writer, name string, quiet bool) func(done, total int64) {
	if !drawsProgress(stderr, quiet) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int64) {
		if bar == nil {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription(name),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		_ = bar.Set64(done)
		if done >= total {
			_ = bar.Finish()
		}
	}
}

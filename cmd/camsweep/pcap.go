package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/pcap"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

const pcapLong = `Read pcap or pcapng capture files and report the devices seen in them. Nothing
is sent: this is the way to analyse traffic captured elsewhere (a SPAN port, a
tcpdump on a sensor, an incident's evidence). Files of any size are read in
bounded memory; gzip-compressed captures are read as they are. "-" reads a
capture from standard input (tcpdump -w - | camsweep pcap -). Only hosts with
private, link-local, CGNAT or benchmark (198.18.0.0/15) addresses, or in the
site's own ranges (--local, and the policy's zone CIDRs), are inventoried
unless --all-addresses is given; only those have their MAC bound to their
address (a public host's frames usually come through a router).

A capture taken at a remote mirror's collector or on a tunnelled link is
unwrapped: ERSPAN, Ethernet over GRE, VXLAN, Geneve and TZSP (on their ports,
or on any port once a frame inside checks out), Aruba's Wi-Fi GRE, and routed
IP over GRE or IP in IP; the summary says how many packets were read inside a
tunnel. A stream on a port of its own that holds only protected Wi-Fi frames
gives no frame to recognise it by: name its port with --tunnel-port.

Wi-Fi captured in monitor mode (radiotap, PPI, Prism, AVS) is read as 802.11:
open networks' traffic in full, protected frames' senders as devices, access
points' network names (a camera in set-up mode is an access point of its own)
and the WPS device descriptions access points and stations send.

--format observations writes the decoded observations as JSON lines instead
of a report, the input camsweep identify reads: to see why a device was or was
not identified, to filter a capture's facts, or to replay them later.

A truncated or corrupt file still yields everything before the damage, with a
warning naming the packet, and exit code 3 (2 if there are findings).`

const pcapExample = `  camsweep pcap capture.pcapng
  camsweep pcap --format json -o sweep.json site-a.pcap site-b.pcapng
  camsweep pcap --policy site.yaml --fail-on high capture.pcap
  camsweep pcap --local 130.225.0.0/16,2001:878::/32 campus.pcap
  camsweep pcap --tunnel-port 31337=tzsp wifi-mirror.pcap
  camsweep pcap -q --format csv capture.pcap > devices.csv
  tcpdump -i eth0 -w - | camsweep pcap --format jsonl -
  camsweep pcap --format observations capture.pcap | grep wsd. | camsweep identify`

// pcapOptions are the pcap command's own flags.
type pcapOptions struct {
	out          outputOptions
	allAddresses bool
	local        localRanges
	tunnels      tunnelPorts
}

// readOptions are the decoder options the user chose; local are the site's
// own ranges (--local with the policy's zone CIDRs).
func (o *pcapOptions) readOptions(local []netip.Prefix) pcap.Options {
	return pcap.Options{AllAddresses: o.allAddresses, Local: local, TunnelPorts: o.tunnels.ports}
}

func newPcapCmd() *cobra.Command {
	o := pcapOptions{out: outputOptions{observations: true}}
	cmd := &cobra.Command{
		Use:     "pcap FILE...|-",
		Short:   "Identify devices in pcap/pcapng capture files (sends nothing)",
		Long:    pcapLong,
		Example: pcapExample,
		Args:    cobra.MinimumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runPcap(cmd, args, &o) },
	}
	o.out.register(cmd)
	cmd.Flags().BoolVar(&o.allAddresses, "all-addresses", false, "also inventory hosts with public addresses")
	o.local.register(cmd)
	o.tunnels.register(cmd)
	return cmd
}

func runPcap(cmd *cobra.Command, files []string, o *pcapOptions) error {
	if err := o.out.validate(cmd); err != nil {
		return err
	}
	if err := o.local.parse(); err != nil {
		return err
	}
	if err := o.tunnels.parse(); err != nil {
		return err
	}
	if err := checkCaptureInputs(cmd.InOrStdin(), files); err != nil {
		return err
	}
	if o.out.format == formatObservations {
		return runPcapObservations(cmd, files, o)
	}
	pol, err := o.out.loadPolicy()
	if err != nil {
		return err
	}
	res := newResult("pcap", files)
	stderr := cmd.ErrOrStderr()
	local := o.local.with(pol.SiteRanges())
	ctx, cancel := context.WithCancelCause(cmd.Context())
	defer cancel(nil)
	feed := startEngineFeed(o.out.loadEngine, cancel)
	packets, partial, readErr := readCaptures(ctx, cmd, files, feed.Add, o, local, func(format string, a ...any) { warn(stderr, res, format, a...) })
	eng, err := feed.Close()
	if err != nil {
		return err // the engine did not load: nothing was identified
	}
	if readErr != nil {
		return readErr
	}
	res.Partial = partial
	if !o.out.quiet {
		fmt.Fprintf(stderr, "camsweep: read %s from %s%s\n", report.Plural(int(packets.packets), "packet", "packets"), report.Plural(len(files), "file", "files"), packets.tunnelNote())
	}
	return o.out.finish(cmd, res, pol, engineDevices(cmd.ErrOrStderr(), res, eng))
}

// runPcapObservations writes what the decoders saw, one observation a line,
// as the capture is read: no engine, no report, memory does not grow.
func runPcapObservations(cmd *cobra.Command, files []string, o *pcapOptions) error {
	stderr := cmd.ErrOrStderr()
	var partial bool
	err := o.out.writeWith(cmd.OutOrStdout(), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		enc := json.NewEncoder(bw)
		var writeErr error
		emit := func(obs fingerprint.Observation) {
			if writeErr == nil {
				writeErr = enc.Encode(obs)
			}
		}
		warnf := func(format string, a ...any) {
			fmt.Fprintln(stderr, "camsweep: warning:", report.Clean(fmt.Sprintf(format, a...), 300))
		}
		pol, err := o.out.loadPolicy() // its zone CIDRs are local ranges too
		if err != nil {
			return err
		}
		_, partial, err = readCaptures(cmd.Context(), cmd, files, emit, o, o.local.with(pol.SiteRanges()), warnf)
		if err != nil {
			return err
		}
		if writeErr != nil {
			return writeErr
		}
		return bw.Flush()
	})
	if err != nil {
		var ee *exitErr
		if errors.As(err, &ee) {
			return err
		}
		return &exitErr{code: exitError, err: err}
	}
	if partial {
		return &exitErr{code: exitPartial, err: fmt.Errorf("partial input")}
	}
	return nil
}

// checkCaptureInputs turns the common mistakes into one clear line before
// any work starts: a missing or unreadable file, "-" twice, "-" on a terminal.
func checkCaptureInputs(stdin io.Reader, files []string) error {
	stdinSeen := false
	for _, f := range files {
		if f != "-" {
			if err := checkReadableFile(f); err != nil {
				return &exitErr{code: exitError, err: err}
			}
			// Every file is a capture, or nothing is read: a wrong name
			// found after the others were read would end the run without
			// a report.
			if err := pcap.CheckFile(f); err != nil {
				if hint := notCaptureHint(f, err); hint != "" {
					err = fmt.Errorf("%w; %s", err, hint)
				}
				return &exitErr{code: exitError, err: err}
			}
			continue
		}
		if stdinSeen {
			return usageError("standard input (-) can be read only once")
		}
		stdinSeen = true
		if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return usageError("pcap - reads a capture from a pipe (tcpdump -w - | camsweep pcap -), not from a terminal")
		}
	}
	return nil
}

// readCaptures reads every input in turn into emit. It returns the packets
// read and whether the results are partial (an interrupted read or a damaged
// file, each warned about through warnf); an error ends the run.
func readCaptures(ctx context.Context, cmd *cobra.Command, files []string, emit scanner.Emit, o *pcapOptions, local []netip.Prefix, warnf func(string, ...any)) (captureTotals, bool, error) {
	stderr := cmd.ErrOrStderr()
	var packets captureTotals
	partial := false
	for _, f := range files {
		st, err := readCaptureInput(ctx, cmd.InOrStdin(), f, emit, o.readOptions(local), progressFor(stderr, f, o.out.quiet))
		packets.packets += st.Packets
		packets.tunnelled += st.Tunnelled
		switch {
		case err == nil:
		case errors.As(context.Cause(ctx), new(*engineLoadError)):
			return packets, partial, context.Cause(ctx) // stopped because nothing could be identified
		case errors.Is(err, context.Canceled):
			partial = true
			warnf("interrupted while reading %s: results cover what was read", f)
		case isPartialCapture(err):
			partial = true
			warnf("%v", err) // names the file and packet, says what stands
		default:
			return packets, partial, &exitErr{code: exitError, err: err}
		}
		if ctx.Err() != nil {
			break // interrupted: report what was read
		}
	}
	return packets, partial, nil
}

// notCaptureHint says which command reads a file that pcap refused as no
// capture, when its first bytes show the text another command takes: the
// observation lines and the reports camsweep writes, nmap's XML, Zeek's logs.
func notCaptureHint(name string, err error) string {
	var fe *pcap.FormatError
	if name == "-" || !errors.As(err, &fe) {
		return ""
	}
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if hint := importHint(head, name); hint != "" {
		return hint
	}
	if bytes.HasPrefix(firstContentLine(head), []byte("{")) {
		return "if it holds observation lines (JSON, one object a line): camsweep identify " + name
	}
	return ""
}

// importHint names the command that reads a file whose first bytes show
// another tool's output or a camsweep report: nmap's XML or normal output, a Zeek log (TSV
// or JSON lines), Shodan's banner JSON, Censys's host data, masscan's output, a Nessus export.
// Empty for anything else.
func importHint(head []byte, name string) string {
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("#separator")), bytes.Contains(head, []byte("\n#separator")),
		bytes.HasPrefix(head, []byte("{")) && bytes.Contains(head, []byte(`"uid":`)) && bytes.Contains(head, []byte(`"id.orig_h":`)):
		return "it is a Zeek log: camsweep identify --from zeek " + name
	case (bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("["))) && bytes.Contains(head, []byte(`"ip_str"`)) &&
		(bytes.Contains(head, []byte(`"transport"`)) || bytes.Contains(head, []byte(`"matches"`)) || bytes.Contains(head, []byte(`"data"`))):
		return "it is Shodan's banner JSON: camsweep identify --from shodan " + name
	case (bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("["))) && bytes.Contains(head, []byte(`"services"`)) &&
		(bytes.Contains(head, []byte(`"transport_protocol"`)) || bytes.Contains(head, []byte(`"service_name"`))):
		return "it is Censys's host data: camsweep identify --from censys " + name
	case bytes.HasPrefix(head, []byte("#masscan")), bytes.HasPrefix(head, []byte("# Masscan ")),
		bytes.HasPrefix(head, []byte("{")) && bytes.Contains(head, []byte(`"rec_type":"`)) && bytes.Contains(head, []byte(`"proto":"`)),
		bytes.HasPrefix(head, []byte("<")) && bytes.Contains(head, []byte(`scanner="masscan"`)),
		(bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("["))) && masscanPorts.Match(head):
		return "it is masscan's output: camsweep identify --from masscan " + name
	case bytes.HasPrefix(head, []byte("masscan/1.")):
		return "it is masscan's binary output: masscan --readscan " + name + " -oJ OUT.json, then camsweep identify --from masscan OUT.json"
	case bytes.HasPrefix(head, []byte("<")) && bytes.Contains(head, []byte("<NessusClientData_v2")):
		return "it is a Nessus export: camsweep identify --from nessus " + name
	case bytes.HasPrefix(head, []byte("<")) && bytes.Contains(head, []byte("nmaprun")):
		return "it is nmap's XML: camsweep identify --from nmap " + name
	case bytes.HasPrefix(head, []byte("Starting Nmap ")), bytes.HasPrefix(head, []byte("# Nmap ")),
		bytes.Contains(head, []byte("\nNmap scan report for ")), bytes.HasPrefix(head, []byte("Nmap scan report for ")):
		return "it is nmap's normal output: camsweep identify --from nmap " + name
	case camsweepSchema(head) != "":
		return "it is a camsweep report: an audit judges a report's devices again (audit.reports, docs/audit.md)"
	}
	return ""
}

// masscanPorts is the "ports" array of masscan's JSON records with a
// port's "proto" in it, as masscan spaces it or as jq -c compacts it.
var masscanPorts = regexp.MustCompile(`"ports"\s*:\s*\[\s*\{[^}]*"proto"\s*:\s*"`)

// captureTotals are the counts of every capture a run read.
type captureTotals struct {
	packets   int64
	tunnelled int64 // packets read inside a remote-mirror or routed tunnel
}

// tunnelNote tells the user that a capture held tunnels and that their
// insides were read: the devices behind a collector or a site-to-site link
// are in the report, the tunnel's endpoints too.
func (t captureTotals) tunnelNote() string {
	if t.tunnelled == 0 {
		return ""
	}
	return fmt.Sprintf(", %d of them read inside a tunnel (remote mirror or routed link)", t.tunnelled)
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

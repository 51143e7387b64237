package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/camsweep/camsweep/report"
	"github.com/spf13/cobra"
)

// Exit codes, documented in the README and in `camsweep --help`.
const (
	exitOK       = 0 // ran to the end; nothing at or above --fail-on
	exitError    = 1 // could not run: bad arguments, unreadable input
	exitFindings = 2 // ran; findings at or above --fail-on (restricted devices by default)
	exitPartial  = 3 // ran, but input was truncated or corrupt: results are partial
)

// exitErr carries an exit code through cobra's error return.
type exitErr struct {
	code int
	err  error
}

// Error is empty for an exitErr whose message was already printed (err nil).
func (e *exitErr) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitErr) Unwrap() error { return e.err }

// usageError marks a bad argument or flag: exit 1 with one line, no usage dump.
func usageError(format string, a ...any) error {
	return &exitErr{code: exitError, err: fmt.Errorf(format, a...)}
}

// run builds the command tree and executes it; it is main without os.Exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	// Ctrl-C stops reading and still reports what was read (exit 3: partial).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != exitFindings && ee.code != exitPartial {
			fmt.Fprintln(stderr, "camsweep:", report.Clean(ee.err.Error(), 0))
		}
		return ee.code
	}
	// A message can quote a file name or an argument: printed as they are,
	// their escape sequences would reach the terminal.
	fmt.Fprintln(stderr, "camsweep:", report.Clean(err.Error(), 0))
	return exitError
}

const rootLong = `camsweep finds surveillance cameras, NVRs and DVRs made by vendors subject to
the PRC National Intelligence Law (Hikvision, Dahua, their brands and OEMs, and
the others its vendor catalogue names), says what each device is with the
evidence that shows it, and flags those on networks marked core or sensitive.

Exit codes:
  0  ran to the end; no finding at or above --fail-on
  1  could not run: bad argument, unreadable or unrecognised input
  2  ran; at least one finding at or above --fail-on (default "medium": any
     restricted device; "--fail-on none" never exits 2)
  3  ran, but the input was truncated or corrupt (or had bad lines), or the
     run was interrupted (Ctrl-C): the results are partial. 2 wins over 3: a
     finding in partial input is real.`

const rootExample = `  camsweep pcap capture.pcapng
  camsweep pcap --format json -o report.json site-a.pcap site-b.pcapng
  camsweep identify observations.jsonl
  camsweep oui 44:19:b6:00:00:01`

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "camsweep",
		Short:         "Find PRC-made surveillance cameras, NVRs and DVRs on a network, with evidence",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	// --version prints what the version command prints, registry date included.
	root.SetVersionTemplate(`{{versionText}}`)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%v", err) })
	// Each subcommand lives in its own file and is added here.
	root.AddCommand(newPcapCmd(), newIdentifyCmd(), newOUICmd(), newVersionCmd(), newAuditCmd(), newHistoryCmd(), newDiffCmd(), newReportCmd(),
		newSweepCmd(), newListenCmd(), newDemoCmd())
	explainArgErrors(root)
	return root
}

// explainArgErrors makes a wrong number of arguments say what the command
// takes: cobra's "requires at least 1 arg(s), only received 0" alone does
// not tell a new user what to give.
func explainArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError("%v: usage: %s (see %s --help)", err, c.UseLine(), c.CommandPath())
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		explainArgErrors(sub)
	}
}

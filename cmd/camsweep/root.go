package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README.
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

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

// run builds the command tree and executes it; it is main without os.Exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != exitFindings {
			fmt.Fprintln(stderr, "camsweep:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "camsweep:", err)
	return exitError
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "camsweep",
		Short:         "Find PRC-made surveillance cameras, NVRs and DVRs on a network, with evidence",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Each subcommand lives in its own file and is added here.
	root.AddCommand()
	return root
}

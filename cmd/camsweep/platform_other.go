//go:build !linux

package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// runDemo: the demo's lab is built of Linux network namespaces.
func runDemo(cmd *cobra.Command, o *demoOptions) error { return needsLinux("demo") }

// requireLinux refuses a Linux-only command before it starts.
func requireLinux(command string) error { return needsLinux(command) }

// needsLinux is the one error the Linux-only commands give on other systems:
// what does not work, why, and what does.
func needsLinux(command string) error {
	return &exitErr{code: exitError, err: fmt.Errorf("camsweep %s needs Linux (it uses AF_PACKET sockets and network namespaces; this is %s); pcap, identify, oui, report, history and diff work on every system", command, runtime.GOOS)}
}

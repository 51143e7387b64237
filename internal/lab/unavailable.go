//go:build linux

package lab

import (
	"os"

	"golang.org/x/sys/unix"
)

// RequireEnv is the environment variable CI sets to turn a skipped lab test
// into a failed one, so lab tests can never silently stop running.
const RequireEnv = "CAMSWEEP_REQUIRE_LAB"

// Gate says why a lab test cannot run here ("" if it can) and whether that
// must fail the test (RequireEnv is "1") rather than skip it. Tests call it
// through labreq.Require; it lives here, free of package testing, so the
// shipped binary does not link the test framework.
func Gate() (reason string, mustFail bool) {
	reason = Unavailable()
	return reason, reason != "" && os.Getenv(RequireEnv) == "1"
}

// Unavailable says why labs cannot be built here, or "" if they can.
func Unavailable() string {
	if os.Geteuid() != 0 {
		return "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to create network namespaces"
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return "kernel without network namespaces: " + err.Error()
	}
	if err := probeUnshare(); err != nil {
		return "cannot create a network namespace: " + err.Error()
	}
	return ""
}

// probeUnshare creates and drops an anonymous namespace on a thread of its
// own, which is the least a lab needs.
func probeUnshare() error {
	done := make(chan error, 1)
	go func() {
		done <- onLockedThread(func() error { return unix.Unshare(unix.CLONE_NEWNET) })
	}()
	return <-done
}

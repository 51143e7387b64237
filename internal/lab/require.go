package lab

import (
	"os"
	"testing"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// RequireEnv is the environment variable CI sets to turn a skipped lab test
// into a failed one, so lab tests can never silently stop running.
const RequireEnv = "CAMSWEEP_REQUIRE_LAB"

// Require skips the test with the reason when labs cannot be built here
// (not root, no network namespaces), or fails it if RequireEnv is "1".
func Require(t testing.TB) {
	t.Helper()
	reason := Unavailable()
	if reason == "" {
		return
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("lab unavailable and %s=1: %s", RequireEnv, reason)
	}
	t.Skipf("lab unavailable: %s (set %s=1 to make this a failure)", reason, RequireEnv)
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
		lockThread()
		orig, err := netns.Get()
		if err != nil {
			unlockThread()
			done <- err
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			unlockThread()
			done <- err
			return
		}
		if err := netns.Set(orig); err != nil {
			done <- err
			return // thread stays locked and is discarded
		}
		unlockThread()
		done <- nil
	}()
	return <-done
}

//go:build linux

// Package labreq holds the test-side gate of the network-namespace lab: a
// lab test skips where labs cannot be built, or fails where CI demands them.
// It lives apart from internal/lab so that the shipped binary, whose demo
// command builds labs, does not link package testing.
package labreq

import (
	"testing"

	"github.com/camsweep/camsweep/internal/lab"
)

// Require skips the test with the reason when labs cannot be built here
// (not root, no network namespaces), or fails it if lab.RequireEnv is "1".
func Require(t testing.TB) {
	t.Helper()
	reason, mustFail := lab.Gate()
	switch {
	case mustFail:
		t.Fatalf("lab unavailable and %s=1: %s", lab.RequireEnv, reason)
	case reason != "":
		t.Skipf("lab unavailable: %s (set %s=1 to make this a failure)", reason, lab.RequireEnv)
	}
}

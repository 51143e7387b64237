//go:build linux

package lab

import "testing"

// Require is labreq.Require for this package's own tests, which cannot
// import labreq (it imports lab).
func Require(t testing.TB) {
	t.Helper()
	reason, mustFail := Gate()
	switch {
	case mustFail:
		t.Fatalf("lab unavailable and %s=1: %s", RequireEnv, reason)
	case reason != "":
		t.Skipf("lab unavailable: %s (set %s=1 to make this a failure)", reason, RequireEnv)
	}
}

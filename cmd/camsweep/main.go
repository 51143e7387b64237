// Command camsweep finds surveillance cameras, NVRs and DVRs made by vendors
// subject to the PRC National Intelligence Law, identifies them with evidence,
// and flags those on networks the operator marks as core or sensitive.
package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		go paceMemory()
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// softMemoryLimit is the heap size up to which the garbage collector works
// harder instead of letting the heap double past what is live (Go's default
// pacing): a sensor or laptop reading a large capture keeps to about this
// much while what the run must hold (devices, mostly) fits below it.
const softMemoryLimit = 100 << 20

// paceMemory keeps Go's soft memory limit at softMemoryLimit, or a quarter
// above the live heap once that is larger (a very large inventory): below,
// the heap stays small; above, it grows with what must be held, without
// the collector running back to back to hold an unreachable limit.
// GOMEMLIMIT, when set, replaces all this.
func paceMemory() {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	debug.SetMemoryLimit(softMemoryLimit)
	for range time.Tick(100 * time.Millisecond) {
		metrics.Read(live)
		if live[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(max(softMemoryLimit, int64(live[0].Value.Uint64())*5/4+16<<20))
		}
	}
}

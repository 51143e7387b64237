//go:build linux && !race

package labtest

// raceEnabled: this test binary runs under the race detector (the camsweep
// binary the lab tests run is built without it either way).
const raceEnabled = false

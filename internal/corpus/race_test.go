//go:build race

package corpus

// raceEnabled: the race detector slows the corpus tests about tenfold.
const raceEnabled = true

package main

import (
	"context"

	"github.com/camsweep/camsweep/fingerprint"
)

// feedBatch is how many observations travel to the engine together: one
// channel operation per batch instead of per observation.
const feedBatch = 256

// engineFeed runs an engine on its own goroutine, fed in batches, so that
// decoding a capture and identifying what it shows use two cores, and the
// engine (signature database and OUI registry, about a tenth of a second)
// loads while the first packets are decoded. Memory stays bounded: at most
// a few batches wait in the channel; a slow engine slows the reader down.
type engineFeed struct {
	batches chan []fingerprint.Observation
	free    chan []fingerprint.Observation // batches the engine is done with, for reuse
	batch   []fingerprint.Observation
	done    chan struct{}
	eng     engine
	err     error
}

// engineLoadError is the cause a feed cancels the reading with when its
// engine did not load.
type engineLoadError struct{ err error }

func (e *engineLoadError) Error() string { return e.err.Error() }
func (e *engineLoadError) Unwrap() error { return e.err }

// startEngineFeed loads the engine with load on a new goroutine and adds
// every observation given to Add, in order. If load fails, cancel is called
// with the error, so that the caller stops reading at once.
func startEngineFeed(load func() (engine, error), cancel context.CancelCauseFunc) *engineFeed {
	f := &engineFeed{
		batches: make(chan []fingerprint.Observation, 8),
		free:    make(chan []fingerprint.Observation, 10),
		batch:   make([]fingerprint.Observation, 0, feedBatch),
		done:    make(chan struct{}),
	}
	go func() {
		defer close(f.done)
		if f.eng, f.err = load(); f.err != nil {
			cancel(&engineLoadError{f.err})
		}
		for batch := range f.batches {
			if f.err != nil {
				continue // drain, so the reader never blocks on a dead feed
			}
			for _, o := range batch {
				f.eng.Add(o)
			}
			clear(batch) // let the values' strings go
			select {
			case f.free <- batch[:0]:
			default:
			}
		}
	}()
	return f
}

// Add queues one observation. Only one goroutine may call it.
func (f *engineFeed) Add(o fingerprint.Observation) {
	f.batch = append(f.batch, o)
	if len(f.batch) == feedBatch {
		f.batches <- f.batch
		select {
		case f.batch = <-f.free:
		default:
			f.batch = make([]fingerprint.Observation, 0, feedBatch)
		}
	}
}

// Close hands over what is queued, waits until the engine has added all of
// it and returns the engine, or the error that kept it from loading. After
// Close the engine belongs to the caller alone.
func (f *engineFeed) Close() (engine, error) {
	if len(f.batch) > 0 {
		f.batches <- f.batch
		f.batch = nil
	}
	close(f.batches)
	<-f.done
	return f.eng, f.err
}

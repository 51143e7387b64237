package main

// This file connects the CLI to the packages that do the work: the pcap
// reader, the raw-key decoders and the fingerprint engine.

import (
	"context"
	"errors"

	"io"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/camsweep/camsweep/scanner/service"
)

// engine is what the CLI needs from the fingerprint engine.
type engine interface {
	Add(fingerprint.Observation)
	Devices() []fingerprint.Device
	TakeDevices() []fingerprint.Device
	Dropped() uint64
	OverBudget() uint64
	Heard() int
}

// newEngineOver returns an engine over a loaded database and registry that
// keeps at most maxDevices devices and factMiB MiB of what they say.
func newEngineOver(db *fingerprint.Database, reg *oui.Registry, maxDevices, factMiB int) engine {
	e := fingerprint.NewEngine(db, reg)
	e.SetMaxDevices(maxDevices)
	e.SetMaxStoredBytes(factMiB << 20)
	return e
}

// readCaptureInput decodes one capture into observations, a file or, for
// "-", standard input (no progress bar: its size is unknown), and returns
// what it read, also when it stopped at damage. opt holds the user's
// choices (--all-addresses, --local with the policy's zones, --tunnel-port).
func readCaptureInput(ctx context.Context, stdin io.Reader, path string, emit scanner.Emit, opt pcap.Options, progress func(done, total int64)) (pcap.Stats, error) {
	if path == "-" {
		return pcap.Read(ctx, stdin, "standard input", 0, emit, opt)
	}
	opt.Progress = progress
	return pcap.ReadFile(ctx, path, emit, opt)
}

// isPartialCapture reports a capture that was read up to a damaged or
// truncated record: what came before stands.
func isPartialCapture(err error) bool {
	var ce *pcap.CorruptError
	return errors.As(err, &ce)
}

// expandRaw runs a raw identify key (sadp.payload, http.headers, ...) through
// the decoder the scanner uses for the same bytes on the wire (or, when the
// value is an answer as a client printed it, a dict rather than the XML, as
// such). It reports whether the key was a raw key at all.
func expandRaw(obs fingerprint.Observation, emit scanner.Emit) (bool, error) {
	m := rawMeta(obs)
	bound := bindTo(obs, emit)
	if isRaw, _, err := service.DecodeDiscoveryRaw(obs.Key, obs.Value, m, bound); isRaw {
		return true, err
	}
	if d, ok := service.ByRawKey(obs.Key); ok {
		return true, d(nil, []byte(obs.Value), m, bound)
	}
	return false, nil
}

// placeholderNote explains a MAC the catalogue lists as a firmware default
// shipped on many units, whose block says nothing about the maker.
func placeholderNote(m fingerprint.MAC) string {
	db, err := fingerprint.Default()
	if err != nil {
		return ""
	}
	if note, ok := db.Catalogue.Placeholder(m); ok {
		return "placeholder MAC: " + note
	}
	return ""
}

package main

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/scanner/pcap"
)

func loadTestEngine() (engine, error) {
	db, err := fingerprint.Default()
	if err != nil {
		return nil, err
	}
	reg, err := oui.Embedded()
	if err != nil {
		return nil, err
	}
	return newEngineOver(db, reg, defaultMaxDevices, defaultFactMemory), nil
}

// TestEngineFeedIdentifiesAsDirectAdds reads a real site capture twice, once
// adding every observation to an engine directly and once through the feed:
// the devices must be the same, batches and goroutine notwithstanding.
func TestEngineFeedIdentifiesAsDirectAdds(t *testing.T) {
	const capture = "../../testdata/pcap/site-sample.pcapng"
	direct, err := loadTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pcap.ReadFile(context.Background(), capture, direct.Add, pcap.Options{AllAddresses: true}); err != nil {
		t.Fatal(err)
	}
	_, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	feed := startEngineFeed(loadTestEngine, cancel)
	if _, err := pcap.ReadFile(context.Background(), capture, feed.Add, pcap.Options{AllAddresses: true}); err != nil {
		t.Fatal(err)
	}
	fed, err := feed.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, got := direct.Devices(), fed.Devices()
	if len(want) < 5 {
		t.Fatalf("the sample site shows %d devices; the test needs a real site", len(want))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fed engine found %d devices, direct adds %d; they differ", len(got), len(want))
	}
}

// TestEngineFeedStopsTheReadWhenTheEngineCannotLoad: a registry or
// database that fails to load cancels the reading at once (a 10 GB capture
// is not read for nothing) and Close says why.
func TestEngineFeedStopsTheReadWhenTheEngineCannotLoad(t *testing.T) {
	broken := errors.New("oui override: not a camsweep OUI table")
	ctx, cancel := context.WithCancelCause(context.Background())
	feed := startEngineFeed(func() (engine, error) { return nil, broken }, cancel)
	<-ctx.Done()
	var le *engineLoadError
	if !errors.As(context.Cause(ctx), &le) || !errors.Is(le, broken) {
		t.Fatalf("reading cancelled with %v, want the load error", context.Cause(ctx))
	}
	for range 3 * feedBatch { // a reader that has not noticed yet must not block
		feed.Add(fingerprint.Observation{Key: "arp.reply"})
	}
	if _, err := feed.Close(); !errors.Is(err, broken) {
		t.Errorf("Close returned %v, want the load error", err)
	}
}

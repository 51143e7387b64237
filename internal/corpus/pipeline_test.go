package corpus

import (
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// deviceIP is the address every corpus observation is about. Each case runs
// in a fresh engine, so one address is enough; it is from the benchmarking
// range and never used on a network.
var deviceIP = netip.MustParseAddr("198.18.0.10")

var corpusTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// pipeline is the production identification path: the embedded signature
// database and the OUI registry the tool uses.
type pipeline struct {
	db  *fingerprint.Database
	reg *oui.Registry
}

var (
	pipelineOnce sync.Once
	sharedPipe   pipeline
	pipelineErr  error
)

func newPipeline(t testing.TB) pipeline {
	t.Helper()
	pipelineOnce.Do(func() {
		sharedPipe.db, pipelineErr = fingerprint.Default()
		if pipelineErr == nil {
			sharedPipe.reg, pipelineErr = oui.Default()
		}
	})
	if pipelineErr != nil {
		t.Fatalf("loading the pipeline: %v", pipelineErr)
	}
	return sharedPipe
}

// identify feeds the observations to a fresh engine and returns the one
// device they describe. More or fewer devices is a failure: every corpus case
// is about one device.
func (p pipeline) identify(t testing.TB, obs ...fingerprint.Observation) fingerprint.Device {
	t.Helper()
	e := fingerprint.NewEngine(p.db, p.reg)
	for _, o := range obs {
		e.Add(o)
	}
	devs := e.Devices()
	if len(devs) != 1 {
		t.Fatalf("%d devices from %d observations %v, want 1: %+v", len(devs), len(obs), obs, devs)
	}
	return devs[0]
}

// observation is a decoded field about the corpus device.
func observation(probe, key, value string) fingerprint.Observation {
	return fingerprint.Observation{Time: corpusTime, Probe: probe, IP: deviceIP, Key: key, Value: value}
}

// decodeStream expands a raw service key (rtsp.response, http.headers, ...)
// through the scanner's own decoder, as `camsweep identify` does.
func decodeStream(t testing.TB, key, value string, port uint16) []fingerprint.Observation {
	t.Helper()
	d, ok := service.ByRawKey(key)
	if !ok {
		t.Fatalf("service.ByRawKey(%q): no decoder", key)
	}
	var out []fingerprint.Observation
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP, SrcPort: port}
	if err := d(nil, []byte(value), m, func(o fingerprint.Observation) { out = append(out, o) }); err != nil {
		t.Fatalf("decoding %s %q: %v", key, value, err)
	}
	return out
}

// decodeDatagram expands a raw discovery key (dhip.payload, sadp.payload, ...)
// sent from src, as `camsweep identify` does with an observation line's ip
// (a value its decoder reads nothing of read as a printed answer).
func decodeDatagram(t testing.TB, key string, payload []byte, src netip.Addr) []fingerprint.Observation {
	t.Helper()
	var out []fingerprint.Observation
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: src}
	isRaw, _, err := service.DecodeDiscoveryRaw(key, string(payload), m, func(o fingerprint.Observation) { out = append(out, o) })
	if !isRaw {
		t.Fatalf("discovery.ByRawKey(%q): no decoder", key)
	}
	if err != nil {
		t.Fatalf("decoding %s %q: %v", key, payload, err)
	}
	return out
}

// decodeUPnP expands a UPnP device description through the discovery
// decoder, as `camsweep identify` does with an upnp.description line; it
// returns nothing for a description the decoder refuses.
func decodeUPnP(desc string) []fingerprint.Observation {
	d, ok := discovery.ByRawKey("upnp.description")
	if !ok {
		return nil
	}
	var out []fingerprint.Observation
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP}
	if d([]byte(desc), m, func(o fingerprint.Observation) { out = append(out, o) }) != nil {
		return nil
	}
	return out
}

// testdata returns a path under the repository's testdata directory.
// (go test runs in the package directory.)
func testdata(elem ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, elem...)...)
}

// describe prints what the engine concluded, for failure messages.
func describe(d fingerprint.Device) string {
	s := "vendor=" + q(d.Vendor) + " brand=" + q(d.Brand) + " kind=" + q(string(d.Kind)) +
		" model=" + q(d.Model) + " firmware=" + q(d.Firmware)
	if d.Restricted {
		s += " RESTRICTED"
	}
	for _, ev := range d.Evidence {
		if ev.Signature != "" {
			s += " [" + ev.Signature + ": " + ev.Sets + "]"
		}
	}
	return s
}

func q(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// knownIssue handles a case listed in a table of known engine gaps or bugs
// (key → what is wrong). It reports whether the case is listed: a listed case
// that still fails is logged; one that now passes fails the test, so the
// entry is removed when the engine is fixed.
func knownIssue(t *testing.T, issues map[string]string, key string, right bool, got string) bool {
	t.Helper()
	issue, listed := issues[key]
	switch {
	case !listed:
		return false
	case right:
		t.Errorf("%s: known issue %q no longer happens: remove its entry", key, issue)
	default:
		t.Logf("KNOWN ISSUE %s: %s; got %s", key, issue, got)
	}
	return true
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/gopacket/gopacket/pcapgo"
)

const repoTestdata = "../../testdata/pcap"

// repoRealdata holds the real recorded payloads the scenes are built from.
const repoRealdata = "../../testdata/realdata"

// The committed sample captures are exactly what this program writes: a
// change to a scene must come with regenerated files (and SOURCES.md).
func TestSamplesAreReproducible(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir, repoRealdata, "", 0, pcapgen.LinkForm{}, ""); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 12 {
		t.Fatalf("%d files written, want 12", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join(repoTestdata, filepath.Base(f)))
		if err != nil {
			t.Errorf("%s not committed: %v", filepath.Base(f), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the committed file: run go run ./tools/mkcapture -samples testdata/pcap", filepath.Base(f))
		}
	}
}

// The large capture streams out the number of packets asked for, as a
// capture pcapgo reads back.
func TestLargeCapturePacketCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.pcap")
	const packets = 50_000 // crosses two camera announcements (every 20,000)
	if err := run("", repoRealdata, "office", packets, pcapgen.LinkForm{}, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := countPackets(t, f)
	// A scene in progress finishes its last conversation.
	if n < packets || n > packets+64 {
		t.Errorf("%d packets, want %d", n, packets)
	}
}

// The camera-network and hosts profiles are deterministic (the benchmark
// figures depend on it) and hold what they say: the asked number of
// packets, and two ARP frames per pcapgen.Host.
func TestProfilesAreDeterministic(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		profile string
		size    int
		packets int
	}{{"camera", 20_000, 20_000}, {"hosts", 1_000, 2_000}} {
		var files [2][]byte
		for i := range files {
			path := filepath.Join(dir, c.profile+".pcap")
			if err := run("", repoRealdata, c.profile, c.size, pcapgen.LinkForm{}, path); err != nil {
				t.Fatal(err)
			}
			files[i], _ = os.ReadFile(path)
		}
		if !bytes.Equal(files[0], files[1]) {
			t.Errorf("%s: two runs wrote different files", c.profile)
		}
		if n := countPackets(t, bytes.NewReader(files[0])); n < c.packets || n > c.packets+16 {
			t.Errorf("%s: %d packets, want %d", c.profile, n, c.packets)
		}
	}
	if err := run("", repoRealdata, "nosuch", 1, pcapgen.LinkForm{}, filepath.Join(dir, "x.pcap")); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// countPackets reads a classic pcap to its end and counts its packets.
func countPackets(t *testing.T, rd io.Reader) int {
	t.Helper()
	r, err := pcapgo.NewReader(rd)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			return n
		}
		n++
	}
}

// Every -form holds the same hosts: the hosts capture read back in each
// form gives the observations of the plain Ethernet one, apart from the
// tunnel's own endpoints (the benchmark of tunnelled and Wi-Fi captures
// depends on it).
func TestFormsHoldTheSameHosts(t *testing.T) {
	plain := hostFacts(t, pcapgen.LinkForm{})
	if len(plain) < 2*500 {
		t.Fatalf("%d observations from 500 hosts", len(plain))
	}
	for name, form := range linkForms {
		if got := hostFacts(t, form); !slices.Equal(got, plain) {
			t.Errorf("-form %s: %d observations, ethernet %d", name, len(got), len(plain))
		}
	}
}

// hostFacts writes a 500-host capture in the form, reads it with the
// capture reader and returns its observations (time aside, sorted), the
// mirror's endpoints left out.
func hostFacts(t *testing.T, form pcapgen.LinkForm) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeHosts(&buf, 500, form); err != nil {
		t.Fatal(err)
	}
	var out []string
	_, err := pcap.Read(context.Background(), bytes.NewReader(buf.Bytes()), "hosts", int64(buf.Len()), func(o observe.Observation) {
		if o.IP.String() == "198.18.255.1" || o.MAC.String() == "02:00:5e:00:00:01" {
			return // the mirroring switch
		}
		if o.MAC.String() == "02:b5:51:d0:00:01" && o.Key == "wifi.ssid" {
			return // the Wi-Fi form's access point, by its beacons
		}
		out = append(out, fmt.Sprintf("%s %s %s=%s", o.MAC, o.IP, o.Key, o.Value))
	}, pcap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

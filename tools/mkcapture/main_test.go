package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

const repoTestdata = "../../testdata/pcap"

// repoRealdata holds the real recorded payloads the scenes are built from.
const repoRealdata = "../../testdata/realdata"

// The committed sample captures are exactly what this program writes: a
// change to a scene must come with regenerated files (and SOURCES.md).
func TestSamplesAreReproducible(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir, repoRealdata, "", 0, ""); err != nil {
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
	if err := run("", repoRealdata, "office", packets, path); err != nil {
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
			if err := run("", repoRealdata, c.profile, c.size, path); err != nil {
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
	if err := run("", repoRealdata, "nosuch", 1, filepath.Join(dir, "x.pcap")); err == nil {
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

package main

import (
	"bytes"
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
	if err := run(dir, repoRealdata, false, 0, ""); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 10 {
		t.Fatalf("%d files written, want 10", len(files))
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
	if err := run("", repoRealdata, true, packets, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
		n++
	}
	// A scene in progress finishes its last conversation.
	if n < packets || n > packets+64 {
		t.Errorf("%d packets, want %d", n, packets)
	}
}

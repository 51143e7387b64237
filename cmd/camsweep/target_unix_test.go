//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutputToAPipeOrDeviceIsWrittenInPlace: -o /dev/null or a FIFO gets the
// report written into it; the atomic rename used for regular files would
// have replaced the device or pipe with a plain file.
func TestOutputToAPipeOrDeviceIsWrittenInPlace(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	code, _, stderr := cli(t, "", "pcap", "--format", "json", "--fail-on", "none", "-o", fifo, sitePcap)
	body := <-got
	if code != exitOK || !json.Valid(body) {
		t.Fatalf("pcap -o FIFO: exit %d %s, read %.80q", code, stderr, body)
	}
	if st, err := os.Stat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is no longer a FIFO: %v %v", st.Mode(), err)
	}
	if st, err := os.Stat(os.DevNull); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		if code, _, stderr := cli(t, "", "pcap", "--fail-on", "none", "-o", os.DevNull, sitePcap); code != exitOK {
			t.Errorf("pcap -o /dev/null: exit %d %s", code, stderr)
		}
		if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("-o /dev/null replaced the device: %v %v", st.Mode(), err)
		}
	}
}

//go:build linux

package labtest

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"
	"time"
)

// exitPartial is camsweep's exit code for results that are incomplete.
const exitPartial = 3

// Ctrl-C in the middle of a sweep stops it at once and still reports, as
// valid JSON marked partial, every device identified before the signal.
func TestInterruptedSweepReportsWhatItFound(t *testing.T) {
	l := newLab(t, labOptions())
	devs := startAll(t, l)
	// Slow paces: ARP needs 5 s for the /24, so the signal lands mid-sweep,
	// after the devices at the lowest addresses have been found and probed.
	cmd := l.Scanner().Command(context.Background(), binary, "sweep", "-i", l.Scanner().Interface,
		"--rate", "100", "--broadcast-rate", "50", "--timeout", "6s", "--format", "json", "-q", "--fail-on", "none")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	signalled := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("sweep still running 10 s after Ctrl-C; stderr:\n%s", stderr.Bytes())
	}
	took := time.Since(signalled)
	t.Logf("stopped %v after Ctrl-C", took.Round(time.Millisecond))
	// In-flight exchanges end with the signal; the silent and trickling
	// devices would otherwise hold them for the exchange timeout (6 s here,
	// so a loaded machine's slowness is not taken for waiting).
	if took > 2*time.Second {
		t.Errorf("took %v to stop after Ctrl-C: exchanges in flight were waited out", took)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitPartial {
		t.Errorf("exit %d after Ctrl-C, want %d (partial); stderr:\n%s", code, exitPartial, stderr.Bytes())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say the sweep was interrupted:\n%s", stderr.Bytes())
	}
	res := parseReport(t, stdout.Bytes())
	if !res.Partial {
		t.Error("report not marked partial")
	}
	byMAC := devicesByMAC(res)
	identified := 0
	for _, d := range devs {
		got, ok := byMAC[strings.ToLower(d.Profile.MAC)]
		if ok && d.Profile.Expect.Vendor != "" && got.Vendor == d.Profile.Expect.Vendor {
			identified++
		}
	}
	if identified == 0 {
		t.Errorf("no device identified before Ctrl-C; report:\n%s", stdout.Bytes())
	}
	if len(res.Devices) >= 253 {
		t.Errorf("%d devices: the sweep was not interrupted mid-way", len(res.Devices))
	}
	t.Logf("%d devices reported, %d simulated ones identified", len(res.Devices), identified)
}

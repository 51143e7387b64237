package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A long listen says what it has heard and how long it has left; one
// without --for says how to end it.
func TestListenStatusLine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	got := listenLine("eth1", 12345, 7, ctx)
	if !strings.HasPrefix(got, "listening on eth1: 12345 packets, 7 hosts heard, ") || !strings.HasSuffix(got, " left") {
		t.Errorf("with --for: %q", got)
	}
	if got := listenLine("eth1", 0, 0, context.Background()); !strings.Contains(got, "Ctrl-C") {
		t.Errorf("without --for: %q", got)
	}
}

// Stopping the status clears its line, so the report's summary starts clean.
func TestListenStatusClearsItsLine(t *testing.T) {
	var b syncBuffer
	stop := listenStatus(context.Background(), &b, "eth1", new(atomic.Int64), func() int { return 0 })
	stop()
	if got := b.String(); got != "\r\033[K" {
		t.Errorf("wrote %q", got)
	}
}

// TestListenHelpNamesWhatItHears: listen --help listed the traffic it reads
// as it was sessions ago (no SNMP, SIP, HDS or the search tools' answers the
// README lists); a user deciding whether listening is enough reads it there.
func TestListenHelpNamesWhatItHears(t *testing.T) {
	_, out, _ := cli(t, "", "listen", "--help")
	text := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"SNMP answers and traps", "SIP registrations", "HDS and GigE Vision discovery answers",
		"Tapo/Kasa discovery", "Foscam's MO_I", "VStarcam's DH", "SEARCHIPC", "Tuya announcements", "Mi Home miIO answers", "on the channel it is tuned to"} {
		if !strings.Contains(text, want) {
			t.Errorf("listen --help does not name %q", want)
		}
	}
}

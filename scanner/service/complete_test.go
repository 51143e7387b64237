package service

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCompleteResponsesHTTP: every response of the D-Link camera's web
// sessions is complete as captured, and none is one byte short of its end.
func TestCompleteResponsesHTTP(t *testing.T) {
	flows := readFlows(t, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80)
	if len(flows) == 0 {
		t.Fatal("no HTTP flows in the capture")
	}
	for i, f := range flows {
		want := len(parseRequests(f.client, "HTTP/"))
		if got := CompleteResponses(f.served, "HTTP/"); got != want {
			t.Errorf("flow %d: %d complete responses to %d requests", i, got, want)
		}
		if got := CompleteResponses(f.served[:len(f.served)-1], "HTTP/"); got != want-1 {
			t.Errorf("flow %d cut by one byte: %d complete responses, want %d", i, got, want-1)
		}
	}
}

// TestCompleteResponsesRTSP reads the recorded camera answers. A response
// with a Content-Length, or an error without one, is complete as recorded;
// one byte short of its description it is not. A 200 without a
// Content-Length may still be followed by a description its server did not
// announce, so it is complete only once the next response begins.
func TestCompleteResponsesRTSP(t *testing.T) {
	files, err := filepath.Glob(realdataDir + "retina-rtsp/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatal("no recorded RTSP responses")
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		responses := bytes.Count(b, []byte("RTSP/1.0 "))
		head, _, _ := bytes.Cut(b, []byte("\r\n\r\n"))
		lengthKnown := bytes.Contains(bytes.ToLower(head), []byte("content-length:")) || !bytes.HasPrefix(b, []byte("RTSP/1.0 200"))
		want := 0
		if responses == 1 && lengthKnown {
			want = 1
		}
		if got := CompleteResponses(b, "RTSP/"); got != want {
			t.Errorf("%s: %d complete responses, want %d", name, got, want)
		}
		if want == 1 && strings.Contains(name, "describe") {
			if got := CompleteResponses(b[:len(b)-3], "RTSP/"); got != 0 {
				t.Errorf("%s cut inside its description: %d complete responses, want 0", name, got)
			}
		}
	}
	// OPTIONS then DESCRIBE on one connection, as the sweep asks them: the
	// OPTIONS answer has no Content-Length and ends where DESCRIBE's begins.
	options := readRealdata(t, "retina-rtsp/dahua_options.txt")
	both := append(slices.Clone(options), readRealdata(t, "retina-rtsp/dahua_describe_h264_aac_onvif.txt")...)
	for _, c := range []struct {
		b     []byte
		proto string
		want  int
	}{{options, "RTSP/", 0}, {both, "RTSP/", 2}, {both, "HTTP/", 0}} {
		if got := CompleteResponses(c.b, c.proto); got != c.want {
			t.Errorf("%d bytes of Dahua answers as %s: %d complete, want %d", len(c.b), c.proto, got, c.want)
		}
	}
}

package service

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// joinedSessions are real connections with several exchanges: a VLC
// session with an RTSP camera (EyeP, uhctf2022) and a browser's keep-alive
// connections to a Dahua camera's web server (2IC80).
var joinedSessions = []struct {
	file  string
	port  uint16
	proto string // the version prefix of the protocol's messages
}{
	{"uhctf2022/EyeP_rtsp_setup.pcapng", 554, "RTSP/1."},
	{"2ic80/dahua-sd_web_CUT.pcapng", 80, "HTTP/1."},
}

// pairingKeys are the keys that say which request an answer answered.
var pairingKeys = []string{"rtsp.url", "rtsp.served_url", "http.path", "http.answer"}

// TestJoinedInsideAnAnswer cuts each real session's server bytes at points
// inside its first answer, as a capture started then holds them: the
// connection must read as if the capture had started at the second answer.
func TestJoinedInsideAnAnswer(t *testing.T) {
	for _, s := range joinedSessions {
		sessions := 0
		for _, f := range readFlows(t, realdataDir+s.file, s.port) {
			second := bytes.Index(f.served[1:], []byte(s.proto)) + 1
			if second == 0 {
				continue
			}
			sessions++
			want := decodeJoined(t, nil, f.served[second:], f)
			for cut := 1; cut < second; cut += 5 {
				got := decodeJoined(t, nil, f.served[cut:], f)
				if !slices.Equal(got, want) {
					t.Fatalf("%s joined at byte %d of %d:\n got %v\nwant %v", s.file, cut, second, got, want)
				}
			}
		}
		if sessions == 0 {
			t.Errorf("%s: no connection with two answers", s.file)
		}
	}
}

// TestJoinedInsideARequest cuts each real session's client bytes inside its
// first request (from its target on): every answer must still be read, and
// none may pair with a request it did not answer.
func TestJoinedInsideARequest(t *testing.T) {
	for _, s := range joinedSessions {
		sessions := 0
		for _, f := range readFlows(t, realdataDir+s.file, s.port) {
			first := bytes.Index(f.client, []byte("\r\n\r\n"))
			if first < 0 || bytes.Count(f.client, []byte(" "+s.proto)) < 2 {
				continue
			}
			sessions++
			whole := decodeJoined(t, f.client, f.served, f)
			for cut := bytes.IndexByte(f.client, ' ') + 1; cut < first; cut += 5 {
				got := decodeJoined(t, f.client[cut:], f.served, f)
				for _, o := range got {
					if slices.Contains(pairingKeys, o.Key) && !slices.Contains(whole, o) {
						t.Fatalf("%s joined at byte %d: %s=%q is no pairing of the whole session", s.file, cut, o.Key, o.Value)
					}
				}
				for _, o := range whole {
					if readAlone(o.Key) && !slices.Contains(got, o) {
						t.Fatalf("%s joined at byte %d: %s=%q lost", s.file, cut, o.Key, o.Value)
					}
				}
			}
		}
		if sessions == 0 {
			t.Errorf("%s: no connection with two requests", s.file)
		}
	}
}

// readAlone says whether a key is read from an answer alone, not from the
// request it answered (a JSON-RPC answer's dhip.* fields, a favicon's
// hashes and the pairings need the request).
func readAlone(key string) bool {
	return (strings.HasPrefix(key, "http.") || strings.HasPrefix(key, "rtsp.")) &&
		!strings.HasPrefix(key, "http.favicon_") && !slices.Contains(pairingKeys, key)
}

// decodeJoined decodes a connection as the capture path does: the decoder
// its port names, which looks at the bytes first.
func decodeJoined(t *testing.T, client, served []byte, f testFlow) []observe.Observation {
	t.Helper()
	d, ok := ForPort(f.server.Port())
	if !ok {
		t.Fatalf("no decoder for port %d", f.server.Port())
	}
	obs, _ := collect(t, d, client, served, scanner.Meta{Probe: "pcap", SrcIP: f.server.Addr(), SrcPort: f.server.Port()})
	return obs
}

// A telnet session is not searched for a later message: its text may quote
// a web answer another host sent (here a real Dahua camera's, 2IC80, as
// curl prints it in a shell). On a web port the same bytes are a
// connection joined inside a message, read from the answer on.
func TestTelnetSessionQuotingAnAnswerIsNoWebAnswer(t *testing.T) {
	var answers []byte
	for _, f := range readFlows(t, realdataDir+"2ic80/dahua-sd_web_CUT.pcapng", 80) {
		answers = append(answers, f.served...)
	}
	session := append([]byte("\r\nWelcome\r\n# curl -si http://192.168.1.108/RPC2\r\n"), answers...)
	meta := scanner.Meta{Probe: "pcap", SrcIP: cameraMeta.SrcIP, SrcPort: 23}
	for _, port := range []uint16{23, 80} {
		d, _ := ForPort(port)
		meta.SrcPort = port
		obs, _ := collect(t, d, nil, session, meta)
		web := valuesOf(obs, "http.status")
		if port == 23 && web != nil {
			t.Errorf("telnet session read as web answers %q", web)
		}
		if port == 80 && web == nil {
			t.Errorf("on port 80 the answers after the cut were not read: %v", obs)
		}
	}
}

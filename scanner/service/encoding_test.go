package service

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// hnapBody is the real GetDeviceSettings answer body from the D-Link capture.
func hnapBody(t *testing.T) []byte {
	for _, f := range readFlows(t, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 80) {
		if _, body, ok := bytes.Cut(f.served, []byte("\r\n\r\n")); ok && bytes.Contains(body, []byte("GetDeviceSettingsResponse")) {
			return body
		}
	}
	t.Fatal("no GetDeviceSettings answer in the capture")
	return nil
}

// TestCompressedBodies: the real HNAP body compressed as a server would
// when the client sends Accept-Encoding: gzip (constructed from real data).
func TestCompressedBodies(t *testing.T) {
	body := hnapBody(t)
	var gz, zl bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(body)
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(body)
	z.Close()
	cases := map[string]struct {
		coding  string
		payload []byte
	}{
		"gzip":           {"gzip", gz.Bytes()},
		"deflate (zlib)": {"deflate", zl.Bytes()},
		"gzip cut short": {"gzip", gz.Bytes()[:gz.Len()*2/3]},
	}
	for name, c := range cases {
		server := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n", c.coding, len(c.payload)) + string(c.payload)
		obs, err := collect(t, DecodeHTTP, nil, []byte(server), webMeta)
		if err != nil {
			t.Fatal(err)
		}
		got := valuesOf(obs, "http.body")
		if len(got) != 1 || !strings.Contains(got[0], "<ModelName>DCS-935L</ModelName>") {
			t.Errorf("%s: body %q", name, got)
		}
	}
	bomb := bytes.Repeat([]byte{0}, 8<<20)
	var gb bytes.Buffer
	w = gzip.NewWriter(&gb)
	w.Write(bomb)
	w.Close()
	if got := len(decodeContent(&message{headers: []header{{"Content-Encoding", " gzip"}}}, gb.Bytes())); got != maxDecodedBody {
		t.Errorf("8 MiB of zeros decoded to %d bytes, want the %d cap", got, maxDecodedBody)
	}
}

// TestRTSPSDPWithoutLength: an SDP description whose length the server did
// not announce runs to the next response.
func TestRTSPSDPWithoutLength(t *testing.T) {
	server := "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n\r\nv=0\r\ns=RTSP Session\r\na=control:*\r\n" +
		"RTSP/1.0 200 OK\r\nCSeq: 3\r\nServer: H264DVR 1.0\r\n\r\n"
	obs, err := collect(t, DecodeRTSP, nil, []byte(server), cameraMeta)
	if err != nil || !hasValue(obs, "rtsp.sdp_session", "RTSP Session") || !hasValue(obs, "rtsp.sdp_attr", "control:*") ||
		!hasValue(obs, "rtsp.server", "H264DVR 1.0") {
		t.Errorf("err %v obs %v", err, obs)
	}
}

package pcapgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestHTTPAnswer(t *testing.T) {
	got := string(HTTPAnswer(map[string]string{"http.www_authenticate": `Digest realm="Login to 4M0747EPAA1D284"`, "http.server": "DNVRS-Webs"}))
	if !strings.HasPrefix(got, "HTTP/1.1 401 Unauthorized\r\nServer: DNVRS-Webs\r\nWWW-Authenticate: Digest realm=") || !strings.HasSuffix(got, "Content-Length: 0\r\nConnection: close\r\n\r\n") {
		t.Errorf("challenge: %q", got)
	}
	got = string(HTTPAnswer(map[string]string{"http.title": "NETSurveillance WEB"}))
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "<title>NETSurveillance WEB</title>") {
		t.Errorf("title: %q", got)
	}
	if got := HTTPAnswer(map[string]string{"http.body": "<?xml version=\"1.0\"?><DeviceInfo/>"}); !bytes.Contains(got, []byte("Content-Type: application/xml")) {
		t.Errorf("XML body: %q", got)
	}
}

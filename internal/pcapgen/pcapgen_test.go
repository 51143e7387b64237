package pcapgen

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
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

// TestTLS12ClientHelloSNI: Go's own TLS server reads the server name out of
// the constructed hello, so the wire tests' form is a real ClientHello.
func TestTLS12ClientHelloSNI(t *testing.T) {
	const want = "13-DevAccess.myzmodo.com"
	client, server := net.Pipe()
	defer client.Close()
	go func() {
		_ = client.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = client.Write(TLS12ClientHelloSNI(want))
		_, _ = io.Copy(io.Discard, client) // the server's alert, until it closes
	}()
	var got string
	stop := errors.New("read the hello")
	srv := tls.Server(server, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		got = h.ServerName
		return nil, stop
	}})
	_ = srv.SetDeadline(time.Now().Add(5 * time.Second))
	if err := srv.Handshake(); !errors.Is(err, stop) {
		t.Fatalf("handshake: %v, want the hello read", err)
	}
	srv.Close()
	if got != want {
		t.Errorf("server name %q, want %q", got, want)
	}
}

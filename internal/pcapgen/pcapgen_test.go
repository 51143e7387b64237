package pcapgen

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
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

// TestIssuedNames: the certificate carries the subject and issuer as given,
// in their order, and an empty subject stays empty (a case that knows only
// the issuer), so the wire tests' certificates say what the case says.
func TestIssuedNames(t *testing.T) {
	cn := func(v string) pkix.RelativeDistinguishedNameSET {
		return pkix.RelativeDistinguishedNameSET{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: v}}
	}
	c := func(v string) pkix.RelativeDistinguishedNameSET {
		return pkix.RelativeDistinguishedNameSET{{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: v}}
	}
	for _, tc := range []struct {
		subject, issuer pkix.RDNSequence
		wantSubject     string
		wantIssuer      string
	}{
		{pkix.RDNSequence{c("CN"), cn("mediarouter.home")}, pkix.RDNSequence{c("CN"), cn("root.home")}, "CN=mediarouter.home,C=CN", "CN=root.home,C=CN"},
		{pkix.RDNSequence{}, pkix.RDNSequence{cn("Polycom Root CA")}, "", "CN=Polycom Root CA"},
	} {
		der, err := Issued(tc.subject, tc.issuer, 7)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		if got := cert.Subject.String(); got != tc.wantSubject {
			t.Errorf("subject %q, want %q", got, tc.wantSubject)
		}
		if got := cert.Issuer.String(); got != tc.wantIssuer {
			t.Errorf("issuer %q, want %q", got, tc.wantIssuer)
		}
	}
}

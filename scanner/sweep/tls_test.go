package sweep

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// hikvisionSubject is a real Hikvision recorder's certificate subject, as
// recog's x509_subjects.xml gives it (testdata/corpus: recog, BSD-2-Clause).
var hikvisionSubject = pkix.Name{
	Country: []string{"CN"}, Province: []string{"ZheJiang"}, Locality: []string{"HangZhou"},
	Organization: []string{"HIKVISION"}, OrganizationalUnit: []string{"DVRNVR"}, CommonName: "www.hikvision.com",
}

func selfSigned(t *testing.T, subject pkix.Name) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: subject, Issuer: subject,
		NotBefore: time.Unix(1_600_000_000, 0), NotAfter: time.Unix(1_900_000_000, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// The TLS probe reads the certificate from the handshake it records and
// asks for / over TLS, all on the connection that found the port open.
func TestTLSProbeReadsCertificateAndPage(t *testing.T) {
	page, err := os.ReadFile("../../testdata/service/constructed/recog_hikvision_webs_401.http")
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t, hikvisionSubject)
	var accepted atomic.Int32
	ip, port := serve(t, func(c net.Conn) {
		accepted.Add(1)
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		buf := make([]byte, 1024)
		if n, _ := tc.Read(buf); n > 0 {
			tc.Write(page)
		}
		tc.Close()
	})
	var got []observe.Observation
	r := testRun(func(o observe.Observation) { got = append(got, o) })
	conn, err := r.dial(context.Background(), ip, port)
	if err != nil {
		t.Fatal(err)
	}
	r.question(context.Background(), conn, ip, port, askTLS)
	conn.Close()
	if n := accepted.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	has := func(key, probe string, match func(string) bool) bool {
		return slices.ContainsFunc(got, func(o observe.Observation) bool {
			return o.Key == key && o.Probe == probe && o.IP == ip && o.Port == port && match(o.Value)
		})
	}
	if !has("tls.subject", "tls", func(v string) bool { return strings.Contains(v, "O=HIKVISION") && strings.Contains(v, "OU=DVRNVR") }) {
		t.Errorf("certificate subject not decoded: %+v", got)
	}
	if !has("http.server", "http", func(v string) bool { return v == "Hikvision-Webs" }) {
		t.Errorf("page over TLS not decoded: %+v", got)
	}
}

// A port that accepts and never starts its TLS handshake is given up after
// half the exchange timeout, like any silent port.
func TestTLSProbeGivesUpOnASilentServer(t *testing.T) {
	ip, port := serve(t, func(c net.Conn) { time.Sleep(20 * time.Second) })
	r := testRun(func(observe.Observation) {})
	// A long timeout keeps half of it and all of it a second apart, so a
	// loaded test machine cannot turn one into the other.
	r.cfg.ExchangeTimeout = 4 * time.Second
	conn, err := r.dial(context.Background(), ip, port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	r.question(context.Background(), conn, ip, port, askTLS)
	if took := time.Since(start); took > r.cfg.ExchangeTimeout*3/4 {
		t.Errorf("waited %v for a silent TLS port; half the timeout is %v", took, r.cfg.ExchangeTimeout/2)
	}
}

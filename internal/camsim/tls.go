//go:build linux

package camsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"time"
)

// tlsConfig makes the TLS side of an https service: a certificate for the
// profile's subject, TLS 1.2 and 1.3.
func (d *Device) tlsConfig(s *Service) (*tls.Config, error) {
	cert, err := selfSigned(s.Subject.name(d.vars))
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS13,
	}, nil
}

// name is the subject as a pkix.Name, values expanded against vars.
// crypto/x509 encodes it C, ST, L, O, OU, CN: the order OpenSSL and recog
// print reversed (CN=…,OU=…,O=…,L=…,ST=…,C=…).
func (s *Subject) name(vars map[string]string) pkix.Name {
	list := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{string(expand([]byte(v), vars))}
	}
	return pkix.Name{
		CommonName:         string(expand([]byte(s.CN), vars)),
		OrganizationalUnit: list(s.OU),
		Organization:       list(s.O),
		Locality:           list(s.L),
		Province:           list(s.ST),
		Country:            list(s.C),
	}
}

// selfSigned makes a certificate for subject, issued by itself, with a fresh
// ECDSA P-256 key.
func selfSigned(subject pkix.Name) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// overTLS serves a connection with serve inside a TLS session: the
// handshake, like a request head, must be done within requestTimeout.
func overTLS(cfg *tls.Config, serve tcpHandler) tcpHandler {
	return func(d *Device, s *Service, c net.Conn) {
		c.SetDeadline(time.Now().Add(requestTimeout))
		tc := tls.Server(c, cfg)
		if err := tc.HandshakeContext(d.ctx); err != nil {
			return
		}
		serve(d, s, tc)
		// close_notify, so a client reading to the end sees a clean end
		// rather than a truncated stream.
		tc.SetWriteDeadline(time.Now().Add(requestTimeout))
		tc.Close()
	}
}

package service

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

// TestParseDNEncodesCountryFirst: a name in RFC 2253 order or OpenSSL's
// one-line form becomes the name a certificate encodes, which prints back
// as recog writes it.
func TestParseDNEncodesCountryFirst(t *testing.T) {
	for _, form := range []string{recogHikvisionSubject, "/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com"} {
		rdns, ok := ParseDN(form)
		if !ok || len(rdns) != 6 {
			t.Fatalf("ParseDN(%q): %v %v", form, rdns, ok)
		}
		if rdns[0][0].Value != "CN" || rdns[5][0].Value != "www.hikvision.com" {
			t.Errorf("%q: encoded order %v", form, rdns)
		}
		cert, err := x509.ParseCertificate(selfSigned(t, rdns, 7))
		if err != nil {
			t.Fatal(err)
		}
		if got := formatDN(mustRDNs(t, cert.RawSubject)); got != recogHikvisionSubject {
			t.Errorf("%q: subject prints %q, want %q", form, got, recogHikvisionSubject)
		}
	}
}

func mustRDNs(t *testing.T, raw []byte) pkix.RDNSequence {
	t.Helper()
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(raw, &rdns); err != nil {
		t.Fatal(err)
	}
	return rdns
}

func TestParseDNEscapesAndRefusals(t *testing.T) {
	rdns, ok := ParseDN(`CN=74:a2:e6:5c:99:21,O=Cisco Systems\, Inc.,1.2.840.113549.1.9.1=a@b.c,C=US`)
	if !ok || len(rdns) != 4 || rdns[2][0].Value != "Cisco Systems, Inc." || rdns[1][0].Type.String() != "1.2.840.113549.1.9.1" {
		t.Errorf("got %v %v", rdns, ok)
	}
	for _, bad := range []string{"", "ctcdn.cn", "CN=#0403414243", "XX=1", "1.x=1"} {
		if _, ok := ParseDN(bad); ok {
			t.Errorf("ParseDN(%q) accepted", bad)
		}
	}
}

// FuzzParseDN: any string, no panic; a name it accepts has as many RDNs as
// the name has parts.
func FuzzParseDN(f *testing.F) {
	f.Add(recogHikvisionSubject)
	f.Add(`O=Cisco Systems\, Inc.,CN=x\`)
	f.Add(`2.5.4.3=a\41b`)
	f.Fuzz(func(t *testing.T, dn string) {
		rdns, ok := ParseDN(dn)
		if !ok {
			return
		}
		if _, _, values := recordedParts(dn); len(rdns) != len(values) {
			t.Errorf("%q: %d RDNs from %d parts", dn, len(rdns), len(values))
		}
	})
}

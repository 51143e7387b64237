package pcapgen

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"
)

// recog x509_subjects.xml's Hikvision DVR certificate subject.
const hikvisionSubject = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"

func TestParseDNEncodesCountryFirst(t *testing.T) {
	rdns, ok := ParseDN(hikvisionSubject)
	if !ok || len(rdns) != 6 {
		t.Fatalf("ParseDN: %v %v", rdns, ok)
	}
	der, err := SelfSigned(rdns, 7)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	// crypto/x509 prints RFC 2253 order (most specific first), as recog writes it.
	if got := cert.Subject.String(); got != hikvisionSubject {
		t.Errorf("subject %q, want %q", got, hikvisionSubject)
	}
	if rdns[0][0].Value != "CN" || rdns[5][0].Value != "www.hikvision.com" {
		t.Errorf("encoded order %v", rdns)
	}
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

// FuzzParseDN: any string, no panic; a name it accepts has as many RDNs as
// the string has unescaped commas plus one, and makes a certificate.
func FuzzParseDN(f *testing.F) {
	f.Add(hikvisionSubject)
	f.Add(`O=Cisco Systems\, Inc.,CN=x\`)
	f.Add(`2.5.4.3=a\41b`)
	f.Fuzz(func(t *testing.T, dn string) {
		rdns, ok := ParseDN(dn)
		if !ok {
			return
		}
		if len(rdns) != len(SplitDN(dn)) {
			t.Errorf("%q: %d RDNs from %d parts", dn, len(rdns), len(SplitDN(dn)))
		}
	})
}

package service

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"net/netip"
	"testing"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner"
)

// recogHikvisionSubject is the recog x509_subjects.xml example for a
// Hikvision DVR's self-signed certificate.
const recogHikvisionSubject = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"

var tlsMeta = scanner.Meta{Probe: "tls", SrcIP: netip.MustParseAddr("198.18.0.10"), SrcPort: 443}

// selfSigned makes a certificate whose subject and issuer are the given
// RDN sequence, encoded in that order.
func selfSigned(t testing.TB, name pkix.RDNSequence, serial int64) []byte {
	t.Helper()
	der, err := pcapgen.SelfSigned(name, serial)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func attr(oid asn1.ObjectIdentifier, v string) pkix.RelativeDistinguishedNameSET {
	return pkix.RelativeDistinguishedNameSET{{Type: oid, Value: v}}
}

var (
	oidC  = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidST = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidL  = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// hikvisionName is the recog subject in the usual X.509 order (country first).
func hikvisionName() pkix.RDNSequence {
	return pkix.RDNSequence{attr(oidC, "CN"), attr(oidST, "ZheJiang"), attr(oidL, "HangZhou"),
		attr(oidO, "HIKVISION"), attr(oidOU, "DVRNVR"), attr(oidCN, "www.hikvision.com")}
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append(append([]byte{typ}, u24(len(body))...), body...)
}

func u24(n int) []byte { return []byte{byte(n >> 16), byte(n >> 8), byte(n)} }

func TestTLS12RecogHikvisionSubject(t *testing.T) {
	der := selfSigned(t, hikvisionName(), 0x01020304)
	for _, recordSize := range []int{16384, 200, 7} {
		server := pcapgen.TLS12ServerFlight(der, recordSize)
		d, ok := Detect([]byte{0x16, 3, 1, 0, 0}, server)
		if !ok {
			t.Fatal("Detect refused a TLS flow")
		}
		obs, err := collect(t, d, nil, server, tlsMeta)
		if err != nil {
			t.Fatalf("records of %d: %v", recordSize, err)
		}
		for _, key := range []string{"tls.subject", "tls.issuer"} {
			if got := valuesOf(obs, key); len(got) != 1 || got[0] != recogHikvisionSubject {
				t.Errorf("records of %d: %s = %q, want %q", recordSize, key, got, recogHikvisionSubject)
			}
		}
	}
}

// TestCertificateNameOrder: a name encoded most-specific-first prints the
// same; escaping follows RFC 4514 as recog's examples do.
func TestCertificateNameOrder(t *testing.T) {
	name := hikvisionName()
	reversed := make(pkix.RDNSequence, len(name))
	for i := range name {
		reversed[len(name)-1-i] = name[i]
	}
	if got := formatDN(reversed); got != recogHikvisionSubject {
		t.Errorf("CN-first encoding printed %q", got)
	}
	escaped := pkix.RDNSequence{attr(oidC, "US"), attr(oidL, "Irvine"), attr(oidO, "Cisco Systems, Inc."), attr(oidOU, "RV042G"), attr(oidCN, "74:a2:e6:5c:99:21")}
	// recog x509_subjects.xml example for a Cisco RV042G
	if got, want := formatDN(escaped), `CN=74:a2:e6:5c:99:21,OU=RV042G,O=Cisco Systems\, Inc.,L=Irvine,C=US`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCertificateRejectedByX509 patches the serial to be negative, which
// crypto/x509 refuses; the names must still come out.
func TestCertificateRejectedByX509(t *testing.T) {
	der := selfSigned(t, hikvisionName(), 0x01020304)
	i := bytes.Index(der, []byte{2, 4, 1, 2, 3, 4})
	if i < 0 {
		t.Fatal("serial not found")
	}
	der[i+2] = 0x81
	if _, err := x509.ParseCertificate(der); err == nil {
		t.Fatal("crypto/x509 accepted a negative serial; the fallback is untested")
	}
	obs, err := collect(t, DecodeTLS, nil, pcapgen.TLS12ServerFlight(der, 500), tlsMeta)
	if err != nil || !hasValue(obs, "tls.subject", recogHikvisionSubject) {
		t.Errorf("err %v, obs %v", err, obs)
	}
}

// TestDLinkRealTLS reads real TLS 1.0 handshakes from mydlink servers whose
// Certificate record spans three TCP segments.
func TestDLinkRealTLS(t *testing.T) {
	flows := readFlows(t, realdataDir+"iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap", 443)
	withCert := 0
	for _, f := range flows {
		m := scanner.Meta{Probe: "pcap", SrcIP: f.server.Addr(), SrcPort: f.server.Port()}
		d, ok := ForPort(443)
		if !ok {
			t.Fatal("ForPort(443) refused")
		}
		obs, err := collect(t, d, f.client, f.served, m)
		if err != nil {
			t.Errorf("%v: %v", f.server, err)
		}
		if len(obs) == 0 {
			continue
		}
		withCert++
		// This certificate encodes OU before O; the printed order is the
		// reverse of the encoded one, as OpenSSL (and so recog) prints it.
		if !hasValue(obs, "tls.subject", "CN=*.auto.mydlink.com,O=D-Link Corporation,OU=IT Dept.,L=Taipei,ST=Taiwan,C=TW") ||
			!hasValue(obs, "tls.issuer", "CN=GlobalSign Organization Validation CA - SHA256 - G2,O=GlobalSign nv-sa,C=BE") {
			t.Errorf("%v: %v", f.server, obs)
		}
	}
	if withCert < 2 {
		t.Errorf("want the certificates of both mydlink servers, got %d of %d flows", withCert, len(flows))
	}
}

func TestTLS13HidesCertificate(t *testing.T) {
	hello := append([]byte{3, 3}, make([]byte, 32)...)
	hello = append(hello, 0, 0x13, 0x01, 0, 0, 6, 0, 43, 0, 2, 3, 4) // supported_versions: TLS 1.3
	hs := handshakeMsg(msgServerHello, hello)
	server := append([]byte{recordHandshake, 3, 3, 0, byte(len(hs))}, hs...)
	server = append(server, 0x14, 3, 3, 0, 1, 1, 0x17, 3, 3, 0, 4, 9, 9, 9, 9)
	obs, err := collect(t, DecodeTLS, nil, server, tlsMeta)
	if err != nil || len(obs) != 0 {
		t.Errorf("TLS 1.3: err %v, obs %v", err, obs)
	}
}

func TestTLSTruncatedAndForeign(t *testing.T) {
	full := pcapgen.TLS12ServerFlight(selfSigned(t, hikvisionName(), 7), 300)
	if _, err := collect(t, DecodeTLS, nil, full[:len(full)/2], tlsMeta); err != errTLSTruncated {
		t.Errorf("half a handshake: err %v", err)
	}
	if _, err := collect(t, DecodeTLS, nil, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), tlsMeta); err != errNotTLS {
		t.Errorf("HTTP answer: err %v", err)
	}
}

func TestRawCertificateKeys(t *testing.T) {
	der := selfSigned(t, hikvisionName(), 9)
	pemText := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})
	pemText = append(pemText, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	for key, value := range map[string][]byte{
		"tls.cert_pem":     pemText,
		"tls.cert_der_hex": []byte(hex.EncodeToString(der)),
	} {
		d, ok := ByRawKey(key)
		if !ok {
			t.Fatalf("ByRawKey(%q) refused", key)
		}
		obs, err := collect(t, d, nil, value, tlsMeta)
		if err != nil || !hasValue(obs, "tls.subject", recogHikvisionSubject) {
			t.Errorf("%s: err %v, obs %v", key, err, obs)
		}
	}
}

package pcapgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"time"
)

// TLS12ServerFlight is a TLS 1.2 server's first flight carrying the DER
// certificate in plain text: ServerHello, Certificate and ServerHelloDone,
// cut into handshake records of at most recordSize bytes (a device may
// split its flight anywhere).
func TLS12ServerFlight(der []byte, recordSize int) []byte {
	hello := append([]byte{3, 3}, make([]byte, 32)...)
	hello = append(hello, 0, 0xc0, 0x2f, 0, 0, 0) // no session id, cipher, no compression, no extensions
	certList := append(u24(len(der)), der...)
	var hs []byte
	hs = append(hs, handshakeMsg(tlsServerHello, hello)...)
	hs = append(hs, handshakeMsg(tlsCertificate, append(u24(len(certList)), certList...))...)
	hs = append(hs, handshakeMsg(tlsHelloDone, nil)...)
	return handshakeRecords(hs, recordSize)
}

// TLS12ClientHello is a minimal TLS 1.2 ClientHello offering one cipher
// suite and no extensions (so no server name).
func TLS12ClientHello() []byte { return tls12ClientHello(nil) }

// TLS12ClientHelloSNI is TLS12ClientHello naming the server it wants in a
// server_name extension (RFC 6066), as a device opening its cloud sends it.
func TLS12ClientHelloSNI(name string) []byte {
	entry := append([]byte{0, byte(len(name) >> 8), byte(len(name))}, name...) // host_name
	list := append([]byte{byte(len(entry) >> 8), byte(len(entry))}, entry...)
	return tls12ClientHello(append([]byte{0, 0, byte(len(list) >> 8), byte(len(list))}, list...)) // server_name
}

// tls12ClientHello offers one cipher suite, no session id, null compression
// and the given extensions block (none when empty).
func tls12ClientHello(extensions []byte) []byte {
	hello := append([]byte{3, 3}, make([]byte, 32)...)
	hello = append(hello, 0, 0, 2, 0xc0, 0x2f, 1, 0)
	if len(extensions) > 0 {
		hello = append(hello, byte(len(extensions)>>8), byte(len(extensions)))
		hello = append(hello, extensions...)
	}
	return handshakeRecords(handshakeMsg(tlsClientHello, hello), 16384)
}

const (
	tlsRecordHandshake = 22
	tlsClientHello     = 1
	tlsServerHello     = 2
	tlsCertificate     = 11
	tlsHelloDone       = 14
)

func handshakeRecords(hs []byte, recordSize int) []byte {
	var out []byte
	for len(hs) > 0 {
		n := min(recordSize, len(hs))
		out = append(out, tlsRecordHandshake, 3, 3, byte(n>>8), byte(n))
		out = append(out, hs[:n]...)
		hs = hs[n:]
	}
	return out
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append(append([]byte{typ}, u24(len(body))...), body...)
}

func u24(n int) []byte { return []byte{byte(n >> 16), byte(n >> 8), byte(n)} }

// SelfSigned is a self-signed certificate (ECDSA P-256) with the given
// subject, encoded as the name is (order and string types kept).
func SelfSigned(name pkix.RDNSequence, serial int64) ([]byte, error) {
	return Issued(name, name, serial)
}

// Issued is a certificate (ECDSA P-256) with the given subject, naming the
// given issuer, both encoded as the names are (order and string types
// kept). It is signed by its own key: what reads it here takes the names,
// never the chain. An empty subject is encoded as the empty name.
func Issued(subject, issuer pkix.RDNSequence, serial int64) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rawSubject, err := asn1.Marshal(subject)
	if err != nil {
		return nil, err
	}
	rawIssuer, err := asn1.Marshal(issuer)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), RawSubject: rawSubject,
		NotBefore: time.Unix(1_600_000_000, 0), NotAfter: time.Unix(1_900_000_000, 0),
	}
	// The issuer is taken from the parent's RawSubject.
	parent := &x509.Certificate{RawSubject: rawIssuer}
	return x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, key)
}

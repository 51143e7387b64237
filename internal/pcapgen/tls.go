package pcapgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
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
func TLS12ClientHello() []byte {
	hello := append([]byte{3, 3}, make([]byte, 32)...)
	hello = append(hello, 0, 0, 2, 0xc0, 0x2f, 1, 0) // no session id, one cipher, null compression
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
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	raw, err := asn1.Marshal(name)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), RawSubject: raw,
		NotBefore: time.Unix(1_600_000_000, 0), NotAfter: time.Unix(1_900_000_000, 0),
	}
	// Self-signed: the issuer is taken from the parent's RawSubject.
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
}

var dnAttributeOIDs = map[string]asn1.ObjectIdentifier{
	"CN": {2, 5, 4, 3}, "SERIALNUMBER": {2, 5, 4, 5}, "C": {2, 5, 4, 6}, "L": {2, 5, 4, 7}, "ST": {2, 5, 4, 8},
	"STREET": {2, 5, 4, 9}, "O": {2, 5, 4, 10}, "OU": {2, 5, 4, 11}, "DC": {0, 9, 2342, 19200300, 100, 1, 25},
	"UID": {0, 9, 2342, 19200300, 100, 1, 1}, "EMAILADDRESS": {1, 2, 840, 113549, 1, 9, 1},
}

// ParseDN reads an RFC 2253 string (most specific first) into the name a
// certificate encodes (country first).
func ParseDN(dn string) (pkix.RDNSequence, bool) {
	var rdns pkix.RDNSequence
	for _, part := range SplitDN(dn) {
		typ, value, ok := strings.Cut(part, "=")
		if !ok || strings.HasPrefix(value, "#") {
			return nil, false
		}
		oid, ok := dnAttributeOIDs[strings.ToUpper(strings.TrimSpace(typ))]
		if !ok {
			if oid, ok = parseOID(typ); !ok {
				return nil, false
			}
		}
		rdns = append(pkix.RDNSequence{{{Type: oid, Value: unescapeDN(value)}}}, rdns...)
	}
	return rdns, len(rdns) > 0
}

func parseOID(s string) (asn1.ObjectIdentifier, bool) {
	var oid asn1.ObjectIdentifier
	for _, f := range strings.Split(strings.TrimSpace(s), ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, false
		}
		oid = append(oid, n)
	}
	return oid, len(oid) > 1
}

// SplitDN splits an RFC 4514 name at its commas not escaped by a backslash.
func SplitDN(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescapeDN undoes RFC 4514 escapes: \, and friends, and \XX hex pairs.
func unescapeDN(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if i+2 < len(s) {
			if v, err := hex.DecodeString(s[i+1 : i+3]); err == nil {
				b.Write(v)
				i += 2
				continue
			}
		}
		i++
		b.WriteByte(s[i])
	}
	return b.String()
}

package service

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"

	"github.com/camsweep/camsweep/scanner"
)

var (
	errNotTLS       = errors.New("service: server bytes are not a TLS handshake")
	errTLSTruncated = errors.New("service: TLS handshake ends before the certificate")
	errTLSMalformed = errors.New("service: malformed TLS handshake")
	errBadCert      = errors.New("service: certificate names cannot be parsed")
)

const (
	recordHandshake = 22
	msgServerHello  = 2
	msgCertificate  = 11
	msgHelloDone    = 14
	// maxHandshakeBytes bounds the handshake bytes gathered from records;
	// real certificate chains fit in a few records.
	maxHandshakeBytes = 256 << 10
	versionTLS13      = 0x0304
	extSupportedVers  = 43
)

// DecodeTLS reads the server's side of a TLS 1.0-1.2 (or SSLv3) handshake,
// which may span several records and TCP segments, and emits tls.subject and
// tls.issuer of the leaf certificate. A TLS 1.3 server encrypts its
// certificate: that yields nothing and no error.
func DecodeTLS(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	der, err := leafCertificate(server)
	if err != nil || der == nil {
		return err
	}
	return emitCertificate(newEmitter(m, emit), der)
}

// leafCertificate returns the first certificate of the server's Certificate
// message, or nil without error when the server sends none in the clear.
func leafCertificate(b []byte) ([]byte, error) {
	if len(b) < 3 || b[0] != recordHandshake || b[1] != 3 {
		return nil, errNotTLS
	}
	hs, truncated := handshakeBytes(b)
	for len(hs) >= 4 {
		typ, n := hs[0], int(hs[1])<<16|int(hs[2])<<8|int(hs[3])
		if 4+n > len(hs) {
			return nil, errTLSTruncated
		}
		body := hs[4 : 4+n]
		switch typ {
		case msgServerHello:
			if isTLS13(body) {
				return nil, nil
			}
		case msgCertificate:
			return firstCertificate(body)
		case msgHelloDone:
			return nil, nil // resumed or anonymous: no certificate
		}
		hs = hs[4+n:]
	}
	if truncated || len(hs) > 0 {
		return nil, errTLSTruncated
	}
	return nil, nil
}

// handshakeBytes concatenates the payloads of the leading handshake records;
// the first record of any other type (ChangeCipherSpec, alert, encrypted
// data) ends the clear-text handshake.
func handshakeBytes(b []byte) (hs []byte, truncated bool) {
	for len(b) >= 5 && b[0] == recordHandshake && b[1] == 3 && len(hs) < maxHandshakeBytes {
		n := int(b[3])<<8 | int(b[4])
		if 5+n > len(b) {
			return append(hs, b[5:]...), true
		}
		hs = append(hs, b[5:5+n]...)
		b = b[5+n:]
	}
	return hs, len(b) > 0 && len(b) < 5
}

// isTLS13 reports whether a ServerHello selects TLS 1.3 through the
// supported_versions extension (its legacy version field says 1.2).
func isTLS13(hello []byte) bool {
	const fixed = 2 + 32 // version, random
	if len(hello) < fixed+1 {
		return false
	}
	p := fixed + 1 + int(hello[fixed]) + 2 + 1 // session id, cipher suite, compression
	if len(hello) < p+2 {
		return false
	}
	ext := hello[p+2 : min(len(hello), p+2+int(hello[p])<<8|int(hello[p+1]))]
	for len(ext) >= 4 {
		typ, n := int(ext[0])<<8|int(ext[1]), int(ext[2])<<8|int(ext[3])
		if 4+n > len(ext) {
			return false
		}
		if typ == extSupportedVers && n == 2 {
			return int(ext[4])<<8|int(ext[5]) == versionTLS13
		}
		ext = ext[4+n:]
	}
	return false
}

// firstCertificate returns the leaf of a Certificate message's list.
func firstCertificate(body []byte) ([]byte, error) {
	if len(body) < 3 {
		return nil, errTLSMalformed
	}
	list := body[3:]
	if len(list) == 0 {
		return nil, nil // the server sent an empty chain
	}
	if len(list) < 3 {
		return nil, errTLSMalformed
	}
	n := int(list[0])<<16 | int(list[1])<<8 | int(list[2])
	if n == 0 || 3+n > len(list) {
		return nil, errTLSMalformed
	}
	return list[3 : 3+n], nil
}

// emitCertificate emits the subject and issuer of a DER certificate.
func emitCertificate(out *emitter, der []byte) error {
	subject, issuer, err := certificateNames(der)
	if err != nil {
		return err
	}
	out.add("tls.subject", formatDN(subject))
	out.add("tls.issuer", formatDN(issuer))
	return nil
}

// certificateNames returns the subject and issuer in their encoded order.
// crypto/x509 parses the certificate; devices ship certificates it rejects
// (negative serial numbers, odd extensions), so the names are then read
// from the TBSCertificate alone.
func certificateNames(der []byte) (subject, issuer pkix.RDNSequence, err error) {
	rawSubject, rawIssuer := []byte(nil), []byte(nil)
	if cert, perr := x509.ParseCertificate(der); perr == nil {
		rawSubject, rawIssuer = cert.RawSubject, cert.RawIssuer
	} else if rawSubject, rawIssuer, err = looseNames(der); err != nil {
		return nil, nil, err
	}
	if rest, err := asn1.Unmarshal(rawSubject, &subject); err != nil || len(rest) > 0 {
		return nil, nil, errBadCert
	}
	if rest, err := asn1.Unmarshal(rawIssuer, &issuer); err != nil || len(rest) > 0 {
		return nil, nil, errBadCert
	}
	return subject, issuer, nil
}

// looseNames walks Certificate -> TBSCertificate -> [version] serial
// signature issuer validity subject, checking nothing else.
func looseNames(der []byte) (subject, issuer []byte, err error) {
	var cert, tbs asn1.RawValue
	if _, err := asn1.Unmarshal(der, &cert); err != nil || !cert.IsCompound {
		return nil, nil, errBadCert
	}
	if _, err := asn1.Unmarshal(cert.Bytes, &tbs); err != nil || !tbs.IsCompound {
		return nil, nil, errBadCert
	}
	var fields [][]byte
	for rest := tbs.Bytes; len(rest) > 0 && len(fields) < 5; {
		var field asn1.RawValue
		rest, err = asn1.Unmarshal(rest, &field)
		if err != nil {
			return nil, nil, errBadCert
		}
		if field.Class == asn1.ClassContextSpecific && field.Tag == 0 && len(fields) == 0 {
			continue // explicit version
		}
		fields = append(fields, field.FullBytes)
	}
	if len(fields) < 5 {
		return nil, nil, errBadCert
	}
	return fields[4], fields[2], nil
}

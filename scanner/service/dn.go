package service

import (
	"crypto/x509/pkix"
	"strings"
)

// attributeNames are the short names recog and OpenSSL print.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "SERIALNUMBER",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.42":                   "GN",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
}

// specificity ranks attribute types from the most specific (a host) to the
// least (a country), to tell which end of a name is which.
var specificity = map[string]int{
	"CN": 0, "UID": 0, "emailAddress": 0, "SERIALNUMBER": 0,
	"OU": 1, "O": 2, "STREET": 3, "L": 3, "postalCode": 3, "ST": 4, "C": 5, "DC": 6,
}

// formatDN prints a distinguished name the way recog's x509 fingerprints
// spell it, which is OpenSSL's RFC 2253 output: RDNs in the reverse of their
// encoded order (X.509 encodes the country first, so the CN comes first),
// RFC 4514 escaping, multi-valued RDNs joined by '+'. A certificate that
// encodes its CN first is printed in encoded order instead, so the most
// specific RDN always leads.
func formatDN(rdns pkix.RDNSequence) string {
	parts := make([]string, 0, len(rdns))
	for _, rdn := range rdns {
		if s := formatRDN(rdn); s != "" {
			parts = append(parts, s)
		}
	}
	if !mostSpecificFirst(rdns) {
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
	}
	return strings.Join(parts, ",")
}

// mostSpecificFirst reports whether the encoded order already starts with
// the most specific RDN (rare; X.509 usually starts with the country).
func mostSpecificFirst(rdns pkix.RDNSequence) bool {
	if len(rdns) < 2 || len(rdns[0]) == 0 || len(rdns[len(rdns)-1]) == 0 {
		return false
	}
	first, okFirst := specificity[attributeName(rdns[0][0])]
	last, okLast := specificity[attributeName(rdns[len(rdns)-1][0])]
	return okFirst && okLast && first < last
}

func formatRDN(rdn pkix.RelativeDistinguishedNameSET) string {
	var parts []string
	for _, atv := range rdn {
		value, ok := atv.Value.(string)
		if !ok {
			continue
		}
		parts = append(parts, attributeName(atv)+"="+escapeDNValue(value))
	}
	return strings.Join(parts, "+")
}

func attributeName(atv pkix.AttributeTypeAndValue) string {
	oid := atv.Type.String()
	if name, ok := attributeNames[oid]; ok {
		return name
	}
	return oid
}

// escapeDNValue applies RFC 4514 §2.4 escaping.
func escapeDNValue(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case strings.ContainsRune(",+\"\\<>;", r),
			i == 0 && (r == ' ' || r == '#'),
			i == len(s)-1 && r == ' ':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == 0:
			b.WriteString("\\00")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

package service

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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

// longAttributeNames are the attribute names nmap and some OpenSSL options
// print in full, by the short name formatDN prints.
var longAttributeNames = map[string]string{
	"commonname": "CN", "surname": "SN", "serialnumber": "SERIALNUMBER",
	"countryname": "C", "localityname": "L", "stateorprovincename": "ST",
	"streetaddress": "STREET", "organizationname": "O",
	"organizationalunitname": "OU", "title": "title", "postalcode": "postalCode",
	"givenname": "GN", "emailaddress": "emailAddress", "email": "emailAddress",
	"userid": "UID", "domaincomponent": "DC",
	"cn": "CN", "sn": "SN", "c": "C", "l": "L", "st": "ST", "s": "ST", "o": "O",
	"ou": "OU", "gn": "GN", "uid": "UID", "dc": "DC", "street": "STREET",
}

// lineAttributeNames are the further names a scanner's document prints a
// certificate name with, one attribute a line ("CN: x", "Org: y",
// "State: z"; D4-project/Plum-Island's scan documents): read only in that
// line form, by the short name formatDN prints.
var lineAttributeNames = map[string]string{
	"org": "O", "organization": "O", "state": "ST", "locality": "L", "country": "C",
}

// recordedDN writes a distinguished name recorded by another tool as
// formatDN writes the certificate's: OpenSSL's one-line form
// ("/C=CN/ST=ZheJiang/O=HIKVISION/CN=x"), its comma forms with or without
// spaces around '=' ("C = CN, O = HIKVISION, CN = x"), nmap's long names
// ("commonName=x/organizationName=HIKVISION") and a "subject=" in front all
// become "CN=x,O=HIKVISION,C=CN". A value that is not a name is only
// trimmed.
func recordedDN(value string) string {
	s, names, values := recordedParts(value)
	if names == nil {
		return s
	}
	out := make([]string, len(names))
	for i := range names {
		out[i] = names[i] + "=" + escapeDNValue(values[i])
	}
	if lessSpecificFirst(names) {
		slices.Reverse(out)
	}
	return strings.Join(out, ",")
}

// recordedParts reads a recorded name (any form recordedDN reads) into its
// attribute types and unescaped values, in the recorded order; names is nil
// when the text is no name (s is then the trimmed text).
func recordedParts(value string) (s string, names, values []string) {
	s = strings.TrimSpace(value)
	for _, prefix := range []string{"subject=", "subject:", "issuer=", "issuer:"} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s = strings.TrimSpace(s[len(prefix):])
			break
		}
	}
	if names, values, ok := lineParts(s); ok {
		return s, names, values
	}
	parts := splitDN(s)
	if len(parts) == 0 {
		return s, nil, nil
	}
	names, values = make([]string, len(parts)), make([]string, len(parts))
	for i, p := range parts {
		eq := strings.IndexByte(p, '=')
		name, ok := attributeType(p[:eq])
		if !ok {
			return s, nil, nil
		}
		names[i], values[i] = name, unescapeDNValue(unescapeByteEscapes(strings.TrimSpace(p[eq+1:])))
	}
	return s, names, values
}

// ParseDN reads a distinguished name written in any form recordedDN reads
// into the name a certificate encodes (the country first), for building a
// certificate that carries it. False for text that is no name, an attribute
// type with no OID here, or a BER-encoded (#hex) value.
func ParseDN(value string) (pkix.RDNSequence, bool) {
	_, names, values := recordedParts(value)
	if names == nil {
		return nil, false
	}
	rdns := make(pkix.RDNSequence, len(names))
	for i, name := range names {
		oid, ok := attributeOID(name)
		if !ok || strings.HasPrefix(values[i], "#") {
			return nil, false
		}
		rdns[i] = pkix.RelativeDistinguishedNameSET{{Type: oid, Value: values[i]}}
	}
	if !lessSpecificFirst(names) {
		slices.Reverse(rdns)
	}
	return rdns, true
}

// lineParts reads a name written one attribute a line, "Type: value" or a
// JSON member "\"type\": \"value\"," (a scanner's document: "CN: x\nOrg: y\n
// Country: CN"; x509 fields as JSON), in the recorded order; false unless
// there are two lines or more and every line is such an attribute.
func lineParts(s string) (names, values []string, ok bool) {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		typ, value, found := strings.Cut(line, ":")
		if !found {
			return nil, nil, false
		}
		typ = strings.Trim(strings.TrimSpace(typ), `"`)
		name, known := longAttributeNames[strings.ToLower(typ)]
		if !known {
			name, known = lineAttributeNames[strings.ToLower(typ)]
		}
		if !known {
			return nil, nil, false
		}
		value = strings.TrimSpace(value)
		if strings.HasPrefix(value, `"`) {
			value = strings.TrimSuffix(value, ",")
			value = strings.Trim(value, `"`)
		}
		names, values = append(names, name), append(values, unescapeByteEscapes(value))
	}
	if len(names) < 2 {
		return nil, nil, false
	}
	return names, values, true
}

// unescapeByteEscapes undoes the \xHH byte escapes a tool prints for the
// bytes of a value that are not printable ASCII ("Dahua\xC2\xA0Device" for a
// no-break space), when the bytes they give are UTF-8 text; else the value is
// kept as written.
func unescapeByteEscapes(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' && isHex(s[i+2:i+4]) {
			v, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
			b = append(b, byte(v))
			i += 3
			continue
		}
		b = append(b, s[i])
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

// attributeOID is the OID of a short attribute name formatDN prints, or of a
// dotted OID.
func attributeOID(name string) (asn1.ObjectIdentifier, bool) {
	dotted := name
	for oid, short := range attributeNames {
		if short == name {
			dotted = oid
			break
		}
	}
	if !isDottedOID(dotted) {
		return nil, false
	}
	var oid asn1.ObjectIdentifier
	for _, arc := range strings.Split(dotted, ".") {
		n, err := strconv.Atoi(arc)
		if err != nil {
			return nil, false
		}
		oid = append(oid, n)
	}
	return oid, true
}

// lessSpecificFirst reports names in encoded order (the country first), as
// told by the first and last attribute types whose place is known.
func lessSpecificFirst(names []string) bool {
	first, last := -1, -1
	for _, n := range names {
		if rank, ok := specificity[n]; ok {
			if first < 0 {
				first = rank
			}
			last = rank
		}
	}
	return first > last
}

// attributeType returns the short name of a recorded attribute type, or a
// dotted OID as it is (formatDN prints types it has no name for so).
func attributeType(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if name, ok := longAttributeNames[strings.ToLower(s)]; ok {
		return name, true
	}
	return s, isDottedOID(s)
}

func isDottedOID(s string) bool {
	if s == "" || !strings.Contains(s, ".") {
		return false
	}
	for _, arc := range strings.Split(s, ".") {
		if arc == "" || strings.Trim(arc, "0123456789") != "" {
			return false
		}
	}
	return true
}

// splitDN splits a recorded name into its "type=value" parts: at '/' in
// OpenSSL's one-line form (a name starting with '/') and nmap's, else at
// unescaped ',' or ';'. A separator counts only before another "type=", so a value
// holding one ("O=A/B Ltd") stays whole. It returns nil for text that is no
// name.
func splitDN(s string) []string {
	if strings.HasPrefix(s, "/") {
		return splitDNAt(s[1:], "/")
	}
	if parts := splitDNAt(s, ",;"); len(parts) != 1 {
		return parts
	}
	return splitDNAt(s, "/") // nmap: commonName=x/organizationName=y
}

// splitDNAt is splitDN at the given separators.
func splitDNAt(s, sep string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.IndexByte(sep, s[i]) >= 0 && startsAttribute(s[i+1:]) {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	parts = append(parts, s[start:])
	for _, p := range parts {
		if !startsAttribute(p) {
			return nil
		}
	}
	return parts
}

// startsAttribute reports whether s begins with an attribute type and '='
// (white space allowed around the type).
func startsAttribute(s string) bool {
	s = strings.TrimLeft(s, " \t")
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return false
	}
	_, ok := attributeType(s[:eq])
	return ok
}

// unescapeDNValue undoes RFC 4514 escaping of a recorded value ("\," and
// "\2C" both give ","), and drops quotes around a quoted value.
func unescapeDNValue(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if i+2 < len(s) && isHex(s[i+1:i+3]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		i++
		b.WriteByte(s[i])
	}
	return b.String()
}

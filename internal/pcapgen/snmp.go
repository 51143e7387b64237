package pcapgen

import (
	"strconv"
	"strings"
)

// SNMPVar is one variable binding of an SNMP message: a dotted OID and its
// value, a string (OCTET STRING) or, when OID is set, an OBJECT IDENTIFIER.
type SNMPVar struct {
	Name     string
	Text     string
	OIDValue string
}

// SNMPv2cResponse is an SNMPv2c GetResponse (request-id 1, no error) as an
// agent sends it on UDP 161, with community "public". A name or OID value
// that is not dotted decimal is left out.
func SNMPv2cResponse(vars []SNMPVar) []byte { return snmpMessage(0xa2, vars) }

// SNMPv2cTrap is an SNMPv2-Trap carrying sysUpTime.0 and snmpTrapOID.0 =
// trapOID, then vars, as an agent sends it to UDP 162.
func SNMPv2cTrap(trapOID string, vars []SNMPVar) []byte {
	head := []SNMPVar{{Name: "1.3.6.1.6.3.1.1.4.1.0", OIDValue: trapOID}}
	return snmpMessage(0xa7, append(head, vars...))
}

func snmpMessage(pdu byte, vars []SNMPVar) []byte {
	var binds []byte
	for _, v := range vars {
		name, ok := berOID(v.Name)
		if !ok {
			continue
		}
		value := berTLV(0x04, []byte(v.Text))
		if v.OIDValue != "" {
			oid, ok := berOID(v.OIDValue)
			if !ok {
				continue
			}
			value = oid
		}
		binds = append(binds, berTLV(0x30, append(name, value...))...)
	}
	body := concat(berTLV(0x02, []byte{1}), berTLV(0x02, []byte{0}), berTLV(0x02, []byte{0}), berTLV(0x30, binds))
	return berTLV(0x30, concat(berTLV(0x02, []byte{1}), berTLV(0x04, []byte("public")), berTLV(pdu, body)))
}

// berTLV encodes one definite-length TLV (short or long form).
func berTLV(tag byte, content []byte) []byte {
	n := len(content)
	switch {
	case n < 0x80:
		return concat([]byte{tag, byte(n)}, content)
	case n < 0x100:
		return concat([]byte{tag, 0x81, byte(n)}, content)
	default:
		return concat([]byte{tag, 0x82, byte(n >> 8), byte(n)}, content)
	}
}

// berOID encodes a dotted OID (at least two arcs, the first 0-2).
func berOID(dotted string) ([]byte, bool) {
	parts := strings.Split(dotted, ".")
	if len(parts) < 2 {
		return nil, false
	}
	arcs := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, false
		}
		arcs[i] = n
	}
	if arcs[0] > 2 || arcs[0] < 2 && arcs[1] > 39 {
		return nil, false
	}
	out := base128(arcs[0]*40 + arcs[1])
	for _, a := range arcs[2:] {
		out = append(out, base128(a)...)
	}
	return berTLV(0x06, out), true
}

func base128(n uint64) []byte {
	out := []byte{byte(n & 0x7f)}
	for n >>= 7; n > 0; n >>= 7 {
		out = append([]byte{byte(n&0x7f) | 0x80}, out...)
	}
	return out
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

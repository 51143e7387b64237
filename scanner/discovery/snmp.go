package discovery

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/camsweep/camsweep/scanner"
)

// SNMP v1/v2c is read passively: a capture taken while a management station
// polls the network holds the devices' answers (sysDescr, sysObjectID,
// sysName, the maker's own MIB values) and the traps they send. camsweep
// never sends SNMP: a request needs a community string, and guessing one is
// trying passwords.
//
// A message is SEQUENCE { version INTEGER, community OCTET STRING, PDU }.
// The community is a credential and is never read past its length.

const (
	berInteger   = 0x02
	berOctets    = 0x04
	berOID       = 0x06
	berSequence  = 0x30
	snmpVersion1 = 0
	snmpVersion2 = 1 // v2c

	// PDUs the agent sends about itself. Requests (Get, GetNext, Set,
	// GetBulk) come from the manager and name nothing of the device's own;
	// a Set even carries values the manager wants written.
	pduResponse = 0xa2
	pduTrapV1   = 0xa4
	pduInform   = 0xa6
	pduTrapV2   = 0xa7

	// Bounds: an OID of more arcs, or a message of more variables, is not
	// one a device sends about itself.
	maxOIDArcs      = 64
	maxVarBinds     = 128
	maxPrivateTexts = 32
)

// The MIB-2 system group and the notification OID, BER-encoded (1.3 is
// 0x2b): sysDescr.0 1.3.6.1.2.1.1.1.0, sysObjectID.0 …1.2.0, sysName.0
// …1.5.0, snmpTrapOID.0 1.3.6.1.6.3.1.1.4.1.0.
var (
	berSysDescr    = []byte{0x2b, 6, 1, 2, 1, 1, 1, 0}
	berSysObjectID = []byte{0x2b, 6, 1, 2, 1, 1, 2, 0}
	berSysName     = []byte{0x2b, 6, 1, 2, 1, 1, 5, 0}
	berSnmpTrapOID = []byte{0x2b, 6, 1, 6, 3, 1, 1, 4, 1, 0}
	// Variables under the private enterprises arc (1.3.6.1.4.1) belong to a
	// maker's MIB.
	berEnterprises = []byte{0x2b, 6, 1, 4, 1}
)

var errSNMPFrame = errors.New("snmp: not an SNMP v1/v2c message")

// SNMP decodes an SNMP v1 or v2c message from an agent: a GetResponse, a
// trap or an inform. It writes sysDescr.0, sysObjectID.0 and sysName.0
// (snmp.sys_descr, snmp.sys_object_id, snmp.sys_name), the notification's
// OID of a trap (snmp.trap_oid: a v1 trap's enterprise field, a v2 trap's
// snmpTrapOID.0) and the text values of variables under the enterprises arc
// as OID=value (snmp.private). Requests from a manager and SNMPv3 messages
// (encrypted or authenticated: no community) give nothing and no error.
func SNMP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	msg, err := berOne(payload, berSequence)
	if err != nil {
		return err
	}
	version, err := msg.integer()
	if err != nil {
		return err
	}
	if version != snmpVersion1 && version != snmpVersion2 {
		return nil // SNMPv3 or a version this reader does not know
	}
	if _, err := msg.expect(berOctets); err != nil { // the community: skipped
		return err
	}
	tag, body, err := msg.next()
	if err != nil {
		return err
	}
	pdu := berReader{body}
	s := newSink(m, emit)
	switch tag {
	case pduResponse, pduInform, pduTrapV2:
		if err := pdu.skip(3); err != nil { // request-id, error-status, error-index
			return err
		}
	case pduTrapV1:
		enterprise, err := pdu.expect(berOID)
		if err != nil {
			return err
		}
		if oid, ok := oidText(enterprise); ok {
			s.field("snmp.trap_oid", oid)
		}
		if err := pdu.skip(4); err != nil { // agent-addr, generic, specific, time-stamp
			return err
		}
	default:
		return nil // a manager's request
	}
	binds, err := pdu.expect(berSequence)
	if err != nil {
		return err
	}
	return readVarBinds(berReader{binds}, s)
}

// readVarBinds emits what the variables of one PDU say about the agent.
func readVarBinds(r berReader, s *sink) error {
	texts := 0
	for n := 0; !r.done(); n++ {
		if n == maxVarBinds {
			return nil
		}
		bind, err := r.expect(berSequence)
		if err != nil {
			return err
		}
		vb := berReader{bind}
		name, err := vb.expect(berOID)
		if err != nil {
			return err
		}
		tag, value, err := vb.next()
		if err != nil {
			return err
		}
		// Names are compared in their encoded form: a poll of interface
		// counters answers thousands of variables, and none needs its name
		// written out but the maker's own.
		switch {
		case tag == berOctets && bytes.Equal(name, berSysDescr):
			s.field("snmp.sys_descr", snmpText(value))
		case tag == berOctets && bytes.Equal(name, berSysName):
			s.field("snmp.sys_name", snmpText(value))
		case tag == berOID && bytes.Equal(name, berSysObjectID):
			if v, ok := oidText(value); ok && v != "0.0" {
				s.field("snmp.sys_object_id", v)
			}
		case tag == berOID && bytes.Equal(name, berSnmpTrapOID):
			if v, ok := oidText(value); ok {
				s.field("snmp.trap_oid", v)
			}
		case tag == berOctets && bytes.HasPrefix(name, berEnterprises) && isScalar(name) && texts < maxPrivateTexts:
			v := snmpText(value)
			oid, ok := oidText(name)
			if v != "" && ok {
				texts++
				s.field("snmp.private", oid+"="+v)
			}
		}
	}
	return nil
}

// isScalar reports whether an encoded variable name is a scalar's instance
// (its last arc 0): a maker's model, firmware and serial are scalars, while
// tables (interfaces, neighbours, users, wireless clients and their keys)
// describe other things than the device and are not kept.
func isScalar(name []byte) bool {
	n := len(name)
	return n >= 2 && name[n-1] == 0 && name[n-2]&0x80 == 0
}

// snmpText is an OCTET STRING as text, or "" when it is binary (a MAC, a
// counter, an encrypted blob): binary values name nothing a signature reads.
// A trailing NUL, which some agents count in the length, is dropped.
func snmpText(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	if !utf8.Valid(b) {
		return ""
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return ""
		}
	}
	return string(b)
}

// oidText renders a BER-encoded OBJECT IDENTIFIER in dotted form; false
// when it is empty, too long, or an arc overflows 32 bits or is unfinished.
func oidText(b []byte) (string, bool) {
	if len(b) == 0 {
		return "", false
	}
	var sb strings.Builder
	arcs := 0
	var arc uint64
	started := false
	for i, c := range b {
		if !started && c == 0x80 {
			return "", false // a padded arc: not a BER encoding
		}
		started = true
		arc = arc<<7 | uint64(c&0x7f)
		if arc > 1<<32-1+80 {
			return "", false
		}
		if c&0x80 != 0 {
			if i == len(b)-1 {
				return "", false
			}
			continue
		}
		if arcs == 0 {
			first, second := arc/40, arc%40
			if first > 2 {
				first, second = 2, arc-80
			}
			sb.WriteString(strconv.FormatUint(first, 10))
			sb.WriteByte('.')
			sb.WriteString(strconv.FormatUint(second, 10))
			arcs = 2
		} else {
			if arc > 1<<32-1 {
				return "", false
			}
			sb.WriteByte('.')
			sb.WriteString(strconv.FormatUint(arc, 10))
			arcs++
		}
		if arcs > maxOIDArcs {
			return "", false
		}
		arc, started = 0, false
	}
	return sb.String(), true
}

// berReader reads consecutive BER TLVs of a bounded slice. SNMP uses
// single-byte tags and definite lengths (short or long form, not
// necessarily minimal: some agents always write two length bytes).
type berReader struct{ b []byte }

var errBER = errors.New("snmp: malformed BER")

// berOne reads b as exactly one TLV of the given tag and returns a reader
// over its contents.
func berOne(b []byte, tag byte) (berReader, error) {
	r := berReader{b}
	content, err := r.expect(tag)
	if err != nil {
		return berReader{}, err
	}
	if !r.done() {
		return berReader{}, errSNMPFrame
	}
	return berReader{content}, nil
}

func (r *berReader) done() bool { return len(r.b) == 0 }

// next returns the next TLV's tag and contents.
func (r *berReader) next() (byte, []byte, error) {
	if len(r.b) < 2 {
		return 0, nil, errBER
	}
	tag, n := r.b[0], int(r.b[1])
	if tag&0x1f == 0x1f {
		return 0, nil, errBER // a multi-byte tag: SNMP has none
	}
	rest := r.b[2:]
	if n&0x80 != 0 {
		size := n & 0x7f
		if size == 0 || size > 3 || len(rest) < size {
			return 0, nil, errBER // indefinite, or longer than a datagram
		}
		n = 0
		for _, c := range rest[:size] {
			n = n<<8 | int(c)
		}
		rest = rest[size:]
	}
	if n > len(rest) {
		return 0, nil, errBER
	}
	r.b = rest[n:]
	return tag, rest[:n], nil
}

// expect reads the next TLV, which must have the given tag.
func (r *berReader) expect(tag byte) ([]byte, error) {
	t, content, err := r.next()
	if err != nil {
		return nil, err
	}
	if t != tag {
		return nil, errSNMPFrame
	}
	return content, nil
}

// integer reads a small non-negative INTEGER (a version number).
func (r *berReader) integer() (int, error) {
	b, err := r.expect(berInteger)
	if err != nil {
		return 0, err
	}
	if len(b) == 0 || len(b) > 2 || b[0]&0x80 != 0 {
		return -1, nil
	}
	n := 0
	for _, c := range b {
		n = n<<8 | int(c)
	}
	return n, nil
}

// skip passes over n TLVs, whatever their tags.
func (r *berReader) skip(n int) error {
	for range n {
		if _, _, err := r.next(); err != nil {
			return err
		}
	}
	return nil
}

package discovery

import (
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/camsweep/camsweep/scanner"
)

// udpPorts is the well-known port of each protocol: the discovery
// protocols' from their table, and those the sweep does not send. A
// datagram matches on its source port first (a server or device answering
// from its service port), then on its destination port (announcements and
// requests sent to it).
var udpPorts = portTable()

// knownUDPPort has a bit set for each port in udpPorts: most datagrams of a
// camera network (RTP video, NTP) are on no known port, and a bit test is
// what they then cost instead of two map lookups.
var knownUDPPort = portBits(udpPorts)

func portBits(ports map[uint16]scanner.Decoder) *[1 << 16 / 64]uint64 {
	var bits [1 << 16 / 64]uint64
	for p := range ports {
		bits[p/64] |= 1 << (p % 64)
	}
	return &bits
}

func isKnownUDPPort(p uint16) bool { return knownUDPPort[p/64]&(1<<(p%64)) != 0 }

func portTable() map[uint16]scanner.Decoder {
	ports := map[uint16]scanner.Decoder{
		53:             DNS,
		67:             DHCP,
		68:             DHCP,
		161:            SNMP, // agents answer from it; managers' requests go to it (ignored)
		162:            SNMP, // traps and informs go to it
		ppppServerPort: PPPP, // CS2 P2P server port
		ppppLANPort:    PPPP, // CS2 LAN search/notify port
		// The older smart-home protocol's answers (Kasa plugs, bulbs).
		kasaPort: Kasa,
		// Smart-device announcements every device broadcasts unasked.
		tuyaPortPlain:  tuyaDecoder,
		tuyaPortCipher: tuyaDecoder,
		tuyaPortApp:    tuyaDecoder, // protocol 3.5 devices' answers to an app
		// A Mi Home (miIO) device's answers, from its service port.
		miioPort: miioDecoder,
	}
	// The protocols the sweep sends: their port, and the port answers
	// may be sent to (VStarcam's tool hears its answers on 8601).
	for _, p := range protocols {
		ports[p.Port] = p.Decode
		if p.AnswerPort != 0 {
			ports[p.AnswerPort] = p.Decode
		}
	}
	return ports
}

// ByPort returns the decoder for a UDP datagram between these ports.
func ByPort(srcPort, dstPort uint16) (scanner.Decoder, bool) {
	if isKnownUDPPort(srcPort) {
		return udpPorts[srcPort], true
	}
	if isKnownUDPPort(dstPort) {
		return udpPorts[dstPort], true
	}
	return nil, false
}

// Sniff recognises a datagram on a port ByPort does not know by its
// content: CS2 PPPP (peer-to-peer video runs on random ports), a DH P2P
// service request (its service ports vary), a DHIP header, and a SIP start line (5060 by default, but GB/T 28181 platforms
// and intercoms use any port).
func Sniff(payload []byte) (scanner.Decoder, bool) {
	switch {
	case isPPPP(payload):
		return PPPP, true
	case isDHP2P(payload):
		return DHP2P, true
	case hasDHIPHeader(payload):
		return DHIP, true
	case IsSIP(payload):
		return SIP, true
	case isSearchIPC(payload): // a camera's notice, whatever its port
		return SearchIPC, true
	}
	return nil, false
}

// orSniff wraps the decoder of a port that other protocols share: a
// datagram its owner recognises goes to it, another to the decoder Sniff
// names by content, and nothing else is read.
func orSniff(d scanner.Decoder, is func([]byte) bool) scanner.Decoder {
	return func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		if is(payload) {
			return d(payload, m, emit)
		}
		if other, ok := Sniff(payload); ok {
			return other(payload, m, emit)
		}
		return nil
	}
}

// rawKeys are the raw keys `camsweep identify` accepts, each expanded by the
// decoder that reads the same bytes off the wire.
var rawKeys = map[string]scanner.Decoder{
	"sadp.payload":      SADP,
	"dhip.payload":      fromBytesLiteral(fromPythonDict(recordedDHIP)),
	"xm.payload":        fromBytesLiteral(XM),
	"wsd.payload":       WSD,
	"ssdp.payload":      SSDP,
	"upnp.description":  UPnP,
	"mdns.payload_hex":  fromHex(MDNS),
	"dhcp.payload_hex":  fromHex(DHCP),
	"gvcp.payload_hex":  fromHex(GVCP),
	"hds.payload":       HDS,
	"tdp.payload":       TDP,
	"kasa.payload":      Kasa,
	"searchipc.payload": SearchIPC,
	"moi.payload_hex":   fromHex(MOI),
	"dhs.payload_hex":   fromHex(DHS),
	"tuya.payload_hex":  fromHex(Tuya),
	"miio.payload_hex":  fromHex(MiIO),
	"snmp.payload_hex":  fromHex(SNMP),
	"sip.message":       SIP,
	"lldp.payload_hex":  fromHex(LLDP),
	"wifi.elements_hex": fromHex(WiFiAnnouncement),
}

// ByEtherType returns the decoder of a link-layer protocol that is no IP
// datagram: LLDP, which devices send to their switch port unasked.
func ByEtherType(etherType uint16) (scanner.Decoder, bool) {
	if etherType == EtherTypeLLDP {
		return LLDP, true
	}
	return nil, false
}

// Wi-Fi management frame subtypes whose elements describe their sender
// (IEEE 802.11-2020 Table 9-1).
const (
	dot11AssocRequest   = 0
	dot11ReassocRequest = 2
	dot11ProbeRequest   = 4
	dot11ProbeResponse  = 5
	dot11Beacon         = 8
)

// ByDot11Subtype returns the decoder of a Wi-Fi management frame's
// elements: an access point's beacons and probe responses announce it, a
// station's requests describe the station.
func ByDot11Subtype(subtype uint8) (scanner.Decoder, bool) {
	switch subtype {
	case dot11Beacon, dot11ProbeResponse:
		return WiFiAnnouncement, true
	case dot11ProbeRequest, dot11AssocRequest, dot11ReassocRequest:
		return WiFiRequest, true
	}
	return nil, false
}

// ByRawKey returns the decoder for a raw key's value (the value's bytes are
// the payload; *_hex keys are hex-decoded first).
func ByRawKey(key string) (scanner.Decoder, bool) {
	d, ok := rawKeys[key]
	return d, ok
}

// fromBytesLiteral wraps a decoder of a binary-framed protocol so that it
// also reads the payload written as a Python bytes literal, as Python
// clients log what they received (b' \x00\x00\x00DHIP…{"id":8,…}\n'):
// \xHH is a byte, \n \r \t \\ \' \" the usual characters. Any other
// value is passed on as it is.
func fromBytesLiteral(d scanner.Decoder) scanner.Decoder {
	return func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		if raw, ok := BytesLiteral(string(payload)); ok {
			payload = raw
		}
		return d(payload, m, emit)
	}
}

// BytesLiteral decodes text written as a Python bytes literal (b'…' or
// b"…"); false for any other text, or a literal with an escape Python does
// not write.
func BytesLiteral(text string) ([]byte, bool) {
	s := strings.TrimSpace(text)
	if len(s) < 3 || s[0] != 'b' || (s[1] != '\'' && s[1] != '"') || s[len(s)-1] != s[1] {
		return nil, false
	}
	s = s[2 : len(s)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i+1 == len(s) {
			return nil, false
		}
		i++
		switch s[i] {
		case 'x':
			if i+2 >= len(s) {
				return nil, false
			}
			b, err := hex.DecodeString(s[i+1 : i+3])
			if err != nil {
				return nil, false
			}
			out = append(out, b[0])
			i += 2
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\', '\'', '"':
			out = append(out, s[i])
		default:
			return nil, false
		}
	}
	return out, true
}

// fromPythonDict wraps a decoder of JSON messages so that it also reads a
// message a Python client printed as a dict (PythonJSON), as users paste
// DahuaConsole's and python-dahua's logs. JSON is passed on as it is.
func fromPythonDict(d scanner.Decoder) scanner.Decoder {
	return func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		if j, ok := pythonDict(payload); ok {
			payload = j
		}
		return d(payload, m, emit)
	}
}

// pythonDict returns the JSON of a payload that is a Python-printed dict
// and no JSON already.
func pythonDict(payload []byte) ([]byte, bool) {
	if json.Valid(trimJSON(payload)) {
		return nil, false
	}
	return PythonJSON(string(payload))
}

// PrintedPayload reports a raw payload written as a client prints it, a
// Python bytes literal or dict, which the raw keys' decoders read
// (fromBytesLiteral, fromPythonDict) but no device sends.
func PrintedPayload(text string) bool {
	if _, ok := BytesLiteral(text); ok {
		return true
	}
	_, ok := pythonDict([]byte(text))
	return ok
}

// fromHex wraps a decoder so that it reads hex text: white space, colons
// and an optional 0x prefix are ignored, as people paste dumps.
func fromHex(d scanner.Decoder) scanner.Decoder {
	return func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		raw, err := HexDump(string(payload))
		if err != nil {
			return err
		}
		return d(raw, m, emit)
	}
}

// HexDump reads bytes written as hex the way people paste dumps: white
// space, colons and an optional 0x prefix are ignored.
func HexDump(text string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', ':':
			return -1
		}
		return r
	}, text)
	clean = strings.TrimPrefix(strings.TrimPrefix(clean, "0x"), "0X")
	return hex.DecodeString(clean)
}

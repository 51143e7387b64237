package service

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// servicePorts are the TCP ports whose flows are worth keeping for a
// decoder: web, RTSP, TLS and the binary control ports of camera firmware
// (their banners are fingerprints). What a flow is, is still decided from
// its bytes: a web UI on 554 or an SDK protocol on 8000 decode correctly.
var servicePorts = map[uint16]bool{
	80: true, 81: true, 82: true, 83: true, 84: true, 85: true, 88: true,
	443: true, 554: true, 8554: true, 10554: true,
	7001: true, 8000: true, 8001: true, 8080: true, 8081: true, 8088: true,
	8443: true, 8888: true, 8899: true, 9000: true,
	34567: true, 37777: true,
}

// telnetPorts carry telnet even when the server negotiates no options.
var telnetPorts = map[uint16]bool{23: true, 2323: true}

// ForPort returns the decoder for a TCP server port the scanner cares
// about. The decoder still looks at the bytes first (Detect) and uses the
// port only when they are not recognisable: on a telnet port that means
// telnet.banner, elsewhere tcp.banner_hex.
func ForPort(port uint16) (scanner.StreamDecoder, bool) {
	switch {
	case telnetPorts[port]:
		return byContentOr(DecodeTelnet, false), true
	case servicePorts[port]:
		return byContentOr(DecodeBanner, true), true
	}
	return nil, false
}

// byContentOr decodes by what the bytes say, else with fallback. On a
// service port (joinable) a connection the capture joined inside a message
// is read from its next whole HTTP or RTSP message; a telnet session is
// not searched, as its text may quote a web answer another host sent.
func byContentOr(fallback scanner.StreamDecoder, joinable bool) scanner.StreamDecoder {
	return func(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
		if d, ok := recognise(client, server); ok {
			return d(client, server, m, emit)
		}
		if !joinable {
			return fallback(client, server, m, emit)
		}
		if d, ok := laterMessage(client, bytes.TrimPrefix(server, utf8BOM)); ok {
			return d(client, server, m, emit)
		}
		return fallback(client, server, m, emit)
	}
}

// Detect chooses a decoder from a flow's first bytes, on any port: HTTP/1.x
// or RTSP/1.0 (a response or the client's request line), a TLS handshake
// (0x16 0x03), telnet negotiation, a DVRIP or DHIP message with a JSON body
// (either side), SIP (either side; the server's messages are read), and
// otherwise the server's banner. It reports false only when the server sent
// nothing and the client's bytes name no protocol.
func Detect(client, server []byte) (scanner.StreamDecoder, bool) {
	if d, ok := recognise(client, server); ok {
		return d, true
	}
	if len(server) == 0 {
		return nil, false
	}
	return DecodeBanner, true
}

// recognise names the protocol of a flow when its bytes say it plainly.
func recognise(client, server []byte) (scanner.StreamDecoder, bool) {
	s := bytes.TrimPrefix(server, utf8BOM)
	switch {
	case bytes.HasPrefix(s, []byte("HTTP/1.")) || requestProto(client) == "HTTP/1.":
		return DecodeHTTP, true
	case bytes.HasPrefix(s, []byte("RTSP/1.")) || requestProto(client) == "RTSP/1.":
		return DecodeRTSP, true
	case len(s) >= 2 && s[0] == recordHandshake && s[1] == 3:
		return DecodeTLS, true
	case len(s) >= 2 && s[0] == iac && s[1] >= sb:
		return DecodeTelnet, true
	case asksForLogin(client, server):
		return DecodeTelnet, true // a greeting asking for a login is telnet's, on any port
	case isDVRIPFrame(server) || isDVRIPFrame(client):
		return DecodeDVRIP, true
	case isDHIPFrame(server) || isDHIPFrame(client):
		return DecodeDHIP, true
	case discovery.IsSIP(s) || discovery.IsSIP(client):
		return DecodeSIPServer, true
	}
	return nil, false
}

// laterMessage names the protocol of a connection the capture joined in
// the middle of a message (see firstResponse): a whole HTTP or RTSP
// message further on says what it is.
func laterMessage(client, server []byte) (scanner.StreamDecoder, bool) {
	for _, p := range []struct {
		proto  string
		decode scanner.StreamDecoder
	}{{"RTSP/", DecodeRTSP}, {"HTTP/", DecodeHTTP}} {
		if rest, _ := firstResponse(server, p.proto); startsWithStatus(rest, p.proto) {
			return p.decode, true
		}
		if rest, _ := firstRequest(client, p.proto); startsWithRequest(rest, p.proto) {
			return p.decode, true
		}
	}
	return nil, false
}

// DecodeSIPServer reads the first SIP message the server side of a TCP
// connection sent (an intercom or recorder a client registered with or
// called, or a platform answering a device) as what that server says of
// itself; a server that sent nothing has said nothing. The client's
// messages are read as the client's (ClientFirst).
func DecodeSIPServer(_, server []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(server) == 0 {
		return nil
	}
	return discovery.SIP(bytes.TrimPrefix(server, utf8BOM), m, emit)
}

// asksForLogin reports a flow whose server spoke first with a greeting that
// asks for a login: telnet's, on any port.
func asksForLogin(client, server []byte) bool {
	return len(client) == 0 && isLoginPrompt(bytes.TrimPrefix(server, utf8BOM))
}

// isLoginPrompt reports whether a server's first bytes are a text greeting
// that asks for credentials ("dvr login: ", "Username:"): a telnet
// server that negotiates no options, or one on another port than 23.
func isLoginPrompt(server []byte) bool {
	head := server[:min(len(server), maxTelnetBanner)]
	for _, c := range head {
		if c < 0x20 && c != '\r' && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
	}
	// Every prompt ends in ':': look back from each colon, in place (this
	// runs on every server-first stream no protocol claims).
	for i, c := range head {
		if c != ':' {
			continue
		}
		for _, p := range credentialPrompts {
			if i+1 >= len(p) && equalASCIIFold(head[i+1-len(p):i+1], p) {
				return true
			}
		}
	}
	return false
}

// Opens says whether payload, the first bytes of a TCP segment seen with
// no handshake before it (a capture started mid-connection), opens an HTTP
// or RTSP message, and whose it is: a status line is the server's answer,
// a request line (only looked for when requests is set: when its receiver
// could be a server worth reading) the client's request. It runs on bulk
// segments of ports no decoder names, so the common miss costs a byte test.
func Opens(payload []byte, requests bool) (fromServer, ok bool) {
	if len(payload) < 8 || payload[0] < 'A' || payload[0] > 'Z' {
		return false, false
	}
	if bytes.HasPrefix(payload, []byte("HTTP/1.")) || bytes.HasPrefix(payload, []byte("RTSP/1.")) {
		return true, true
	}
	if !requests {
		return false, false
	}
	// A request line: a short upper-case method, a space, and a line that
	// ends in the protocol's version; checked in place before the full
	// parse, as most segments that get this far are no request.
	sp := bytes.IndexByte(payload[:min(len(payload), 24)], ' ')
	if sp < 3 || bytes.IndexFunc(payload[:sp], func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return false, false
	}
	line, _, ok := bytes.Cut(payload[:min(len(payload), 4096)], []byte("\n"))
	if !ok {
		return false, false
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	version := line[bytes.LastIndexByte(line, ' ')+1:]
	if !bytes.HasPrefix(version, []byte("HTTP/1.")) && !bytes.HasPrefix(version, []byte("RTSP/1.")) {
		return false, false
	}
	return false, requestProto(payload) != ""
}

// requestProto returns "HTTP/1." or "RTSP/1." when client opens with a
// request line of that protocol.
func requestProto(client []byte) string {
	line, _ := cutLine(skipBlankLines(client[:min(len(client), 4096)]))
	fields := strings.Fields(string(line))
	if len(fields) != 3 || !isToken(fields[0]) {
		return ""
	}
	for _, proto := range []string{"HTTP/1.", "RTSP/1."} {
		if strings.HasPrefix(fields[2], proto) {
			return proto
		}
	}
	return ""
}

// ByRawKey returns the decoder for a raw observation key given to
// `camsweep identify` (docs/observation-keys.md, "Raw keys"). The value's
// text is passed as the server argument: http.headers is a raw HTTP
// response, rtsp.response a raw RTSP response (or bare SDP), tcp.banner_hex
// a banner in hex, tls.cert_pem one or more PEM blocks (the first
// CERTIFICATE is the leaf), tls.cert_der_hex a DER certificate in hex and
// dvrip.payload DVRIP answers (frames, or their JSON bodies).
func ByRawKey(key string) (scanner.StreamDecoder, bool) {
	switch key {
	case "http.headers":
		return headersAlone("HTTP/1.1", DecodeHTTP), true
	case "rtsp.response":
		return headersAlone("RTSP/1.0", DecodeRTSP), true
	case "tcp.banner_hex":
		return decodeBannerHex, true
	case "tcp.banner":
		return decodeBannerText, true
	case "tls.cert_pem":
		return decodeCertPEM, true
	case "tls.cert_der_hex":
		return decodeCertDERHex, true
	case "dvrip.payload":
		return decodeDVRIPPayload, true
	}
	return nil, false
}

var errNoPEMCertificate = errors.New("service: no PEM CERTIFICATE block")

func decodeBannerHex(client, value []byte, m scanner.Meta, emit scanner.Emit) error {
	raw, err := RecordedBanner(string(value))
	if err != nil {
		return err
	}
	return decodeFirstBytes(raw, m, emit)
}

// decodeFirstBytes reads a server's recorded first bytes by their content,
// as a capture's flows are told apart; what no decoder claims is a banner.
func decodeFirstBytes(raw []byte, m scanner.Meta, emit scanner.Emit) error {
	if d, ok := recognise(nil, raw); ok {
		return d(nil, raw, m, emit)
	}
	if isDVRIPAnswerBody(raw) {
		return decodeDVRIPPayload(nil, raw, m, emit)
	}
	return DecodeBanner(nil, raw, m, emit)
}

// decodeBannerText reads what a server sent as internet scanners and banner
// grabbers record it (Shodan's "data", masscan's and zgrab's banners): an
// HTTP or RTSP answer, a TLS handshake, a telnet greeting or any other
// first bytes, told apart by their content as a capture's flows are. A
// banner whose bytes were written as escapes is unescaped first.
func decodeBannerText(client, value []byte, m scanner.Meta, emit scanner.Emit) error {
	return decodeFirstBytes(bannerBytes(value), m, emit)
}

// bannerBytes returns a recorded banner's bytes: as given when it holds a
// control byte (the server's own bytes), else unescaped when it holds the
// escapes scanners write for them (masscan's \x0d\x0a and \x00, a JSON
// string escaped twice).
func bannerBytes(value []byte) []byte {
	if bytes.ContainsFunc(value, func(r rune) bool { return r < ' ' }) || !escapedByte.Match(value) {
		return value
	}
	// UnescapeQuoted ends at a bare quote, which such a banner may hold
	// (an HTML attribute): those are written as escapes first.
	var quoted strings.Builder
	for i, c := range value {
		if c == '"' && (i == 0 || value[i-1] != '\\') {
			quoted.WriteString(`\x22`)
			continue
		}
		quoted.WriteByte(c)
	}
	if b, rest, ok := UnescapeQuoted(quoted.String() + `"`); ok && rest == "" {
		return b
	}
	return value
}

// escapedByte finds a byte written as an escape: \r, \n, \t, \0, \xHH.
var escapedByte = regexp.MustCompile(`\\([rnt0]|x[0-9a-fA-F]{2})`)

func decodeCertPEM(client, value []byte, m scanner.Meta, emit scanner.Emit) error {
	for rest := value; len(rest) > 0; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			return emitCertificate(newEmitter(m, emit), block.Bytes)
		}
	}
	return errNoPEMCertificate
}

func decodeCertDERHex(client, value []byte, m scanner.Meta, emit scanner.Emit) error {
	der, err := hex.DecodeString(strings.Join(strings.Fields(string(value)), ""))
	if err != nil {
		return err
	}
	return emitCertificate(newEmitter(m, emit), der)
}

// RecordedBanner reads a banner as other tools record its bytes: hex with
// what they put between the digits ("00 00 00 10", "00:00:00:10", 0x in
// front of the whole or of each byte, commas, line breaks), or the escaped
// string nmap prints and its probe files match (\0\0\0\x10..., as in a
// service fingerprint).
func RecordedBanner(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, `\`) {
		b, rest, ok := UnescapeQuoted(s + `"`)
		if !ok || rest != "" {
			return nil, errBannerQuote
		}
		return b, nil
	}
	return hex.DecodeString(compactHex(s))
}

var errBannerQuote = errors.New("service: an escaped banner with a bare quote inside")

// compactHex drops what other tools put between hex digits ("00 00 00 10",
// "00:00:00:10", "0x00, 0x10", line breaks), so a recorded banner decodes as
// sent.
func compactHex(s string) string {
	s = strings.NewReplacer("0x", "", "0X", "").Replace(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == ':' || r == ',' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// UnescapeQuoted decodes a byte string in the escaped form nmap writes
// (service fingerprints, probe files) up to its closing quote: \xHH is a
// byte, \0 \r \n \t the usual controls, a backslash before anything else
// (nmap escapes regex punctuation) that character. It returns the bytes and
// what follows the quote; false when no closing quote comes.
func UnescapeQuoted(s string) (body []byte, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return body, s[i+1:], true
		case c != '\\' || i+1 == len(s):
			body = append(body, c)
		default:
			i++
			body, i = appendEscaped(body, s, i)
		}
	}
	return nil, "", false
}

// appendEscaped appends the byte the escape whose letter is s[i] stands for,
// and returns the index of the escape's last character.
func appendEscaped(body []byte, s string, i int) ([]byte, int) {
	switch s[i] {
	case 'x':
		if i+2 < len(s) {
			if b, err := hex.DecodeString(s[i+1 : i+3]); err == nil {
				return append(body, b[0]), i + 2
			}
		}
		return append(body, 'x'), i
	case '0':
		return append(body, 0), i
	case 'r':
		return append(body, '\r'), i
	case 'n':
		return append(body, '\n'), i
	case 't':
		return append(body, '\t'), i
	}
	return append(body, s[i]), i
}

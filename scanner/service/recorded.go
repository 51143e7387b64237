package service

import (
	"bytes"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// headerOf names the protocol header each header-valued key holds: another
// tool may record the value with the header's name in front of it
// ("Server: App-webs/"), and the wire decoders never do.
var headerOf = map[string]string{
	"http.server":           "Server",
	"http.www_authenticate": "WWW-Authenticate",
	"http.etag":             "ETag",
	"http.location":         "Location",
	"http.content_type":     "Content-Type",
	"rtsp.server":           "Server",
	"rtsp.www_authenticate": "WWW-Authenticate",
	"rtsp.public":           "Public",
	"rtsp.content_base":     "Content-Base",
	"ssdp.server":           "Server",
	"ssdp.location":         "Location",
	"ssdp.usn":              "USN",
	"ssdp.nt":               "NT",
	"ssdp.st":               "ST",
}

// dnsNameKeys hold DNS names, which other tools often write in presentation
// format: fully qualified with the root's trailing dot ("cam.local."), and
// with a space or other byte of an instance name escaped ("HIKVISION\032DS-2CD2722FWD-IZS",
// "HIKVISION\ DS-..." as dig and avahi-browse print it), where the decoders
// give the name as sent.
var dnsNameKeys = map[string]bool{
	"dns.query": true, "mdns.hostname": true, "mdns.instance": true,
	"mdns.service": true, "dhcp.fqdn": true, "dhcp.hostname": true, "tls.sni": true, "http.request_host": true,
}

// printedMemberKeys are the keys of the members of the answers clients
// print (printed.go): a whole printed answer given for one of them is
// read whole.
var printedMemberKeys = map[string]bool{
	"onvif.manufacturer": true, "onvif.model": true, "onvif.firmware": true, "onvif.serial": true, "onvif.hardware_id": true,
	"upnp.manufacturer": true, "upnp.model_name": true, "upnp.model_number": true, "upnp.friendly_name": true,
	"mdns.instance": true, "mdns.hostname": true, "mdns.service": true, "mdns.txt": true,
	"sadp.model": true, "sadp.serial": true, "sadp.firmware": true,
	"dhip.model": true, "dhip.serial": true, "dhip.firmware": true,
	"miio.model": true, "miio.firmware": true,
}

// askedNameKeys are the names a client asked for, which the wire decoders
// give in lower case (a recorded table may keep the client's own case).
var askedNameKeys = map[string]bool{"dns.query": true, "tls.sni": true, "http.request_host": true}

// DecodeRecorded turns a value that another tool recorded under a fact key
// (a spreadsheet, a scanner export, a banner database) into what the wire
// decoders emit for the same bytes: surrounding white space and line ends
// dropped, a header's own name in front removed, a <title> element or a
// whole page given as a title read as a browser would, the page given as a
// body also giving its title, a telnet greeting cleaned as the telnet
// decoder cleans it, a distinguished name in OpenSSL's or nmap's spelling
// written as the certificate decoder writes it, a DNS name's trailing dot
// dropped. Values that say more than their key (a realm that is a MAC, an
// ONVIF answer in a body) give the same extra observations as on the wire,
// and an answer as a client printed it (printed.go: ONVIF device
// information, a UPnP description, SSDP, mDNS, WS-Discovery, SADP, DHIP),
// given as a body or for one of its members, gives every member it holds.
// It reports false for keys it has no rule for; the caller emits those
// as they are.
func DecodeRecorded(key, value string, m scanner.Meta, emit scanner.Emit) bool {
	out := newEmitter(m, emit)
	value, pasted := unpaste(key, value)
	switch {
	case headerOf[key] != "":
		emitRecordedHeader(out, key, headerValue(headerOf[key], value))
	case key == "http.title":
		out.add(key, recordedTitle(value))
	case key == "http.body":
		body := []byte(value)
		out.add("http.body", bodyText(body))
		out.add("http.title", htmlTitle(body))
		emitONVIFAnswers(out, body)
		emitPrinted(out, value)
	case printedMemberKeys[key] && emitPrinted(out, value),
		key == "wsd.scopes" && printedScopeList(value) && emitPrinted(out, value):
		// (A scope list only when printed: quoted, a list, one a line;
		// a list as the XML gives it is the engine's.)
		// A whole printed answer given for one of its members: every
		// member it holds is read.
	case key == "telnet.banner":
		out.add(key, untilPrompt(telnetText(latin1Bytes(value))))
	case key == "tls.subject" || key == "tls.issuer":
		out.add(key, recordedDN(value))
	case dnsNameKeys[key]:
		value = strings.TrimSpace(value)
		name := discovery.PresentName(value)
		if askedNameKeys[key] {
			name = strings.ToLower(name) // as the wire decoders give the names a client asked for
		}
		out.add(key, name)
		if key == "mdns.instance" {
			// On the wire the instance comes with its service's PTR record.
			if n, ok := discovery.SplitDNSSDName(value); ok {
				out.add("mdns.service", n.Service)
			}
		}
	case key == "http.favicon_md5":
		out.add(key, strings.ToLower(strings.TrimSpace(value)))
	case key == "http.favicon_mmh3":
		out.add(key, signedMMH3(strings.TrimSpace(value)))
	case pasted:
		out.add(key, value)
	default:
		return false
	}
	return true
}

// nmapScriptOf names the nmap script whose output is a key's value. nmap's
// normal output puts a bar in front of every line of a script's output and
// the script's name before its first line (output.cc, formatScriptOutput):
// "|_http-title: NETSurveillance WEB" when the output is one line; "|
// ssl-cert: Subject: commonName=…", "| Issuer: commonName=…", … "|_Not
// valid after: …" when it is more, each next line as the script indents it.
var nmapScriptOf = map[string]string{
	"http.server":    "http-server-header",
	"http.title":     "http-title",
	"rtsp.public":    "rtsp-methods",
	"snmp.sys_descr": "snmp-sysdescr",
	"tls.subject":    "ssl-cert",
}

// lineLabel is what a tool prints before a key's value on the same line and
// DecodeRecorded reads past: a header's name, a certificate's Subject or Issuer.
func lineLabel(key string) string {
	switch key {
	case "tls.subject":
		return "Subject"
	case "tls.issuer":
		return "Issuer"
	}
	return headerOf[key]
}

// unpaste removes what a tool prints in front of a value on its line, for a
// value copied with the whole line: nmap's bar ("|_" or "| ") with the
// script's name or the indent of its next lines, curl -v's "< " before a
// header of the answer. A prefix is removed only when what follows it is what
// that tool prints next for this key (the key's script name and a colon, its
// header's name and a colon, or a script line's indent of two spaces or
// more), so a value that merely starts with "|" or "<" is kept. It reports
// whether it removed one.
func unpaste(key, value string) (string, bool) {
	v := strings.TrimSpace(value)
	script, label := nmapScriptOf[key], lineLabel(key)
	rest, bar := strings.CutPrefix(v, "|_")
	if !bar {
		rest, bar = strings.CutPrefix(v, "| ")
	}
	switch {
	case bar:
		if after, ok := strings.CutPrefix(strings.TrimLeft(rest, " "), script+":"); ok && script != "" {
			return strings.TrimSpace(after), true
		}
		indented := strings.HasPrefix(rest, "  ")
		if rest = strings.TrimLeft(rest, " "); rest != "" && (hasLabel(rest, label) || indented && script != "") {
			return rest, true
		}
	case script != "" && strings.HasPrefix(v, script+": "):
		return strings.TrimSpace(v[len(script)+1:]), true
	case strings.HasPrefix(v, "< ") && headerOf[key] != "" && hasLabel(v[2:], label):
		return v[2:], true
	}
	return value, false
}

// hasLabel reports whether s starts with label (any case) and a colon.
func hasLabel(s, label string) bool {
	return label != "" && len(s) > len(label) && strings.EqualFold(s[:len(label)], label) && s[len(label)] == ':'
}

// signedMMH3 writes a favicon's MurmurHash3 as Shodan does, a signed 32-bit
// decimal: tools that print it unsigned give 3486530269 for Shodan's
// -808437027. Anything else is kept as recorded.
func signedMMH3(value string) string {
	n, err := strconv.ParseUint(value, 10, 32)
	if err != nil || n <= math.MaxInt32 {
		return value
	}
	return strconv.FormatInt(int64(int32(uint32(n))), 10)
}

// emitRecordedHeader emits a header value under its key, with the realm MAC
// the decoders read from a challenge.
func emitRecordedHeader(out *emitter, key, value string) {
	switch key {
	case "http.location", "rtsp.content_base", "ssdp.location":
		value = redactURL(value)
	}
	out.add(key, value)
	if realmKey, ok := realmMACKeyOf[key]; ok {
		if mac, ok := realmMAC(value); ok {
			out.add(realmKey, mac)
		}
	}
}

// realmMACKeyOf names the key a challenge's realm MAC goes under, as the
// HTTP and RTSP decoders emit it.
var realmMACKeyOf = map[string]string{
	"http.www_authenticate": "http.realm_mac",
	"rtsp.www_authenticate": "rtsp.realm_mac",
}

// headerValue returns value without white space around it and without the
// header's own name and colon in front, if it starts with them.
func headerValue(name, value string) string {
	value = strings.TrimSpace(value)
	if hasLabel(value, name) {
		value = strings.TrimSpace(value[len(name)+1:])
	}
	return value
}

// recordedTitle reads a title as the HTTP decoder does: the text of a
// <title> element when the value holds one, entities decoded and white
// space folded.
func recordedTitle(value string) string {
	if strings.Contains(observe.ASCIILower(value), "<title") {
		return htmlTitle([]byte(value))
	}
	return strings.Join(strings.Fields(html.UnescapeString(value)), " ")
}

// headersAlone lets decode read a header block recorded without its status
// line (nmap's http-headers output, a spreadsheet column): a status line is
// put in front so the decoder reads the headers as on the wire, and the
// status it would report is dropped, since nobody saw one.
func headersAlone(proto string, decode scanner.StreamDecoder) scanner.StreamDecoder {
	return func(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
		if request, answer, ok := fromCurlVerbose(server); ok {
			server = answer
			if len(client) == 0 {
				client = request
			}
		} else if requests, answers, ok := fromLoggedExchange(server, proto); ok {
			server = answers
			if len(client) == 0 {
				client = requests
			}
		}
		block := bytes.TrimLeft(server, " \t\r\n")
		if dict, ok := fromHeaderDict(block); ok {
			block = dict
		} else if !startsWithHeader(block) {
			return decode(client, server, m, emit)
		}
		withStatus := append([]byte(proto+" 200 OK\r\n"), block...)
		return decode(client, withStatus, m, func(o observe.Observation) {
			if !strings.HasSuffix(o.Key, ".status") && o.Key != "http.answer" {
				emit(o)
			}
		})
	}
}

// fromHeaderDict reads a header block that a client's debug log printed as a
// Python or JSON dict, as Python HTTP clients log a response's headers
// (`Headers: {'Date': '...', 'Server': 'Webs', ...}`, petrleocompel/
// hikaxpro_hacs issue #56): the dict opens the value's first line, or follows
// the word "headers" and a colon or equals sign on it (a log line's prefix).
// Its 'Name': 'value' pairs, single- or double-quoted, become header lines in
// their order, up to the dict's end or the first pair that is cut or is no
// header (a pasted log is often cut mid-pair); ok is false when no pair is
// read. Nothing else of the line is kept.
func fromHeaderDict(b []byte) (block []byte, ok bool) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	text := strings.TrimRight(string(line), "\r")
	if name, _, ok := strings.Cut(text, ":"); ok && validHeaderName([]byte(name)) && !strings.EqualFold(name, "headers") {
		return nil, false // a header line whose value holds a dict is a header
	}
	start := -1
	if strings.HasPrefix(text, "{") {
		start = 0
	}
	lower := observe.ASCIILower(text)
	for from := 0; start < 0; {
		i := strings.Index(lower[from:], "headers")
		if i < 0 {
			return nil, false
		}
		from += i + len("headers")
		rest := strings.TrimLeft(text[from:], " \t")
		if rest == "" || (rest[0] != ':' && rest[0] != '=') {
			continue
		}
		if rest = strings.TrimLeft(rest[1:], " \t"); strings.HasPrefix(rest, "{") {
			start = len(text) - len(rest)
		}
	}
	s := text[start+1:]
	var out strings.Builder
	for {
		s = strings.TrimLeft(s, " \t")
		name, after, ok := discovery.PythonString(s)
		if !ok || !validHeaderName([]byte(name)) {
			break
		}
		after = strings.TrimLeft(after, " \t")
		if !strings.HasPrefix(after, ":") {
			break
		}
		value, after, ok := discovery.PythonString(strings.TrimLeft(after[1:], " \t"))
		if !ok || strings.ContainsAny(value, "\r\n") {
			break
		}
		out.WriteString(name + ": " + value + "\r\n")
		s = strings.TrimLeft(after, " \t")
		if !strings.HasPrefix(s, ",") {
			break
		}
		s = s[1:]
	}
	if out.Len() == 0 {
		return nil, false
	}
	return []byte(out.String()), true
}

// startsWithHeader reports a block whose first line is "Name: value", a
// header rather than a status line or a body.
func startsWithHeader(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	name, _, ok := bytes.Cut(line, []byte(":"))
	return ok && validHeaderName(name)
}

// latin1Bytes is a recorded greeting's bytes. A tool that writes bytes as
// text (JSON's \u00ff) turns telnet's IAC (0xff) into U+00FF: when the value
// holds that character and nothing beyond Latin-1, each character is read
// back as the byte it was, so the negotiation is removed as on the wire.
func latin1Bytes(value string) []byte {
	if !strings.ContainsRune(value, '\u00ff') {
		return []byte(value)
	}
	out := make([]byte, 0, len(value))
	for _, r := range value {
		if r > 0xff {
			return []byte(value)
		}
		out = append(out, byte(r))
	}
	return out
}

// fromCurlVerbose reads a transcript of `curl -v`, as people paste it into
// issues and notes: curl's own remarks prefixed "* ", the request's lines
// "> ", the answer's status and header lines "< " up to a bare "<", then the
// body unprefixed. It returns the request and the first answer as they were
// sent (CRLF line ends); ok is false for text that is not such a transcript
// (no message a device sends starts with those prefixes).
func fromCurlVerbose(b []byte) (request, answer []byte, ok bool) {
	text := strings.TrimLeft(string(b), " \t\r\n")
	if !strings.HasPrefix(text, "* ") && !strings.HasPrefix(text, "> ") && !strings.HasPrefix(text, "< ") {
		return nil, nil, false
	}
	var req, head, body strings.Builder
	state := 0 // 0: before the answer, 1: in its header, 2: in its body
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case (line == "<" || line == "< ") && state == 1: // before the header lines: "< " is one too
			head.WriteString("\r\n")
			state = 2
		case strings.HasPrefix(line, "< ") && state < 2:
			head.WriteString(line[2:] + "\r\n")
			state = 1
		case state == 2 && (strings.HasPrefix(line, "< ") || strings.HasPrefix(line, "> ")):
			return finishCurl(req.String(), head.String(), body.String()) // a second exchange (-L): the first answer only
		case strings.HasPrefix(line, "> ") && state == 0:
			req.WriteString(line[2:] + "\r\n")
		case line == ">" && state == 0:
			req.WriteString("\r\n")
		case strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "{ [") || strings.HasPrefix(line, "} ["):
			// curl's remarks and data-size notes
		case state == 2:
			body.WriteString(line + "\n")
		}
	}
	return finishCurl(req.String(), head.String(), body.String())
}

// fromLoggedExchange reads an exchange as a client's debug log prints it
// and people paste it into issues: the client's request (start line,
// headers, a blank line), then the server's answer, and so on, each start
// line perhaps indented by the log. It returns the requests and the answers
// as the two sides of the connection, so that each answer is paired with the
// request it answered (a stream path the server answered 2xx is one it
// has); ok is false unless the text opens with a request line of proto's
// protocol and holds an answer of it. The messages keep their lines; each
// ends in a blank line.
func fromLoggedExchange(b []byte, proto string) (requests, answers []byte, ok bool) {
	version := proto[:strings.IndexByte(proto, '/')+1] // "RTSP/" or "HTTP/"
	text := string(bytes.TrimLeft(b, " \t\r\n"))
	if !strings.HasPrefix(requestProto([]byte(text)), version) {
		return nil, nil, false
	}
	var req, ans strings.Builder
	side := &req
	flush := func(msg *strings.Builder, block string) {
		block = strings.TrimRight(block, " \t\r\n")
		if block != "" {
			msg.WriteString(block + "\r\n\r\n")
		}
	}
	var block strings.Builder
	for line := range strings.Lines(text) {
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case requestProto([]byte(trimmed)) != "":
			flush(side, block.String())
			block.Reset()
			side = &req
			line = trimmed
		case isStatusLine(trimmed, version):
			flush(side, block.String())
			block.Reset()
			side = &ans
			line = trimmed
		}
		block.WriteString(line)
	}
	flush(side, block.String())
	if ans.Len() == 0 {
		return nil, nil, false
	}
	return []byte(req.String()), []byte(ans.String()), true
}

// LoggedExchange splits a raw rtsp.response or http.headers value that is an
// exchange as a client's log prints it (fromLoggedExchange) into what the
// client sent and what the server answered, as a connection carries them;
// ok is false for a value that is not one.
func LoggedExchange(key, value string) (requests, answers []byte, ok bool) {
	proto := map[string]string{"rtsp.response": "RTSP/1.0", "http.headers": "HTTP/1.1"}[key]
	if proto == "" {
		return nil, nil, false
	}
	return fromLoggedExchange([]byte(value), proto)
}

// isStatusLine reports a response's start line of the protocol whose
// version prefix is version ("RTSP/"): the version, a space, three digits.
func isStatusLine(line, version string) bool {
	if !strings.HasPrefix(line, version) {
		return false
	}
	_, rest, ok := strings.Cut(line, " ")
	if !ok || len(rest) < 3 {
		return false
	}
	for _, c := range rest[:3] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func finishCurl(req, head, body string) (request, answer []byte, ok bool) {
	if !strings.HasPrefix(head, "HTTP/") && !strings.HasPrefix(head, "RTSP/") {
		return nil, nil, false
	}
	if !strings.HasSuffix(head, "\r\n\r\n") {
		head += "\r\n" // the transcript was cut inside the header
	}
	return []byte(req), []byte(head + body), true
}

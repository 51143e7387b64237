package importer

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// ErrNotMasscan says the input is none of masscan's text outputs.
var ErrNotMasscan = errors.New(`not masscan output (want what masscan -oJ, -oD, -oL, -oX or -oG writes, with --banners for what the devices said)`)

// ErrMasscanBinary says the input is masscan's binary output (-oB), which
// masscan itself converts to a text form.
var ErrMasscanBinary = errors.New(`masscan's binary output (-oB): masscan --readscan FILE -oJ OUT.json writes it as JSON, which --from masscan reads`)

// maxMasscanLine bounds one line of masscan's list or JSON output: masscan
// keeps a few KiB of a banner, escaped four bytes a byte at most.
const maxMasscanLine = 1 << 20

// masscanRecord is one line of masscan's JSON output: -oJ's one port of one
// address, and for --banners one banner it grabbed there, under "ports";
// -oD's (ndjson) the same port flat, its status or banner under "data",
// told apart by rec_type.
type masscanRecord struct {
	IP        string          `json:"ip"`
	Timestamp json.RawMessage `json:"timestamp"` // a string in -oJ, a number in some versions
	Ports     []masscanPort   `json:"ports"`

	Port    int    `json:"port"`
	Proto   string `json:"proto"`
	RecType string `json:"rec_type"` // "status" or "banner"
	Data    struct {
		Status      string `json:"status"`
		ServiceName string `json:"service_name"`
		Banner      string `json:"banner"`
	} `json:"data"`
}

// masscanPort is one port of an -oJ record.
type masscanPort struct {
	Port    int             `json:"port"`
	Proto   string          `json:"proto"`
	Status  string          `json:"status"`
	Service *masscanService `json:"service"`
}

// masscanService is a banner: the service masscan named and what it kept.
type masscanService struct {
	Name   string `json:"name"`
	Banner string `json:"banner"`
}

// ports are the record's ports in -oJ's form, an -oD record's one port
// put in it.
func (rec masscanRecord) ports() []masscanPort {
	if rec.Ports != nil {
		return rec.Ports
	}
	p := masscanPort{Port: rec.Port, Proto: rec.Proto, Status: rec.Data.Status}
	switch rec.RecType {
	case "status":
	case "banner":
		p.Service = &masscanService{rec.Data.ServiceName, rec.Data.Banner}
	default:
		return nil
	}
	return []masscanPort{p}
}

// Masscan reads masscan's output, told apart by its content: XML (-oX, the
// nmap-like form NmapXML reads, banners included), the list (-oL: "open tcp
// 80 ADDR TIME" and "banner tcp 80 ADDR TIME SERVICE TEXT" lines) or JSON
// (-oJ's array written one record a line, or -oD's JSON lines; laid out
// again by another tool, read as a JSON document), or the
// grepable form (-oG, the list's facts in nmap's layout). Each open
// TCP port gives tcp.open; each banner what its service sent, read as a
// scan reads it (see emitMasscanBanner).
//
// The input, plain or gzipped, is read line by line to its end whatever its
// length; a line that is no record is counted and skipped.
func Masscan(r io.Reader, emit Emit) (Stats, error) {
	br, closeGzip, err := contentReader(r)
	if err != nil {
		return Stats{}, err
	}
	defer closeGzip()
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("masscan/1.")): // in-binary.c checks "masscan/1.1"
		return Stats{}, ErrMasscanBinary
	case bytes.HasPrefix(head, []byte("<")):
		return NmapXML(br, emit)
	case bytes.HasPrefix(head, []byte("#masscan")), bytes.HasPrefix(head, []byte("open ")), bytes.HasPrefix(head, []byte("banner ")):
		return readMasscanLines(br, emit, masscanListLine)
	case bytes.HasPrefix(head, []byte("[")), bytes.HasPrefix(head, []byte("{")):
		if !masscanOwnLayout(br) {
			return masscanJSONDocument.read(br, emit)
		}
		return readMasscanLines(br, emit, masscanJSONLine)
	case bytes.HasPrefix(head, []byte("# Masscan ")), bytes.HasPrefix(head, []byte("Timestamp: ")), bytes.HasPrefix(head, []byte("Host: ")):
		return readMasscanLines(br, emit, masscanGrepLine)
	}
	return Stats{}, ErrNotMasscan
}

// readMasscanLines reads the input a line at a time with read, which
// reports whether the line was a record.
func readMasscanLines(br *bufio.Reader, emit Emit, read func(line string, emit Emit) (bool, error)) (Stats, error) {
	var st Stats
	for n := 1; ; n++ {
		line, err := ReadBoundedLine(br, maxMasscanLine)
		switch {
		case errors.Is(err, ErrLineTooLong):
			st.skip("line %d: %v", n, err)
		case len(bytes.TrimSpace(line)) > 0:
			isRecord, rerr := read(string(line), emit)
			if rerr != nil {
				st.skip("line %d: %v", n, rerr)
			} else if isRecord {
				st.Records++
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, ErrLineTooLong) {
			st.stop("line %d: the input cannot be read further: %v", n, err)
			break
		}
	}
	if st.Records == 0 && st.Skipped > 0 {
		return st, ErrNotMasscan
	}
	return st, nil
}

// masscanListLine reads one line of the list output. Its banner text
// escapes every byte that is not printable ASCII as \xNN.
func masscanListLine(line string, emit Emit) (bool, error) {
	line = strings.TrimRight(line, "\r")
	if strings.HasPrefix(line, "#") {
		return false, nil
	}
	f := strings.SplitN(line, " ", 7)
	if len(f) < 5 || !masscanListKinds[f[0]] {
		return false, fmt.Errorf("not a line masscan -oL writes: %q", observe.Clip(line, 64))
	}
	if f[1] != "tcp" || (f[0] != "open" && f[0] != "banner") {
		return true, nil // a closed port, a host up (--ping, ARP), UDP: no TCP port's word
	}
	ts, _ := strconv.ParseInt(f[4], 10, 64)
	base, err := masscanBase(f[3], f[2], ts)
	if err != nil {
		return false, err
	}
	switch {
	case f[0] == "open":
		emitValue(base, "tcp.open", f[2], emit)
	case len(f) == 7:
		emitMasscanBanner(base, f[5], unescapeMasscan(f[6]), emit)
	}
	return true, nil
}

// masscanListKinds are the first words of the list's lines: a port's status
// (output.c status_string: open, closed, up for a host ARP or a ping found,
// unknown) or a banner.
var masscanListKinds = map[string]bool{"open": true, "closed": true, "up": true, "unknown": true, "banner": true}

// masscanGrepLine reads one line of the grepable output: tab-separated
// "Name: value" fields, "Timestamp: T\tHost: ADDR ()\tPorts: 80/open/tcp//http//"
// for a port and "Host: ADDR ()\tPort: 80\tService: http\tBanner: TEXT"
// for a banner, its text escaped as in the list (a tab is \x09, so no field
// holds one). A banner line names no protocol: a UDP service's is skipped.
func masscanGrepLine(line string, emit Emit) (bool, error) {
	line = strings.TrimRight(line, "\r")
	if strings.HasPrefix(line, "#") {
		return false, nil
	}
	field := map[string]string{}
	for _, f := range strings.Split(line, "\t") {
		if name, value, ok := strings.Cut(f, ": "); ok {
			field[name] = value
		}
	}
	host, hasHost := field["Host"]
	host = strings.TrimSuffix(host, " ()")
	ts, _ := strconv.ParseInt(field["Timestamp"], 10, 64)
	if ports, ok := field["Ports"]; ok && hasHost {
		f := strings.Split(ports, "/") // port/status/proto/owner/service/rpc/version
		if len(f) < 3 {
			return false, fmt.Errorf("%s: ports %q", observe.Clip(host, 64), observe.Clip(ports, 64))
		}
		if f[1] != "open" || f[2] != "tcp" {
			return true, nil
		}
		base, err := masscanBase(host, f[0], ts)
		if err != nil {
			return false, err
		}
		emitValue(base, "tcp.open", f[0], emit)
		return true, nil
	}
	if banner, ok := field["Banner"]; ok && hasHost {
		base, err := masscanBase(host, field["Port"], ts)
		if err != nil {
			return false, err
		}
		if !masscanUDPOnly[field["Service"]] {
			emitMasscanBanner(base, field["Service"], unescapeMasscan(banner), emit)
		}
		return true, nil
	}
	return false, fmt.Errorf("not a line masscan -oG writes: %q", observe.Clip(line, 64))
}

// masscanUDPOnly are the services masscan grabs over UDP (memcached's
// over either, and no service of a camera).
var masscanUDPOnly = map[string]bool{"snmp": true, "nbtstat": true, "ntp": true, "dns-ver": true,
	"zeroaccess": true, "coap": true, "isakmp": true, "memcached": true}

// masscanOwnLayout reports whether the JSON input has its records one a
// line, as masscan writes them (its first record on the first line or the
// one after "["), rather than laid out again by another tool.
func masscanOwnLayout(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	var lines [][]byte
	for _, l := range bytes.Split(head, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) > 1 && bytes.Equal(lines[0], []byte("[")) {
		lines = lines[1:]
	}
	return len(lines) > 0 && bytes.HasPrefix(lines[0], []byte("{")) && bytes.Contains(lines[0], []byte(`"ip"`))
}

// masscanJSONDocument reads masscan's JSON laid out again by another tool
// (jq's pretty-printed array, or the array on one line), records read one
// at a time wherever their lines break.
var masscanJSONDocument = jsonFormat{errNot: ErrNotMasscan, lines: "masscan's -oJ or -oD file as masscan wrote it",
	isRecord: func(raw []byte) bool {
		var rec masscanRecord
		return json.Unmarshal(raw, &rec) == nil && rec.IP != "" && rec.ports() != nil
	},
	record: func(raw []byte, emit Emit, st *Stats) error {
		isRecord, err := masscanJSONLine(string(raw), emit)
		if isRecord {
			st.Records++
		}
		return err
	}}

// masscanJSONLine reads one line of the JSON output: a record, alone or
// with the comma masscan writes between records, or the array's brackets.
// The "{finished: 1}" older versions end the array with is no JSON and no
// record.
func masscanJSONLine(line string, emit Emit) (bool, error) {
	t := strings.Trim(strings.TrimSpace(line), ",")
	t = strings.TrimSpace(t)
	if t == "" || t == "[" || t == "]" || strings.HasPrefix(t, "{finished") {
		return false, nil
	}
	var rec masscanRecord
	if err := json.Unmarshal([]byte(t), &rec); err != nil || rec.IP == "" || rec.ports() == nil {
		return false, fmt.Errorf("not a record masscan -oJ or -oD writes (one a line, with ip and ports or rec_type): %q", observe.Clip(t, 64))
	}
	var ts int64
	var s string
	if json.Unmarshal(rec.Timestamp, &s) == nil {
		ts, _ = strconv.ParseInt(s, 10, 64)
	} else {
		json.Unmarshal(rec.Timestamp, &ts)
	}
	for _, p := range rec.ports() {
		if p.Proto != "tcp" {
			continue // ICMP and ARP (port 0), UDP, SCTP
		}
		base, err := masscanBase(rec.IP, strconv.Itoa(p.Port), ts)
		if err != nil {
			return false, err
		}
		switch {
		case p.Service != nil:
			emitMasscanBanner(base, p.Service.Name, jsonBytes(p.Service.Banner), emit)
		case p.Status == "open":
			emitValue(base, "tcp.open", strconv.Itoa(p.Port), emit)
		}
	}
	return true, nil
}

// masscanBase is the observation every fact of one port starts from.
func masscanBase(ip, port string, ts int64) (observe.Observation, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return observe.Observation{}, fmt.Errorf("%q: not an address", observe.Clip(ip, 64))
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return observe.Observation{}, fmt.Errorf("%s: port %q", addr, observe.Clip(port, 16))
	}
	o := observe.Observation{Probe: "masscan", IP: addr.Unmap(), Port: uint16(p)}
	if ts > 0 {
		o.Time = time.Unix(ts, 0).UTC()
	}
	return o, nil
}

// masscanServerBytes are the services whose banner masscan keeps as the
// server sent it (a greeting, or for "unknown" whatever a port sent first);
// its other banners (ssl, smb, rdp, ...) are its own summaries, not the
// device's words.
var masscanServerBytes = map[string]bool{"unknown": true, "ssh": true, "ftp": true, "telnet": true,
	"smtp": true, "pop": true, "imap": true, "vnc": true}

// emitMasscanBanner emits what one banner shows: "http" is the answer's
// status line and headers (masscan keeps the title apart), read by the HTTP
// decoder; "title" and "http.server" the page's title and Server header;
// "html" (--capture html) the page itself;
// "X509" the server's certificate in base64; the server-first services
// their greeting. A port with a banner was open.
func emitMasscanBanner(base observe.Observation, service string, banner []byte, emit Emit) {
	emitValue(base, "tcp.open", strconv.Itoa(int(base.Port)), emit)
	switch {
	case service == "http":
		if !bytes.HasSuffix(banner, []byte("\n")) {
			banner = append(banner, '\n') // masscan drops the last line end
		}
		decodeRaw(base, "tcp.banner", banner, emit)
	case service == "title":
		emitRecorded(base, "http.title", string(banner), emit)
	case service == "http.server":
		emitRecorded(base, "http.server", string(banner), emit)
	case service == "html":
		emitRecorded(base, "http.body", string(banner), emit)
	case service == "X509":
		if der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(banner))); err == nil {
			decodeRaw(base, "tls.cert_der_hex", []byte(hex.EncodeToString(der)), emit)
		}
	case masscanServerBytes[service] && len(banner) > 0:
		decodeRaw(base, "tcp.banner", banner, emit)
	}
}

// unescapeMasscan undoes the \xNN escapes of masscan's list and XML
// outputs (every byte that is not printable ASCII, and the quote and
// backslash); any other backslash stays as it is.
func unescapeMasscan(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if b, err := hex.DecodeString(s[i+2 : i+4]); err == nil {
				out = append(out, b[0])
				i += 3
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// jsonBytes gives back the bytes of a banner masscan's JSON escaped as
// \u00NN, one a byte (encoding/json reads each as the character U+00NN);
// characters above U+00FF, which masscan does not write, stay UTF-8.
func jsonBytes(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r <= 0xff {
			out = append(out, byte(r))
		} else {
			out = append(out, string(r)...)
		}
	}
	return out
}

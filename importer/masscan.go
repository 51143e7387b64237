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
var ErrNotMasscan = errors.New(`not masscan output (want what masscan -oJ, -oD, -oL or -oX writes, with --banners for what the devices said)`)

// maxMasscanLine bounds one line of masscan's list or JSON output: masscan
// keeps a few KiB of a banner, escaped four bytes a byte at most.
const maxMasscanLine = 1 << 20

// masscanRecord is one line of masscan's JSON output (-oJ, -oD): one port
// of one address, and for --banners one banner it grabbed there.
type masscanRecord struct {
	IP        string          `json:"ip"`
	Timestamp json.RawMessage `json:"timestamp"` // a string in -oJ, a number in some versions
	Ports     []struct {
		Port    int    `json:"port"`
		Proto   string `json:"proto"`
		Status  string `json:"status"`
		Service *struct {
			Name   string `json:"name"`
			Banner string `json:"banner"`
		} `json:"service"`
	} `json:"ports"`
}

// Masscan reads masscan's output, told apart by its content: XML (-oX, the
// nmap-like form NmapXML reads, banners included), the list (-oL: "open tcp
// 80 ADDR TIME" and "banner tcp 80 ADDR TIME SERVICE TEXT" lines) or JSON
// (-oJ's array written one record a line, or -oD's JSON lines). Each open
// TCP port gives tcp.open; each banner what its service sent, read as a
// scan reads it (see emitMasscanBanner).
//
// The input is read line by line to its end whatever its length; a line
// that is no record is counted and skipped.
func Masscan(r io.Reader, emit Emit) (Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("<")):
		return NmapXML(br, emit)
	case bytes.HasPrefix(head, []byte("#masscan")), bytes.HasPrefix(head, []byte("open ")), bytes.HasPrefix(head, []byte("banner ")):
		return readMasscanLines(br, emit, masscanListLine)
	case bytes.HasPrefix(head, []byte("[")), bytes.HasPrefix(head, []byte("{")):
		return readMasscanLines(br, emit, masscanJSONLine)
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
	if len(f) < 5 || (f[0] != "open" && f[0] != "banner") {
		return false, fmt.Errorf("not a line masscan -oL writes: %q", observe.Clip(line, 64))
	}
	ts, _ := strconv.ParseInt(f[4], 10, 64)
	base, err := masscanBase(f[3], f[2], ts)
	if err != nil {
		return false, err
	}
	switch {
	case f[0] == "open" && f[1] == "tcp":
		emitValue(base, "tcp.open", f[2], emit)
	case f[0] == "banner" && f[1] == "tcp" && len(f) == 7:
		emitMasscanBanner(base, f[5], unescapeMasscan(f[6]), emit)
	}
	return true, nil
}

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
	if err := json.Unmarshal([]byte(t), &rec); err != nil || rec.IP == "" || rec.Ports == nil {
		return false, fmt.Errorf("not a record masscan -oJ writes (one a line, with ip and ports): %q", observe.Clip(t, 64))
	}
	var ts int64
	var s string
	if json.Unmarshal(rec.Timestamp, &s) == nil {
		ts, _ = strconv.ParseInt(s, 10, 64)
	} else {
		json.Unmarshal(rec.Timestamp, &ts)
	}
	for _, p := range rec.Ports {
		base, err := masscanBase(rec.IP, strconv.Itoa(p.Port), ts)
		if err != nil {
			return false, err
		}
		switch {
		case p.Proto != "tcp":
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
	"smtp": true, "pop3": true, "imap4": true, "vnc": true}

// emitMasscanBanner emits what one banner shows: "http" is the answer's
// status line and headers (masscan keeps the title apart), read by the HTTP
// decoder; "title" and "http.server" the page's title and Server header;
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

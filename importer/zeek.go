package importer

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/service"
)

const (
	// maxZeekLine bounds one log line; Zeek's own lines are a few KiB.
	maxZeekLine = 1 << 20
	// maxZeekFields bounds the columns of a TSV header.
	maxZeekFields = 512
	// maxZeekFiles bounds the logs read from one directory.
	maxZeekFiles = 10000
	// maxCertLinks bounds the certificate-to-server index built from ssl.log.
	maxCertLinks = 1 << 20
)

// zeekLogs are the logs the importer reads, in the order it reads them from
// a directory: ssl before x509, whose certificates only ssl.log places.
var zeekLogs = []string{"ssl", "x509", "http", "software", "dhcp", "dns"}

// ErrNotZeekLog says a file is not one of the Zeek logs the importer reads.
var ErrNotZeekLog = errors.New("not a Zeek log the importer reads (http, ssl, x509, dhcp, dns or software; TSV or JSON lines, optionally gzipped)")

// Zeek reads one Zeek log file, or every log it knows in a directory (other
// logs there, conn.log and the like, are passed over), in Zeek's TSV form or
// as JSON lines, plain or gzipped, and emits what they show about devices:
//
//   - dhcp.log: the lease (dhcp.lease), the client's host name, FQDN and
//     vendor class (dhcp.hostname, dhcp.fqdn, dhcp.vendor_class)
//   - dns.log: each name a host asked for (dns.query)
//   - http.log: the status a server answered with and the path it answered
//     (http.status, http.path without its query)
//   - software.log: HTTP servers' Server header (http.server)
//   - ssl.log with x509.log: the subject and issuer of the certificate a
//     server presented (tls.subject, tls.issuer)
//
// The names a client asked for are read as what it asked for, as dns.log's
// queries are: ssl.log's server_name (tls.sni) and http.log's host
// (http.request_host), with the uri it asked a named host for
// (http.request_target, credentials redacted). What else a client sent
// (user agents, credentials) says nothing about the server and is not read.
func Zeek(path string, emit Emit) (Stats, error) {
	st := Stats{}
	z := &zeekState{emit: emit, certs: map[string]certSite{}}
	info, err := os.Stat(path)
	if err != nil {
		return st, err
	}
	if !info.IsDir() {
		kind := zeekKindOfName(path)
		if kind == "x509" {
			return st, errors.New("x509.log alone does not say which server presented a certificate: give the directory that also holds ssl.log")
		}
		err := z.readFile(path, kind, &st)
		return st, err
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return st, err
	}
	byKind := map[string][]string{}
	for i, e := range entries {
		if i >= maxZeekFiles {
			st.skip("%s: more than %d files; the rest were not read", path, maxZeekFiles)
			break
		}
		if kind := zeekKindOfName(e.Name()); kind != "" && e.Type().IsRegular() {
			byKind[kind] = append(byKind[kind], filepath.Join(path, e.Name()))
		}
	}
	read := 0
	for _, kind := range zeekLogs {
		for _, f := range byKind[kind] {
			if err := z.readFile(f, kind, &st); err != nil {
				st.skip("%s: %v", f, err)
				continue
			}
			read++
		}
	}
	if read == 0 && st.Skipped == 0 {
		return st, fmt.Errorf("%s: no Zeek http, ssl, x509, dhcp, dns or software logs in the directory", path)
	}
	return st, nil
}

// zeekKindOfName is the log a file name says it holds: http.log,
// http.log.json, http.00:00:00-01:00:00.log.gz and the like; "" for others.
func zeekKindOfName(name string) string {
	base := filepath.Base(name)
	kind, _, _ := strings.Cut(base, ".")
	if slices.Contains(zeekLogs, kind) && strings.Contains(base, ".log") {
		return kind
	}
	return ""
}

// certSite is where a certificate was presented.
type certSite struct {
	ip   netip.Addr
	port uint16
	at   time.Time
}

type zeekState struct {
	emit Emit
	// certs maps a leaf certificate's fingerprint (x509.log "fingerprint",
	// Zeek 5+) or file ID (x509.log "id", older) to the server from ssl.log.
	certs map[string]certSite
}

func (z *zeekState) readFile(path, kind string, st *Stats) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return z.read(path, kind, f, st)
}

// read reads one log. kind may be "" when the name does not say; a TSV
// header's #path then does, else the file is refused.
func (z *zeekState) read(name, kind string, r io.Reader, st *Stats) error {
	// The log is read to its end, whatever its length: one line at a time,
	// each bounded (maxZeekLine).
	br, closeGzip, err := contentReader(r)
	if err != nil {
		return err
	}
	defer closeGzip()
	tsv := tsvHeader{sep: "\t", setSep: ",", empty: "(empty)", unset: "-"}
	for lineNo := 1; ; lineNo++ {
		line, err := ReadBoundedLine(br, maxZeekLine)
		if err == io.EOF && len(line) == 0 {
			break
		}
		if errors.Is(err, ErrLineTooLong) {
			st.skip("%s:%d: %v", name, lineNo, err)
			continue
		}
		if err != nil && err != io.EOF {
			if lineNo == 1 || kind == "" {
				return err // nothing read, or not known to be a Zeek log
			}
			// A log cut short (a .gz whose writer was stopped, a read
			// error): the lines before the cut stand.
			st.stop("%s:%d: the log cannot be read further: %v", name, lineNo, err)
			return nil
		}
		text := string(line)
		switch {
		case text == "":
		case strings.HasPrefix(text, "#"):
			if err := tsv.directive(text); err != nil {
				st.skip("%s:%d: %v", name, lineNo, err)
			}
			if kind == "" && tsv.path != "" && slices.Contains(zeekLogs, tsv.path) {
				kind = tsv.path
			}
		case kind == "":
			return ErrNotZeekLog
		default:
			st.Records++
			rec, perr := parseZeekLine(text, &tsv)
			if perr == nil {
				perr = z.record(kind, rec)
			}
			if perr != nil {
				st.skip("%s:%d: %v", name, lineNo, perr)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if kind == "" {
		return ErrNotZeekLog
	}
	return nil
}

// ErrLineTooLong marks a line longer than the reader's bound; the line was
// consumed to its end, so reading can go on with the next one.
var ErrLineTooLong = errors.New("line too long")

// ReadBoundedLine reads one line without its line ending (LF or CR LF). A
// line longer than limit bytes is consumed to its end and reported as an
// error wrapping ErrLineTooLong; at the end of the input the next call
// returns io.EOF. A hostile file cannot make it hold more than limit bytes.
func ReadBoundedLine(br *bufio.Reader, limit int) ([]byte, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong && len(buf)+len(chunk) <= limit+2 { // +2: the CR LF that is trimmed
			buf = append(buf, chunk...)
		} else {
			tooLong, buf = true, nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong && (err == nil || err == io.EOF) {
			return nil, fmt.Errorf("line longer than %d bytes: %w", limit, ErrLineTooLong)
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// tsvHeader is what a TSV log's # lines declare.
type tsvHeader struct {
	sep, setSep, empty, unset, path string
	fields                          []string
	// list marks the columns whose #types are set[...] or vector[...]: only
	// they are split at the set separator (a certificate subject has commas).
	list []bool
}

func (h *tsvHeader) directive(line string) error {
	name, value, _ := strings.Cut(line[1:], " ")
	if name == "separator" {
		h.sep = zeekUnescape(value)
		if h.sep == "" {
			return errors.New("empty #separator")
		}
		return nil
	}
	name, value, _ = strings.Cut(line[1:], h.sep)
	switch name {
	case "set_separator":
		h.setSep = zeekUnescape(value)
	case "empty_field":
		h.empty = value
	case "unset_field":
		h.unset = value
	case "path":
		h.path = value
	case "fields":
		h.fields, h.list = strings.Split(value, h.sep), nil
		if len(h.fields) > maxZeekFields {
			h.fields = nil
			return fmt.Errorf("#fields names more than %d columns", maxZeekFields)
		}
	case "types":
		types := strings.Split(value, h.sep)
		if len(types) > maxZeekFields {
			return fmt.Errorf("#types names more than %d columns", maxZeekFields)
		}
		h.list = make([]bool, len(types))
		for i, t := range types {
			h.list[i] = strings.HasPrefix(t, "set[") || strings.HasPrefix(t, "vector[")
		}
	}
	return nil
}

// zeekRecord is one log line: each field's values (one for a scalar, any
// number for a set or vector), unset fields absent.
type zeekRecord map[string][]string

func (r zeekRecord) get(field string) string {
	if v := r[field]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func parseZeekLine(text string, h *tsvHeader) (zeekRecord, error) {
	if strings.HasPrefix(text, "{") {
		return parseZeekJSON(text)
	}
	if h.fields == nil {
		return nil, errors.New("a TSV line before any #fields header")
	}
	cols := strings.Split(text, h.sep)
	if len(cols) != len(h.fields) {
		return nil, fmt.Errorf("%d columns, the #fields header names %d", len(cols), len(h.fields))
	}
	rec := make(zeekRecord, len(cols))
	for i, c := range cols {
		switch c {
		case h.unset:
		case h.empty:
			rec[h.fields[i]] = []string{}
		default:
			if i >= len(h.list) || !h.list[i] {
				rec[h.fields[i]] = []string{zeekUnescape(c)}
				continue
			}
			var vals []string
			for _, v := range strings.Split(c, h.setSep) {
				vals = append(vals, zeekUnescape(v))
			}
			rec[h.fields[i]] = vals
		}
	}
	return rec, nil
}

// parseZeekJSON reads one JSON-lines record, Zeek's flat form
// ("id.resp_h": ...). Numbers keep their text; arrays become value lists.
func parseZeekJSON(text string) (zeekRecord, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	if len(raw) > maxZeekFields {
		return nil, fmt.Errorf("more than %d fields", maxZeekFields)
	}
	rec := make(zeekRecord, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case nil:
		case []any:
			vals := make([]string, 0, len(v))
			for _, x := range v {
				vals = append(vals, jsonScalar(x))
			}
			rec[k] = vals
		default:
			rec[k] = []string{jsonScalar(v)}
		}
	}
	return rec, nil
}

func jsonScalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// zeekUnescape undoes Zeek's \xHH escapes (separators and non-printables).
func zeekUnescape(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && s[i+1] == 'x' {
			if c, err := hex.DecodeString(s[i+2 : i+4]); err == nil {
				b.WriteByte(c[0])
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// zeekTime reads a ts as Zeek writes it: epoch seconds or ISO 8601.
func zeekTime(s string) time.Time {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	return time.Time{} // unknown or masked: the observation has no time
}

func zeekPort(s string) uint16 {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0
	}
	return uint16(p)
}

func (z *zeekState) add(at time.Time, ip netip.Addr, mac observe.MAC, port uint16, key, value string) {
	value = strings.TrimSpace(value)
	if value == "" || (!ip.IsValid() && mac.IsZero()) {
		return
	}
	z.emit(observe.Observation{Time: at, Probe: "zeek", IP: ip, MAC: mac, Port: port, Key: key, Value: observe.Clip(value, observe.MaxLen(key))})
}

// record emits what one log line shows.
func (z *zeekState) record(kind string, r zeekRecord) error {
	at := zeekTime(r.get("ts"))
	switch kind {
	case "http":
		return z.httpRecord(at, r)
	case "ssl":
		return z.sslRecord(at, r)
	case "x509":
		return z.x509Record(r)
	case "software":
		return z.softwareRecord(at, r)
	case "dhcp":
		return z.dhcpRecord(at, r)
	case "dns":
		return z.dnsRecord(at, r)
	}
	return nil
}

func addrField(r zeekRecord, field string) (netip.Addr, error) {
	s := r.get(field)
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s %q is not an address", field, s)
	}
	return ip, nil
}

func (z *zeekState) httpRecord(at time.Time, r zeekRecord) error {
	ip, err := addrField(r, "id.resp_h")
	if err != nil {
		return err
	}
	port := zeekPort(r.get("id.resp_p"))
	if client, err := addrField(r, "id.orig_h"); err == nil {
		host := askedName(r.get("host"))
		z.add(at, client, observe.MAC{}, 0, "http.request_host", host)
		// The target it asked a named server for is the client's too, as
		// on the wire (a camera's check-in with its cloud names its serial
		// and versions), credentials redacted; a request to an address is
		// a viewer's, read as the server's path below.
		if uri := r.get("uri"); host != "" && len(uri) > 1 && uri[0] == '/' {
			z.add(at, client, observe.MAC{}, 0, "http.request_target", service.RedactURL(uri))
		}
		// So is its User-Agent (a camera's firmware names itself there);
		// a viewer's, asking by address, is not read.
		if host != "" {
			z.add(at, client, observe.MAC{}, 0, "http.request_user_agent", r.get("user_agent"))
		}
	}
	if code := r.get("status_code"); code != "" {
		z.add(at, ip, observe.MAC{}, port, "http.status", code)
		// The query is left out: it can carry credentials, and what
		// identifies a device's web interface is its path.
		if uri := r.get("uri"); strings.HasPrefix(uri, "/") {
			path, _, _ := strings.Cut(uri, "?")
			z.add(at, ip, observe.MAC{}, port, "http.path", path)
			z.add(at, ip, observe.MAC{}, port, "http.answer", code+" "+path)
		}
	}
	return nil
}

func (z *zeekState) sslRecord(at time.Time, r zeekRecord) error {
	ip, err := addrField(r, "id.resp_h")
	if err != nil {
		return err
	}
	port := zeekPort(r.get("id.resp_p"))
	// The server name the client asked for is the client's (an asked fact,
	// as dns.log's queries are).
	if client, err := addrField(r, "id.orig_h"); err == nil {
		z.add(at, client, observe.MAC{}, 0, "tls.sni", askedName(r.get("server_name")))
	}
	// Zeek before 4.2 logs the leaf's names in ssl.log itself.
	z.add(at, ip, observe.MAC{}, port, "tls.subject", r.get("subject"))
	z.add(at, ip, observe.MAC{}, port, "tls.issuer", r.get("issuer"))
	for _, field := range []string{"cert_chain_fps", "cert_chain_fuids"} {
		// The first of the chain is the leaf (a log without #types leaves the list joined).
		leaf, _, _ := strings.Cut(r.get(field), ",")
		if leaf != "" && len(z.certs) < maxCertLinks {
			z.certs[leaf] = certSite{ip: ip, port: port, at: at}
		}
	}
	return nil
}

func (z *zeekState) x509Record(r zeekRecord) error {
	if r.get("client_cert") == "T" || r.get("client_cert") == "true" {
		return nil
	}
	site, ok := z.certs[r.get("fingerprint")]
	if !ok {
		site, ok = z.certs[r.get("id")]
	}
	if !ok {
		return nil // a CA certificate of a chain, or a server ssl.log did not show
	}
	z.add(site.at, site.ip, observe.MAC{}, site.port, "tls.subject", r.get("certificate.subject"))
	z.add(site.at, site.ip, observe.MAC{}, site.port, "tls.issuer", r.get("certificate.issuer"))
	return nil
}

func (z *zeekState) softwareRecord(at time.Time, r zeekRecord) error {
	switch r.get("software_type") {
	case "HTTP::SERVER", "HTTP::APPSERVER":
	default:
		return nil // browsers and other clients describe the client
	}
	ip, err := addrField(r, "host")
	if err != nil {
		return err
	}
	z.add(at, ip, observe.MAC{}, zeekPort(r.get("host_p")), "http.server", r.get("unparsed_version"))
	return nil
}

func (z *zeekState) dhcpRecord(at time.Time, r zeekRecord) error {
	mac, err := observe.ParseMAC(r.get("mac"))
	if err != nil {
		return fmt.Errorf("mac %q: %v", r.get("mac"), err)
	}
	// assigned_addr since Zeek 2.6; assigned_ip before.
	for _, field := range []string{"assigned_addr", "assigned_ip"} {
		if ip, err := netip.ParseAddr(r.get(field)); err == nil && !ip.IsUnspecified() {
			z.add(at, ip, mac, 0, "dhcp.lease", ip.String())
			break
		}
	}
	// Client options carry the client's address only when it states one.
	var client netip.Addr
	if ip, err := netip.ParseAddr(r.get("client_addr")); err == nil && !ip.IsUnspecified() {
		client = ip
	}
	z.add(at, client, mac, 0, "dhcp.hostname", r.get("host_name"))
	z.add(at, client, mac, 0, "dhcp.fqdn", strings.TrimSuffix(r.get("client_fqdn"), "."))
	z.add(at, client, mac, 0, "dhcp.vendor_class", r.get("client_software"))
	return nil
}

func (z *zeekState) dnsRecord(at time.Time, r zeekRecord) error {
	ip, err := addrField(r, "id.orig_h")
	if err != nil {
		return err
	}
	z.add(at, ip, observe.MAC{}, 0, "dns.query", strings.ToLower(strings.TrimSuffix(r.get("query"), ".")))
	return nil
}

// askedName returns a host name a client asked for (a TLS server name, an
// HTTP Host header) lower-case, without a port or trailing dot; an address
// is no name and gives "".
func askedName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if host, port, found := strings.Cut(s, ":"); found && !strings.Contains(port, ":") {
		s = host
	}
	s = strings.TrimSuffix(s, ".")
	if _, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil || strings.Contains(s, ":") {
		return ""
	}
	return s
}

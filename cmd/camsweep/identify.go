package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/importer"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/pcap"
	"github.com/camsweep/camsweep/scanner/service"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// maxLine bounds one observation line; raw payloads (a whole HTTP response or
// SADP XML) fit with room to spare, and a hostile file cannot exhaust memory.
const maxLine = 1 << 20

// maxBadLines stops printing bad-line messages after this many; they are still counted.
const maxBadLines = 20

const identifyLong = `Identify devices from observations given as JSON lines, one per line:

  {"probe":"http","ip":"10.0.0.5","port":80,"key":"http.server","value":"App-webs/"}

Fields: probe, mac, ip, port, vlan (the 802.1Q id the device was seen on),
key, value, ts (RFC 3339). A line a spreadsheet or script wrote loosely is
read as meant: field names in capitals, the port as text or on the address
("10.0.0.5:80"), a time with a space for the T, without a zone (UTC) or as
Unix seconds, a number as value; a column that is no field is left out and
named once. The keys are those of
docs/observation-keys.md. Raw keys (sadp.payload, dhip.payload, xm.payload,
wsd.payload, ssdp.payload, upnp.description, http.headers, rtsp.response,
tcp.banner (a server's answer or greeting as Shodan's data or masscan's
banner holds it), tcp.banner_hex, mdns.payload_hex, dhcp.payload_hex, gvcp.payload_hex,
hds.payload, tdp.payload, kasa.payload, searchipc.payload, moi.payload_hex,
dhs.payload_hex, tuya.payload_hex, miio.payload_hex, snmp.payload_hex, dvrip.payload,
sip.message, lldp.payload_hex, wifi.elements_hex, tls.cert_pem,
tls.cert_der_hex) are expanded
through the same decoders the scanner uses, so a saved HTTP response (also as
curl -v prints it, "< " before each answer line, or as a client's log prints
an exchange: the request, then the answer, or its headers as a dict), discovery reply, SIP message
or LLDP frame can be identified as is. A value may also be written as another
tool recorded it: "Server: App-webs/" with its line end, a <title> element or a whole page, a
certificate subject in OpenSSL's or nmap's spelling, a DNS name as dig or
avahi-browse print it (trailing dot, \032 or "\ " for a space), a banner as
spaced or 0x hex or escaped as nmap prints it (\0\x10...), a DHIP or
Xiongmai payload as a Python bytes literal (b'\x20\x00...'); each is read as
the scanner reads the wire. An answer as a client printed it in a log is read
as the answer: an ONVIF device information (python-onvif-zeep's dict, JSON, a
Go struct), a UPnP description or an SSDP answer as a dict (Home Assistant's
dumps), python-zeroconf's ServiceInfo, a wsdiscover listing, a SADP or DHIP
dict, a Mi Home device's info as miiocli or miio inspect prints it, given as
http.body, as the raw key or for one of its members. A value
copied with the line a tool printed it on is read without the tool's prefix:
curl -v's "< " before a header ("< Server: DNVRS-Webs"),
nmap's script lines ("|_http-title: NETSurveillance WEB", "| ssl-cert:
Subject: ...", "|   Server: ..." of http-headers). A line with a mac and no key (or the key "mac" with the MAC as its
value) says only that the device exists, as a switch's MAC table or a lease
list shows it: its maker comes from the MAC's IEEE block. Blank lines and
lines starting with # are skipped. A bad line is reported with its number and skipped; the run then exits 3 (partial).
An input that is not observation lines at all (a capture, binary or UTF-16
data, a JSON array or a document spread over lines, a camsweep report, nmap's
XML or normal output, a Zeek log or a Nessus export without --from) is refused at once with what to do instead
(exit 1).

With --from, identify reads another tool's output directly:

  --from nmap FILE|-     nmap's output, XML (nmap -sV -oX FILE) or normal
                         (-oN FILE, or what nmap printed, pasted), told apart
                         by its content; with the output of the scripts
                         http-title, http-headers, http-server-header,
                         rtsp-methods, ssl-cert, banner, fingerprint-strings,
                         snmp-sysdescr, broadcast-wsdd-discover and
                         broadcast-dns-service-discovery when they ran, and
                         the service fingerprints nmap prints for services
                         it could not name (--from nmap-xml: XML only)
  --from zeek FILE|DIR   Zeek logs, TSV or JSON lines, plain or gzipped:
                         dhcp.log (leases, host names), dns.log (queries),
                         http.log (status, path), software.log (HTTP
                         servers), ssl.log with x509.log (certificates); a
                         directory is searched for those logs
  --from shodan FILE|-   Shodan's banner JSON: the lines shodan download
                         writes (.json.gz as it is), a host's record (shodan
                         host, the API's /shodan/host/IP) or a search result
                         page; what each service sent (its answer, page,
                         favicon hash, certificate) is read as a scan would
                         read it, Shodan's own product guesses are not
  --from censys FILE|-   Censys's host data (Search API v2): a host's record
                         (censys view, /v2/hosts/IP), a search page or the
                         hits censys search writes (their open ports only),
                         hosts one a line as exports write them (.gz as it
                         is); what each service sent (its banner, HTTP
                         headers and page, the leaf certificate's names) is
                         read as a scan would read it, Censys's labels,
                         software and DNS names are not

  --from masscan FILE|-  masscan's output, JSON (-oJ, -oD), list (-oL), XML
                         (-oX) or grepable (-oG), told apart by its content;
                         run it with --banners: the HTTP status line and
                         headers, title, Server header, page (--capture
                         html), certificate and the greetings of server-first
                         ports (Hikvision's port 8000) are read as a scan
                         would read them, open ports as open ports
  --from nessus FILE|-   a Nessus export (.nessus, NessusClientData_v2): each
                         host's address and MAC, its open TCP ports, and the
                         plugin outputs that quote a device: the Server header
                         (10107), the headers of GET / (24260), the
                         certificate's subject and issuer (10863), telnet,
                         FTP and SSH banners (10281, 10092, 10267) and the
                         SNMP sysDescr (10800); Nessus's operating system,
                         device type, CPEs and findings are not read

Every device is judged again from that evidence with this installation's
signatures and policy; nothing the other tool concluded is taken on trust.
Records that cannot be read are reported and skipped (exit 3, partial). An
input is read to its end whatever its length; one cut short (an interrupted
download, a .gz without its end, XML cut inside a host) or an error late in
it keeps the devices read before and says where it ended ("read in part",
exit 3). An input of another format, or one that cannot be read at all, is
refused before anything is judged (exit 1).

Use plain observation lines for anything else (a spreadsheet, another
scanner), or to test a signature.`

// importFormats are the --from values other than the default observation
// lines: each reads the named input (a file, "-" for standard input where
// the format allows it, or a directory) and emits its observations.
var importFormats = map[string]func(name string, stdin io.Reader, emit importer.Emit) (importer.Stats, error){
	"censys":  fileOrStdin(importer.Censys),
	"masscan": fileOrStdin(importer.Masscan),
	"nmap": fileOrStdin(func(r io.Reader, emit importer.Emit) (importer.Stats, error) {
		return importer.Nmap(r, emit, nmapProduct)
	}),
	"nessus":   fileOrStdin(importer.Nessus),
	"nmap-xml": fileOrStdin(importer.NmapXML),
	"shodan":   fileOrStdin(importer.Shodan),
	"zeek": func(name string, _ io.Reader, emit importer.Emit) (importer.Stats, error) {
		if name == "-" {
			return importer.Stats{}, errors.New("--from zeek reads a log file or a directory of logs, not standard input")
		}
		return importer.Zeek(name, emit)
	},
}

// fileOrStdin makes an importer of one stream read a file, or standard
// input for "-".
func fileOrStdin(read func(io.Reader, importer.Emit) (importer.Stats, error)) func(string, io.Reader, importer.Emit) (importer.Stats, error) {
	return func(name string, stdin io.Reader, emit importer.Emit) (importer.Stats, error) {
		in, closeIn, err := openInput(stdin, name)
		if err != nil {
			return importer.Stats{}, err
		}
		defer closeIn()
		return read(in, emit)
	}
}

func newIdentifyCmd() *cobra.Command {
	var o outputOptions
	var from string
	cmd := &cobra.Command{
		Use:   "identify [FILE|-]",
		Short: "Identify devices from observation JSON lines (a file or standard input)",
		Long:  identifyLong,
		Example: `  camsweep identify observations.jsonl
  echo '{"ip":"10.0.0.5","key":"http.server","value":"App-webs/"}' | camsweep identify
  camsweep identify --format json - < export.jsonl
  nmap -sV --script http-title,http-headers,rtsp-methods,ssl-cert -oX scan.xml 10.0.0.0/24
  camsweep identify --from nmap scan.xml
  nmap -sV --script fingerprint-strings -oN scan.txt 10.0.0.0/24
  camsweep identify --from nmap scan.txt
  camsweep identify --from zeek /opt/zeek/logs/current
  shodan download --limit -1 site net:203.0.113.0/24
  camsweep identify --from shodan site.json.gz
  censys view 203.0.113.7 > host.json
  camsweep identify --from censys host.json
  masscan 10.0.0.0/16 -p80,554,8000,34567,37777 --banners --adapter-ip 10.0.0.250 -oJ scan.json
  camsweep identify --from masscan scan.json
  camsweep identify --from nessus weekly-scan.nessus`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from != "" && from != "jsonl" {
				if _, ok := importFormats[from]; !ok {
					names := append([]string{"jsonl"}, slices.Sorted(maps.Keys(importFormats))...)
					return usageError("unknown --from %q (want %s or %s)", from, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
				}
				return runImport(cmd, args, &o, from)
			}
			return runIdentify(cmd, args, &o)
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&from, "from", "jsonl", "what the input is: jsonl (observation lines), nmap (XML or normal output), nmap-xml, zeek, shodan, censys, masscan or nessus")
	return cmd
}

// nmapProduct says whether text is a product name of nmap's version
// detection that a signature reads: nmap's normal output joins product and
// version in one column, split where the product ends.
func nmapProduct(text string) bool {
	db, err := fingerprint.Default()
	return err == nil && db.Reads("nmap.product", text)
}

// runImport identifies devices from another tool's output file.
func runImport(cmd *cobra.Command, args []string, o *outputOptions, from string) error {
	if err := o.validate(cmd); err != nil {
		return err
	}
	name := "-"
	if len(args) == 1 {
		name = args[0]
	}
	if name != "-" {
		if _, err := os.Stat(name); err != nil {
			return &exitErr{code: exitError, err: err}
		}
	}
	pol, eng, err := o.setup()
	if err != nil {
		return err
	}
	res := newResult("identify", []string{from + ":" + name})
	emitted := 0
	st, err := importFormats[from](name, cmd.InOrStdin(), func(obs fingerprint.Observation) { emitted++; eng.Add(obs) })
	if err != nil {
		if emitted == 0 && st.Records == 0 {
			// Nothing was read: an input of another format, or unreadable.
			if !strings.HasPrefix(err.Error(), name+":") { // the importer may name it already
				err = fmt.Errorf("%s: %w", name, err)
			}
			return &exitErr{code: exitError, err: err}
		}
		// An error late in the input: what was read before it stands.
		st.Stopped = append(st.Stopped, err.Error())
	}
	for _, p := range st.Problems {
		fmt.Fprintf(cmd.ErrOrStderr(), "camsweep: %s\n", report.Clean(named(name, p), 300))
	}
	if st.Skipped > 0 {
		res.Partial = true
		warn(cmd.ErrOrStderr(), res, "%s: %d of %d records skipped", name, st.Skipped, st.Records+st.Skipped)
	}
	for _, why := range st.Stopped {
		// A download cut short, a read error, an element over its bound:
		// the devices read before it are reported, and the run is partial.
		res.Partial = true
		msg := named(name, why)
		if rest, ok := strings.CutPrefix(msg, name+": "); ok {
			msg = name + ": read in part: " + rest
		} else {
			msg = "read in part: " + msg // it names its file and line
		}
		warn(cmd.ErrOrStderr(), res, "%s", msg)
	}
	return o.finish(cmd, res, pol, engineDevices(cmd.ErrOrStderr(), res, eng))
}

// named prefixes an importer's message with the input's name unless it
// names it already ("DIR/ssl.log:12: ...", "DIR: no Zeek ... logs").
func named(name, msg string) string {
	if strings.HasPrefix(msg, name+":") || strings.HasPrefix(msg, name+"/") {
		return msg
	}
	return name + ": " + msg
}

func runIdentify(cmd *cobra.Command, args []string, o *outputOptions) error {
	if err := o.validate(cmd); err != nil {
		return err
	}
	name := "-"
	if len(args) == 1 {
		name = args[0]
	}
	in, closeIn, err := openInput(cmd.InOrStdin(), name)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	defer closeIn()
	br := bufio.NewReaderSize(in, 64<<10)
	if err := checkObservationInput(br, name); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	pol, eng, err := o.setup()
	if err != nil {
		return err
	}
	res := newResult("identify", []string{name})
	notes := newLineNotes()
	shown, emitted := 0, 0
	emit := func(obs fingerprint.Observation) { emitted++; eng.Add(obs) }
	bad, err := readObservations(br, emit, notes, func(line int, err error) {
		// The first bad lines, wherever they are: a file's line 30,000 is
		// as worth showing as its line 3.
		if shown++; shown <= maxBadLines {
			// The message can quote the line, which is hostile input.
			fmt.Fprintf(cmd.ErrOrStderr(), "camsweep: %s: line %d: %s\n", inputName(name), line, report.Clean(err.Error(), 300))
		}
	})
	if err != nil {
		return &exitErr{code: exitError, err: fmt.Errorf("%s: %w", name, err)}
	}
	if !o.quiet {
		noteUnreadFields(cmd.ErrOrStderr(), notes.unread)
		noteUnreadKeys(cmd.ErrOrStderr(), notes.keys)
	}
	if bad > 0 {
		res.Partial = true
		skipped := report.Plural(bad, "bad line", "bad lines")
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %s skipped", inputName(name), skipped))
		fmt.Fprintf(cmd.ErrOrStderr(), "camsweep: warning: %s: %s skipped\n", inputName(name), skipped)
	} else if emitted == 0 {
		// An empty file (a filter that matched nothing, a wrong path in a
		// script) would otherwise be a clean report of no devices.
		warn(cmd.ErrOrStderr(), res, "%s: no observations (the input is empty or holds only blank and # lines)", inputName(name))
	}
	return o.finish(cmd, res, pol, engineDevices(cmd.ErrOrStderr(), res, eng))
}

func openInput(stdin io.Reader, name string) (io.Reader, func(), error) {
	if name == "-" {
		if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return nil, nil, errors.New("identify reads observation lines from a FILE or a pipe; give a file, or see camsweep identify --help")
		}
		return stdin, func() {}, nil
	}
	if err := checkReadableFile(name); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// sniffLen is how much of an identify input is looked at before it is read
// as observation lines.
const sniffLen = 4096

// checkObservationInput refuses, with one line saying what to do, an input
// that is plainly not observation lines: a capture, compressed or binary
// data, UTF-16 text, a JSON document (an array, or an object spread over
// lines) or a camsweep report. Read line by line, each would give a screen of
// bad-line messages and exit 3 as if it were partial observations. A UTF-8
// byte order mark is dropped.
func checkObservationInput(br *bufio.Reader, name string) error {
	head, _ := br.Peek(sniffLen)
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		head = head[3:]
	}
	what := inputName(name)
	switch {
	case pcap.IsCaptureMagic(head):
		return fmt.Errorf("%s is a packet capture, not observation lines: read it with camsweep pcap %s", what, name)
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		if name == "-" {
			return fmt.Errorf("%s is gzip-compressed: a compressed capture is read by camsweep pcap -, compressed observation lines through zcat first", what)
		}
		return fmt.Errorf("%s is gzip-compressed: a compressed capture is read by camsweep pcap %s, a Shodan download by camsweep identify --from shodan %s, compressed observation lines by zcat %s | camsweep identify", what, name, name, name)
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return fmt.Errorf("%s is UTF-16 text (as PowerShell's > writes it): save it as UTF-8 (Out-File -Encoding utf8), one JSON object a line", what)
	case bytes.IndexByte(head, 0) >= 0 && importHint(head, name) == "": // masscan -oB has its hint
		return fmt.Errorf("%s is binary data, not observation lines (one JSON object a line: see camsweep identify --help)", what)
	}
	if hint := importHint(head, name); hint != "" && camsweepSchema(head) == "" {
		return fmt.Errorf("%s is not observation lines: %s", what, hint)
	}
	if schema := camsweepSchema(head); schema != "" {
		return fmt.Errorf("%s is a camsweep report (%s), not observation lines: an audit judges a report's devices again (audit.reports, docs/audit.md); camsweep pcap --format observations writes what identify reads", what, schema)
	}
	first := firstContentLine(head)
	switch {
	case bytes.HasPrefix(first, []byte("[")):
		return fmt.Errorf("%s holds a JSON array, not JSON lines: identify reads one observation object a line (jq -c '.[]' FILE | camsweep identify)", what)
	case bytes.Equal(first, []byte("{")):
		return fmt.Errorf("%s holds JSON spread over several lines: identify reads one observation object a line (jq -c . FILE | camsweep identify)", what)
	}
	return nil
}

// inputName is how messages name an identify input.
func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return report.Clean(name, 0)
}

// firstContentLine is the first line of head that is neither blank nor a
// # comment, trimmed.
func firstContentLine(head []byte) []byte {
	line, _, _ := bytes.Cut(firstContentStart(head), []byte("\n"))
	return bytes.TrimSpace(line)
}

// camsweepSchema is the schema of a camsweep document (a report, a JSON
// Lines report line, an audit's output) that head starts with: its first
// member is "schema", valued "camsweep.…". Empty for anything else.
func camsweepSchema(head []byte) string {
	dec := json.NewDecoder(bytes.NewReader(firstContentStart(head)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	if t, err := dec.Token(); err != nil || t != "schema" {
		return ""
	}
	t, err := dec.Token()
	if s, ok := t.(string); err == nil && ok && strings.HasPrefix(s, "camsweep.") {
		return report.Clean(s, 64)
	}
	return ""
}

// firstContentStart is head from its first line that is neither blank nor
// a # comment.
func firstContentStart(head []byte) []byte {
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte("\n"))
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			return head
		}
		head = rest
	}
	return nil
}

// readObservations feeds every good line to emit and reports each bad one
// with its 1-based line number; notes (may be nil) gets the key of every
// good line that is not a raw key and the members loosely written lines held
// that no field reads. It returns the number of bad lines; the error
// is for the input itself failing (an I/O error), not for bad content.
func readObservations(r io.Reader, emit scanner.Emit, notes *lineNotes, bad func(line int, err error)) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	nbad := 0
	for line := 1; ; line++ {
		text, err := importer.ReadBoundedLine(br, maxLine)
		if err == io.EOF && len(text) == 0 {
			return nbad, nil
		}
		if err != nil && err != io.EOF && !errors.Is(err, importer.ErrLineTooLong) {
			return nbad, err
		}
		var lineErr error
		if errors.Is(err, importer.ErrLineTooLong) {
			lineErr = err
		} else {
			lineErr = handleLine(text, emit, notes)
		}
		if lineErr != nil {
			nbad++
			bad(line, lineErr)
		}
		if err == io.EOF {
			return nbad, nil
		}
	}
}

// decodeObservation reads one observation line in the documented form.
func decodeObservation(text []byte) (fingerprint.Observation, error) {
	var obs fingerprint.Observation
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&obs); err != nil {
		return obs, fmt.Errorf("not an observation: %v", jsonErrorText(err))
	}
	if dec.More() {
		return obs, errors.New("more than one JSON value on the line")
	}
	return obs, nil
}

// handleLine decodes one observation (loosely written lines too: see
// loosenLine) and emits it, expanding raw keys.
func handleLine(text []byte, emit scanner.Emit, notes *lineNotes) error {
	text = bytes.TrimSpace(text)
	if len(text) == 0 || text[0] == '#' {
		return nil
	}
	obs, err := decodeObservation(text)
	if err != nil {
		loose, unread, ok := loosenLine(text)
		if !ok {
			return err
		}
		if obs, err = decodeObservation(loose); err != nil {
			return err
		}
		for _, f := range unread {
			notes.unreadField(f)
		}
	}
	obs.Key = knownKeySpelling(obs.Key)
	if err := sightingOnly(&obs); err != nil {
		return err
	}
	if obs.MAC.IsZero() && !obs.IP.IsValid() {
		return errors.New(`needs a "mac" or an "ip" to say which device it is about`)
	}
	if obs.Probe == "" {
		obs.Probe = "identify"
	}
	expanded, err := expandRaw(obs, emit)
	if expanded {
		if err != nil {
			return fmt.Errorf("%s: %v", obs.Key, err)
		}
		return nil
	}
	notes.key(obs.Key)
	if !service.DecodeRecorded(obs.Key, obs.Value, rawMeta(obs), bindTo(obs, emit)) {
		emit(obs)
	}
	return nil
}

// sightingOnly completes a line that gives a MAC and nothing else to say
// about it (no key, or the key "mac" with the MAC as value): the device was
// seen with that MAC, at the line's address when it has one, which is what
// an ARP answer says. A line without a key that has no MAC is an error.
func sightingOnly(obs *fingerprint.Observation) error {
	if obs.Key == "mac" {
		m, err := observe.ParseMAC(obs.Value)
		if err != nil {
			return fmt.Errorf(`key "mac": %v`, err)
		}
		if !obs.MAC.IsZero() && obs.MAC != m {
			return fmt.Errorf(`key "mac" gives %s, the line's "mac" %s`, m, obs.MAC)
		}
		obs.MAC, obs.Key = m, ""
	}
	if obs.Key != "" {
		return nil
	}
	if obs.MAC.IsZero() {
		return errors.New(`missing "key"`)
	}
	obs.Key, obs.Value = "link.mac", obs.MAC.String()
	if obs.IP.IsValid() {
		obs.Key = "arp.mac"
	}
	return nil
}

// knownKeySpelling returns the registered key a name written with capitals
// or surrounding white space means (" HTTP.Server" is http.server: keys are
// lower case), or the name unchanged.
func knownKeySpelling(name string) string {
	if observe.Known(name) {
		return name
	}
	if k := strings.ToLower(strings.TrimSpace(name)); observe.Known(k) {
		return k
	}
	return name
}

// noteUnreadKeys tells the user about input keys no signature reads: a key
// outside the registry is usually a typo, silently useless otherwise.
func noteUnreadKeys(w io.Writer, keys map[string]int) {
	db, err := fingerprint.Default()
	if err != nil {
		return
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if !observe.ReadByEngine(k) && len(db.ForKey(k)) == 0 {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintln(w, unreadKeyNote(k, keys[k]))
	}
}

// unreadKeyNote says why a key identifies nothing: unknown (with the nearest
// known key), or known context that no signature reads.
func unreadKeyNote(key string, lines int) string {
	name := report.Clean(key, 64)
	if !observe.Known(key) {
		hint := "see docs/observation-keys.md"
		if s := observe.Suggest(key); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		return fmt.Sprintf("camsweep: note: key %q (%s) is not an observation key, so it identifies nothing (%s)", name, report.Plural(lines, "line", "lines"), hint)
	}
	return fmt.Sprintf("camsweep: note: key %q (%s) is context: no signature reads it, so it identifies nothing", name, report.Plural(lines, "line", "lines"))
}

// jsonErrorText drops encoding/json's Go type names and Go function names,
// which mean nothing to a user, and says what the field wants instead.
func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("the line is a JSON %s, not an object like {\"ip\":…,\"key\":…,\"value\":…}", te.Value)
		}
		want := "a string"
		switch te.Field {
		case "port":
			want = "a number from 0 to 65535"
		case "vlan":
			want = "a number from 1 to 4094"
		}
		return fmt.Sprintf("field %q has the wrong type (%s): want %s", te.Field, te.Value, want)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("field \"ts\" %q is not an RFC 3339 time (want e.g. 2026-11-26T05:00:00Z)", pe.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "Time.UnmarshalJSON") { // "ts" given as a number (epoch seconds)
		return `field "ts" is not an RFC 3339 time string (want e.g. "2026-11-26T05:00:00Z")`
	}
	if rest, ok := strings.CutPrefix(msg, "ParseAddr("); ok { // netip's error for "ip"
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			addr, _ := strconv.Unquote(q)
			hint := ""
			switch {
			case strings.Contains(addr, "/"):
				hint = ": give the host's own address, without a /prefix"
			case strings.Count(addr, ":") == 1 || strings.HasPrefix(addr, "["):
				hint = `: give the address alone, and its port as "port"`
			}
			return fmt.Sprintf("field \"ip\" %q is not an IP address%s", addr, hint)
		}
	}
	return msg
}

// rawMeta says where a raw payload given to identify came from: the line's own
// device, so expanded observations stay attached to it.
func rawMeta(obs fingerprint.Observation) scanner.Meta {
	return scanner.Meta{Time: obs.Time, Probe: obs.Probe, SrcMAC: obs.MAC, SrcIP: obs.IP, SrcPort: obs.Port}
}

// bindTo makes observations decoded from a raw payload carry the line's MAC
// and IP where the decoder left them unset: the line asserts whose payload it is.
// A payload that names its own MAC at another address (a DHIP or SADP answer
// giving the address the device is configured with, as a NAT or a recording
// elsewhere shows) also binds that MAC to the line's address, so the line's
// device and the payload's are one device, not two.
func bindTo(obs fingerprint.Observation, emit scanner.Emit) scanner.Emit {
	linked := false
	return func(o fingerprint.Observation) {
		if !linked && obs.IP.IsValid() && obs.MAC.IsZero() && !o.MAC.IsZero() && o.IP.IsValid() && o.IP != obs.IP {
			linked = true
			emit(fingerprint.Observation{Time: obs.Time, Probe: obs.Probe, MAC: o.MAC, IP: obs.IP, Port: obs.Port, Key: "link.ip", Value: obs.IP.String()})
		}
		if o.MAC.IsZero() && (!o.IP.IsValid() || o.IP == obs.IP) {
			o.MAC = obs.MAC
		}
		if !o.IP.IsValid() && o.MAC == obs.MAC {
			o.IP = obs.IP
		}
		if o.Time.IsZero() {
			o.Time = obs.Time
		}
		emit(o)
	}
}

package importer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/service"
)

var (
	// ErrNotNmap says the input is neither form of nmap's output.
	ErrNotNmap = errors.New(`not nmap output: neither its XML (nmap -oX, root element <nmaprun>) nor its normal output (nmap -oN, or what nmap printed, with a line "Nmap scan report for HOST" a host)`)
	// ErrNmapNoHost says the input is a port table of nmap's normal output
	// pasted without the line that names its host.
	ErrNmapNoHost = errors.New(`nmap's port table without its host: no line "Nmap scan report for HOST" says whose ports these are (give the whole report, from "Nmap scan report for")`)
)

const (
	// maxTextLine bounds one line of normal output: nmap wraps service
	// fingerprints at 80 characters and a script's lines are short, so a
	// longer line is not nmap's.
	maxTextLine = 1 << 20
	// fingerprintBytes bounds one service fingerprint nmap prints (it
	// keeps them under a few kilobytes itself).
	fingerprintBytes = 64 << 10
	// maxTextPorts bounds the ports of one host (nmap lists each port and
	// protocol once); maxTextScripts the scripts of one port.
	maxTextPorts   = 3 * 65536
	maxTextScripts = 64
)

// Nmap reads either form of nmap's output, told apart by its content: XML
// (-oX) starts with "<?xml" or "<nmaprun"; anything else is read as the
// normal output (-oN, or the text nmap printed, pasted into a ticket).
// isProduct (may be nil) splits the normal output's VERSION column: see
// NmapText.
func Nmap(r io.Reader, emit Emit, isProduct func(string) bool) (Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	for _, p := range []string{"<?xml", "<nmaprun", "<!DOCTYPE nmaprun"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return NmapXML(br, emit)
		}
	}
	return NmapText(br, emit, isProduct)
}

// NmapText reads nmap's normal output, as -oN writes it or as nmap printed
// it, and emits what the XML importer emits for the same scan: each host's
// address and the MAC nmap learnt by ARP ("MAC Address:"; nmap's vendor
// guess after it is not read), its open ports, the service nmap's version
// detection named, the output of the scripts the XML importer reads, the
// device type and hardware/OS CPEs of "Service Info:", and the responses
// held in the service fingerprints nmap prints for services it could not
// name ("SF-Port80-TCP:..."). Lines of any other kind (timing, OS guesses,
// traceroute) are passed over, as is an indent the text was pasted with.
//
// The VERSION column is nmap's product, version and (extra information)
// joined by spaces (output.cc, populateFullVersionString), which cannot be
// split back in general: the extra information is the last parenthesised
// group; the product is the longest leading run of words isProduct accepts
// (camsweep's: a product an nmap.product signature reads, so the list of
// products is the signatures' own), the version what follows it. With no
// such run, or a nil isProduct, the column gives no nmap.product or
// nmap.version.
//
// A text that holds no host report is refused with ErrNotNmap. A text cut
// short gives the hosts before the cut; a fingerprint cut inside is
// counted as skipped.
func NmapText(r io.Reader, emit Emit, isProduct func(string) bool) (Stats, error) {
	var st Stats
	p := &textParser{st: &st, emit: emit, port: -1, isProduct: isProduct}
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		text, err := ReadBoundedLine(br, maxTextLine)
		switch {
		case errors.Is(err, ErrLineTooLong):
			st.skip("line %d: %v", n, err) // passed over; the lines after it still count
			continue
		case err == nil || err == io.EOF && len(text) > 0:
			p.line(string(text))
		}
		if err != nil {
			if err != io.EOF && p.seen {
				st.stop("line %d: %v", n, err) // what came before stands
			}
			break
		}
	}
	p.end()
	switch {
	case !p.seen && p.orphan:
		return st, ErrNmapNoHost
	case !p.seen:
		return st, ErrNotNmap
	}
	return st, nil
}

// scriptContext is what a script block that starts now belongs to.
type scriptContext int

const (
	ctxNone scriptContext = iota
	ctxPort               // the port table: the row above
	ctxHost               // "Host script results:"
	ctxScan               // "Pre-scan script results:", "Post-scan script results:"
)

type textParser struct {
	st        *Stats
	emit      Emit
	isProduct func(string) bool // splits the VERSION column (NmapText)
	start     time.Time
	seen      bool // a host report or scan-wide script results were read
	orphan    bool // a port table was read outside any host report

	host        *nmapHost // nil outside a host's report, or for one skipped
	hostExtra   []observe.Observation
	versionCol  int // offset of the VERSION column in the port table, 0 if none
	reasonCol   int // offset of the REASON column, 0 if none
	port        int // index in host.Ports of the row scripts belong to, -1 if none
	ctx         scriptContext
	script      *nmapScript // the script block being read
	scriptLines []string
	scriptSize  int
	fp          *strings.Builder // the service fingerprint being read
	fpPort      string           // its "80/tcp"
}

var (
	portRow   = regexp.MustCompile(`^([0-9]{1,5})/(tcp|udp|sctp)\s+(\S+)\s+(\S+)`)
	fpStart   = regexp.MustCompile(`^SF-Port([0-9]{1,5})-(TCP|UDP|SCTP):`)
	scriptID  = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.-]*):(?: |$)`)
	startTime = regexp.MustCompile(`^Starting Nmap \S+ \(.*\) at ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}) (UTC|GMT)$`)
)

func (p *textParser) line(raw string) {
	line := strings.TrimLeft(strings.TrimRight(raw, " \t\r"), " \t")
	if line == "" {
		// nmap prints no blank line inside a port table, a script's output
		// or a fingerprint; text pasted into a web form often has one after
		// every line.
		return
	}
	if p.fp != nil {
		if rest, ok := strings.CutPrefix(line, "SF:"); ok {
			if p.fp.Len()+len(rest) <= fingerprintBytes {
				p.fp.WriteString("\nSF:")
				p.fp.WriteString(rest)
			}
			return
		}
		p.endFingerprint()
	}
	if p.script != nil {
		if strings.HasPrefix(line, "|") {
			p.scriptLine(line)
			return
		}
		p.endScript() // a block cut short: what it gave is kept
	}
	switch {
	case strings.HasPrefix(line, "Nmap scan report for "):
		p.endHost()
		p.startHost(strings.TrimPrefix(line, "Nmap scan report for "))
	case strings.HasPrefix(line, "Pre-scan script results:"), strings.HasPrefix(line, "Post-scan script results:"):
		p.endHost()
		p.seen, p.ctx = true, ctxScan
	case strings.HasPrefix(line, "Starting Nmap "):
		if m := startTime.FindStringSubmatch(line); m != nil {
			if t, err := time.Parse("2006-01-02 15:04", m[1]); err == nil {
				p.start = t.UTC()
			}
		}
	case strings.HasPrefix(line, "|"):
		p.startScript(line)
	case strings.HasPrefix(line, "Nmap done"):
		p.endHost()
		p.ctx = ctxNone
	case p.host == nil:
		p.orphan = p.orphan || portRow.MatchString(line)
		p.ctx = ctxNone
	case strings.HasPrefix(line, "PORT ") && strings.Contains(line, " STATE ") && strings.Contains(line, " SERVICE"):
		p.versionCol = max(strings.Index(line, " VERSION")+1, 0)
		p.reasonCol = max(strings.Index(line, " REASON ")+1, 0)
		p.ctx = ctxNone
	case p.portRow(line), p.startFingerprint(line):
	case strings.HasPrefix(line, "MAC Address: "):
		if f := strings.Fields(line); len(f) >= 3 {
			if _, err := observe.ParseMAC(f[2]); err == nil {
				p.host.Addresses = append(p.host.Addresses, nmapAddress{Addr: f[2], Type: "mac"})
			}
		}
		p.ctx = ctxNone
	case strings.HasPrefix(line, "Host script results:"):
		p.ctx = ctxHost
	case strings.HasPrefix(line, "Service Info: "):
		p.serviceInfo(strings.TrimPrefix(line, "Service Info: "))
		p.ctx = ctxNone
	default:
		p.ctx = ctxNone // the port table ends at the first line of another kind
	}
}

// startHost reads "NAME (IP)" or "IP" after "Nmap scan report for".
func (p *textParser) startHost(s string) {
	p.seen = true
	if strings.Contains(s, " [host down") {
		return // nmap -v lists the hosts that did not answer
	}
	p.st.Records++
	addr := s
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i >= 0 {
			addr = s[i+2 : len(s)-1]
		}
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		p.st.skip("host %q: no IP address in its report line", s)
		return
	}
	typ := "ipv4"
	if ip.Is6() {
		typ = "ipv6"
	}
	p.host = &nmapHost{Addresses: []nmapAddress{{Addr: ip.String(), Type: typ}}}
	p.versionCol, p.reasonCol, p.port, p.ctx = 0, 0, -1, ctxNone
}

// portRow reads one row of the port table: "80/tcp open http VERSION...".
// A service name nmap only guessed from the port number is printed with
// "?" after it in a version scan (portlist.cc, getNmapServiceName); without
// a version scan (no VERSION column) every name is a guess.
// It reports whether the line was one, so that each line is matched once
// (a /16's output holds hundreds of thousands of lines).
func (p *textParser) portRow(line string) bool {
	m := portRow.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	port := nmapPort{Protocol: m[2], PortID: m[1]}
	port.State.State = m[3]
	name, guessed := strings.CutSuffix(m[4], "?")
	name = strings.TrimPrefix(name, "ssl/")
	svc := &nmapService{Name: name, Method: "table"}
	if p.versionCol > 0 && !guessed && name != "unknown" {
		svc.Method = "probed"
		column := ""
		switch {
		case p.reasonCol == 0:
			column = strings.TrimSpace(line[len(m[0]):])
		case len(line) > p.versionCol && line[p.versionCol-1] == ' ':
			column = line[p.versionCol:] // after REASON, whose text has spaces
		}
		svc.Product, svc.Version, svc.ExtraInfo = splitVersionColumn(column, p.isProduct)
	}
	port.Service = svc
	if len(p.host.Ports) >= maxTextPorts {
		p.port, p.ctx = -1, ctxNone
		return true
	}
	p.host.Ports = append(p.host.Ports, port)
	p.port, p.ctx = len(p.host.Ports)-1, ctxPort
	return true
}

// startFingerprint starts a service fingerprint ("SF-Port80-TCP:V=...") and
// reports whether the line was one.
func (p *textParser) startFingerprint(line string) bool {
	m := fpStart.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	p.fp = &strings.Builder{}
	p.fpPort = m[1] + "/" + strings.ToLower(m[2])
	p.fp.WriteString(line[:min(len(line), fingerprintBytes)])
	p.ctx = ctxNone
	return true
}

// splitVersionColumn splits nmap's VERSION column, product [version]
// [(extrainfo)]: the extra information is the last parenthesised group
// (parentheses inside it balanced, as in "Apache httpd 2.4.41 ((Ubuntu))");
// product and version only where the column starts with words isProduct
// accepts (the longest such run).
func splitVersionColumn(column string, isProduct func(string) bool) (product, version, extra string) {
	head := column
	if strings.HasSuffix(column, ")") {
		depth := 0
		for i := len(column) - 1; i >= 0; i-- {
			switch column[i] {
			case ')':
				depth++
			case '(':
				depth--
			}
			if depth == 0 {
				if i == 0 || column[i-1] == ' ' {
					head, extra = strings.TrimSpace(column[:i]), column[i+1:len(column)-1]
				}
				break
			}
		}
	}
	if isProduct == nil {
		return "", "", extra
	}
	for end := len(head); end > 0; end = strings.LastIndexByte(head[:end], ' ') {
		if isProduct(head[:end]) {
			return head[:end], strings.TrimSpace(head[end:]), extra
		}
	}
	return "", "", extra
}

// serviceInfo reads "Service Info: Host: x; OS: Linux; Device: webcam;
// CPE: cpe:/o:linux:linux_kernel", nmap's summary of what its version
// detection learnt of the host from all its ports (output.cc: the CPEs of
// hardware and operating systems only; an application's stays in the XML).
func (p *textParser) serviceInfo(s string) {
	base := observe.Observation{Time: p.start, Probe: "nmap"}
	for _, field := range strings.Split(s, "; ") {
		name, values, ok := strings.Cut(field, ": ")
		key := ""
		switch name {
		case "Device", "Devices":
			key = "nmap.devicetype"
		case "CPE", "CPEs":
			key = "nmap.cpe"
		}
		if !ok || key == "" {
			continue
		}
		for _, v := range strings.Split(values, ", ") {
			if v = strings.TrimSpace(v); v != "" && len(p.hostExtra) < 16 {
				o := base
				o.Key, o.Value = key, observe.Clip(v, observe.MaxValueLen)
				p.hostExtra = append(p.hostExtra, o)
			}
		}
	}
}

// startScript reads the first line of a script's output: "| ID: text" when
// more lines follow, "|_ID: text" when it is the only one (output.cc,
// formatScriptOutput).
func (p *textParser) startScript(line string) {
	last := strings.HasPrefix(line, "|_")
	rest := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(line, "|_"), "|"), " ")
	m := scriptID.FindStringSubmatch(rest)
	if m == nil {
		return // not a script's first line: a pasted fragment
	}
	p.script = &nmapScript{ID: m[1]}
	p.scriptLines = []string{rest[len(m[0]):]}
	p.scriptSize = len(p.scriptLines[0])
	if last {
		p.endScript()
	}
}

// scriptLine reads a next line of a script's output: "| " before it, or
// "|_" before the last.
func (p *textParser) scriptLine(line string) {
	text := line[1:]
	if len(text) > 0 && (text[0] == ' ' || text[0] == '_') {
		text = text[1:]
	}
	if p.scriptSize += len(text) + 1; p.scriptSize <= maxScriptOutput {
		p.scriptLines = append(p.scriptLines, text)
	}
	if strings.HasPrefix(line, "|_") {
		p.endScript()
	}
}

func (p *textParser) endScript() {
	s := *p.script
	s.Output = strings.Join(p.scriptLines, "\n")
	p.script, p.scriptLines = nil, nil
	switch {
	case p.ctx == ctxPort && p.host != nil && p.port >= 0 && len(p.host.Ports[p.port].Scripts) < maxTextScripts:
		p.host.Ports[p.port].Scripts = append(p.host.Ports[p.port].Scripts, s)
	case p.ctx == ctxScan:
		emitBroadcastScript(s, p.start, p.emit)
	}
}

// endFingerprint gives a service fingerprint to the port it names.
func (p *textParser) endFingerprint() {
	fp, port := p.fp.String(), p.fpPort
	p.fp = nil
	if p.host == nil {
		return
	}
	if !strings.HasSuffix(fp, ");") {
		p.st.skip("%s: the service fingerprint of port %s ends early", p.host.Addresses[0].Addr, port)
	}
	for i := range p.host.Ports {
		if pt := &p.host.Ports[i]; pt.PortID+"/"+pt.Protocol == port {
			if pt.Service == nil {
				pt.Service = &nmapService{Method: "table"}
			}
			pt.Service.ServiceFP = fp
		}
	}
}

func (p *textParser) endHost() {
	if p.fp != nil {
		p.endFingerprint()
	}
	if p.script != nil {
		p.endScript()
	}
	if p.host == nil {
		return
	}
	h, extra := *p.host, p.hostExtra
	p.host, p.hostExtra, p.port, p.ctx = nil, nil, -1, ctxNone
	emitNmapHost(h, p.start, p.emit)
	// Service Info speaks of the host, not of one port.
	ip, _ := netip.ParseAddr(h.Addresses[0].Addr)
	var mac observe.MAC
	for _, a := range h.Addresses[1:] {
		mac, _ = observe.ParseMAC(a.Addr)
	}
	for _, o := range extra {
		o.IP, o.MAC = ip, mac
		p.emit(o)
	}
}

func (p *textParser) end() {
	if p.fp != nil {
		p.endFingerprint()
	}
	if p.script != nil {
		p.endScript()
	}
	p.endHost()
}

// textTitle reads http-title's text output: the page's title on its first
// line, or nmap's own words when the page has none ("Site doesn't have a
// title (text/html).") or redirected elsewhere ("Did not follow redirect to
// URL"), which are not a title; a second line names the resource redirected
// to.
func textTitle(out string) string {
	first, _, _ := strings.Cut(out, "\n")
	for _, own := range []string{"Site doesn't have a title", "Did not follow redirect to "} {
		if strings.HasPrefix(first, own) {
			return ""
		}
	}
	return first
}

// emitSSLCertScript reads ssl-cert: the certificate itself when nmap gave
// it (the XML's pem element, or the PEM block normal output prints with
// -v), else the Subject and Issuer lines of its text, in nmap's spelling
// ("commonName=x/organizationName=y"), read as the certificate decoder
// would write them.
func emitSSLCertScript(base observe.Observation, s nmapScript, emit Emit) {
	if pem := s.elem("pem"); pem != "" {
		decodeRaw(base, "tls.cert_pem", []byte(pem), emit)
		return
	}
	out := s.Output[:min(len(s.Output), maxScriptOutput)]
	if strings.Contains(out, "-----BEGIN CERTIFICATE-----") && decodeRaw(base, "tls.cert_pem", []byte(out), emit) == nil {
		return
	}
	for _, line := range strings.Split(out, "\n") {
		for _, key := range []string{"tls.subject", "tls.issuer"} {
			label := "Subject: "
			if key == "tls.issuer" {
				label = "Issuer: "
			}
			if v, ok := strings.CutPrefix(line, label); ok && strings.TrimSpace(v) != "" {
				service.DecodeRecorded(key, v, meta(base), withMAC(base, emit))
			}
		}
	}
}

// fingerprintStrings rebuilds the responses that the fingerprint-strings
// script prints: under each probe's name ("  GetRequest, HTTPOptions:"),
// the response's runs of printable characters, one a line, white space
// folded. An HTTP or RTSP answer is given back its line ends, its header
// block ending at the first line that is no header; any other response
// is its strings, one a line. The NULL probe's response (what the service
// sent unasked) comes first, as in a service fingerprint.
func fingerprintStrings(out string) [][]byte {
	var groups [][]string
	null := -1
	for _, line := range strings.Split(out, "\n") {
		text := strings.TrimRight(line, " ")
		switch {
		case strings.HasPrefix(text, "    ") && len(groups) > 0:
			g := &groups[len(groups)-1]
			*g = append(*g, text[4:])
		case strings.HasPrefix(text, "  ") && strings.HasSuffix(text, ":") && len(groups) < 32:
			for _, probe := range strings.Split(strings.TrimSuffix(strings.TrimSpace(text), ":"), ", ") {
				if probe == "NULL" {
					null = len(groups)
				}
			}
			groups = append(groups, nil)
		}
	}
	if null > 0 {
		groups[0], groups[null] = groups[null], groups[0]
	}
	var responses [][]byte
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		var b strings.Builder
		if strings.HasPrefix(g[0], "HTTP/") || strings.HasPrefix(g[0], "RTSP/") {
			b.WriteString(g[0] + "\r\n")
			i := 1
			for ; i < len(g) && headerLine.MatchString(g[i]); i++ {
				b.WriteString(g[i] + "\r\n")
			}
			b.WriteString("\r\n")
			b.WriteString(strings.Join(g[i:], "\n"))
		} else {
			b.WriteString(strings.Join(g, "\r\n"))
		}
		responses = append(responses, []byte(b.String()))
	}
	return responses
}

// headerLine is a header as an answer's strings show it: a name, a colon.
var headerLine = regexp.MustCompile(`^[!#$%&'*+.^_|~0-9A-Za-z-]+:`)

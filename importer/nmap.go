package importer

import (
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/service"
)

// Emit receives each imported observation.
type Emit func(observe.Observation)

// Stats says how much of an import was read and how much was skipped.
type Stats struct {
	Records int // hosts (nmap) or log lines (Zeek) read
	Skipped int // records that could not be used, each also in Problems (up to maxProblems)
	// Problems describe skipped records, for the user; bounded.
	Problems []string
	// Stopped says, for each input whose reading ended before its end (a
	// download cut short, a read error, an element over its bound), where
	// and why; what came before was emitted. Empty when every input was
	// read to its end. Bounded as Problems are.
	Stopped []string
}

const maxProblems = 20

func (s *Stats) skip(format string, a ...any) {
	s.Skipped++
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, fmt.Sprintf(format, a...))
	}
}

// stop records that an input was not read to its end, and why.
func (s *Stats) stop(format string, a ...any) {
	if len(s.Stopped) < maxProblems {
		s.Stopped = append(s.Stopped, fmt.Sprintf(format, a...))
	}
}

const (
	// maxScriptOutput bounds the script text this package parses itself.
	maxScriptOutput = 64 << 10
	// bannerBytes is how much of an unrecognised response becomes tcp.banner_hex.
	bannerBytes = 64
	// maxNmapDepth bounds how deep elements nest below <nmaprun>; nmap's
	// own go about eight deep (host, ports, port, script, nested tables, elem).
	maxNmapDepth = 64
)

// maxNmapElement bounds one element below <nmaprun> (a host with its
// ports, service fingerprints and script output) and any one token between
// them. nmap writes a few KiB a host, a host that answers on every port
// (a tarpit) with -sV some MiB. The file as a whole is not bounded: it is
// read element by element to its end. A variable so tests can lower it.
var maxNmapElement int64 = 64 << 20

// ErrNotNmapXML says the input is not nmap's XML output.
var ErrNotNmapXML = errors.New("not nmap XML output (want the file nmap -oX writes, root element <nmaprun>)")

type nmapHost struct {
	StartTime int64         `xml:"starttime,attr"`
	Addresses []nmapAddress `xml:"address"`
	Ports     []nmapPort    `xml:"ports>port"`
}

type nmapAddress struct {
	Addr string `xml:"addr,attr"`
	Type string `xml:"addrtype,attr"`
}

type nmapPort struct {
	Protocol string `xml:"protocol,attr"`
	PortID   string `xml:"portid,attr"`
	State    struct {
		State string `xml:"state,attr"`
	} `xml:"state"`
	Service *nmapService `xml:"service"`
	Scripts []nmapScript `xml:"script"`
}

type nmapService struct {
	Name       string   `xml:"name,attr"`
	Product    string   `xml:"product,attr"`
	Version    string   `xml:"version,attr"`
	ExtraInfo  string   `xml:"extrainfo,attr"`
	DeviceType string   `xml:"devicetype,attr"`
	Method     string   `xml:"method,attr"`
	ServiceFP  string   `xml:"servicefp,attr"`
	CPE        []string `xml:"cpe"`
	// Banner is what masscan --banners grabbed (its XML is nmap's form);
	// nmap writes no such attribute.
	Banner string `xml:"banner,attr"`
}

type nmapScript struct {
	ID     string     `xml:"id,attr"`
	Output string     `xml:"output,attr"`
	Elems  []nmapElem `xml:"elem"`
}

type nmapElem struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func (s nmapScript) elem(key string) string {
	for _, e := range s.Elems {
		if e.Key == key {
			return e.Value
		}
	}
	return ""
}

// NmapXML reads nmap's XML output (nmap -sV -oX, optionally with the NSE
// scripts http-title, http-headers, http-server-header, rtsp-methods,
// ssl-cert, broadcast-wsdd-discover and broadcast-dns-service-discovery, and
// snmp-sysdescr on UDP 161) and
// emits what it shows about each host. Closed and filtered ports, and
// service names nmap only guessed from the port number, say nothing about a
// device and are left out.
//
// The file is read to its end one host at a time, whatever its length (runs
// written one after another included); memory is bounded by the largest
// element (maxNmapElement). A scan cut short, malformed XML or an element
// over that bound ends the reading: the hosts before stand, and
// Stats.Stopped says where and why.
func NmapXML(r io.Reader, emit Emit) (Stats, error) {
	var st Stats
	in := &budgetReader{r: r, over: errNmapElement}
	dec := xml.NewDecoder(in)
	dec.Strict = true
	var start time.Time
	root, inRoot := false, false
	for {
		in.left = maxNmapElement
		tok, err := dec.Token()
		if err == io.EOF {
			if !root {
				return st, ErrNotNmapXML
			}
			return st, nil
		}
		if err != nil {
			if !root {
				return st, ErrNotNmapXML
			}
			// A scan cut short (nmap killed, disk full) still gave the hosts before.
			st.stop("%s", nmapStopped(err, dec))
			return st, nil
		}
		switch t := tok.(type) {
		case xml.EndElement:
			inRoot = false // </nmaprun>: elements within are read whole below
		case xml.StartElement:
			switch {
			case !inRoot && t.Name.Local == "nmaprun":
				// The first run, or another written after it (cat a.xml b.xml).
				root, inRoot = true, true
				start = unixAttr(t, "start")
				if attr(t, "scanner") == "masscan" {
					emit = asProbe("masscan", emit)
				}
			case !root:
				return st, ErrNotNmapXML
			default:
				if err := readNmapElement(dec, t, start, emit, &st); err != nil {
					st.stop("%s", nmapStopped(err, dec))
					return st, nil
				}
			}
		}
	}
}

// errNmapElement and errNmapDepth end the reading of a file whose element
// is longer or deeper than nmap writes.
var (
	errNmapElement = errors.New("element too long")
	errNmapDepth   = errors.New("elements nested too deep")
)

// nmapStopped says why the reading of nmap's XML ended before its end.
func nmapStopped(err error, dec *xml.Decoder) string {
	return xmlStopped("nmap", err, dec)
}

// xmlStopped says why the reading of a tool's XML ended before its end.
func xmlStopped(tool string, err error, dec *xml.Decoder) string {
	line, _ := dec.InputPos()
	switch {
	case errors.Is(err, errNmapElement):
		return fmt.Sprintf("line %d: the input was cut there: an element longer than %s, which %s does not write; nothing after it was read", line, sizeText(maxNmapElement), tool)
	case errors.Is(err, errNmapDepth):
		return fmt.Sprintf("line %d: the input was cut there: elements nested more than %d deep, which %s does not write; nothing after it was read", line, maxNmapDepth, tool)
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("XML ends early or is malformed: %v; nothing after it was read", err)
	}
	return fmt.Sprintf("line %d: the input cannot be read further: %v", line, err)
}

// sizeText writes a bound in MiB, or KiB below one.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// readNmapElement reads one element below <nmaprun> whole, and emits what
// a host or a broadcast script in it shows. A record that cannot be used is
// skipped; an error is returned only when the file cannot be read further.
func readNmapElement(dec *xml.Decoder, se xml.StartElement, start time.Time, emit Emit, st *Stats) error {
	switch se.Name.Local {
	case "host", "hosthint":
		var h nmapHost
		ok, err := decodeElement(dec, se, &h, st)
		if ok {
			st.Records++
			if err := emitNmapHost(h, start, emit); err != nil {
				st.skip("%v", err)
			}
		}
		return err
	case "prescript", "postscript":
		var ps struct {
			Scripts []nmapScript `xml:"script"`
		}
		ok, err := decodeElement(dec, se, &ps, st)
		if ok {
			for _, s := range ps.Scripts {
				emitBroadcastScript(s, start, emit)
			}
		}
		return err
	}
	_, err := decodeElement(dec, se, &struct{}{}, st) // read past it
	return err
}

// decodeElement decodes the element se starts into v, bounded in depth by
// nmapElement and in length by the caller's budgetReader, and reports
// whether it did. An element well formed but not as the tool writes it (a
// starttime that is no number) is skipped, counted in st, and the reading
// goes on; an error is returned only when the file cannot be read further.
func decodeElement(dec *xml.Decoder, se xml.StartElement, v any, st *Stats) (bool, error) {
	lim := &nmapElement{dec: dec, first: &se}
	err := xml.NewTokenDecoder(lim).DecodeElement(v, nil)
	if lim.err != nil {
		return false, lim.err
	}
	if err == nil {
		return true, nil
	}
	line, _ := dec.InputPos()
	st.skip("line %d: <%s> element: %v", line, se.Name.Local, err)
	for lim.depth > 0 {
		if _, err := lim.Token(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// nmapElement gives the tokens of one element, its start first, ending the
// reading of one nested deeper than nmap writes.
type nmapElement struct {
	dec   *xml.Decoder
	first *xml.StartElement
	depth int
	err   error // why the file cannot be read further
}

func (e *nmapElement) Token() (xml.Token, error) {
	if e.first != nil {
		tok := *e.first
		e.first, e.depth = nil, 1
		return tok, nil
	}
	if e.err != nil {
		return nil, e.err
	}
	if e.depth == 0 {
		return nil, io.EOF
	}
	tok, err := e.dec.Token()
	if err != nil {
		if err == io.EOF { // inside an element: the file was cut
			err = io.ErrUnexpectedEOF
		}
		e.err = err
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if e.depth++; e.depth > maxNmapDepth {
			e.err = errNmapDepth
			return nil, e.err
		}
	case xml.EndElement:
		e.depth--
	}
	return tok, nil
}

// budgetReader reads at most left more bytes, then fails with over; the
// reader of each element sets left anew.
type budgetReader struct {
	r    io.Reader
	left int64
	over error
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, b.over
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// attr is the value of an element's attribute, empty when it has none.
func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// asProbe labels every observation with the tool that made it.
func asProbe(probe string, emit Emit) Emit {
	return func(o observe.Observation) {
		o.Probe = probe
		emit(o)
	}
}

func unixAttr(se xml.StartElement, name string) time.Time {
	if secs, err := strconv.ParseInt(attr(se, name), 10, 64); err == nil && secs > 0 {
		return time.Unix(secs, 0).UTC()
	}
	return time.Time{}
}

// emitNmapHost emits one host's binding, open ports, service evidence and scripts.
func emitNmapHost(h nmapHost, scanStart time.Time, emit Emit) error {
	var ip netip.Addr
	var mac observe.MAC
	for _, a := range h.Addresses {
		switch a.Type {
		case "ipv4", "ipv6":
			if addr, err := netip.ParseAddr(a.Addr); err == nil && !ip.IsValid() {
				ip = addr
			}
		case "mac":
			if m, err := observe.ParseMAC(a.Addr); err == nil {
				mac = m
			}
		}
	}
	if !ip.IsValid() {
		return errors.New("host without a valid IP address")
	}
	at := scanStart
	if h.StartTime > 0 {
		at = time.Unix(h.StartTime, 0).UTC()
	}
	base := observe.Observation{Time: at, Probe: "nmap", IP: ip, MAC: mac}
	if !mac.IsZero() {
		// nmap reports a MAC only for hosts on its own segment, learnt by ARP.
		o := base
		o.Key, o.Value = "arp.mac", mac.String()
		emit(o)
	}
	for _, p := range h.Ports {
		emitNmapPort(base, p, emit)
	}
	return nil
}

func emitNmapPort(base observe.Observation, p nmapPort, emit Emit) {
	port, err := strconv.ParseUint(p.PortID, 10, 16)
	if err != nil || p.State.State != "open" {
		return
	}
	base.Port = uint16(port)
	if p.Protocol == "udp" {
		emitNmapUDPScripts(base, p.Scripts, emit)
		return
	}
	if p.Protocol != "tcp" {
		return
	}
	add := func(key, value string) { emitValue(base, key, value, emit) }
	add("tcp.open", p.PortID)
	if s := p.Service; s != nil && s.Method == "probed" {
		add("nmap.service", s.Name)
		add("nmap.product", s.Product)
		add("nmap.version", s.Version)
		add("nmap.extrainfo", s.ExtraInfo)
		add("nmap.devicetype", s.DeviceType)
		for _, c := range s.CPE {
			add("nmap.cpe", c)
		}
	}
	if s := p.Service; s != nil && s.ServiceFP != "" {
		emitResponses(base, serviceResponses(s.ServiceFP), emit)
	}
	emitNmapScripts(base, p.Scripts, p.Service != nil && p.Service.ServiceFP != "", emit)
	if s := p.Service; s != nil && s.Banner != "" {
		emitMasscanBanner(base, s.Name, unescapeMasscan(s.Banner), emit)
	}
}

// emitNmapScripts reads the scripts of an open TCP port, as nmap's XML or
// its normal output gives them (normal output has no structured elements:
// each script's text output is read). fingerprint-strings prints the
// readable strings of a service fingerprint's responses; it is read only
// when the fingerprint itself is not there (hasFP), which holds them whole.
func emitNmapScripts(base observe.Observation, scripts []nmapScript, hasFP bool, emit Emit) {
	add := func(key, value string) { emitValue(base, key, value, emit) }
	headers := false
	for _, s := range scripts {
		headers = headers || s.ID == "http-headers"
	}
	for _, s := range scripts {
		out := s.Output[:min(len(s.Output), maxScriptOutput)]
		if strings.HasPrefix(out, "ERROR: Script execution failed") {
			continue // nmap's word that the script failed, not the device's
		}
		switch s.ID {
		case "http-title":
			if len(s.Elems) == 0 {
				add("http.title", textTitle(out))
			} else {
				add("http.title", s.elem("title"))
			}
		case "http-headers":
			emitHTTPHeadersScript(base, out, emit)
		case "http-server-header":
			if !headers { // the same Server line http-headers already gave
				add("http.server", out)
			}
		case "rtsp-methods":
			add("rtsp.public", out) // the Public header of the OPTIONS answer
		case "ssl-cert":
			emitSSLCertScript(base, s, emit)
		case "banner":
			if out = strings.TrimSpace(out); out != "" {
				decodeRaw(base, "tcp.banner", []byte(out), emit)
			}
		case "fingerprint-strings":
			if !hasFP {
				emitResponses(base, fingerprintStrings(out), emit)
			}
		}
	}
}

// emitValue emits a value nmap printed under key, unless it is empty.
func emitValue(base observe.Observation, key, value string, emit Emit) {
	if value = strings.TrimSpace(value); value != "" {
		o := base
		o.Key, o.Value = key, observe.Clip(value, observe.MaxValueLen)
		emit(o)
	}
}

// emitNmapUDPScripts reads the UDP scripts whose output is a device's own
// word: snmp-sysdescr prints the agent's sysDescr.0, then, when the agent
// gave it, a last line "  System uptime: ..." that is not part of it.
func emitNmapUDPScripts(base observe.Observation, scripts []nmapScript, emit Emit) {
	for _, s := range scripts {
		if s.ID != "snmp-sysdescr" {
			continue
		}
		out := s.Output[:min(len(s.Output), maxScriptOutput)]
		if i := strings.LastIndex(out, "\n  System uptime: "); i >= 0 && !strings.Contains(out[i+1:], "\n") {
			out = out[:i]
		}
		if out = strings.TrimSpace(out); out != "" {
			o := base
			o.Key, o.Value = "snmp.sys_descr", observe.Clip(out, observe.MaxValueLen)
			emit(o)
		}
	}
}

// meta is where decoded observations of a host's port come from.
func meta(o observe.Observation) scanner.Meta {
	return scanner.Meta{Time: o.Time, Probe: o.Probe, SrcMAC: o.MAC, SrcIP: o.IP, SrcPort: o.Port}
}

// decodeRaw runs a raw value through the scanner's own decoder for its key,
// so an imported response yields exactly the keys a live one would.
func decodeRaw(base observe.Observation, key string, raw []byte, emit Emit) error {
	d, ok := service.ByRawKey(key)
	if !ok {
		return fmt.Errorf("no decoder for %s", key)
	}
	return d(nil, raw, meta(base), withMAC(base, emit))
}

// withMAC gives a decoder's observations of the host the MAC the import
// knows: the decoder knows only the address.
func withMAC(base observe.Observation, emit Emit) scanner.Emit {
	return func(o observe.Observation) {
		if o.MAC.IsZero() && o.IP == base.IP {
			o.MAC = base.MAC
		}
		emit(o)
	}
}

// emitResponses decodes each distinct response nmap recorded: HTTP and RTSP
// through their decoders, the first other one as a banner.
func emitResponses(base observe.Observation, responses [][]byte, emit Emit) {
	seen := map[string]bool{}
	banner := false
	for _, r := range responses {
		if seen[string(r)] || len(r) == 0 {
			continue
		}
		seen[string(r)] = true
		switch {
		case strings.HasPrefix(string(r), "HTTP/"):
			decodeRaw(base, "http.headers", r, emit)
		case strings.HasPrefix(string(r), "RTSP/"):
			decodeRaw(base, "rtsp.response", r, emit)
		case !banner:
			banner = true
			decodeRaw(base, "tcp.banner_hex", []byte(hex.EncodeToString(r[:min(len(r), bannerBytes)])), emit)
		}
	}
}

// serviceResponses extracts the responses from an nmap service fingerprint:
// SF-Port80-TCP:V=7.93%...%r(GetRequest,12E,"HTTP/1\.1\x20200\x20OK\r\n...");
// Long fingerprints are split into lines starting "SF:", which are joined first.
func serviceResponses(fp string) [][]byte {
	fp = strings.ReplaceAll(fp, "\nSF:", "")
	var out [][]byte
	for len(out) < 32 {
		i := strings.Index(fp, "%r(")
		if i < 0 {
			break
		}
		fp = fp[i+3:]
		q := strings.IndexByte(fp, '"')
		if q < 0 {
			break
		}
		body, rest, ok := service.UnescapeQuoted(fp[q+1:])
		if !ok {
			break
		}
		out = append(out, body)
		fp = rest
	}
	return out
}

// emitHTTPHeadersScript decodes http-headers output, the response's header
// lines as received, indented two spaces, ending with a blank line and
// "(Request type: GET)". The script leaves out the status line, so the
// status the decoder needs is a placeholder and http.status is not emitted.
func emitHTTPHeadersScript(base observe.Observation, output string, emit Emit) {
	output = output[:min(len(output), maxScriptOutput)]
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	n := 0
	for _, line := range strings.Split(strings.TrimLeft(output, "\n"), "\n") {
		line = strings.TrimPrefix(line, "  ")
		if strings.TrimSpace(line) == "" {
			break // end of the headers
		}
		b.WriteString(line)
		b.WriteString("\r\n")
		n++
	}
	if n == 0 {
		return
	}
	b.WriteString("\r\n")
	decodeRaw(base, "http.headers", []byte(b.String()), func(o observe.Observation) {
		switch o.Key {
		case "http.status", "http.body", "http.title":
			return // the placeholder status, and a body the script never saw
		}
		emit(o)
	})
}

// emitBroadcastScript reads the text output of nmap's broadcast discovery
// scripts. Both key their results by the address a reply came from, which
// some devices (and camsim) send from the multicast group itself, so the
// device's own address is taken from the reply's content.
func emitBroadcastScript(s nmapScript, at time.Time, emit Emit) {
	out := s.Output[:min(len(s.Output), maxScriptOutput)]
	switch s.ID {
	case "broadcast-wsdd-discover":
		emitWSDD(out, at, emit)
	case "broadcast-dns-service-discovery":
		emitDNSSD(out, at, emit)
	}
}

// emitWSDD: "  Devices\n    PEER\n        Message id: …\n        Address: URL\n        Type: …".
func emitWSDD(out string, at time.Time, emit Emit) {
	var peer netip.Addr
	var xaddrs, types string
	flush := func() {
		ip := hostOfURL(xaddrs)
		if !ip.IsValid() && peer.IsValid() && !peer.IsMulticast() {
			ip = peer
		}
		if ip.IsValid() {
			for key, v := range map[string]string{"wsd.xaddrs": xaddrs, "wsd.types": types} {
				if v != "" {
					emit(observe.Observation{Time: at, Probe: "nmap", IP: ip, Key: key, Value: observe.Clip(v, observe.MaxValueLen)})
				}
			}
		}
		xaddrs, types = "", ""
	}
	for _, line := range strings.Split(out, "\n") {
		text := strings.TrimSpace(line)
		switch indent := len(line) - len(strings.TrimLeft(line, " ")); {
		case indent == 4:
			flush()
			peer, _ = netip.ParseAddr(text)
		case indent >= 8 && strings.HasPrefix(text, "Address: "):
			xaddrs = strings.TrimPrefix(text, "Address: ")
		case indent >= 8 && strings.HasPrefix(text, "Type: "):
			types = strings.TrimPrefix(text, "Type: ")
		}
	}
	flush()
}

// hostOfURL is the IP address in the first URL of an XAddrs list, if any.
func hostOfURL(xaddrs string) netip.Addr {
	first, _, _ := strings.Cut(xaddrs, " ")
	u, err := url.Parse(first)
	if err != nil {
		return netip.Addr{}
	}
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		return netip.Addr{}
	}
	return ip
}

// emitDNSSD: "  PEER\n    80/tcp axis-video\n      TXT…\n      Address=IP [IP…]".
// The service name loses its underscores in nmap's output; it is given back
// the form mdns.service has on the wire (_axis-video._tcp).
func emitDNSSD(out string, at time.Time, emit Emit) {
	var peer netip.Addr
	var service string
	var txt []string
	var addrs []netip.Addr
	flush := func() {
		if service == "" {
			return
		}
		if len(addrs) == 0 && peer.IsValid() && !peer.IsMulticast() {
			addrs = []netip.Addr{peer}
		}
		for _, ip := range addrs {
			emit(observe.Observation{Time: at, Probe: "nmap", IP: ip, Key: "mdns.service", Value: service})
			for _, t := range txt {
				emit(observe.Observation{Time: at, Probe: "nmap", IP: ip, Key: "mdns.txt", Value: observe.Clip(t, observe.MaxValueLen)})
			}
		}
		service, txt, addrs = "", nil, nil
	}
	for _, line := range strings.Split(out, "\n") {
		text := strings.TrimSpace(line)
		switch indent := len(line) - len(strings.TrimLeft(line, " ")); {
		case text == "":
		case indent == 2:
			flush()
			peer, _ = netip.ParseAddr(text)
		case indent == 4:
			flush()
			portProto, name, ok := strings.Cut(text, " ")
			_, proto, ok2 := strings.Cut(portProto, "/")
			if ok && ok2 && name != "" {
				service = "_" + name + "._" + proto
			}
		case indent >= 6 && strings.HasPrefix(text, "Address="):
			for _, f := range strings.Fields(strings.TrimPrefix(text, "Address=")) {
				if ip, err := netip.ParseAddr(f); err == nil && len(addrs) < 8 {
					addrs = append(addrs, ip)
				}
			}
		case indent >= 6 && len(txt) < 32:
			txt = append(txt, text)
		}
	}
	flush()
}

package importer

import (
	"encoding/xml"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
)

// ErrNotNessus says the input is not a Nessus export.
var ErrNotNessus = errors.New("not a Nessus export (want the .nessus file Nessus or Tenable exports, root element <NessusClientData_v2>)")

// nessusHost is one ReportHost: the host's tags (HostProperties) and its
// findings. Nessus's own conclusions (operating-system, system-type, CPEs,
// plugin names, severities) are not read: only where a plugin quotes what
// the device sent.
type nessusHost struct {
	Name  string       `xml:"name,attr"`
	Tags  []nessusTag  `xml:"HostProperties>tag"`
	Items []nessusItem `xml:"ReportItem"`
}

type nessusTag struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type nessusItem struct {
	Port     string `xml:"port,attr"`
	Protocol string `xml:"protocol,attr"`
	PluginID string `xml:"pluginID,attr"`
	Output   string `xml:"plugin_output"`
}

// The plugins whose output quotes what a device sent.
const (
	nessusHTTPServer  = "10107" // HTTP Server Type and Version: the Server header
	nessusHTTPInfo    = "24260" // HyperText Transfer Protocol (HTTP) Information: the headers of GET /
	nessusSSLCert     = "10863" // SSL Certificate Information: subject and issuer
	nessusTelnet      = "10281" // Telnet Server Detection: the banner between "snip" lines
	nessusFTP         = "10092" // FTP Server Detection: the banner
	nessusSSH         = "10267" // SSH Server Type and Version Information: the version string
	nessusSNMPSysInfo = "10800" // SNMP Query System Information Disclosure: sysDescr
)

// Nessus reads a Nessus export (.nessus, NessusClientData_v2) and emits
// what each ReportHost's devices said: its address (host-ip) and the MAC
// Nessus learnt, each open TCP port as tcp.open, and the plugin outputs
// that quote a device's answer, each read as a scan reads that answer.
//
// The file is read as nmap's XML is, one ReportHost at a time, memory
// bounded by the largest element; a file cut short keeps the hosts before
// and says where it ended (Stats.Stopped). A DTD is not read: an entity it
// declares is an error, never expanded.
func Nessus(r io.Reader, emit Emit) (Stats, error) {
	var st Stats
	in := &budgetReader{r: r, over: errNmapElement}
	dec := xml.NewDecoder(in)
	dec.Strict = true
	root, inReport := false, false
	for {
		in.left = maxNmapElement
		tok, err := dec.Token()
		if err == io.EOF {
			if !root {
				return st, ErrNotNessus
			}
			return st, nil
		}
		if err != nil {
			if !root {
				return st, ErrNotNessus
			}
			st.stop("%s", xmlStopped("Nessus", err, dec))
			return st, nil
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "Report" {
				inReport = false
			}
		case xml.StartElement:
			switch {
			case !root && t.Name.Local == "NessusClientData_v2":
				root = true
			case !root:
				return st, ErrNotNessus
			case !inReport && t.Name.Local == "Report":
				inReport = true // its hosts are read one at a time below
			default:
				if err := readNessusElement(dec, t, emit, &st); err != nil {
					st.stop("%s", xmlStopped("Nessus", err, dec))
					return st, nil
				}
			}
		}
	}
}

// readNessusElement reads one element whole (a ReportHost, or the Policy
// and anything else, read past) and emits what a host shows.
func readNessusElement(dec *xml.Decoder, se xml.StartElement, emit Emit, st *Stats) error {
	if se.Name.Local != "ReportHost" {
		_, err := decodeElement(dec, se, &struct{}{}, st)
		return err
	}
	var h nessusHost
	ok, err := decodeElement(dec, se, &h, st)
	if ok {
		st.Records++
		if err := emitNessusHost(h, emit); err != nil {
			st.skip("%v", err)
		}
	}
	return err
}

// nessusTime is HOST_START's form: "Tue Dec  8 00:43:15 2026".
const nessusTime = "Mon Jan _2 15:04:05 2006"

// emitNessusHost emits one host's binding, open ports and quoted answers.
// The hostname and host-fqdn tags are names Nessus resolved (DNS, NetBIOS),
// not the device's word, and are not read.
func emitNessusHost(h nessusHost, emit Emit) error {
	tags := map[string]string{}
	for _, t := range h.Tags {
		if _, dup := tags[t.Name]; !dup {
			tags[t.Name] = strings.TrimSpace(t.Value)
		}
	}
	ip, err := netip.ParseAddr(tags["host-ip"])
	if err != nil {
		ip, err = netip.ParseAddr(strings.TrimSpace(h.Name))
	}
	if err != nil {
		return errors.New("ReportHost " + strconv.Quote(observe.Clip(h.Name, 64)) + " without a valid host-ip")
	}
	base := observe.Observation{Probe: "nessus", IP: ip.Unmap()}
	if t, err := time.Parse(nessusTime, tags["HOST_START"]); err == nil {
		base.Time = t.UTC()
	}
	// mac-address lists the host's MACs one a line (00:00:00:00:00:00 among
	// them for an interface without one); the first real one is taken as
	// the address's, as nmap's ARP-learnt one is.
	for _, f := range strings.Fields(tags["mac-address"]) {
		if m, err := observe.ParseMAC(f); err == nil && !m.IsZero() {
			base.MAC = m
			o := base
			o.Key, o.Value = "arp.mac", m.String()
			emit(o)
			break
		}
	}
	for _, it := range h.Items {
		emitNessusItem(base, it, emit)
	}
	return nil
}

// emitNessusItem emits what one finding shows: its port open, and the
// answer its plugin quotes.
func emitNessusItem(base observe.Observation, it nessusItem, emit Emit) {
	port, err := strconv.ParseUint(strings.TrimSpace(it.Port), 10, 16)
	if err != nil || port == 0 {
		return // port 0: a finding about the host, not a service
	}
	base.Port = uint16(port)
	out := it.Output[:min(len(it.Output), maxScriptOutput)]
	if it.Protocol == "udp" {
		if it.PluginID == nessusSNMPSysInfo {
			emitValue(base, "snmp.sys_descr", nessusField(out, "sysDescr"), emit)
		}
		return
	}
	if it.Protocol != "tcp" {
		return
	}
	emitValue(base, "tcp.open", strconv.Itoa(int(port)), emit)
	switch it.PluginID {
	case nessusHTTPServer:
		if server := firstLineAfter(out, "The remote web server type is :"); server != "" {
			emitRecorded(base, "http.server", server, emit)
		}
	case nessusHTTPInfo:
		emitNessusHTTPInfo(base, out, emit)
	case nessusSSLCert:
		emitCertNames(base, nessusDN(out, "Subject Name:"), nessusDN(out, "Issuer Name:"), emit)
	case nessusTelnet:
		// The prompt a telnet server ends its greeting with has no line end.
		if banner := nessusBanner(out); banner != "" {
			decodeRaw(base, "tcp.banner", []byte(banner), emit)
		}
	case nessusFTP:
		if banner := nessusBanner(out); banner != "" {
			decodeRaw(base, "tcp.banner", []byte(banner+"\r\n"), emit)
		}
	case nessusSSH:
		if v := nessusField(out, "SSH version"); strings.HasPrefix(v, "SSH-") {
			decodeRaw(base, "tcp.banner", []byte(v+"\r\n"), emit)
		}
	}
}

// emitNessusHTTPInfo reads plugin 24260's output: "Response Code :
// HTTP/1.1 200 OK" (newer versions), lines "Protocol version : …",
// "SSL : …", then "Headers :", a blank line and the answer's header lines
// indented two spaces, and in newer versions "Response Body :" and the
// page. The headers go through the HTTP decoder as nmap's http-headers
// do. Lines are read trimmed: an export laid out again indents them all.
func emitNessusHTTPInfo(base observe.Observation, out string, emit Emit) {
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	var headers strings.Builder
	for i, line := range lines {
		switch strings.TrimSpace(line) {
		case "Headers :":
			for _, h := range trimmedBlock(lines[i+1:]) {
				headers.WriteString("  " + h + "\n")
			}
		case "Response Body :":
			body := strings.TrimSpace(strings.Join(lines[i+1:], "\n"))
			if body != "" {
				emitRecorded(base, "http.body", body, emit)
			}
		}
	}
	if headers.Len() > 0 {
		emitHTTPHeadersScript(base, headers.String(), emit)
	}
}

// trimmedBlock is the first run of non-blank lines, trimmed, blank lines
// before it skipped.
func trimmedBlock(lines []string) []string {
	var block []string
	for _, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case line != "":
			block = append(block, line)
		case len(block) > 0:
			return block
		}
	}
	return block
}

// firstLineAfter is the first non-empty line after label, trimmed.
func firstLineAfter(out, label string) string {
	_, rest, ok := strings.Cut(out, label)
	if !ok {
		return ""
	}
	for _, line := range strings.Split(rest, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// nessusField is the value of a "name : value" line (Nessus pads the name
// with spaces to align the colons), trimmed; empty when there is none.
func nessusField(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		n, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(n) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// nessusSnip is the line Nessus writes before and after a quoted banner:
// thirty dashes, " snip ", thirty dashes.
const nessusSnip = "------------------------------ snip ------------------------------"

// nessusBanner is the banner a plugin quotes between its two snip lines,
// or, without them, the text after its "… is :" line.
func nessusBanner(out string) string {
	out = strings.ReplaceAll(out, "\r\n", "\n")
	if _, rest, ok := strings.Cut(out, nessusSnip+"\n"); ok {
		banner, _, _ := strings.Cut(rest, "\n"+nessusSnip)
		return strings.Trim(banner, "\n")
	}
	if _, rest, ok := strings.Cut(out, " :\n"); ok {
		return strings.TrimSpace(rest)
	}
	return ""
}

// nessusDNNames are the attribute labels of plugin 10863's name blocks,
// by the short names a distinguished name is written with.
var nessusDNNames = map[string]string{
	"Country": "C", "State/Province": "ST", "Locality": "L", "Organization": "O",
	"Organization Unit": "OU", "Common Name": "CN", "Email Address": "emailAddress",
}

// nessusDN reads one of plugin 10863's name blocks: the label ("Subject
// Name:"), a blank line, then one "Attribute: value" line each, in the
// certificate's encoded order, up to the next blank line. It is written
// as a distinguished name in that order, which the reader of recorded
// names turns around as the certificate decoder writes it.
func nessusDN(out, label string) string {
	out = strings.ReplaceAll(out, "\r\n", "\n")
	_, rest, ok := strings.Cut(out, label)
	if !ok {
		return ""
	}
	var parts []string
	started := false
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if started {
				break
			}
			continue
		}
		name, value, ok := strings.Cut(line, ": ")
		short := nessusDNNames[name]
		if !ok || short == "" {
			if started {
				break
			}
			continue // the rest of the label's line
		}
		started = true
		if len(parts) < 32 {
			parts = append(parts, short+"="+dnEscaper.Replace(strings.TrimSpace(value)))
		}
	}
	return strings.Join(parts, ",")
}

// dnEscaper escapes what RFC 4514 requires inside a value.
var dnEscaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `+`, `\+`, `;`, `\;`, `"`, `\"`, `<`, `\<`, `>`, `\>`, `=`, `\=`)

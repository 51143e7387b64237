package importer

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/observe"
)

// ErrNotCensys says the input is not Censys's host data.
var ErrNotCensys = errors.New(`not Censys host data (want Censys Search API v2 hosts: a host's record or a search page as the API answers them, or hosts one a line or in an array as exports write them: objects with "ip" and "services", or "result" with "hits")`)

// maxCensysHeaders bounds the header lines rebuilt from one parsed response.
const maxCensysHeaders = 256

// censysService is the part of one service of a Censys host record (Search
// API v2, https://search.censys.io/api) that the device itself sent: its
// first answer (banner), the HTTP response (headers, page, title) and the
// names of the leaf certificate it presented. Censys's own conclusions
// (software, labels, operating_system, service_name) and what it learnt
// elsewhere (dns, whois, location) are not read: every device is judged
// again from what it sent.
type censysService struct {
	Port       int               `json:"port"`
	Transport  string            `json:"transport_protocol"`
	ObservedAt string            `json:"observed_at"`
	Banner     string            `json:"banner"`
	BannerHex  string            `json:"banner_hex"`
	Encoding   map[string]string `json:"_encoding"`
	HTTP       *struct {
		Response *censysResponse `json:"response"`
	} `json:"http"`
	TLS *struct {
		Certificates *struct {
			LeafData *struct {
				SubjectDN string              `json:"subject_dn"`
				IssuerDN  string              `json:"issuer_dn"`
				Subject   map[string][]string `json:"subject"`
				Issuer    map[string][]string `json:"issuer"`
			} `json:"leaf_data"`
		} `json:"certificates"`
	} `json:"tls"`
}

// censysResponse is an HTTP response as Censys parsed it. Header names
// have their dashes written as underscores (X_Frame_Options), each with
// its values; "_encoding" among them says how each is written.
type censysResponse struct {
	Protocol     string                     `json:"protocol"`
	StatusCode   int                        `json:"status_code"`
	StatusReason string                     `json:"status_reason"`
	Headers      map[string]json.RawMessage `json:"headers"`
	Body         string                     `json:"body"`
	HTMLTitle    string                     `json:"html_title"`
}

// Censys reads Censys's host data (Search API v2) and emits what each
// service sent, as a scan would have seen it: a host's record as the API
// answers it (`censys view`, /v2/hosts/IP, its "result" or the record
// alone; several one after another), a search page ("result" with "hits",
// or the hits as `censys search` writes them, an array), or hosts one a
// line as exports write them, plain or gzipped. A TCP service's banner (its exact bytes from
// banner_hex where Censys kept them) goes through the scanner's own decoders
// (HTTP, RTSP, TLS, telnet, binary banners); without a banner, the HTTP
// response Censys parsed is read as its header lines; the page as
// http.body (or its title alone, when Censys kept no page); the leaf
// certificate's subject and issuer as tls.subject and tls.issuer; a UDP
// service's banner through the discovery decoder of its port.
//
// A host, or a service, that cannot be read is counted and skipped; an
// input cut short keeps the hosts before the cut.
func Censys(r io.Reader, emit Emit) (Stats, error) {
	return censysJSON.read(r, emit)
}

// censysJSON is Censys's host data as the reader of JSON records reads it.
var censysJSON = jsonFormat{errNot: ErrNotCensys, isRecord: isCensysRecord, record: readCensysRecord, lines: "the hosts one a line"}

// censysProbe holds the members that say what a Censys object is.
type censysProbe struct {
	IP       *string            `json:"ip"`
	Services *json.RawMessage   `json:"services"`
	Result   *json.RawMessage   `json:"result"`
	Hits     *[]json.RawMessage `json:"hits"`
}

// censysWrappers bounds how deep hosts are looked for: in an API answer's
// result, in a search page's hits (and so in an answer's page).
const censysWrappers = 2

// isCensysRecord reports a host (an address with services), a search page
// (hits) or an API answer holding either (result).
func isCensysRecord(raw []byte) bool {
	return isCensysAt(raw, 0)
}

func isCensysAt(raw []byte, depth int) bool {
	var p censysProbe
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	switch {
	case p.IP != nil && p.Services != nil, p.Hits != nil:
		return true
	case p.Result != nil && depth < censysWrappers:
		return isCensysAt(*p.Result, depth+1)
	}
	return false
}

// readCensysRecord reads a host, a search page or an API answer.
func readCensysRecord(raw []byte, emit Emit, st *Stats) error {
	return readCensysAt(raw, 0, emit, st)
}

func readCensysAt(raw []byte, depth int, emit Emit, st *Stats) error {
	var p censysProbe
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("not a JSON object Censys writes: %v", err)
	}
	switch {
	case (p.Result != nil || p.Hits != nil) && depth >= censysWrappers:
		return errors.New("hosts wrapped deeper than an API answer's search page")
	case p.Result != nil:
		return readCensysAt(*p.Result, depth+1, emit, st)
	case p.Hits != nil:
		for i, h := range *p.Hits {
			if err := readCensysAt(h, depth+1, emit, st); err != nil {
				st.skip("hit %d: %v", i+1, err)
			}
		}
		return nil
	case p.IP == nil:
		return errors.New(`no "ip": not a host Censys writes`)
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(*p.IP))
	if err != nil {
		return fmt.Errorf("ip %q: not an address", observe.Clip(*p.IP, 64))
	}
	var services []json.RawMessage
	if p.Services != nil && json.Unmarshal(*p.Services, &services) != nil {
		return fmt.Errorf("host %s: services is not a list", ip)
	}
	for i, raw := range services {
		var s censysService
		st.Records++
		err := json.Unmarshal(raw, &s)
		if err == nil {
			err = emitCensysService(ip.Unmap(), s, emit)
		}
		if err != nil {
			st.skip("host %s: service %d: %v", ip, i+1, err)
		}
	}
	return nil
}

// emitCensysService emits what one service sent.
func emitCensysService(ip netip.Addr, s censysService, emit Emit) error {
	if s.Port <= 0 || s.Port > 65535 {
		return fmt.Errorf("port %d", s.Port)
	}
	banner, err := censysBanner(s)
	if err != nil {
		return fmt.Errorf("port %d: %v", s.Port, err)
	}
	base := observe.Observation{Time: apiTime(s.ObservedAt), Probe: "censys", IP: ip, Port: uint16(s.Port)}
	switch strings.ToUpper(s.Transport) {
	case "TCP":
	case "UDP":
		emitDatagram(base, string(banner), emit)
		return nil
	default:
		return nil // QUIC: what it answered is Censys's summary, no datagram
	}
	open := base
	open.Key, open.Value = "tcp.open", strconv.Itoa(s.Port)
	emit(open)
	var resp *censysResponse
	if s.HTTP != nil {
		resp = s.HTTP.Response
	}
	switch {
	case len(banner) > 0:
		decodeRaw(base, "tcp.banner", banner, emit)
	case resp != nil && resp.StatusCode > 0:
		decodeRaw(base, "http.headers", censysHeaderLines(resp), emit)
	}
	if resp != nil {
		switch {
		case resp.Body != "":
			emitRecorded(base, "http.body", resp.Body, emit)
		case resp.HTMLTitle != "":
			emitRecorded(base, "http.title", resp.HTMLTitle, emit)
		}
	}
	if s.TLS != nil && s.TLS.Certificates != nil && s.TLS.Certificates.LeafData != nil {
		leaf := s.TLS.Certificates.LeafData
		subject, issuer := leaf.SubjectDN, leaf.IssuerDN
		if subject == "" {
			subject = attrsDN(censysNameAttrs(leaf.Subject))
		}
		if issuer == "" {
			issuer = attrsDN(censysNameAttrs(leaf.Issuer))
		}
		emitCertNames(base, subject, issuer, emit)
	}
	return nil
}

// censysBanner is a service's banner as it was sent: banner_hex holds its
// bytes; banner is written as its _encoding says (UTF-8 text unless said).
func censysBanner(s censysService) ([]byte, error) {
	if s.BannerHex != "" {
		b, err := hex.DecodeString(s.BannerHex)
		if err != nil {
			return nil, errors.New("banner_hex is not hex")
		}
		return b, nil
	}
	switch s.Encoding["banner"] {
	case "DISPLAY_BASE64":
		b, err := base64.StdEncoding.DecodeString(s.Banner)
		if err != nil {
			return nil, errors.New("banner is not base64")
		}
		return b, nil
	case "DISPLAY_HEX":
		b, err := hex.DecodeString(s.Banner)
		if err != nil {
			return nil, errors.New("banner is not hex")
		}
		return b, nil
	}
	return []byte(s.Banner), nil
}

// censysHeaderLines writes a parsed response back as its status and header
// lines, names with their dashes again (Censys wrote them as underscores).
func censysHeaderLines(r *censysResponse) []byte {
	proto := r.Protocol
	if !strings.HasPrefix(proto, "HTTP/") {
		proto = "HTTP/1.1"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, r.StatusCode, r.StatusReason)
	names := make([]string, 0, len(r.Headers))
	for name := range r.Headers {
		if !strings.HasPrefix(name, "_") { // _encoding
			names = append(names, name)
		}
	}
	slices.Sort(names)
	n := 0
	for _, name := range names {
		var values []string
		if json.Unmarshal(r.Headers[name], &values) != nil {
			continue
		}
		for _, v := range values[:min(len(values), maxCensysHeaders-n)] {
			n++
			b.WriteString(strings.ReplaceAll(name, "_", "-") + ": " + headerLineBreaks.Replace(v) + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// headerLineBreaks keeps a header value Censys parsed on its own line.
var headerLineBreaks = strings.NewReplacer("\r", " ", "\n", " ")

// censysShortAttrs are the short names of the name attributes Censys spells out.
var censysShortAttrs = map[string]string{"common_name": "CN", "organizational_unit": "OU", "organization": "O", "locality": "L", "province": "ST", "country": "C"}

// censysNameAttrs takes a name Censys parsed into attributes
// (common_name, organization, ...) to the short attribute names, each with
// its first value.
func censysNameAttrs(name map[string][]string) map[string]any {
	attrs := map[string]any{}
	for long, values := range name {
		if k, ok := censysShortAttrs[long]; ok && len(values) > 0 {
			attrs[k] = values[0]
		}
	}
	return attrs
}

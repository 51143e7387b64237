package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// ErrNotShodan says the input is not Shodan's banner JSON.
var ErrNotShodan = errors.New(`not Shodan's banner JSON (want the lines shodan download writes, plain or gzipped, a host's record or a search result: objects with "ip_str" and "data", or "matches")`)

// maxShodanRedirects bounds the answers of one banner's redirect chain.
const maxShodanRedirects = 8

// shodanBanner is the part of one Shodan banner (one service on one port of
// one address, https://datapedia.shodan.io) that the device itself sent:
// the raw answer, the page and its favicon, the certificate chain. Shodan's
// own conclusions (product, cpe, tags, hostnames from reverse DNS) are not
// read: every device is judged again from what it sent.
type shodanBanner struct {
	IPStr     string          `json:"ip_str"`
	Port      int             `json:"port"`
	Transport string          `json:"transport"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"` // the answer; in a host's record, its banners
	HTTP      *struct {
		HTML      string `json:"html"`
		Redirects []struct {
			Host string `json:"host"`
			Data string `json:"data"`
		} `json:"redirects"`
		Favicon *struct {
			Hash *int64 `json:"hash"`
		} `json:"favicon"`
	} `json:"http"`
	SSL *struct {
		Chain []string `json:"chain"`
		Cert  struct {
			Subject map[string]any `json:"subject"`
			Issuer  map[string]any `json:"issuer"`
		} `json:"cert"`
	} `json:"ssl"`
	Matches []json.RawMessage `json:"matches"` // a search result page
}

// Shodan reads Shodan's banner JSON and emits what each device sent, as a
// scan would have seen it: the lines `shodan download` writes (plain or
// gzipped) and the streaming API sends, a host's record as the API answers
// it (its banners in "data"), a search result page ("matches"), or an array
// of those. TCP answers go through the scanner's own decoders (HTTP, RTSP,
// TLS, telnet, binary banners), the page Shodan kept as http.body, the
// favicon's hash as http.favicon_mmh3, the leaf certificate as tls.cert_pem,
// and UDP answers through the discovery decoder of their port.
//
// A line that is not a banner is counted and skipped; a document cut short
// keeps the banners before the cut.
func Shodan(r io.Reader, emit Emit) (Stats, error) {
	return shodanJSON.read(r, emit)
}

// shodanJSON is Shodan's banner JSON as the reader of JSON records reads it.
var shodanJSON = jsonFormat{errNot: ErrNotShodan, isRecord: isShodanRecord, record: readShodanRecord, lines: "the lines shodan download writes"}

// isShodanRecord reports a JSON object with the members only Shodan's
// records have together: an address as ip_str (a banner, a host's record)
// or a search result's matches.
func isShodanRecord(raw []byte) bool {
	var probe struct {
		IPStr   *string          `json:"ip_str"`
		Matches *json.RawMessage `json:"matches"`
	}
	return json.Unmarshal(raw, &probe) == nil && (probe.IPStr != nil || probe.Matches != nil)
}

// readShodanRecord reads one banner, a host's record or a search result.
func readShodanRecord(raw []byte, emit Emit, st *Stats) error {
	return readShodanAt(raw, true, emit, st)
}

// readShodanAt reads a record; a search result's matches are records that
// hold no matches themselves (a hostile nesting would be parsed again at
// every level).
func readShodanAt(raw []byte, page bool, emit Emit, st *Stats) error {
	var b shodanBanner
	if err := json.Unmarshal(raw, &b); err != nil {
		return fmt.Errorf("not a JSON object Shodan writes: %v", err)
	}
	if b.Matches != nil {
		if !page {
			return errors.New("matches within a match: not a search result Shodan writes")
		}
		for i, m := range b.Matches {
			if err := readShodanAt(m, false, emit, st); err != nil {
				st.skip("match %d: %v", i+1, err)
			}
		}
		return nil
	}
	if d := bytes.TrimSpace(b.Data); len(d) > 0 && d[0] == '[' {
		return readShodanHost(b.IPStr, d, emit, st)
	}
	st.Records++
	return emitShodanBanner(b, emit)
}

// readShodanHost reads a host's record: its banners, which may leave out
// the address the record gives once.
func readShodanHost(ip string, data []byte, emit Emit, st *Stats) error {
	var banners []json.RawMessage
	if err := json.Unmarshal(data, &banners); err != nil {
		return fmt.Errorf("host %s: data: %v", ip, err)
	}
	for i, raw := range banners {
		var b shodanBanner
		st.Records++
		err := json.Unmarshal(raw, &b)
		if err == nil {
			if b.IPStr == "" {
				b.IPStr = ip
			}
			err = emitShodanBanner(b, emit)
		}
		if err != nil {
			st.skip("host %s: banner %d: %v", ip, i+1, err)
		}
	}
	return nil
}

// emitShodanBanner emits what one banner says its service sent.
func emitShodanBanner(b shodanBanner, emit Emit) error {
	ip, err := netip.ParseAddr(strings.TrimSpace(b.IPStr))
	if err != nil {
		return fmt.Errorf("ip_str %q: not an address", observe.Clip(b.IPStr, 64))
	}
	if b.Port <= 0 || b.Port > 65535 {
		return fmt.Errorf("%s: port %d", ip, b.Port)
	}
	var data string
	if len(b.Data) > 0 && json.Unmarshal(b.Data, &data) != nil {
		return fmt.Errorf("%s:%d: data is not a string", ip, b.Port)
	}
	base := observe.Observation{Time: apiTime(b.Timestamp), Probe: "shodan", IP: ip.Unmap(), Port: uint16(b.Port)}
	if b.Transport == "udp" {
		emitDatagram(base, data, emit)
		return nil
	}
	open := base
	open.Key, open.Value = "tcp.open", strconv.Itoa(b.Port)
	emit(open)
	if data != "" {
		decodeRaw(base, "tcp.banner", []byte(data), emit)
	}
	if h := b.HTTP; h != nil {
		for i, r := range h.Redirects {
			// Each answer of the chain that the same address sent.
			if i < maxShodanRedirects && r.Data != "" && (r.Host == "" || r.Host == b.IPStr) {
				decodeRaw(base, "tcp.banner", []byte(r.Data), emit)
			}
		}
		if h.HTML != "" {
			emitRecorded(base, "http.body", h.HTML, emit)
		}
		if h.Favicon != nil && h.Favicon.Hash != nil {
			emitRecorded(base, "http.favicon_mmh3", strconv.FormatInt(*h.Favicon.Hash, 10), emit)
		}
	}
	if s := b.SSL; s != nil {
		emitShodanCertificate(base, s.Chain, s.Cert.Subject, s.Cert.Issuer, emit)
	}
	return nil
}

// emitDatagram reads a UDP service's answer with the discovery decoder of
// its port (an SSDP answer on 1900, a WS-Discovery match on 3702, ...).
// Shodan writes some UDP answers as its own summary text rather than the
// datagram (SNMP, DNS); the decoder then reads nothing, as it should.
func emitDatagram(base observe.Observation, data string, emit Emit) {
	decode, ok := discovery.ByPort(base.Port, 0)
	if !ok || data == "" {
		return
	}
	decode([]byte(data), meta(base), scanner.Emit(emit))
}

// emitShodanCertificate emits the leaf certificate of the chain Shodan kept,
// or, without a chain, the subject and issuer it parsed from it.
func emitShodanCertificate(base observe.Observation, chain []string, subject, issuer map[string]any, emit Emit) {
	if len(chain) > 0 && decodeRaw(base, "tls.cert_pem", []byte(chain[0]), emit) == nil {
		return
	}
	emitCertNames(base, attrsDN(subject), attrsDN(issuer), emit)
}

// emitCertNames emits a certificate's subject and issuer, each in any form
// the reader of recorded names reads (tls.subject's, OpenSSL's, RFC 4514's).
func emitCertNames(base observe.Observation, subject, issuer string, emit Emit) {
	if subject != "" {
		emitRecorded(base, "tls.subject", subject, emit)
	}
	if issuer != "" {
		emitRecorded(base, "tls.issuer", issuer, emit)
	}
}

// dnOrder is the order distinguished names are written in (tls.subject's
// CN=…,OU=…,O=…,L=…,ST=…,C=…); other attributes follow, sorted.
var dnOrder = []string{"CN", "OU", "O", "L", "ST", "C"}

// attrsDN writes a name parsed into attributes (CN, O, ...) as one string.
func attrsDN(attrs map[string]any) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		if !slices.Contains(dnOrder, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range append(slices.Clone(dnOrder), keys...) {
		if v, ok := attrs[k].(string); ok && v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

// emitRecorded emits a value as identify reads it under key: through the
// reader of recorded values (a page gives its title and any ONVIF answer
// in it), else as it is.
func emitRecorded(base observe.Observation, key, value string, emit Emit) {
	if service.DecodeRecorded(key, value, meta(base), withMAC(base, emit)) {
		return
	}
	base.Key, base.Value = key, observe.Clip(value, observe.MaxValueLen)
	emit(base)
}

// apiTime parses an API's time stamp: Shodan's (UTC, microseconds, no
// zone) or RFC 3339 (Censys's); zero when absent or unreadable.
func apiTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

package corpus

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/service"
)

// The variant test puts a sample of the corpus on the wire in the forms
// captures made by others carry it in, one form at a time: other ports, a
// capture that starts mid-flow (also inside a message) or holds one
// direction, small, reordered and retransmitted segments, other HTTP
// framings, other link types and file formats, IPv6, a certificate split across records, discovery
// answers sent unicast. Each form must read as identify reads the strings.

// wireForm is one way a capture made elsewhere differs from the wire
// test's usual one; the zero value is the usual form.
type wireForm struct {
	Ports     map[uint16]uint16 // a service's usual port → the port it runs on here
	Shape     pcapgen.Shape
	Link      pcapgen.LinkForm
	IPv6      bool
	HTTP      string // "1.0" (close-delimited), "chunked", "gzip", "head", "keepalive"
	TLSRecord int    // the server flight's record size (0: one record)
	Unicast   bool   // discovery answers to the prober's own port
	Ephemeral bool   // discovery datagrams from a port of the sender's own to the protocol's port
	MDNSExtra bool   // mDNS records in the additional section
	// Joined: the capture joins a web or RTSP connection in use, inside an
	// earlier answer ("answer") or an earlier request ("request").
	Joined string
}

var wireClient6 = pcapgen.Host{MAC: wireClient.MAC, IP: net.ParseIP("fd00::198:18:0:20")}

func (f wireForm) serverPort(p uint16) uint16 {
	if q, ok := f.Ports[p]; ok {
		return q
	}
	return p
}

type mdnsBuilder func(f *pcapgen.Framer, service, instance, host string, port uint16, ip net.IP, txt ...string) []byte

// mdns sends an mDNS response the device builds with announce: to the
// group, or in the unicast form to a legacy querier's port; its records in
// the answer or, in that form, the additional section.
func (s *wireScene) mdns(build func(f *pcapgen.Framer, announce mdnsBuilder) []byte) {
	announce := (*pcapgen.Framer).MDNSAnnouncement
	if s.form.MDNSExtra {
		announce = (*pcapgen.Framer).MDNSAnswerAdditional
	}
	to, dport := s.group(mdnsGroup), uint16(5353)
	if s.form.Unicast {
		to, dport = s.client(), 50000+uint16(len(s.exchanges))
	}
	s.frame(func(f *pcapgen.Framer) []byte {
		payload := append([]byte(nil), build(f, announce)...)
		return f.UDP(s.dev, to, 5353, dport, payload)
	})
}

// httpExchanges are the request and answer of one exchange as the form's
// HTTP framing has them; another protocol's stay as they are.
func (f wireForm) httpExchanges(request, response []byte) [][2][]byte {
	if f.Joined != "" {
		return f.joinedExchanges(request, response)
	}
	if f.HTTP == "" || !bytes.HasPrefix(response, []byte("HTTP/1.")) || !bytes.HasPrefix(request, []byte("GET ")) {
		return [][2][]byte{{request, response}}
	}
	head, body, ok := bytes.Cut(response, []byte("\r\n\r\n"))
	if !ok {
		return [][2][]byte{{request, response}}
	}
	head = contentLength.ReplaceAll(head, nil)
	switch f.HTTP {
	case "1.0":
		request = bytes.Replace(request, []byte(" HTTP/1.1\r\n"), []byte(" HTTP/1.0\r\n"), 1)
		head = append(bytes.Replace(head, []byte("HTTP/1.1 "), []byte("HTTP/1.0 "), 1), "\r\nConnection: close"...)
	case "chunked":
		head = append(head, "\r\nTransfer-Encoding: chunked"...)
		body = chunked(body, 100)
	case "gzip":
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = z.Bytes()
		head = append(head, "\r\nContent-Encoding: gzip\r\nContent-Length: "+strconv.Itoa(len(body))...)
	case "head":
		request = append([]byte("HEAD"), request[3:]...)
		head = append(head, "\r\nContent-Length: "+strconv.Itoa(len(body))...)
		body = nil
	case "keepalive": // the browser's earlier request on the same connection first
		head = append(head, "\r\nContent-Length: "+strconv.Itoa(len(body))...)
		first := bytes.Replace(request, []byte("GET / "), []byte("GET /favicon.ico "), 1)
		if bytes.Equal(first, request) {
			first = bytes.Replace(request, request[4:bytes.IndexByte(request[4:], ' ')+4], []byte("/"), 1)
		}
		return [][2][]byte{
			{first, []byte("HTTP/1.1 304 Not Modified\r\nConnection: keep-alive\r\n\r\n")},
			{request, join(head, body)},
		}
	}
	return [][2][]byte{{request, join(head, body)}}
}

// joinedExchanges puts what the capture holds of an earlier exchange on
// the same connection before an HTTP or RTSP one: the tail of an earlier
// answer (the rest of a page; the rest of an RTP frame and a whole one), or
// the tail of an earlier request and its whole answer.
func (f wireForm) joinedExchanges(request, response []byte) [][2][]byte {
	rtsp := bytes.HasPrefix(response, []byte("RTSP/1."))
	if !rtsp && !bytes.HasPrefix(response, []byte("HTTP/1.")) {
		return [][2][]byte{{request, response}}
	}
	var earlier [2][]byte
	switch {
	case f.Joined == "answer" && rtsp:
		frame := append([]byte{'$', 0, 0, 24}, bytes.Repeat([]byte{0x80, 0x60, 0x7c, 0x05}, 6)...)
		earlier[1] = append(bytes.Repeat([]byte{0x9a, 0x41, 0x0e, 0xd3}, 40), frame...)
	case f.Joined == "answer":
		earlier[1] = []byte("ipt src=\"/js/lib.js\"></script>\n</body>\n</html>\n")
	case rtsp:
		earlier = [2][]byte{[]byte("Session: 3D01C6A2\r\nUser-Agent: LibVLC/3.0.18\r\n\r\n"), []byte("RTSP/1.0 200 OK\r\nCSeq: 9\r\nSession: 3D01C6A2\r\n\r\n")}
	default:
		earlier = [2][]byte{[]byte("ept-Language: en\r\n\r\n"), []byte("HTTP/1.1 304 Not Modified\r\nConnection: keep-alive\r\n\r\n")}
	}
	return [][2][]byte{earlier, {request, response}}
}

var contentLength = regexp.MustCompile(`(?i)\r\n(content-length|connection|transfer-encoding):[^\r]*`)

func join(head, body []byte) []byte {
	return append(append(append([]byte(nil), head...), "\r\n\r\n"...), body...)
}

// chunked is body in HTTP/1.1 chunks of at most size bytes.
func chunked(body []byte, size int) []byte {
	var b bytes.Buffer
	for len(body) > 0 {
		n := min(size, len(body))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, body[:n])
		body = body[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

// wireVariant is one form with the cases it changes.
type wireVariant struct {
	name    string
	form    wireForm
	applies func(obs []keyValue) bool
	// unread says why the form hides what some cases need; their
	// differences are counted and reported, not failed on.
	unread string
}

var (
	tcpKeys = []string{"http.", "rtsp.", "telnet.", "tcp.", "tls.subject", "onvif."}
	// ipv6DatagramKeys are the facts of mDNS (ff02::fb), WS-Discovery
	// (ff02::c), a search answer, SIP, SNMP, DNS questions and TLS names.
	ipv6DatagramKeys = []string{"mdns.", "wsd.", "ssdp.payload", "sip.", "gb28181.", "snmp.", "dns.query", "tls.sni"}
	anyKey           = func([]keyValue) bool { return true }
)

func hasKey(prefixes ...string) func([]keyValue) bool {
	return func(obs []keyValue) bool {
		for _, kv := range obs {
			for _, p := range prefixes {
				if strings.HasPrefix(kv.key, p) {
					return true
				}
			}
		}
		return false
	}
}

// onlyKeys: every key of the case has one of the prefixes.
func onlyKeys(prefixes ...string) func([]keyValue) bool {
	return func(obs []keyValue) bool {
		for _, kv := range obs {
			if !hasKey(prefixes...)([]keyValue{kv}) {
				return false
			}
		}
		return len(obs) > 0
	}
}

// noBody: the case's HTTP facts are all headers (a HEAD answer has no page).
func noBody(obs []keyValue) bool {
	for _, kv := range obs {
		switch kv.key {
		case "http.body", "http.title", "http.headers":
			return false
		}
	}
	return hasKey("http.server", "http.www_authenticate")(obs)
}

// but: cases applies takes that left excludes, for the reason its
// caller's comment gives.
func but(applies, left func([]keyValue) bool) func([]keyValue) bool {
	return func(obs []keyValue) bool { return applies(obs) && !left(obs) }
}

// unportedBanner: a server-first banner of a rule that names no port (put
// on a port no decoder knows). With no handshake nothing tells which end
// sent it as the server, so it is left out of the mid-flow forms.
func unportedBanner(obs []keyValue) bool {
	for _, kv := range obs {
		if kv.key == "tcp.banner_hex" && kv.port == 0 {
			return true
		}
	}
	return false
}

// either is true when one of two conditions is.
func either(a, b func([]keyValue) bool) func([]keyValue) bool {
	return func(obs []keyValue) bool { return a(obs) || b(obs) }
}

// pairedInOrder: a logged exchange whose answer does not carry its
// request's CSeq (a firmware's bug: a Foscam C1 answers CSeq 1 with Cseq 0)
// is paired with its request by order alone. A capture that joins the
// connection inside an earlier request cannot pair by order (the cut
// request's answer comes first), so the served path is lost there, as it
// would be in a real capture joined so.
func pairedInOrder(obs []keyValue) bool {
	for _, kv := range obs {
		requests, answers, ok := service.LoggedExchange(kv.key, kv.value)
		if ok && !slices.Equal(cseqs(requests), cseqs(answers)) {
			return true
		}
	}
	return false
}

// cseqs lists the CSeq header values of a side's messages, in order.
func cseqs(b []byte) []string {
	var out []string
	for line := range strings.Lines(string(b)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "CSeq") {
			out = append(out, strings.TrimSpace(value))
		}
	}
	return out
}

// clientSide: the case needs what the client sent (the path it asked for,
// the stream URL a viewer requested) or what only the client's request
// says its answer is (bare SDP with no RTSP status line), which a capture
// of the server's direction lacks.
func clientSide(obs []keyValue) bool {
	for _, kv := range obs {
		switch {
		case kv.key == "http.path", kv.key == "rtsp.served_url",
			kv.key == "rtsp.response" && !strings.HasPrefix(kv.value, "RTSP/"):
			return true
		}
	}
	return false
}

// lostNegotiation: a telnet greeting whose negotiation bytes the rule set
// stored as U+FFFD (goby's JSON): on port 23 the port says telnet, elsewhere
// nothing does, while a device sends IAC bytes, which are read on any port.
func lostNegotiation(obs []keyValue) bool {
	for _, kv := range obs {
		if strings.HasPrefix(kv.key, "telnet.") && strings.ContainsRune(kv.value, '\uFFFD') {
			return true
		}
	}
	return false
}

var (
	// The HTTP framings rewrite an answer the test builds from facts; a
	// recorded whole answer (http.headers) is the device's own framing,
	// its header names and order part of the fingerprint.
	httpFacts  = but(hasKey("http."), hasKey("http.headers"))
	webOrONVIF = hasKey("http.", "onvif.")
	tcpCase    = hasKey(tcpKeys...)
)

var wireVariants = []wireVariant{
	{name: "http on 8080", form: wireForm{Ports: map[uint16]uint16{80: 8080}}, applies: webOrONVIF},
	{name: "http on 7001", form: wireForm{Ports: map[uint16]uint16{80: 7001}}, applies: webOrONVIF},
	{name: "http on 8008 (no known port)", form: wireForm{Ports: map[uint16]uint16{80: 8008}}, applies: webOrONVIF},
	{name: "rtsp on 8554", form: wireForm{Ports: map[uint16]uint16{554: 8554}}, applies: hasKey("rtsp.")},
	{name: "rtsp on 10554", form: wireForm{Ports: map[uint16]uint16{554: 10554}}, applies: hasKey("rtsp.")},
	{name: "telnet on 2323", form: wireForm{Ports: map[uint16]uint16{23: 2323}}, applies: hasKey("telnet.")},
	{name: "telnet on 9527", form: wireForm{Ports: map[uint16]uint16{23: 9527}}, applies: but(hasKey("telnet."), lostNegotiation)},
	{name: "mid-flow (no handshake)", form: wireForm{Shape: pcapgen.Shape{MidFlow: true}}, applies: but(tcpCase, unportedBanner)},
	{name: "mid-flow, http on 8008", form: wireForm{Shape: pcapgen.Shape{MidFlow: true}, Ports: map[uint16]uint16{80: 8008}}, applies: webOrONVIF},
	{name: "mid-flow, rtsp on 5544 (no known port)", form: wireForm{Shape: pcapgen.Shape{MidFlow: true}, Ports: map[uint16]uint16{554: 5544}}, applies: hasKey("rtsp.")},
	{name: "server's direction only", form: wireForm{Shape: pcapgen.Shape{ServerOnly: true}}, applies: but(tcpCase, clientSide)},
	{name: "server's direction only, mid-flow", form: wireForm{Shape: pcapgen.Shape{ServerOnly: true, MidFlow: true}},
		applies: but(tcpCase, func(obs []keyValue) bool { return clientSide(obs) || unportedBanner(obs) })},
	{name: "server's direction only, mid-flow, http on 8008, rtsp on 5544", form: wireForm{Shape: pcapgen.Shape{ServerOnly: true, MidFlow: true}, Ports: map[uint16]uint16{80: 8008, 554: 5544}},
		applies: but(hasKey("http.", "onvif.", "rtsp."), clientSide)},
	{name: "joined inside an earlier answer", form: wireForm{Shape: pcapgen.Shape{MidFlow: true}, Joined: "answer"}, applies: but(hasKey("http.", "onvif.", "rtsp."), unportedBanner)},
	{name: "joined inside an earlier request", form: wireForm{Shape: pcapgen.Shape{MidFlow: true}, Joined: "request"}, applies: but(hasKey("http.", "onvif.", "rtsp."), either(unportedBanner, pairedInOrder))},
	{name: "16-byte segments", form: wireForm{Shape: pcapgen.Shape{Segment: 16}}, applies: tcpCase},
	{name: "out of order and retransmitted", form: wireForm{Shape: pcapgen.Shape{Segment: 200, Reorder: true, Retransmit: true}}, applies: tcpCase},
	{name: "HTTP/1.0, close-delimited", form: wireForm{HTTP: "1.0"}, applies: httpFacts},
	{name: "chunked", form: wireForm{HTTP: "chunked"}, applies: httpFacts},
	{name: "gzip", form: wireForm{HTTP: "gzip"}, applies: httpFacts},
	{name: "gzip, 16-byte segments", form: wireForm{HTTP: "gzip", Shape: pcapgen.Shape{Segment: 16}}, applies: httpFacts},
	{name: "answer to HEAD", form: wireForm{HTTP: "head"}, applies: noBody},
	{name: "second request on a keep-alive connection", form: wireForm{HTTP: "keepalive"}, applies: httpFacts},
	{name: "TLS certificate across 100-byte records", form: wireForm{TLSRecord: 100}, applies: hasKey("tls.subject")},
	{name: "802.1Q VLAN", form: wireForm{Link: pcapgen.LinkForm{VLAN: 42}}, applies: anyKey},
	{name: "Linux cooked (SLL)", form: wireForm{Link: pcapgen.LinkForm{Cooked: 1}}, applies: anyKey},
	{name: "Linux cooked v2 (SLL2)", form: wireForm{Link: pcapgen.LinkForm{Cooked: 2}}, applies: anyKey},
	{name: "pcapng", form: wireForm{Link: pcapgen.LinkForm{NG: true}}, applies: anyKey},
	{name: "nanosecond pcap", form: wireForm{Link: pcapgen.LinkForm{Nanos: true}}, applies: anyKey},
	// IPv6: the TCP cases, and the datagrams of protocols that have an
	// IPv6 group or are sent to a host (SADP, DHIP, the XM, HDS and GigE
	// Vision searches and DHCP are IPv4's).
	{name: "IPv6", form: wireForm{IPv6: true}, applies: onlyKeys(tcpKeys...)},
	{name: "IPv6 datagrams and cloud names", form: wireForm{IPv6: true}, applies: onlyKeys(ipv6DatagramKeys...)},
	{name: "discovery answers unicast to the prober's port", form: wireForm{Unicast: true}, applies: hasKey("wsd.", "sadp.", "dhip.", "xm.", "mdns.")},
	{name: "discovery datagrams from an ephemeral port", form: wireForm{Ephemeral: true}, applies: hasKey("wsd.", "sadp.", "dhip.", "xm.")},
	{name: "mDNS records in the additional section", form: wireForm{MDNSExtra: true}, applies: hasKey("mdns.")},
	{name: "snap length 96", form: wireForm{Link: pcapgen.LinkForm{SnapLen: 96}}, applies: anyKey,
		unread: "a 96-byte snap length keeps the headers and cuts every payload past its first 42 bytes (tcpdump's old default)"},
}

// wireSample says whether a case is in the variants' sample: every case
// identify finds restricted or for review, and every 16th of the others
// (by their order in the corpus, so the sample is the same each run).
// The race detector makes the 35 forms slow: a quarter of that runs there.
func wireSample(want fingerprint.Device, n int) bool {
	if raceEnabled && n%4 != 0 {
		return false
	}
	return want.Verdict == fingerprint.VerdictRestricted || want.Verdict == fingerprint.VerdictReview || n%16 == 0
}

type wireCase struct {
	where string
	obs   []keyValue
	want  fingerprint.Device
}

// TestWireVariantsKeepVerdicts puts the sample on the wire in each variant
// form and reads it back: per variant, how many cases differ from
// identify's reading. A variant with a reason it cannot be read is
// reported, not asserted.
func TestWireVariantsKeepVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("the variants put some 5,600 cases on the wire in 35 forms")
	}
	p := newPipeline(t)
	var cases []wireCase
	n := 0
	forEachWireCase(t, func(where string, obs []keyValue, _ string) {
		s := newWireScene(0, where, wireForm{})
		var plain []fingerprint.Observation
		for _, kv := range obs {
			if !s.place(kv) {
				return
			}
			plain = append(plain, identifyObservations(t, kv)...)
		}
		n++
		if want := p.identify(t, plain...); wireSample(want, n) {
			cases = append(cases, wireCase{where, obs, want})
		}
	})
	t.Logf("sample: %d of %d cases with a wire form", len(cases), n)
	for _, v := range wireVariants {
		r := newWireRun(t, p, v.form)
		var shown int
		r.report = func(s *wireScene, got fingerprint.Device) {
			if v.unread == "" && shown < 8 {
				shown++
				t.Errorf("%s: %s %v:\n\ton the wire %s\n\tidentify   %s", v.name, s.where, s.obs, describe(got), describe(s.want))
			}
		}
		for i := range cases {
			if c := &cases[i]; v.applies(c.obs) {
				r.check(c.where, c.obs, &c.want)
			}
		}
		r.flush()
		note := ""
		if v.unread != "" {
			note = " (not asserted: " + v.unread + ")"
		}
		t.Logf("variant %-50s %6d cases, %5d differ%s", v.name+":", r.tried, r.differ, note)
	}
}

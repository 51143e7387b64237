package sweep

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// hikWebDir is the real web root of a Hikvision NVR that camsim serves
// (internal/camsim/data/SOURCES.md).
const hikWebDir = "../../internal/camsim/data/recorded/hikvision-nvr-web/"

// webDevice answers each GET with pages[path] (a whole response) or a 404,
// and records every request line it was sent.
type webDevice struct {
	pages    map[string]string
	mu       sync.Mutex
	requests []string
}

func (d *webDevice) handle(c net.Conn) {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	d.mu.Lock()
	d.requests = append(d.requests, req.Method+" "+req.RequestURI)
	d.mu.Unlock()
	resp, ok := d.pages[req.URL.Path]
	if !ok {
		resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	}
	c.Write([]byte(resp)) // "" in pages: hang up without a word
}

func (d *webDevice) sent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.requests)
}

func page(body string) string {
	return fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

func realPage(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(hikWebDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return page(string(b))
}

// askWeb runs the questions of a web port (askHTTP, askTLS) against a
// device whose connections handle serves, and returns what was emitted.
func askWeb(t *testing.T, handle func(net.Conn), kind exchange) []observe.Observation {
	t.Helper()
	ip, port := serve(t, handle)
	var got []observe.Observation
	r := testRun(func(o observe.Observation) { got = append(got, o) })
	conn, err := r.dial(context.Background(), ip, port)
	if err != nil {
		t.Fatal(err)
	}
	r.question(context.Background(), conn, ip, port, kind)
	conn.Close()
	return got
}

func gets(paths ...string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, "GET "+p)
	}
	return out
}

// The real Hikvision NVR web root names no maker on its root page: the
// sweep follows the root's script redirect to /doc/index.html, decodes it
// (its body is what names the maker) and fetches the two scripts it loads.
func TestFollowsRealHikvisionRootToItsPageAndScripts(t *testing.T) {
	d := &webDevice{pages: map[string]string{
		"/":                                 realPage(t, "index.asp"),
		"/doc/index.html":                   realPage(t, "doc/index.html"),
		"/doc/js/chunk-vendors.47d47eb3.js": realPage(t, "doc/js/chunk-vendors.47d47eb3.js"),
		"/doc/js/index.76895487.js":         realPage(t, "doc/js/index.76895487.js"),
	}}
	got := askWeb(t, d.handle, askHTTP)
	want := gets("/", "/favicon.ico", "/doc/index.html", "/doc/js/chunk-vendors.47d47eb3.js", "/doc/js/index.76895487.js")
	want = append(want, "POST /onvif/device_service")
	if sent := d.sent(); !slices.Equal(sent, want) {
		t.Errorf("requests\n got %q\nwant %q", sent, want)
	}
	for _, path := range []string{"/doc/index.html", "/doc/js/index.76895487.js"} {
		if !slices.ContainsFunc(got, func(o observe.Observation) bool { return o.Key == "http.path" && o.Value == path }) {
			t.Errorf("no http.path %s observed", path)
		}
	}
	if !slices.ContainsFunc(got, func(o observe.Observation) bool {
		return o.Key == "http.body" && o.Probe == "http" && strings.Contains(o.Value, "sorry but webs doesn't work")
	}) {
		t.Error("the body of /doc/index.html was not observed")
	}
}

// An https port is followed the same way, each fetch in its own TLS
// session.
func TestFollowsOverTLS(t *testing.T) {
	d := &webDevice{pages: map[string]string{
		"/":                         realPage(t, "index.asp"),
		"/doc/index.html":           realPage(t, "doc/index.html"),
		"/doc/js/index.76895487.js": realPage(t, "doc/js/index.76895487.js"),
	}}
	cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t, hikvisionSubject)}}
	got := askWeb(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		defer tc.Close()
		d.handle(tc)
	}, askTLS)
	want := gets("/", "/doc/index.html", "/doc/js/chunk-vendors.47d47eb3.js", "/doc/js/index.76895487.js")
	if sent := d.sent(); !slices.Equal(sent, want) {
		t.Errorf("requests\n got %q\nwant %q", sent, want)
	}
	if !slices.ContainsFunc(got, func(o observe.Observation) bool {
		return o.Key == "http.body" && o.Probe == "http" && strings.Contains(o.Value, "sorry but webs doesn't work")
	}) {
		t.Error("the body of /doc/index.html was not observed over TLS")
	}
}

// Redirects are followed three deep, no further; a loop is not refetched;
// of a page's scripts, only the first maxScripts on the device are fetched.
func TestFollowIsBounded(t *testing.T) {
	var scripts strings.Builder
	for i := range 10 {
		fmt.Fprintf(&scripts, `<script src="/s%d.js"></script>`, i)
	}
	t.Run("redirect chain", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/":  "HTTP/1.1 302 Found\r\nLocation: /a\r\nContent-Length: 0\r\n\r\n",
			"/a": "HTTP/1.1 301 Moved\r\nLocation: http://127.0.0.1/b\r\nContent-Length: 0\r\n\r\n", // no port: 80, another port
		}}
		askWeb(t, d.handle, askHTTP)
		if sent := d.sent(); !slices.Equal(sent[:3], gets("/", "/favicon.ico", "/a")) || slices.Contains(sent, "GET /b") {
			t.Errorf("requests %q", sent)
		}
	})
	t.Run("endless redirects", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/":  page(`<meta http-equiv="refresh" content="0; url=/a">`),
			"/a": page(`<script>location.href = "/b"</script>`),
			"/b": "HTTP/1.1 302 Found\r\nLocation: /c\r\n\r\n",
			"/c": "HTTP/1.1 302 Found\r\nLocation: /d\r\n\r\n",
			"/d": page(`<script src="/never.js"></script>`),
		}}
		askWeb(t, d.handle, askHTTP)
		if sent := d.sent(); !slices.Equal(sent[2:5], gets("/a", "/b", "/c")) || slices.Contains(sent, "GET /d") {
			t.Errorf("requests %q", sent)
		}
	})
	t.Run("loop", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/":  "HTTP/1.1 302 Found\r\nLocation: /a\r\n\r\n",
			"/a": "HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n",
		}}
		askWeb(t, d.handle, askHTTP)
		if sent := d.sent(); !slices.Equal(sent[:3], gets("/", "/favicon.ico", "/a")) || len(sent) != 4 {
			t.Errorf("requests %q", sent)
		}
	})
	t.Run("scripts", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/": page(`<script src="http://203.0.113.9/cdn.js"></script><script src="/s0.js"></script>` + scripts.String()),
		}}
		askWeb(t, d.handle, askHTTP)
		want := gets("/", "/favicon.ico", "/s0.js", "/s1.js", "/s2.js", "/s3.js")
		if sent := d.sent(); !slices.Equal(sent[:len(want)], want) || len(sent) != len(want)+1 {
			t.Errorf("requests\n got %q\nwant %q and the ONVIF POST", sent, want)
		}
	})
	t.Run("frames first, then scripts, four in all", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/": page(`<script src="/s0.js"></script><script src="/s1.js"></script><script src="/s2.js"></script>` +
				`<frameset><frame src="loadActiveX.htm"><frame src="gLogon.htm"></frameset>`),
		}}
		askWeb(t, d.handle, askHTTP)
		want := gets("/", "/favicon.ico", "/loadActiveX.htm", "/gLogon.htm", "/s0.js", "/s1.js")
		if sent := d.sent(); !slices.Equal(sent[:len(want)], want) || len(sent) != len(want)+1 {
			t.Errorf("requests\n got %q\nwant %q and the ONVIF POST", sent, want)
		}
	})
	t.Run("unanswered script", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{"/": page(scripts.String()), "/s0.js": ""}}
		askWeb(t, d.handle, askHTTP)
		if sent := d.sent(); slices.Contains(sent, "GET /s1.js") {
			t.Errorf("scripts were asked after one went unanswered: %q", sent)
		}
	})
	t.Run("credentials", func(t *testing.T) {
		d := &webDevice{pages: map[string]string{
			"/": page(`<script>location.href = "/cgi-bin/login.cgi?user=admin&pwd=admin"</script>`),
		}}
		askWeb(t, d.handle, askHTTP)
		if sent := d.sent(); slices.ContainsFunc(sent, func(s string) bool { return strings.Contains(s, "login.cgi") }) {
			t.Errorf("a link carrying credentials was fetched: %q", sent)
		}
	})
}

package service

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// TestHTTPTolerance covers framing that real embedded servers get wrong.
func TestHTTPTolerance(t *testing.T) {
	cases := []struct {
		name, client, server string
		want                 [][2]string
		absent               []string
	}{
		{
			name:   "bare LF line ends and a folded header",
			server: "HTTP/1.0 401 Unauthorized\nServer: Boa/0.94.14rc21\nWWW-Authenticate: Basic\n realm=\"DVR\"\n\n",
			want:   [][2]string{{"http.server", "Boa/0.94.14rc21"}, {"http.www_authenticate", `Basic realm="DVR"`}, {"http.header_names", "Server,WWW-Authenticate"}},
		},
		{
			name:   "two WWW-Authenticate headers",
			server: "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"Login to 4M0747EPAA1D284\", nonce=\"1\"\r\nWWW-Authenticate: Basic realm=\"/\"\r\nContent-Length: 0\r\n\r\n",
			want:   [][2]string{{"http.www_authenticate", `Digest realm="Login to 4M0747EPAA1D284", nonce="1"`}, {"http.www_authenticate", `Basic realm="/"`}},
		},
		{
			// Hikvision's GoAhead-derived server sets its session cookie; the
			// value (a session token) is never kept, a name with a space is no token.
			name:   "cookie names, never their values",
			server: "HTTP/1.1 200 OK\r\nServer: Webs\r\nSet-Cookie: _goaheadwebSessionId=1653323156817220_389847650_644209849; path=/\r\nSet-Cookie: bad name=1\r\nSet-Cookie: =anonymous\r\nContent-Length: 0\r\n\r\n",
			want:   [][2]string{{"http.cookie_name", "_goaheadwebSessionId"}, {"http.header_names", "Server,Set-Cookie,Set-Cookie,Set-Cookie,Content-Length"}},
		},
		{
			name:   "head cut off by the capture",
			server: "HTTP/1.1 302 Found\r\nLocation: /doc/page/login.asp?_1\r\nServer: web",
			want:   [][2]string{{"http.status", "302"}, {"http.location", "/doc/page/login.asp?_1"}, {"http.server", "web"}},
		},
		{
			name:   "absolute-form request target and close-delimited body",
			client: "GET http://198.18.0.10:80/index.asp?x=1 HTTP/1.1\r\n\r\n",
			server: "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><TITLE>  Net &amp; Video\r\n Browser </TITLE>",
			want:   [][2]string{{"http.path", "/index.asp?x=1"}, {"http.title", "Net & Video Browser"}},
		},
		{
			name:   "protocol switch ends HTTP",
			client: "GET /ws HTTP/1.1\r\n\r\n",
			server: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05HTTP/1.1 200 OK\r\n",
			want:   [][2]string{{"http.status", "101"}, {"http.path", "/ws"}},
			absent: []string{"http.body"},
		},
		{
			name:   "binary body is not text",
			server: "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\n\x00\x01\x02\x03",
			absent: []string{"http.body", "http.title", "http.favicon_md5"},
		},
		{
			name:   "empty Server header",
			server: "HTTP/1.1 200 OK\r\nServer:\r\nContent-Length: 0\r\n\r\n",
			absent: []string{"http.server"},
		},
	}
	for _, c := range cases {
		obs, err := collect(t, DecodeHTTP, []byte(c.client), []byte(c.server), webMeta)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !hasValue(obs, w[0], w[1]) {
				t.Errorf("%s: no %s=%q; got %q", c.name, w[0], w[1], valuesOf(obs, w[0]))
			}
		}
		for _, key := range c.absent {
			if got := valuesOf(obs, key); got != nil {
				t.Errorf("%s: unexpected %s=%q", c.name, key, got)
			}
		}
		if strings.Contains(c.server, "101 Switching") && slices.Contains(valuesOf(obs, "http.status"), "200") {
			t.Errorf("%s: decoded the bytes after the switch", c.name)
		}
	}
}

// TestFaviconMultiline checks the Shodan-style hash where the base64 text
// wraps over several lines (golden values: see testdata/service/SOURCES.md).
func TestFaviconMultiline(t *testing.T) {
	body := readTestdata(t, "constructed/favicon_multiline.bin")
	md5hex, mmh3 := faviconHashes(body)
	if md5hex != "e6899eaaf06fd702f3ed3f988eb19362" || mmh3 != "1836528006" {
		t.Errorf("md5 %s mmh3 %s", md5hex, mmh3)
	}
	if n := strings.Count(string(shodanBase64(body)), "\n"); n != 14 {
		t.Errorf("%d lines, want 14", n)
	}
}

// TestRawHTTPHeaders is the identify path: a raw response as text.
func TestRawHTTPHeaders(t *testing.T) {
	d, _ := ByRawKey("http.headers")
	obs, err := collect(t, d, nil, readTestdata(t, "constructed/nmap_cross_web_server_200.http"), webMeta)
	if err != nil || !hasValue(obs, "http.server", "Cross Web Server") {
		t.Errorf("err %v obs %v", err, obs)
	}
	// A header block without its status line is read (TestHeaderBlockWithoutStatusLine);
	// text that is neither is not a response.
	if _, err := collect(t, d, nil, []byte("<html>Server: x"), webMeta); err == nil {
		t.Error("a page is not a response")
	}
}

// TestFaviconCutShort: a capture that ends inside the icon must not yield
// a hash, which would be wrong rather than missing.
func TestFaviconCutShort(t *testing.T) {
	icon := readTestdata(t, "constructed/favicon.ico")
	head := "HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\nContent-Length: 70\r\n\r\n"
	client := []byte("GET /favicon.ico HTTP/1.1\r\n\r\n")
	obs, _ := collect(t, DecodeHTTP, client, []byte(head+string(icon[:40])), webMeta)
	if got := valuesOf(obs, "http.favicon_mmh3"); got != nil {
		t.Errorf("hash of a partial icon: %q", got)
	}
	obs, _ = collect(t, DecodeHTTP, client, []byte(head+string(icon)), webMeta)
	if !hasValue(obs, "http.favicon_mmh3", "576324410") {
		t.Errorf("whole icon: %q", valuesOf(obs, "http.favicon_mmh3"))
	}
}

// A login page names its maker past its styles: http.body keeps the first
// observe.MaxBodyLen bytes, so a marker 10 KiB in is seen and the rest of a
// 40 KiB page is not kept.
func TestHTTPBodyBound(t *testing.T) {
	page := "<html><head><style>" + strings.Repeat(".login{margin:0 auto}\n", 10<<10/22) +
		"</style><script src=\"/script/marker.js\"></script>" + strings.Repeat("<!-- pad -->\n", 30<<10/13) + "</html>"
	server := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(page), page)
	obs, err := collect(t, DecodeHTTP, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), []byte(server), webMeta)
	if err != nil {
		t.Fatal(err)
	}
	bodies := valuesOf(obs, "http.body")
	if len(bodies) != 1 {
		t.Fatalf("%d http.body values, want 1", len(bodies))
	}
	if len(bodies[0]) != observe.MaxBodyLen || !strings.Contains(bodies[0], "/script/marker.js") {
		t.Errorf("http.body of %d bytes; want %d holding the script path", len(bodies[0]), observe.MaxBodyLen)
	}
}

// TestCookieNamesOnly keeps the names a server's Set-Cookie headers set and
// nothing of their values (session tokens), and drops names that are no
// RFC 6265 token.
func TestCookieNamesOnly(t *testing.T) {
	server := "HTTP/1.1 200 OK\r\nServer: Webs\r\n" +
		"Set-Cookie: _goaheadwebSessionId=1653323156817220_389847650_644209849; path=/\r\n" +
		"Set-Cookie: bad name=1\r\nSet-Cookie: =anonymous\r\nSet-Cookie: novalue\r\n" +
		"Set-Cookie: " + strings.Repeat("x", maxCookieName+1) + "=1\r\nContent-Length: 0\r\n\r\n"
	obs, err := collect(t, DecodeHTTP, nil, []byte(server), webMeta)
	if err != nil {
		t.Fatal(err)
	}
	if got := valuesOf(obs, "http.cookie_name"); !slices.Equal(got, []string{"_goaheadwebSessionId"}) {
		t.Errorf("cookie names %q, want only _goaheadwebSessionId", got)
	}
	for _, o := range obs {
		if strings.Contains(o.Value, "1653323156817220") {
			t.Errorf("%s keeps the session token: %q", o.Key, o.Value)
		}
	}
}

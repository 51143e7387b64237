package service

import (
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// hikWebDir holds the real web root of a Hikvision NVR that camsim serves
// (internal/camsim/data/SOURCES.md); it is read from there, the one copy.
const hikWebDir = "../../internal/camsim/data/recorded/hikvision-nvr-web/"

// ok200 wraps a page body the way a device's web server sends it.
func ok200(body []byte) []byte {
	return append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
}

func readPage(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(hikWebDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The real Hikvision NVR pages: the root sends the browser to
// /doc/index.html by script, the old login page does the same (from inside
// an if: the first assignment is taken), and the page they lead to loads
// two scripts and redirects nowhere.
func TestLinksOfRealHikvisionPages(t *testing.T) {
	for _, tc := range []struct {
		page     string
		redirect string
		scripts  []string
	}{
		{"index.asp", "/doc/index.html", nil},
		{"doc/page/login.asp", "../index.html#/portal/close", nil},
		{"doc/index.html", "", []string{"./js/chunk-vendors.47d47eb3.js", "./js/index.76895487.js"}},
	} {
		got := Links(ok200(readPage(t, tc.page)))
		if got.Redirect != tc.redirect || !slices.Equal(got.Scripts, tc.scripts) {
			t.Errorf("%s: redirect %q scripts %q, want %q %q", tc.page, got.Redirect, got.Scripts, tc.redirect, tc.scripts)
		}
	}
}

// ipncIndex is the root page of the Appro IPNC reference camera firmware
// (TI DaVinci; /var/www/index.htm), as quoted in full by a blog post on its
// web server (blog.51cto.com/u_16213626/12642323, "最原始的index.htm"): a
// frameset whose second frame is the login page.
const ipncIndex = `<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head>
<title>Multimedia Playback&Recording System</title>
<meta http-equiv="content-type" content="text/html;charset=utf-8" />
<META HTTP-EQUIV="Pragma" CONTENT="no-cache">
<META HTTP-EQUIV="Expires" CONTENT="-1"></head>
<FRAMESET Rows="0%,100%" border="0">
<frame src="loadActiveX.htm" noresize="noresize"/>
<frame src="gLogon.htm"/>
</FRAMESET>
</html>
`

// A browser loads a page's frames with it: the login page of a frameset.
func TestLinksOfFrames(t *testing.T) {
	got := Links(ok200([]byte(ipncIndex)))
	if want := []string{"loadActiveX.htm", "gLogon.htm"}; !slices.Equal(got.Frames, want) || got.Redirect != "" || got.Scripts != nil {
		t.Errorf("IPNC root: %+v, want frames %q", got, want)
	}
	got = Links([]byte("HTTP/1.1 200 OK\r\n\r\n<iframe src='/login.html' width=0></iframe><script src=a.js></script>"))
	if !slices.Equal(got.Frames, []string{"/login.html"}) || !slices.Equal(got.Scripts, []string{"a.js"}) {
		t.Errorf("iframe page: %+v", got)
	}
}

func TestLinksOfRedirectsAndPages(t *testing.T) {
	for _, tc := range []struct {
		name, response, redirect string
		scripts                  []string
	}{
		{"302 Location", "HTTP/1.1 302 Found\r\nLocation: /doc/page/login.asp\r\nContent-Length: 0\r\n\r\n", "/doc/page/login.asp", nil},
		{"upper-case header", "HTTP/1.0 301 Moved\r\nLOCATION: http://198.18.0.10/index.htm\r\n\r\n", "http://198.18.0.10/index.htm", nil},
		{"legacy Hikvision root", "HTTP/1.1 200 OK\r\n\r\n<script>window.location.href = \"/doc/page/login.asp?_\" + (new Date()).getTime();</script>", "/doc/page/login.asp?_", nil},
		{"meta refresh", "HTTP/1.1 200 OK\r\n\r\n<META HTTP-EQUIV=\"Refresh\" CONTENT=\"0; URL=/web/index.html\">", "/web/index.html", nil},
		{"meta refresh, content first", "HTTP/1.1 200 OK\r\n\r\n<meta content='1;url=login.htm' http-equiv='refresh'>", "login.htm", nil},
		{"location.replace", "HTTP/1.1 200 OK\r\n\r\n<script>location.replace('/login.html')</script>", "/login.html", nil},
		{"full page: its location text is not a redirect", "HTTP/1.1 200 OK\r\n\r\n<script src=\"js/loginEx.js\"></script><script>function f(){location.href=\"index.htm\"}</script>", "", []string{"js/loginEx.js"}},
		{"script sources in any quoting", "HTTP/1.1 200 OK\r\n\r\n<SCRIPT type=text/javascript SRC=m.jsp></SCRIPT><script src='config.js'></script><script>var a=1</script>", "", []string{"m.jsp", "config.js"}},
		{"a comparison is no redirect", "HTTP/1.1 200 OK\r\n\r\n<script>if (location.href == \"x\") {}</script>", "", nil},
		{"404 page links nothing", "HTTP/1.1 404 Not Found\r\n\r\n<script src=\"a.js\"></script>", "", nil},
		{"not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", "", nil},
		{"head not finished", "HTTP/1.1 302 Found\r\nLocation: /x", "", nil},
	} {
		got := Links([]byte(tc.response))
		if got.Redirect != tc.redirect || !slices.Equal(got.Scripts, tc.scripts) {
			t.Errorf("%s: redirect %q scripts %q, want %q %q", tc.name, got.Redirect, got.Scripts, tc.redirect, tc.scripts)
		}
	}
}

func TestResolveLinkStaysOnTheDevice(t *testing.T) {
	page, _ := url.Parse("http://198.18.0.10:80/doc/page/login.asp")
	for _, tc := range []struct {
		ref, want string
		ok        bool
	}{
		{"../index.html#/portal/login", "/doc/index.html", true},
		{"./js/index.76895487.js", "/doc/page/js/index.76895487.js", true},
		{"/doc/page/login.asp?_", "/doc/page/login.asp?_", true},
		{"http://198.18.0.10/a.js", "/a.js", true},
		{"//198.18.0.10:80/a.js", "/a.js", true},
		{"js/a.js?version=@WebVersion@&amp;t=1", "/doc/page/js/a.js?version=@WebVersion@&t=1", true},
		{"http://198.18.0.11/a.js", "", false},      // another host
		{"http://198.18.0.10:8080/a.js", "", false}, // another port
		{"https://198.18.0.10/a.js", "", false},     // another scheme
		{"http://www.hikvision.com/x.js", "", false},
		{"http://admin:12345@198.18.0.10/a.js", "", false},
		{"/cgi-bin/login.cgi?user=admin&pwd=", "", false},
		{"/login.htm?password=x", "", false},
		{"javascript:void(0)", "", false},
		{"mailto:a@b", "", false},
		{"", "", false},
		{"/a\r\nHost: evil", "", false},
		{"/" + strings.Repeat("a", 2000), "", false},
		{"/caf\u00e9.js", "/caf%C3%A9.js", true}, // escaped, as a browser sends it
		{"/a.js?q=caf\u00e9", "", false},         // a raw non-ASCII query is not sent
	} {
		got, ok := ResolveLink(page, tc.ref)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ResolveLink(%q) = %q %v, want %q %v", tc.ref, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzLinks: any response, no panic; every link found resolves to a
// request target fit for a request line or is refused.
func FuzzLinks(f *testing.F) {
	for _, name := range []string{"index.asp", "doc/index.html", "doc/page/login.asp"} {
		f.Add(ok200(readPage(f, name)))
	}
	f.Add([]byte("HTTP/1.1 302 Found\r\nLocation: /doc/page/login.asp\r\n\r\n"))
	f.Add(ok200([]byte(ipncIndex)))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n<meta http-equiv=refresh content='0;url=/x'>\r\n0\r\n\r\n"))
	page, _ := url.Parse("http://198.18.0.10/")
	f.Fuzz(func(t *testing.T, response []byte) {
		links := Links(response)
		if len(links.Scripts) > maxLinks || len(links.Frames) > maxLinks {
			t.Fatalf("%d scripts and %d frames, bound %d each", len(links.Scripts), len(links.Frames), maxLinks)
		}
		for _, ref := range append(append(links.Frames, links.Scripts...), links.Redirect) {
			target, ok := ResolveLink(page, ref)
			if !ok {
				continue
			}
			if !strings.HasPrefix(target, "/") || len(target) > maxTargetBytes || strings.ContainsFunc(target, notVisibleASCII) {
				t.Fatalf("ResolveLink(%q) = %q", ref, target)
			}
		}
	})
}

func notVisibleASCII(r rune) bool { return r <= ' ' || r >= 0x7f }

package service

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strings"
)

// PageLinks is what a browser that opened one HTTP response would fetch
// next from it without anyone clicking: where it is sent on, and the
// scripts the page loads. The values are as the page wrote them (relative
// or absolute); ResolveLink turns one into a request target.
type PageLinks struct {
	// Redirect is the Location of a 3xx answer, the URL of a meta refresh,
	// or the string a script of a page that loads no scripts of its own
	// assigns to location (a redirect stub such as Hikvision's root page).
	Redirect string
	// Frames are the src of the page's <frame> and <iframe> elements, in
	// page order: a browser loads them with the page (old DVR and camera
	// pages are framesets around a login frame).
	Frames []string
	// Scripts are the src of the page's <script> elements, in page order.
	Scripts []string
}

// maxLinkScan bounds how much of a body is searched for links.
const maxLinkScan = 64 << 10

// maxLinks bounds the frame and the script sources taken from one page.
const maxLinks = 32

var (
	// metaRefresh matches <meta http-equiv="refresh" content="0; url=...">
	// with the attributes in either order.
	metaRefresh = regexp.MustCompile(`(?is)<meta\b[^>]*?\bhttp-equiv\s*=\s*["']?refresh\b[^>]*?\bcontent\s*=\s*["']\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^"'>\s]+)` +
		`|<meta\b[^>]*?\bcontent\s*=\s*["']\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^"'>\s]+)[^>]*?\bhttp-equiv\s*=\s*["']?refresh\b`)
	// scriptRedirect matches a string literal assigned to the location:
	// location = "…", location.href = '…', window.location.href = "…",
	// document.location.href = "…", location.replace("…"), location.assign("…").
	// Only the literal counts (Hikvision writes "/doc/page/login.asp?_" + time).
	scriptRedirect = regexp.MustCompile(`\blocation(?:\.href)?\s*=\s*["']([^"'\r\n]+)["']|\blocation\.(?:replace|assign)\(\s*["']([^"'\r\n]+)["']`)
	// scriptSrc matches the src attribute of a <script> element.
	scriptSrc = regexp.MustCompile(`(?is)<script\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))`)
	// frameSrc matches the src attribute of a <frame> or <iframe> element.
	frameSrc = regexp.MustCompile(`(?is)<i?frame\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))`)
)

// Links reads one HTTP response (status line, headers, body, as received)
// and returns where a browser would go from it. A response that is not
// HTTP, or a status that is neither a redirect nor a success, gives none.
func Links(response []byte) PageLinks {
	response = skipBlankLines(bytes.TrimPrefix(response, utf8BOM))
	msg, rest, complete := readHead(response)
	code, ok := statusCode(msg.start, "HTTP/")
	if !ok || !complete {
		return PageLinks{}
	}
	if code >= 300 && code < 400 {
		location, _ := msg.value("Location")
		return PageLinks{Redirect: location}
	}
	if code < 200 || code >= 300 {
		return PageLinks{}
	}
	body, _ := httpBody(&msg, rest, code, nil)
	body = bytes.TrimPrefix(decodeContent(&msg, body), utf8BOM)
	return pageLinks(body[:min(len(body), maxLinkScan)])
}

// pageLinks finds the links of an HTML page. A script's assignment to
// location counts only on a page that loads no scripts: such a page is a
// stub whose one job is to send the browser on, while on a full page the
// same text usually sits in a handler that runs later, if ever.
func pageLinks(body []byte) PageLinks {
	links := PageLinks{Frames: sources(frameSrc, body), Scripts: sources(scriptSrc, body)}
	if m := metaRefresh.FindSubmatch(body); m != nil {
		links.Redirect = string(firstGroup(m))
	} else if m := scriptRedirect.FindSubmatch(body); m != nil && len(links.Scripts) == 0 {
		links.Redirect = string(firstGroup(m))
	}
	return links
}

// sources returns the non-empty src values element matches in body, at
// most maxLinks.
func sources(element *regexp.Regexp, body []byte) []string {
	var out []string
	for _, m := range element.FindAllSubmatch(body, maxLinks) {
		if src := strings.TrimSpace(string(firstGroup(m))); src != "" {
			out = append(out, src)
		}
	}
	return out
}

// firstGroup returns the first capture group of m that matched.
func firstGroup(m [][]byte) []byte {
	for _, g := range m[1:] {
		if g != nil {
			return g
		}
	}
	return nil
}

// maxTargetBytes bounds a request target the sweep sends.
const maxTargetBytes = 1024

// ResolveLink resolves ref, a link of the page at base, and returns the
// request target (path and query) to fetch it with. It refuses a link to
// another scheme, host or port, one that carries a user name or password,
// one whose query names a credential (user=, pwd=, token=, ...), and
// anything too long or unfit for a request line: the sweep fetches what
// the page itself loads, never anything that logs in.
func ResolveLink(base *url.URL, ref string) (string, bool) {
	ref = strings.TrimSpace(html.UnescapeString(ref))
	if ref == "" || len(ref) > maxTargetBytes {
		return "", false
	}
	u, err := base.Parse(ref)
	if err != nil || u.Scheme != base.Scheme || u.User != nil || u.Opaque != "" {
		return "", false
	}
	if u.Hostname() != base.Hostname() || portOf(u) != portOf(base) {
		return "", false
	}
	for _, p := range strings.Split(u.RawQuery, "&") {
		if name, _, hasValue := strings.Cut(p, "="); hasValue && isSecretParam(name) {
			return "", false
		}
	}
	target := u.RequestURI()
	if len(target) > maxTargetBytes || !requestLineSafe(target) {
		return "", false
	}
	return target, true
}

// requestLineSafe reports whether s is all visible ASCII, as a request
// target must be (RFC 9112 §3.2): no space or line break can end it early.
func requestLineSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// portOf is the port of u, the scheme's default when none is written.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

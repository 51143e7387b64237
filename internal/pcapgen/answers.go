package pcapgen

import (
	"strconv"
	"strings"
)

// HTTPAnswer is the HTTP answer a device sends whose http.* observation
// values these are (keyed by observation key: http.status, http.server,
// http.www_authenticate, http.body, http.title, http.content_type): the
// status (401 when a challenge is given, else 200), the Server and
// WWW-Authenticate headers, and a page holding the body, or the title.
func HTTPAnswer(facts map[string]string) []byte {
	status := facts["http.status"]
	if status == "" {
		status = "200"
		if facts["http.www_authenticate"] != "" {
			status = "401"
		}
	}
	body := facts["http.body"]
	if body == "" && facts["http.title"] != "" {
		body = "<html><head><title>" + facts["http.title"] + "</title></head><body></body></html>"
	}
	ctype := facts["http.content_type"]
	if ctype == "" {
		ctype = "text/html"
		if strings.HasPrefix(strings.TrimSpace(body), "<?xml") {
			ctype = "application/xml"
		}
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\n")
	if v := facts["http.server"]; v != "" {
		b.WriteString("Server: " + v + "\r\n")
	}
	if v := facts["http.www_authenticate"]; v != "" {
		b.WriteString("WWW-Authenticate: " + v + "\r\n")
	}
	b.WriteString("Content-Type: " + ctype + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
	return []byte(b.String())
}

func reasonPhrase(status string) string {
	switch status {
	case "200":
		return "OK"
	case "302":
		return "Found"
	case "401":
		return "Unauthorized"
	case "404":
		return "Not Found"
	}
	return "Status"
}

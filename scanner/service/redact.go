package service

import (
	"regexp"
	"strings"
)

// secretParams name query parameters that carry credentials. Camera CGI
// and RTSP URLs often take them in the query (…?usr=admin&pwd=…), and a
// pcap of someone logging in must not put them in a report; nor may a
// device's own request to its cloud, which carries its single sign-on
// token or a request MAC (the Hue bridge's sso=, a Yi camera's hmac=).
var secretParams = []string{"user", "usr", "pass", "pwd", "auth", "token", "key", "login", "sign", "session", "sid", "cred", "secret", "sso", "hmac"}

// RedactURL is redactURL for the importers, which read the URLs other tools
// logged.
func RedactURL(s string) string { return redactURL(s) }

// redactURL removes credentials from a URL or request target: the userinfo
// of an absolute URL (rtsp://admin:pw@cam/…) and the values of query
// parameters whose names suggest a secret. The rest is kept as sent.
func redactURL(s string) string {
	if !strings.Contains(s, "=") && !strings.Contains(s, "@") {
		return s // no parameter and no userinfo: nothing to redact (the common case, and regexp is slow)
	}
	s = pathSecret.ReplaceAllString(stripUserinfo(s), "${1}${2}=REDACTED${3}")
	base, query, ok := strings.Cut(s, "?")
	if !ok {
		return s
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		name, _, hasValue := strings.Cut(p, "=")
		if hasValue && isSecretParam(name) {
			params[i] = name + "=REDACTED"
		}
	}
	return base + "?" + strings.Join(params, "&")
}

// pathSecret finds a password that firmware takes in the path rather than the
// query: Xiongmai-family RTSP URLs such as
// /user=admin&password=xyz&channel=1&stream=0.sdp or
// /user=admin_password=xyz_channel=1_stream=0.sdp.
var pathSecret = regexp.MustCompile(`(?i)([/&_?])(password|passwd|pwd)=[^&/?]*?(_channel=|_stream=|&|/|\?|$)`)

func stripUserinfo(s string) string {
	scheme := strings.Index(s, "://")
	if scheme < 0 {
		return s
	}
	authority := s[scheme+3:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return s
	}
	return s[:scheme+3] + s[scheme+3+at+1:]
}

func isSecretParam(name string) bool {
	name = strings.ToLower(name)
	for _, secret := range secretParams {
		if strings.Contains(name, secret) {
			return true
		}
	}
	return false
}

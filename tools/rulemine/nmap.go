package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
)

// nmapMatch is a match or softmatch line: service, m<d>pattern<d>flags, version info.
var nmapMatch = regexp.MustCompile(`^(?:soft)?match (\S+) m(.)`)

// nmapField reads one version-info field such as p/product/ or d|device|.
func nmapField(info, name string) string {
	re := regexp.MustCompile(`(?:^| )` + name + `([/|])([^/|]*)[/|]`)
	if m := re.FindStringSubmatch(info); m != nil {
		return m[2]
	}
	return ""
}

// servicePorts gives the port a service's banner is read on, for the
// decoders that choose by port; raw keys carry HTTP and RTSP by content.
var servicePorts = map[string]uint16{"telnet": 23, "ftp": 21, "ssh": 22, "http": 80, "rtsp": 554}

func mineNmap(path string) ([]entry, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var entries []entry
	var skipped []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 0; sc.Scan(); {
		line++
		text := sc.Text()
		m := nmapMatch.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		service := text[m[2]:m[3]]
		delim := text[m[4]:m[5]]
		rest := text[m[5]:]
		end := strings.Index(rest, delim)
		if end < 0 {
			continue
		}
		pattern, tail := rest[:end], rest[end+1:]
		flagsEnd := strings.IndexByte(tail, ' ')
		if flagsEnd < 0 {
			flagsEnd = len(tail)
		}
		reFlags, info := tail[:flagsEnd], tail[flagsEnd:]
		product, device := nmapField(info, "p"), nmapField(info, "d")
		what := service + " " + product + " " + device
		surveillance := isSurveillance(what) && (device == "webcam" || device == "security-misc" || device == "media device" || isSurveillance(product))
		if !surveillance && !mineAll {
			continue
		}
		rule := fmt.Sprintf("nmap-service-probes:%d", line)
		flags := syntax.Perl
		if strings.Contains(reFlags, "s") {
			flags |= syntax.DotNL
		}
		if strings.Contains(reFlags, "i") {
			flags |= syntax.FoldCase
		}
		value, ok := sample(perlToRE2(pattern), flags)
		if !ok {
			skipped = append(skipped, rule+" "+product+": pattern not expressible in RE2 or no sample")
			continue
		}
		e := entry{Rule: rule, Product: strings.TrimSpace(product + " (" + service + ", " + device + ")"),
			Maker: makerOf(product), Brand: brandOf(product), Scope: "device", Port: servicePorts[service],
			Provenance: "constructed_from_pattern"}
		if !surveillance {
			e.Scope, e.Maker, e.Brand = "other", "", ""
		}
		switch {
		case strings.HasPrefix(value, "HTTP/1."):
			e.Key, e.Value = "http.headers", value
		case strings.HasPrefix(value, "RTSP/1."):
			e.Key, e.Value = "rtsp.response", value
		default:
			e.Key, e.Value = "tcp.banner_hex", hex.EncodeToString(latin1(value))
		}
		entries = append(entries, e)
	}
	return entries, skipped, sc.Err()
}

// perlToRE2 rewrites the Perl escapes nmap uses that RE2 spells otherwise.
func perlToRE2(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			if p[i+1] == '0' && (i+2 >= len(p) || p[i+2] < '0' || p[i+2] > '7') {
				b.WriteString(`\x00`)
				i++
				continue
			}
			b.WriteByte(p[i])
			b.WriteByte(p[i+1])
			i++
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// latin1 turns a sample back into the bytes nmap's byte-wise pattern meant
// (RE2 reads \x80 as the character U+0080).
func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 256 {
			out = append(out, byte(r))
		} else {
			out = append(out, string(r)...)
		}
	}
	return out
}

// sampleOverrides replace a generated sample where the rule's "any text"
// hides what every device it names sends, each with the public source of the
// filled-in text.
var sampleOverrides = map[string]struct{ value, why string }{
	"nmap-service-probes:14560": {
		"RTSP/1.0 200 OK\r\nCSeq: 42 OPTIONS\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\nDate:  Thu, May 14 2020 16:45:35 GMT\r\n\r\n",
		"Date as the rule's device sends it (two spaces, day before month: signals.md section 2, a real capture)",
	},
	"nmap-service-probes:14561": {
		"RTSP/1.0 401 Unauthorized\r\nCSeq: 42\r\nWWW-Authenticate: Digest realm=\"Login to ND021811019863\", nonce=\"0123456789abcdef0123456789abcdef\"\r\n\r\n",
		"realm serial as in the rule's own h/$1/ comment in nmap-service-probes (ND021811019863)",
	},
	"yaklang:common/fp/iotdevfp/rule.go:ruleRaw#49": {
		"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"Login to 7L073F4PAZ19639\", qop=\"auth\", nonce=\"0123456789\"\r\n\r\n",
		"the rule stops at 'digest realm=\"login to'; Dahua's realm goes on with the device serial (dahua.http.realm-login-to; " +
			"serial 7L073F4PAZ19639 is the ID of a Dahua NVR in public teardown notes, code index file 32212612082)",
	},
	"ARL:app/dicts/webapp.json#NETSurveillance": {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>NETSurveillance WEB</title>",
		substringTest + "the title Xiongmai's web UI sends is NETSurveillance WEB (rapid7/recog xml/html_title.xml; nuclei-templates http/iot/netsurveillance-web.yaml)",
	},
	"TideFinger:cms_finger.db/fofa#1893": {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>NETSurveillance WEB</title>",
		substringTest + "the title Xiongmai's web UI sends is NETSurveillance WEB (rapid7/recog xml/html_title.xml; nuclei-templates http/iot/netsurveillance-web.yaml)",
	},
	"fingers:resources/fingers_http.json#1992.1.1": {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>NETSurveillance WEB</title>",
		substringTest + "the title Xiongmai's web UI sends is NETSurveillance WEB (rapid7/recog xml/html_title.xml; nuclei-templates http/iot/netsurveillance-web.yaml)",
	},
	"fingers:resources/fingers_http.json#3273.1.1": {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>NETSurveillance WEB</title>",
		substringTest + "the title Xiongmai's web UI sends is NETSurveillance WEB (rapid7/recog xml/html_title.xml; nuclei-templates http/iot/netsurveillance-web.yaml)",
	},
	"TideFinger:cms_finger.db/fofa#1894#1": {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: Hikvision-Webs\r\n\r\n",
		substringTest + "the header holding Hikvision that Hikvision devices send is Server: Hikvision-Webs (rapid7/recog xml/http_servers.xml; nmap-service-probes 7.93 L9811)",
	},
}

// substringTest starts the reason of a sample filled in where the rule is a
// substring test (FOFA's field="x", a fingers body text) whose bare text is
// not what the devices send.
const substringTest = "the rule tests a substring; "

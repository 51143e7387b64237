package service

import (
	"bytes"
	"html"
	"strings"
)

// onvifDeviceInfoFields are the children of an ONVIF GetDeviceInformation
// answer (ONVIF Core, devicemgmt.wsdl) and the key each is emitted as.
var onvifDeviceInfoFields = []struct{ element, key string }{
	{"Manufacturer", "onvif.manufacturer"},
	{"Model", "onvif.model"},
	{"FirmwareVersion", "onvif.firmware"},
	{"SerialNumber", "onvif.serial"},
	{"HardwareId", "onvif.hardware_id"},
}

// emitONVIFAnswers reads the ONVIF answers an HTTP body may hold.
func emitONVIFAnswers(out *emitter, body []byte) {
	emitONVIFDeviceInfo(out, body)
	emitONVIFScopes(out, body)
}

// emitONVIFDeviceInfo reads an ONVIF GetDeviceInformationResponse in an
// HTTP body: a VMS or NVR asks every camera it records for it, so a capture
// of a camera network holds the maker, model, firmware and serial of each.
// The answer is flat text elements under one response element, whatever
// namespace prefix the firmware picked (tds:, or none), so each field is
// found by its local name after the response's start tag. Bodies are
// bounded (the stream cap); values are clipped and unescaped.
func emitONVIFDeviceInfo(out *emitter, body []byte) {
	start := bytes.Index(body, []byte("GetDeviceInformationResponse"))
	if start < 0 {
		return
	}
	answer := body[start:]
	if end := bytes.Index(answer[1:], []byte("GetDeviceInformationResponse")); end >= 0 {
		answer = answer[:end+1] // up to the end tag: nothing after it belongs to the answer
	}
	for _, f := range onvifDeviceInfoFields {
		if v, ok := elementText(answer, f.element); ok {
			out.add(f.key, v)
		}
	}
}

// elementText returns the text of the first element whose local name is
// name (<name>, <p:name>, with or without attributes) in b, unescaped and
// trimmed; false when there is none or it holds markup.
func elementText(b []byte, name string) (string, bool) {
	v, _, ok := nextElementText(b, name)
	return v, ok
}

// nextElementText is elementText that also returns what follows the
// element's start tag, where the next one is looked for (nil when there is
// no element left); an empty or markup-holding element gives ok false.
func nextElementText(b []byte, name string) (v string, rest []byte, ok bool) {
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte(name))
		if j < 0 {
			return "", nil, false
		}
		at := i + j
		i = at + len(name)
		if !isStartTagName(b, at, len(name)) {
			continue
		}
		gt := bytes.IndexByte(b[i:], '>')
		if gt < 0 {
			return "", nil, false
		}
		rest = b[i+gt+1:]
		if b[i+gt-1] == '/' {
			return "", rest, false // <Model/>: empty
		}
		lt := bytes.IndexByte(rest, '<')
		if lt < 0 {
			return "", nil, false
		}
		v := strings.TrimSpace(html.UnescapeString(string(rest[:lt])))
		return v, rest, v != ""
	}
	return "", nil, false
}

// maxONVIFScopes bounds the scopes read from one GetScopes answer, as the
// engine bounds a wsd.scopes list.
const maxONVIFScopes = 64

// emitONVIFScopes reads an ONVIF GetScopesResponse in an HTTP body: a VMS
// asks each camera for its scopes as it asks for its device information,
// and the scope items are the URIs the camera announces by WS-Discovery
// (name, hardware, MAC). They go out as one wsd.scopes list, which the
// engine reads scope by scope.
func emitONVIFScopes(out *emitter, body []byte) {
	start := bytes.Index(body, []byte("GetScopesResponse"))
	if start < 0 {
		return
	}
	var items []string
	for rest := body[start:]; rest != nil && len(items) < maxONVIFScopes; {
		var v string
		var ok bool
		v, rest, ok = nextElementText(rest, "ScopeItem")
		if ok {
			// A scope is a URI: white space inside would split it.
			items = append(items, strings.Join(strings.Fields(v), "%20"))
		}
	}
	out.add("wsd.scopes", strings.Join(items, " "))
}

// isStartTagName reports whether the n bytes at b[at:] are the local name of
// a start tag: after '<' or '<prefix:', and followed by '>', '/' or space.
func isStartTagName(b []byte, at, n int) bool {
	if at+n >= len(b) || at == 0 {
		return false
	}
	switch b[at+n] {
	case '>', '/', ' ', '\t', '\r', '\n':
	default:
		return false
	}
	k := at - 1
	if b[k] == ':' {
		for k--; k >= 0 && isNameByte(b[k]); k-- {
		}
		if k < 0 || k == at-2 {
			return false
		}
	}
	return k >= 0 && b[k] == '<'
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

package discovery

import (
	"errors"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

var errWSDNotDiscovery = errors.New("wsd: not a WS-Discovery message")

// WSD decodes a WS-Discovery (ONVIF) SOAP message. Hello, ProbeMatches and
// ResolveMatches describe their sender: endpoint address, types, scopes
// and transport addresses. Probe, Resolve and Bye are not device
// descriptions and emit nothing. Matching is by local element name without
// case, whatever the namespace prefix, because camera firmware varies.
func WSD(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	root, err := parseXML(payload)
	if err != nil {
		return err
	}
	body := root.find("Body")
	if body == nil {
		body = root
	}
	s := newSink(m, emit)
	for _, c := range body.children {
		switch strings.ToLower(c.name) {
		case "probematches", "resolvematches":
			for _, match := range c.children {
				wsdMatch(s, match)
			}
			return nil
		case "hello":
			wsdMatch(s, c)
			return nil
		case "probe", "resolve", "bye":
			return nil
		}
	}
	return errWSDNotDiscovery
}

// wsdMatch emits the fields of one ProbeMatch, ResolveMatch or Hello.
func wsdMatch(s *sink, n *xnode) {
	s.field("wsd.endpoint", n.child("EndpointReference").childText("Address"))
	s.field("wsd.types", strings.Join(strings.Fields(n.childText("Types")), " "))
	scopes := strings.Join(strings.Fields(n.childText("Scopes")), " ")
	s.field("wsd.scopes", scopes)
	_, items, _ := observe.Items("wsd.scopes", scopes) // percent-decoded, as the engine expands a list
	for _, sc := range items {
		s.field("wsd.scope", sc)
	}
	s.field("wsd.xaddrs", strings.Join(strings.Fields(n.childText("XAddrs")), " "))
}

// WSDProbe is an ONVIF WS-Discovery Probe for network video transmitters.
func WSDProbe() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
		`xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
		`<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
		`<a:MessageID>urn:uuid:` + NewUUID() + `</a:MessageID>` +
		`<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>` +
		`<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
		`<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`)
}

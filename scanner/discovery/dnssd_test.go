package discovery

import (
	"strings"
	"testing"
)

// TestSplitDNSSDName: every form the mDNS decoder, the recorded-value reader
// and the corpus's wire forms met, in one table. Instance names are real
// (signals.md §2, iot-sentinel captures); the rest are the RFC 6763 forms.
func TestSplitDNSSDName(t *testing.T) {
	for _, c := range []struct {
		name string
		want DNSSDName
	}{
		{"HIKVISION DS-2CD2142FWD-I - 733050075._CGI._tcp.local", DNSSDName{Instance: "HIKVISION DS-2CD2142FWD-I - 733050075", Service: "_CGI._tcp", Domain: "local"}},
		// miekg/dns's presentation format: escaped spaces and a trailing dot.
		{`HIKVISION\ DS-2CD2722FWD-IZS\ -\ 733050075._CGI._tcp.local.`, DNSSDName{Instance: "HIKVISION DS-2CD2722FWD-IZS - 733050075", Service: "_CGI._tcp", Domain: "local"}},
		// A dot inside the instance label, escaped both ways and lost.
		{`Door 1\.5._axis-video._tcp.local.`, DNSSDName{Instance: "Door 1.5", Service: "_axis-video._tcp", Domain: "local"}},
		{`Door 1\0465._axis-video._tcp.local`, DNSSDName{Instance: "Door 1.5", Service: "_axis-video._tcp", Domain: "local"}},
		{"Door 1.5._axis-video._tcp.local", DNSSDName{Instance: "Door 1.5", Service: "_axis-video._tcp", Domain: "local"}},
		// Labels of the instance that begin with "_" but are not a service.
		{"a._b._c._http._tcp", DNSSDName{Instance: "a._b._c", Service: "_http._tcp"}},
		{"[74:da:38:80:7a:08]._http._tcp.local", DNSSDName{Instance: "[74:da:38:80:7a:08]", Service: "_http._tcp", Domain: "local"}},
		// No domain, another domain, upper-case protocol label, UDP.
		{"Cam._http._tcp", DNSSDName{Instance: "Cam", Service: "_http._tcp"}},
		{"Cam._http._tcp.example.com.", DNSSDName{Instance: "Cam", Service: "_http._tcp", Domain: "example.com"}},
		{"Cam._CGI._TCP.local", DNSSDName{Instance: "Cam", Service: "_CGI._TCP", Domain: "local"}},
		{"Cam._sip._udp.local", DNSSDName{Instance: "Cam", Service: "_sip._udp", Domain: "local"}},
		// A service type's own name, and a subtype's.
		{"_CGI._tcp.local.", DNSSDName{Service: "_CGI._tcp", Domain: "local"}},
		{"_printer._sub._http._tcp.local", DNSSDName{Subtype: "_printer", Service: "_http._tcp", Domain: "local"}},
		{"_printer._SUB._http._tcp.local", DNSSDName{Subtype: "_printer", Service: "_http._tcp", Domain: "local"}},
		// A browsing-domain name is the instance "b" of "_dns-sd._udp".
		{"b._dns-sd._udp.local", DNSSDName{Instance: "b", Service: "_dns-sd._udp", Domain: "local"}},
	} {
		got, ok := SplitDNSSDName(c.name)
		if !ok || got != c.want {
			t.Errorf("SplitDNSSDName(%q) = %+v, %v; want %+v", c.name, got, ok, c.want)
		}
		if wantType := strings.TrimSuffix(c.want.Service+"."+c.want.Domain, "."); got.TypeName() != wantType {
			t.Errorf("SplitDNSSDName(%q).TypeName() = %q, want %q", c.name, got.TypeName(), wantType)
		}
	}
	for _, name := range []string{
		"_services._dns-sd._udp.local.", "_SERVICES._DNS-SD._UDP.local", // the enumeration meta-service names no service
		"AXIS M3045-V - ACCC8E123456", "AXIS M3045-V - ACCC8E123456.local", // no service type
		"x._tcp", "Cam.http._tcp.local", "Cam._http.tcp.local", "Cam._http._sctp.local", // no "_app._tcp" pair
		"", ".", "_tcp",
	} {
		if got, ok := SplitDNSSDName(name); ok {
			t.Errorf("SplitDNSSDName(%q) = %+v: a service in a name without one", name, got)
		}
	}
}

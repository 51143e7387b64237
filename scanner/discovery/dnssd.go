package discovery

import "strings"

// DNSSDName is a DNS-SD name read around its service type (RFC 6763 §4.1,
// §7.1): "Door 1.5._axis-video._tcp.local" is the instance "Door 1.5" of the
// service "_axis-video._tcp" in the domain "local".
type DNSSDName struct {
	// Instance is the labels before the service type, unescaped and joined
	// by dots; "" when the name is a service type's own or a subtype's.
	Instance string
	// Subtype is "_printer" of "_printer._sub._http._tcp.local".
	Subtype string
	// Service is the service type as written, "_CGI._tcp" (case kept).
	Service string
	// Domain is what follows the service type, "" when nothing does.
	Domain string
}

// SplitDNSSDName splits a name in presentation format (escapes resolved, a
// trailing dot ignored) around its service type, the first "_app._tcp" or
// "_app._udp" pair of labels. A decoded name's labels are exact: the
// instance is one label, however many dots it holds, so the first pair is
// the service. A name recorded as text may have lost its escapes, leaving
// the instance's own dots as label breaks ("Door 1.5"); reading from the
// left still finds the service unless the instance's text itself holds a
// "._app._tcp" pair. ok is false for a name with no service type, and for
// the enumeration meta-service "_services._dns-sd._udp", which names none.
func SplitDNSSDName(name string) (n DNSSDName, ok bool) {
	labels := splitLabels(name)
	for i := 0; i+1 < len(labels); i++ {
		if !isServiceType(labels[i], labels[i+1]) {
			continue
		}
		before := labels[:i]
		if len(before) > 0 && strings.EqualFold(before[len(before)-1], "_services") && strings.EqualFold(labels[i], "_dns-sd") {
			return DNSSDName{}, false
		}
		n = DNSSDName{Service: labels[i] + "." + labels[i+1], Domain: strings.Join(labels[i+2:], ".")}
		if len(before) > 0 && strings.EqualFold(before[len(before)-1], "_sub") {
			n.Subtype = strings.Join(before[:len(before)-1], ".")
		} else {
			n.Instance = strings.Join(before, ".")
		}
		return n, true
	}
	return DNSSDName{}, false
}

// TypeName is the service type's name in its domain, "_axis-video._tcp.local":
// the owner of the PTR records that list the type's instances.
func (n DNSSDName) TypeName() string {
	if n.Domain == "" {
		return n.Service
	}
	return n.Service + "." + n.Domain
}

// isServiceType reports whether two labels are a service type: an
// application protocol's label and "_tcp" or "_udp", in any case.
func isServiceType(app, proto string) bool {
	proto = strings.ToLower(proto)
	return (proto == "_tcp" || proto == "_udp") && strings.HasPrefix(app, "_")
}

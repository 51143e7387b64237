package observe

import (
	"slices"
	"strings"
)

// Role says what the engine does with a key. Every key an observation may
// carry is in the registry below with its role, so that a signature, a
// decoder or an importer that names a key the registry does not know is an
// error rather than a silently dead signal.
type Role uint8

const (
	// Fact: a decoded field the signature database reads.
	Fact Role = iota + 1
	// Binding: the observation asserts that its MAC holds its IP; the engine
	// reads it to merge devices, and it is evidence of how a device was
	// assembled. Its value carries the MAC or the IP (see Carries).
	Binding
	// Raw: input only. A whole payload (a saved HTTP response, a discovery
	// reply) that identify expands through the same decoders as the wire.
	Raw
	// Context: written by decoders and kept as evidence, read by no
	// signature today. Documented so a reader knows it is not a typo.
	Context
	// Presence: the observation makes a device of its MAC alone and binds
	// no address (a frame's source MAC, an ARP probe): a device that never
	// holds an address of its own is still a device. Its value is evidence,
	// unless it is only the MAC again (see Carries).
	Presence
)

func (r Role) String() string {
	switch r {
	case Fact:
		return "fact"
	case Binding:
		return "binding"
	case Raw:
		return "raw"
	case Context:
		return "context"
	case Presence:
		return "presence"
	}
	return "unknown"
}

// Carries says what a binding key's value holds.
type Carries uint8

const (
	CarriesText Carries = iota // not a binding
	CarriesMAC                 // the value is the device's own MAC
	CarriesIP                  // the value is the device's IP
)

// Key describes one observation key.
type Key struct {
	Name    string
	Role    Role
	Carries Carries
	// Weak marks a binding the engine trusts only while the MAC is seen with
	// few addresses (link.ip: a router forwards for many).
	Weak bool
	// Claimed marks a binding that is what a device writes into its answer
	// (a discovery reply's own MAC and address), not what the link layer
	// shows (an ARP sender, a DHCP client's hardware address, a frame's
	// source). Where the two disagree about an address, the engine gives
	// the address to the MAC seen on the wire (fingerprint.Engine).
	Claimed bool
	// Asked marks a fact that is what the device asked for (a name it
	// resolved), not what it is: a maker's phone app and PC client ask for
	// the same cloud names as its cameras, so such a fact alone shows the
	// maker's service in use, never that the asker is the maker's product.
	Asked bool
	// Locates marks a fact that tells an auditor where to find the device
	// (an access point's network name): kept as evidence even when no
	// signature reads it, and quoted in a review finding's reason.
	Locates bool
	// MaxLen bounds the key's values when it differs from MaxValueLen.
	MaxLen int
}

// keys is the vocabulary, in the order of docs/observation-keys.md. A test
// checks that the document lists exactly these keys, that every fact key is
// read by some signature and that every key but the raw ones is written by
// some decoder.
var keys = []Key{
	// Bindings.
	{Name: "arp.mac", Role: Binding, Carries: CarriesMAC},
	{Name: "dhcp.lease", Role: Binding, Carries: CarriesIP},
	{Name: "sadp.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "dhip.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "xm.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "gvcp.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "hds.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "tdp.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "kasa.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "searchipc.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "moi.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "dhs.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "ssdp.mac", Role: Binding, Carries: CarriesMAC, Claimed: true},
	{Name: "lldp.mac", Role: Binding, Carries: CarriesMAC},
	{Name: "link.ip", Role: Binding, Carries: CarriesIP, Weak: true},

	// Devices without an address.
	{Name: "link.mac", Role: Presence, Carries: CarriesMAC},
	{Name: "arp.probe", Role: Presence},

	// Raw payloads, input only.
	{Name: "sadp.payload", Role: Raw},
	{Name: "dhip.payload", Role: Raw},
	{Name: "xm.payload", Role: Raw},
	{Name: "dvrip.payload", Role: Raw},
	{Name: "wsd.payload", Role: Raw},
	{Name: "ssdp.payload", Role: Raw},
	{Name: "upnp.description", Role: Raw},
	{Name: "http.headers", Role: Raw},
	{Name: "rtsp.response", Role: Raw},
	{Name: "tcp.banner", Role: Raw},
	{Name: "mdns.payload_hex", Role: Raw},
	{Name: "gvcp.payload_hex", Role: Raw},
	{Name: "hds.payload", Role: Raw},
	{Name: "tdp.payload", Role: Raw},
	{Name: "kasa.payload", Role: Raw},
	{Name: "searchipc.payload", Role: Raw},
	{Name: "moi.payload_hex", Role: Raw},
	{Name: "dhs.payload_hex", Role: Raw},
	{Name: "tuya.payload_hex", Role: Raw},
	{Name: "miio.payload_hex", Role: Raw},
	{Name: "dhcp.payload_hex", Role: Raw},
	{Name: "snmp.payload_hex", Role: Raw},
	{Name: "sip.message", Role: Raw},
	{Name: "lldp.payload_hex", Role: Raw},
	{Name: "wifi.elements_hex", Role: Raw},
	{Name: "tls.cert_pem", Role: Raw},
	{Name: "tls.cert_der_hex", Role: Raw},

	// DHCP client options.
	{Name: "dhcp.hostname", Role: Fact},
	{Name: "dhcp.vendor_class", Role: Fact},
	{Name: "dhcp.prl", Role: Context},
	{Name: "dhcp.client_id", Role: Context},
	{Name: "dhcp.fqdn", Role: Context},

	// mDNS / DNS-SD.
	{Name: "mdns.instance", Role: Fact},
	{Name: "mdns.service", Role: Fact},
	{Name: "mdns.hostname", Role: Fact},
	{Name: "mdns.txt", Role: Fact},

	// SSDP and UPnP descriptions.
	{Name: "ssdp.server", Role: Fact},
	{Name: "ssdp.search_result", Role: Fact},
	{Name: "ssdp.product_model", Role: Fact},
	{Name: "ssdp.software_version", Role: Fact},
	{Name: "ssdp.product_series", Role: Context},
	{Name: "ssdp.device_name", Role: Context},
	{Name: "ssdp.location", Role: Fact},
	{Name: "ssdp.usn", Role: Fact},
	{Name: "ssdp.nt", Role: Fact},
	{Name: "ssdp.st", Role: Context},
	{Name: "upnp.manufacturer", Role: Fact},
	{Name: "upnp.model_name", Role: Fact},
	{Name: "upnp.model_number", Role: Fact},
	{Name: "upnp.model_description", Role: Context},
	{Name: "upnp.friendly_name", Role: Fact},
	{Name: "upnp.serial", Role: Context},
	{Name: "upnp.device_type", Role: Context},

	// WS-Discovery.
	{Name: "wsd.scopes", Role: Context},
	{Name: "wsd.scope", Role: Fact},
	{Name: "wsd.types", Role: Fact},
	{Name: "wsd.xaddrs", Role: Context},
	{Name: "wsd.endpoint", Role: Context},

	// Hikvision SADP (the protocol, not the maker: decoders name protocols).
	{Name: "sadp.device_type", Role: Fact},
	{Name: "sadp.model", Role: Fact},
	{Name: "sadp.serial", Role: Fact},
	{Name: "sadp.firmware", Role: Fact},
	{Name: "sadp.dsp_version", Role: Context},
	{Name: "sadp.oem_code", Role: Context},
	{Name: "sadp.activated", Role: Context},
	{Name: "sadp.command_port", Role: Context},
	{Name: "sadp.http_port", Role: Context},

	// DHIP.
	{Name: "dhip.answer", Role: Fact},
	{Name: "dhip.notice", Role: Fact},
	{Name: "dhip.device_class", Role: Fact},
	{Name: "dhip.model", Role: Fact},
	{Name: "dhip.serial", Role: Fact},
	{Name: "dhip.firmware", Role: Fact},
	{Name: "dhip.vendor", Role: Fact},
	{Name: "dhip.manufacturer", Role: Fact},
	{Name: "dhip.machine_name", Role: Context},
	{Name: "dhip.realm", Role: Fact},
	{Name: "dhip.challenge_mac", Role: Context},
	{Name: "dhip.port", Role: Context},
	{Name: "dhip.http_port", Role: Context},

	// Xiongmai search.
	{Name: "xm.hostname", Role: Context},
	{Name: "xm.serial", Role: Context},
	{Name: "xm.device_type", Role: Context},
	{Name: "xm.firmware", Role: Fact},
	{Name: "xm.build_date", Role: Context},
	{Name: "xm.tcp_port", Role: Fact},

	// DVRIP answers (the TCP control protocol with the search's header).
	{Name: "dvrip.answer", Role: Fact},
	{Name: "dvrip.device_type", Role: Fact},
	{Name: "dvrip.hardware", Role: Fact},
	{Name: "dvrip.firmware", Role: Fact},
	{Name: "dvrip.serial", Role: Fact},
	{Name: "dvrip.model", Role: Context},
	{Name: "dvrip.build_time", Role: Context},

	// GigE Vision discovery (GVCP).
	{Name: "gvcp.manufacturer", Role: Fact},
	{Name: "gvcp.model", Role: Fact},
	{Name: "gvcp.device_version", Role: Fact},
	{Name: "gvcp.serial", Role: Context},
	{Name: "gvcp.manufacturer_info", Role: Context},
	{Name: "gvcp.user_name", Role: Context},
	{Name: "gvcp.spec_version", Role: Context},
	{Name: "gvcp.role", Role: Context},

	// HiSilicon reference firmware's HDS/1.0 LAN search.
	{Name: "hds.protocol", Role: Fact},
	{Name: "hds.device_type", Role: Fact},
	{Name: "hds.firmware", Role: Fact},
	{Name: "hds.model", Role: Fact},
	{Name: "hds.device_id", Role: Context},
	{Name: "hds.device_name", Role: Context},
	{Name: "hds.vendor", Role: Context},
	{Name: "hds.uid", Role: Context},
	{Name: "hds.esee_id", Role: Fact},
	{Name: "hds.http_port", Role: Context},
	{Name: "tdp.device_type", Role: Fact},
	{Name: "tdp.device_model", Role: Fact},
	{Name: "tdp.firmware_version", Role: Fact},
	{Name: "tdp.hardware_version", Role: Context},
	{Name: "tdp.device_name", Role: Context},
	{Name: "tdp.device_id", Role: Context},
	{Name: "kasa.type", Role: Fact},
	{Name: "kasa.model", Role: Fact},
	{Name: "kasa.firmware", Role: Fact},
	{Name: "kasa.hardware_version", Role: Context},
	{Name: "kasa.device_name", Role: Context},
	{Name: "searchipc.envelope", Role: Fact},
	{Name: "searchipc.device_type", Role: Fact},
	{Name: "searchipc.device_module", Role: Fact},
	{Name: "searchipc.firmware", Role: Fact},
	{Name: "searchipc.vendor_id", Role: Context},
	{Name: "searchipc.serial", Role: Context},
	{Name: "moi.protocol", Role: Fact},
	{Name: "moi.sys_version", Role: Fact},
	{Name: "moi.app_version", Role: Context},
	{Name: "moi.camera_id", Role: Context},
	{Name: "moi.name", Role: Context},
	{Name: "moi.http_port", Role: Context},
	{Name: "dhs.uid", Role: Fact},
	{Name: "dhs.firmware", Role: Fact},
	{Name: "dhs.ddns_host", Role: Fact},
	{Name: "dhs.name", Role: Context},
	{Name: "dhs.http_port", Role: Context},
	{Name: "tuya.product_key", Role: Fact},
	{Name: "tuya.gw_id", Role: Context},
	{Name: "tuya.version", Role: Context},
	{Name: "miio.device_id", Role: Fact},
	{Name: "miio.model", Role: Fact},
	{Name: "miio.firmware", Role: Fact},

	// LLDP (and LLDP-MED inventory): what a device announces to its port.
	{Name: "lldp.system_name", Role: Fact},
	{Name: "lldp.system_description", Role: Fact},
	{Name: "lldp.capabilities", Role: Context},
	{Name: "lldp.med_manufacturer", Role: Fact},
	{Name: "lldp.med_model", Role: Fact},
	{Name: "lldp.med_firmware", Role: Fact},
	{Name: "lldp.med_software", Role: Context},
	{Name: "lldp.med_hardware", Role: Context},
	{Name: "lldp.med_serial", Role: Context},

	// Wi-Fi management frames: an access point's network name, and the WPS
	// description access points and stations give of themselves.
	{Name: "wifi.ssid", Role: Fact, Locates: true},
	{Name: "wps.manufacturer", Role: Fact},
	{Name: "wps.model_name", Role: Fact},
	{Name: "wps.model_number", Role: Fact},
	{Name: "wps.device_name", Role: Fact},
	{Name: "wps.device_type", Role: Fact},
	{Name: "wps.serial", Role: Context},

	// SIP and GB/T 28181 (what a message's sender says of itself).
	{Name: "sip.user_agent", Role: Fact},
	{Name: "sip.server", Role: Context},
	{Name: "gb28181.device_id", Role: Context},
	{Name: "gb28181.device_type", Role: Fact},
	{Name: "gb28181.manufacturer", Role: Fact},
	{Name: "gb28181.model", Role: Fact},
	{Name: "gb28181.firmware", Role: Fact},
	{Name: "gb28181.device_name", Role: Context},

	// CS2 PPPP and DNS.
	{Name: "p2p.protocol", Role: Fact},
	{Name: "p2p.did", Role: Fact},
	{Name: "p2p.role", Role: Fact},
	{Name: "dns.query", Role: Fact, Asked: true},
	// dns.answered: the device answered DNS queries from port 53. Read by
	// the engine, not by signatures: a resolver's own questions are its
	// clients' lookups forwarded, so its dns.query facts are not its own.
	{Name: "dns.answered", Role: Context},

	// SNMP v1/v2c answers and traps an agent sends (read passively).
	{Name: "snmp.sys_descr", Role: Fact},
	{Name: "snmp.sys_object_id", Role: Fact},
	{Name: "snmp.sys_name", Role: Context},
	{Name: "snmp.trap_oid", Role: Fact},
	{Name: "snmp.private", Role: Fact},

	// HTTP.
	{Name: "http.status", Role: Fact},
	{Name: "http.server", Role: Fact},
	{Name: "http.server_raw", Role: Fact},
	{Name: "http.www_authenticate", Role: Fact},
	{Name: "http.title", Role: Fact},
	{Name: "http.body", Role: Fact, MaxLen: MaxBodyLen},
	{Name: "http.header_names", Role: Fact},
	{Name: "http.etag", Role: Fact},
	{Name: "http.location", Role: Fact},
	{Name: "http.cookie_name", Role: Fact},
	{Name: "http.content_type", Role: Context},
	{Name: "http.path", Role: Fact},
	{Name: "http.answer", Role: Fact},
	{Name: "onvif.manufacturer", Role: Fact},
	{Name: "onvif.model", Role: Fact},
	{Name: "onvif.firmware", Role: Fact},
	{Name: "onvif.serial", Role: Fact},
	{Name: "onvif.hardware_id", Role: Fact},
	{Name: "http.favicon_md5", Role: Fact},
	{Name: "http.favicon_mmh3", Role: Fact},
	{Name: "http.realm_mac", Role: Context},
	{Name: "http.request_host", Role: Fact, Asked: true},
	{Name: "http.request_target", Role: Fact, MaxLen: 1 << 10},
	{Name: "http.request_user_agent", Role: Fact, MaxLen: 1 << 10},

	// RTSP.
	{Name: "rtsp.status", Role: Fact},
	{Name: "rtsp.server", Role: Fact},
	{Name: "rtsp.www_authenticate", Role: Fact},
	{Name: "rtsp.header_names", Role: Fact},
	{Name: "rtsp.public", Role: Fact},
	{Name: "rtsp.date", Role: Fact},
	{Name: "rtsp.content_base", Role: Fact},
	{Name: "rtsp.url", Role: Context},
	{Name: "rtsp.served_url", Role: Fact},
	{Name: "rtsp.realm_mac", Role: Context},
	{Name: "rtsp.sdp_session", Role: Fact},
	{Name: "rtsp.sdp_attr", Role: Fact},

	// TLS, banners, ports.
	{Name: "tls.subject", Role: Fact},
	{Name: "tls.issuer", Role: Fact},
	{Name: "tls.sni", Role: Fact, Asked: true},
	{Name: "telnet.banner", Role: Fact},
	{Name: "tcp.banner_hex", Role: Fact},
	{Name: "tcp.open", Role: Fact},
	{Name: "onvif.device_service", Role: Fact},

	// What only an imported tool concluded (importer package).
	{Name: "nmap.service", Role: Context},
	{Name: "nmap.product", Role: Fact},
	{Name: "nmap.version", Role: Context},
	{Name: "nmap.extrainfo", Role: Fact},
	{Name: "nmap.devicetype", Role: Fact},
	{Name: "nmap.cpe", Role: Fact},
	// Imported reports (audit): carries an imported device's addresses,
	// VLANs, ports and times; its evidence comes as its own keys.
	{Name: "import.report", Role: Context},
}

var byName = func() map[string]Key {
	m := make(map[string]Key, len(keys))
	for _, k := range keys {
		if _, dup := m[k.Name]; dup {
			panic("observe: key registered twice: " + k.Name)
		}
		m[k.Name] = k
	}
	return m
}()

// Lookup returns the registry entry of a key.
func Lookup(name string) (Key, bool) {
	k, ok := byName[name]
	return k, ok
}

// IsAsked reports whether a key's value is what the device asked for (see
// Key.Asked).
func IsAsked(name string) bool { return byName[name].Asked }

// Known reports whether name is a registered key.
func Known(name string) bool {
	_, ok := byName[name]
	return ok
}

// IsBinding reports whether the key asserts a MAC-IP binding.
func IsBinding(name string) bool { return byName[name].Role == Binding }

// ReadByEngine reports whether the engine itself reads the key (bindings and
// presence keys assemble devices; a list key counts as its items), so no
// signature needs to.
func ReadByEngine(name string) bool {
	r := byName[name].Role
	return r == Binding || r == Presence || IsList(name)
}

// Locates reports whether a key's value tells where to find its device (see
// Key.Locates).
func Locates(name string) bool { return byName[name].Locates }

// IsAssembly reports whether an observation of the key is evidence of how its
// device was assembled: every binding, and a presence key whose value says
// more than the MAC (the address an ARP probe asks for).
func IsAssembly(name string) bool {
	k := byName[name]
	return k.Role == Binding || (k.Role == Presence && k.Carries != CarriesMAC)
}

// Keys returns every registered key, in registry order.
func Keys() []Key { return slices.Clone(keys) }

// Suggest returns the registered key nearest to an unknown name, for error
// messages ("did you mean http.favicon_mmh3?"), or "" when none is close.
// A bare name ("banner", "title") suggests the one key it ends, or the one
// raw key among those: a raw key takes the value as another tool gave it.
func Suggest(name string) string {
	if s := bySuffix(name); s != "" {
		return s
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return Nearest(name, names)
}

// Nearest returns the name among names nearest to name, at most two edits
// away, or "" when none is that close.
func Nearest(name string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := EditDistance(name, n, bestDist); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// bySuffix returns the key a bare name is the last part of, when only one
// key (or only one raw key) is.
func bySuffix(name string) string {
	if name == "" || strings.Contains(name, ".") {
		return ""
	}
	var all, raw []string
	for _, k := range keys {
		if strings.HasSuffix(k.Name, "."+name) {
			all = append(all, k.Name)
			if k.Role == Raw {
				raw = append(raw, k.Name)
			}
		}
	}
	switch {
	case len(raw) == 1:
		return raw[0]
	case len(all) == 1:
		return all[0]
	}
	return ""
}

// EditDistance is the Levenshtein distance of a and b, or limit when it is at
// least limit (names are short; this is for error messages only).
func EditDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

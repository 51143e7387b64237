package fingerprint

import (
	"bytes"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// view is a snapshot of one merged device, identified outside the lock.
type view struct {
	mac, placeholder MAC
	ips              []netip.Addr
	ports            []uint16
	vlans            []uint16
	facts            []fact
	first, last      time.Time
	via              []Evidence // how IP-only observations were attached
}

func (s *deviceState) view() *view {
	v := &view{mac: s.mac, placeholder: s.placeholder, first: s.first, last: s.last,
		ips: slices.Clone(s.ips), ports: slices.Clone(s.ports), vlans: slices.Clone(s.vlans), facts: slices.Clip(s.facts)}
	if len(s.linkIPs) <= maxLinkIPs {
		for _, ip := range s.linkIPs {
			v.ips = appendAddr(v.ips, ip, MaxIPsPerDevice)
		}
	}
	return v
}

// canHold reports whether the device may take one more address.
func (v *view) canHold(ip netip.Addr) bool {
	return slices.Contains(v.ips, ip) || len(v.ips) < MaxIPsPerDevice
}

// maxMergedFacts bounds a device assembled from a MAC and its IP-only parts.
const maxMergedFacts = 2 * MaxFactsPerDevice

// merge folds an IP-only device into the device that holds its IP, within
// the same caps as a single device.
func (v *view) merge(o *view) {
	have := make(map[[2]string]bool, len(v.facts))
	for _, f := range v.facts {
		have[[2]string{f.Key, f.Value}] = true
	}
	v.facts = slices.Clip(v.facts)
	for _, f := range o.facts {
		if len(v.facts) >= maxMergedFacts {
			break
		}
		if !have[[2]string{f.Key, f.Value}] { // seen under the MAC and under the address: one fact
			v.facts = append(v.facts, f)
		}
	}
	for _, ip := range o.ips {
		v.ips = appendAddr(v.ips, ip, MaxIPsPerDevice)
	}
	for _, p := range o.ports {
		v.ports = appendUnique(v.ports, p, MaxPortsPerDevice)
	}
	for _, id := range o.vlans {
		v.vlans = appendUnique(v.vlans, id, MaxVLANsPerDevice)
	}
	if v.first.IsZero() || (!o.first.IsZero() && o.first.Before(v.first)) {
		v.first = o.first
	}
	if o.last.After(v.last) {
		v.last = o.last
	}
}

// Devices identifies every device seen so far, ordered by MAC (devices
// known only by IP last, by address).
func (e *Engine) Devices() []Device {
	return e.identifyAll(e.snapshot())
}

// TakeDevices is Devices for a run that is over: the engine lets each
// device's state go as soon as its device is built, so that a large
// inventory is never held twice (state and devices) at the run's memory
// peak. The engine is empty afterwards; Dropped and Trimmed keep their counts.
func (e *Engine) TakeDevices() []Device {
	e.mu.Lock()
	merged, alone := e.attachIPOnly()
	folded := e.foldClaims(merged)
	byMAC := e.byMAC
	e.byMAC, e.byIP = map[MAC]*deviceState{}, map[netip.Addr]*deviceState{}
	e.strongIP = map[netip.Addr]binding{}
	e.bytes = 0
	e.mu.Unlock()

	out := make([]Device, 0, len(byMAC)+len(merged)+len(alone))
	for mac, st := range byMAC {
		if folded[mac] {
			delete(byMAC, mac)
			continue
		}
		v := merged[mac]
		if v == nil {
			v = st.view()
		} else {
			delete(merged, mac)
		}
		delete(byMAC, mac) // the state can go once its device is built
		out = append(out, e.identify(v))
	}
	for _, v := range merged { // owners known only by what named them
		out = append(out, e.identify(v))
	}
	for i, st := range alone {
		out = append(out, e.identify(st.view()))
		alone[i] = nil
	}
	sortDevices(out)
	return out
}

// identifyAll turns views into devices in report order.
func (e *Engine) identifyAll(views []*view) []Device {
	out := make([]Device, 0, len(views))
	for i, v := range views {
		out = append(out, e.identify(v))
		views[i] = nil // what identify did not keep can go now, not after the last device
	}
	sortDevices(out)
	return out
}

// sortDevices puts devices in report order.
func sortDevices(out []Device) {
	sort.Slice(out, func(i, j int) bool { return compareDevices(&out[i], &out[j]) < 0 })
}

// compareDevices orders devices by MAC, those known only by IP last, by
// address. It allocates nothing: it runs n log n times over the largest
// inventories, at their memory peak.
func compareDevices(a, b *Device) int {
	if a.MAC.IsZero() != b.MAC.IsZero() {
		if a.MAC.IsZero() {
			return 1
		}
		return -1
	}
	if c := bytes.Compare(a.MAC[:], b.MAC[:]); c != 0 {
		return c
	}
	if len(a.IPs) == 0 || len(b.IPs) == 0 {
		return len(a.IPs) - len(b.IPs)
	}
	return a.IPs[0].Compare(b.IPs[0])
}

// snapshot copies the state under the lock and attaches IP-only
// observations to the MAC that holds each IP.
func (e *Engine) snapshot() []*view {
	e.mu.Lock()
	defer e.mu.Unlock()
	merged, alone := e.attachIPOnly()
	folded := e.foldClaims(merged)
	out := make([]*view, 0, len(e.byMAC)+len(merged)+len(alone))
	for _, st := range alone {
		out = append(out, st.view())
	}
	for mac, st := range e.byMAC {
		if v := merged[mac]; v != nil || folded[mac] {
			continue // added below, or part of another device
		}
		out = append(out, st.view())
	}
	for _, v := range merged {
		out = append(out, v)
	}
	return out
}

// attachIPOnly decides, under the lock, where each IP-only device goes: into
// the view of the MAC that holds its IP (merged, by owner; a view made here
// only for such owners), or a device of its own (alone, the states whose
// views the caller makes).
func (e *Engine) attachIPOnly() (merged map[MAC]*view, alone []*deviceState) {
	ips := make([]netip.Addr, 0, len(e.byIP))
	for ip := range e.byIP {
		ips = append(ips, ip)
	}
	slices.SortFunc(ips, netip.Addr.Compare)
	linked := e.linkOwners()
	merged = map[MAC]*view{}
	for _, ip := range ips {
		st := e.byIP[ip]
		owner, how := e.owner(ip, st, linked)
		if owner.IsZero() {
			alone = append(alone, st)
			continue
		}
		v := merged[owner]
		if v == nil {
			if own := e.byMAC[owner]; own != nil {
				v = own.view()
			} else {
				v = &view{mac: owner}
			}
			merged[owner] = v
		}
		if !v.canHold(ip) {
			// A MAC bound to more addresses than a device keeps (proxy ARP,
			// a router): its IPs stay devices of their own.
			alone = append(alone, st)
			continue
		}
		v.merge(st.view())
		if how != nil {
			v.via = append(v.via, *how)
		}
	}
	return merged, alone
}

// foldClaims folds, under the lock, each MAC-keyed device that is only a
// claim into the device of the MAC that holds its address on the wire: a
// MAC that discovery answers name (tdp.mac, sadp.mac, ...) but that nothing
// showed on the wire (no frame, ARP, DHCP from it), and each of whose
// addresses another MAC holds (binding.outranks). Its binding then stays
// as evidence of the device it names, not as a second device with nothing
// else to say (whose maker block alone would be a review finding). It
// returns the folded MACs; their owners' views are in merged.
func (e *Engine) foldClaims(merged map[MAC]*view) map[MAC]bool {
	type claim struct{ mac, to MAC }
	var claims []claim
	for mac, st := range e.byMAC {
		if st.wire || len(st.ips) == 0 {
			continue
		}
		var to MAC
		var at netip.Addr
		for _, ip := range st.ips {
			b, ok := e.strongIP[ip]
			if !ok || b.mac == mac {
				to = MAC{} // it holds an address of its own: a device
				break
			}
			if !at.IsValid() || ip.Less(at) {
				at, to = ip, b.mac
			}
		}
		if own := e.byMAC[to]; !to.IsZero() && own != nil {
			claims = append(claims, claim{mac, to})
		}
	}
	if len(claims) == 0 {
		return nil
	}
	slices.SortFunc(claims, func(a, b claim) int { return bytes.Compare(a.mac[:], b.mac[:]) })
	folded := make(map[MAC]bool, len(claims))
	for _, c := range claims {
		v := merged[c.to]
		if v == nil {
			v = e.byMAC[c.to].view()
			merged[c.to] = v
		}
		v.merge(e.byMAC[c.mac].view())
		folded[c.mac] = true
	}
	return folded
}

// linkOwners gives each address seen as the source of a MAC's frames
// (link.ip) the lowest such MAC that is no router: a MAC seen sending from
// more than maxLinkIPs addresses forwards for others and holds none. Taken
// from the MACs' own address lists at the end, it is the same in every order
// of arrival, and a router's binding never hides another MAC's (keeping one
// binding per address, the lowest MAC, left the address to no one when the
// lowest was a router).
func (e *Engine) linkOwners() map[netip.Addr]MAC {
	owners := map[netip.Addr]MAC{}
	for mac, st := range e.byMAC {
		if len(st.linkIPs) > maxLinkIPs {
			continue
		}
		for _, ip := range st.linkIPs {
			if cur, ok := owners[ip]; !ok || bytes.Compare(mac[:], cur[:]) < 0 {
				owners[ip] = mac
			}
		}
	}
	return owners
}

// owner returns the MAC holding ip: a strong binding first (of several, the
// one that ranks first, binding.outranks), then link.ip (linkOwners), then a MAC the device names as its own (a WS-Discovery
// endpoint, an authentication realm that is a MAC).
func (e *Engine) owner(ip netip.Addr, st *deviceState, linked map[netip.Addr]MAC) (MAC, *Evidence) {
	if b, ok := e.strongIP[ip]; ok {
		return b.mac, nil
	}
	if mac, ok := linked[ip]; ok {
		return mac, nil
	}
	// Of several such facts naming different MACs, the lowest MAC (and of
	// its facts, the lowest key and value), whatever their order of arrival.
	var own MAC
	var by *fact
	for i := range st.facts {
		f := &st.facts[i]
		read, ok := selfMACKeys[f.Key]
		if !ok {
			continue
		}
		mac, ok := e.registeredMAC(read(f.Value))
		if !ok {
			continue
		}
		if c := bytes.Compare(mac[:], own[:]); by == nil || c < 0 || c == 0 && (f.Key < by.Key || f.Key == by.Key && f.Value < by.Value) {
			own, by = mac, f
		}
	}
	if by == nil {
		return MAC{}, nil
	}
	return own, &Evidence{Probe: by.Probe, Key: by.Key, Value: by.Value, Port: by.Port, Sets: "mac=" + own.String()}
}

// selfMACKeys are observations in which a device names a MAC that is its
// own, each with how to read it from the value.
var selfMACKeys = map[string]func(string) MAC{
	"wsd.endpoint":   endpointMAC,
	"wsd.scope":      scopeMAC,
	"rtsp.realm_mac": parsedMAC,
	"http.realm_mac": parsedMAC,
	// a Dahua login challenge's params.mac
	"dhip.challenge_mac": parsedMAC,
}

// registeredMAC accepts a MAC a device names only if it is unicast, globally
// administered, not a firmware placeholder and in a registered block: a
// random value names no interface.
func (e *Engine) registeredMAC(mac MAC) (MAC, bool) {
	if e.reg == nil || mac.IsZero() || mac.Local() || mac.Multicast() {
		return MAC{}, false
	}
	if _, ph := e.db.Catalogue.Placeholder(mac); ph {
		return MAC{}, false
	}
	if _, ok := e.reg.Lookup(mac); !ok {
		return MAC{}, false
	}
	return mac, true
}

func parsedMAC(value string) MAC {
	mac, _ := ParseMAC(value)
	return mac
}

// scopeMAC reads an ONVIF MAC scope (onvif://www.onvif.org/MAC/44:19:b6:a1:b2:c3),
// which some firmware adds to its scope list, or the macaddr scope other
// firmware writes in its own discovery answer
// (onvif://www.onvif.org/macaddr/88263f8d6525); any other scope names no MAC.
func scopeMAC(value string) MAC {
	value = strings.TrimSpace(value)
	for _, prefix := range []string{"onvif://www.onvif.org/mac/", "onvif://www.onvif.org/macaddr/"} {
		if rest, ok := cutPrefixFold(value, prefix); ok {
			return parsedMAC(rest)
		}
	}
	return MAC{}
}

// endpointMAC reads the node field of a time-based endpoint UUID
// (urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385); random (version 4) UUIDs
// name no MAC.
func endpointMAC(value string) MAC {
	rest, ok := cutPrefixFold(strings.TrimSpace(value), "urn:uuid:")
	if !ok {
		return MAC{}
	}
	g := strings.Split(rest, "-")
	if len(g) != 5 || len(g[0]) != 8 || len(g[2]) != 4 || len(g[4]) != 12 || g[2][0] == '4' {
		return MAC{}
	}
	return parsedMAC(g[4])
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

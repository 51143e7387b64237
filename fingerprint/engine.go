package fingerprint

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/oui"
)

// MACRegistry finds the IEEE block a MAC belongs to (*oui.Registry is one).
type MACRegistry interface {
	Lookup(mac [6]byte) (oui.Entry, bool)
}

// Memory bounds. State is kept per device, not per packet: each distinct
// (key, value) is stored once per device, so a capture of any size needs
// memory in proportion to the devices and facts in it, and these caps bound
// even a hostile capture (every packet from a new MAC, every value new).
// Measured: 8 million hostile observations (64k devices, every value new)
// settled at about 375 MiB of heap with a 256 MiB fact budget, i.e. about
// 1.45x the budget; 128 MiB keeps the whole engine near 200 MiB.
// MaxLongBytesPerDevice bounds the bytes a device keeps in values longer
// than MaxValueLen (http.body, up to observe.MaxBodyLen): four whole pages
// or scripts; the device's further long values are clipped to MaxValueLen.
// A busy web server in a capture sends many pages, and without this each
// would cost the device four times the usual bound.
//
// Within these bounds the report does not depend on the order observations
// arrive in (binding.outranks; a repeated fact keeps its lowest sighting; a
// key past MaxValuesPerKey keeps its lowest values): docs/observation-keys.md,
// "When bindings disagree". Past the other bounds, what came first is kept.
const MaxLongBytesPerDevice = 64 << 10

const (
	MaxDevices        = 65536     // devices (MAC-keyed plus IP-only) tracked at once, unless SetMaxDevices says otherwise
	MaxFactsPerDevice = 256       // distinct (key, value) pairs kept per device
	MaxValuesPerKey   = 16        // distinct values kept per key per device
	MaxValueLen       = 4096      // bytes of a value kept (docs/observation-keys.md bound), but see observe.MaxLen
	MaxIPsPerDevice   = 16        // addresses kept per device
	MaxPortsPerDevice = 64        // ports kept per device
	MaxVLANsPerDevice = 8         // VLANs kept per device
	MaxStoredBytes    = 128 << 20 // bytes of facts kept across all devices (strings + factOverhead each)
	// maxLinkIPs: a MAC seen as the Ethernet source of more distinct IPs than
	// this through link.ip is a router, and link.ip binds nothing to it.
	maxLinkIPs = 3
	// factOverhead approximates what one kept fact costs beyond its strings
	// (the fact, its dedupe-map entry, slice growth), so that MaxStoredBytes
	// also bounds a flood of tiny values.
	factOverhead = 192
	// bindingsPerDevice bounds each IP→MAC table at this many entries per
	// device of the device bound.
	bindingsPerDevice = 4
)

// Engine merges observations into devices and identifies them. Add and
// Devices are safe for concurrent use.
type Engine struct {
	db  *Database
	reg MACRegistry

	mu       sync.Mutex
	byMAC    map[MAC]*deviceState
	byIP     map[netip.Addr]*deviceState // observations that carry only an IP
	strongIP map[netip.Addr]binding      // the strong binding of each IP that ranks first (binding.outranks)
	bytes    int
	max      int // device bound
	budget   int // bytes of facts kept across all devices
	dropped  uint64
	overFull uint64 // of dropped, facts refused because the budget was spent
	trimmed  uint64
}

// NewEngine returns an engine over a database and an OUI registry; reg may be
// nil, and then no MAC is looked up.
func NewEngine(db *Database, reg MACRegistry) *Engine {
	return &Engine{db: db, reg: reg, max: MaxDevices, budget: MaxStoredBytes,
		byMAC: map[MAC]*deviceState{}, byIP: map[netip.Addr]*deviceState{},
		strongIP: map[netip.Addr]binding{}}
}

// SetMaxDevices changes the number of devices (MAC-keyed plus IP-only)
// tracked at once from MaxDevices to n (at least 1). Call it before the
// first Add. Each device costs memory even when it says little (measured
// in docs/performance.md), so the bound is what keeps a hostile or huge
// capture within the machine's memory.
func (e *Engine) SetMaxDevices(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.max = max(n, 1)
}

// SetMaxStoredBytes changes the bytes of facts kept across all devices
// from MaxStoredBytes to n (at least 1 MiB). Call it before the first Add.
// Devices that say much (a page, a certificate and a dozen headers each, as
// an internet scanner's records give them) spend the default at about
// 65,000 devices; the heap holds about 1.45x the budget.
func (e *Engine) SetMaxStoredBytes(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.budget = max(n, 1<<20)
}

// OverBudget counts the observations of Dropped that were facts refused
// because the byte budget was spent (the rest met the device bound).
func (e *Engine) OverBudget() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.overFull
}

// Dropped counts observations lost to a global memory bound: the device cap
// or the byte budget. Those are devices or facts missing from the report
// (a duplicate fact is not counted: it is already kept).
func (e *Engine) Dropped() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dropped
}

// Trimmed counts facts not kept because one device already holds
// MaxValuesPerKey values of that key or MaxFactsPerDevice facts: a chatty
// device (many DNS names, many TXT strings), not a loss of devices.
func (e *Engine) Trimmed() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.trimmed
}

// Heard counts the devices and MAC-less addresses tracked so far. It is
// cheap, for progress; an address later bound to a MAC counts twice until
// Devices merges them.
func (e *Engine) Heard() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.byMAC) + len(e.byIP)
}

// Add records one observation. A list observation (wsd.scopes) also counts
// as each of its items (wsd.scope), whichever path it came by: a scope list
// imported from another tool identifies like the decoded scopes.
func (e *Engine) Add(obs Observation) {
	if obs.Key == "" {
		return
	}
	if itemKey, items, ok := observe.Items(obs.Key, obs.Value); ok {
		for _, v := range items {
			item := obs
			item.Key, item.Value = itemKey, v
			e.add(item)
		}
	}
	e.add(obs)
}

func (e *Engine) add(obs Observation) {
	if n := observe.MaxLen(obs.Key); len(obs.Value) > n {
		obs.Value = strings.Clone(observe.Clip(obs.Value, n)) // not the whole value behind it
	}
	key, _ := observe.Lookup(obs.Key)
	mac, ip, placeholder := e.addresses(obs, key)
	if mac.IsZero() && !ip.IsValid() {
		// Nothing names the device: no address, or only an address many
		// devices share (a placeholder, broadcast or multicast MAC). Keying
		// a device by it would make one phantom out of many units.
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.stateFor(mac, ip, key)
	if st == nil {
		e.dropped++
		return
	}
	if !placeholder.IsZero() && (st.placeholder.IsZero() || bytes.Compare(placeholder[:], st.placeholder[:]) < 0) {
		st.placeholder = placeholder // the lowest of several, whatever their order
	}
	added, kept := st.addFact(obs, key, e.budget-e.bytes)
	switch kept {
	case factTrimmed:
		e.trimmed++
	case factOverBudget:
		e.dropped++
		e.overFull++
	}
	e.bytes += added
}

// addresses returns the MAC and IP an observation is about, reading them from
// the value for keys that carry them there.
// A MAC that is never one device's own is not returned as mac: a group
// (broadcast, multicast) address names no device, and a placeholder MAC
// shared by many units is returned apart, so that the IP keys the device.
func (e *Engine) addresses(obs Observation, key observe.Key) (mac MAC, ip netip.Addr, placeholder MAC) {
	mac, ip = obs.MAC, obs.IP
	if mac.IsZero() && key.Carries == observe.CarriesMAC {
		mac, _ = ParseMAC(obs.Value)
	}
	if !ip.IsValid() && key.Carries == observe.CarriesIP {
		ip, _ = netip.ParseAddr(obs.Value)
	}
	ip = ip.Unmap()
	if mac.Multicast() {
		return MAC{}, ip, MAC{}
	}
	if _, shared := e.db.Catalogue.Placeholder(mac); shared && !mac.IsZero() {
		// Many units share the address: only the IP tells them apart.
		return MAC{}, ip, mac
	}
	return mac, ip, MAC{}
}

// stateFor finds or creates the device an observation belongs to and records
// the binding it asserts. It returns nil when the device cap is reached.
func (e *Engine) stateFor(mac MAC, ip netip.Addr, key observe.Key) *deviceState {
	if mac.IsZero() {
		if !ip.IsValid() {
			return nil
		}
		st, ok := e.byIP[ip]
		if !ok {
			if e.full() {
				return nil
			}
			st = newDeviceState()
			st.ips = append(st.ips, ip)
			e.byIP[ip] = st
		}
		return st
	}
	st, ok := e.byMAC[mac]
	if !ok {
		if e.full() {
			return nil
		}
		st = newDeviceState()
		st.mac = mac
		e.byMAC[mac] = st
	}
	if !key.Claimed {
		st.wire = true
	}
	if !ip.IsValid() {
		return st
	}
	if key.Weak {
		st.addLinkIP(ip) // its owner is decided at the end (linkOwners)
	} else {
		st.addIP(ip)
		e.bind(e.strongIP, ip, binding{mac: mac, claimed: key.Claimed})
	}
	return st
}

// binding is one MAC said to hold an address, and whether only the device's
// own answer says so (observe.Key.Claimed) rather than the link layer.
type binding struct {
	mac     MAC
	claimed bool
}

// outranks reports whether b, rather than o, holds an address both bind:
// the observations that carry only the address (a web page, a discovery
// answer's model) go to the MAC of the binding that ranks first, so the rank
// may not depend on which came last (a report that flips with packet timing
// gives a scheduled audit false changes).
//
// A MAC seen on the wire (an ARP sender, a DHCP client's hardware address,
// an LLDP frame's source, a frame sent from the address) outranks a MAC a
// device writes into its discovery answer (tdp.mac, sadp.mac, ...): the wire
// MAC is the one the switch's tables hold, where an engineer finds the
// device, and an answer can name another (a MAC-translating extender or
// bridge between, firmware reporting a wrong or default MAC, an anonymised
// capture). The claimed MAC stays a device of its own with its binding as
// evidence, or, when nothing shows it on the wire, is folded into the wire
// MAC's device as that evidence (foldClaims). Between two of one class the lower MAC ranks first: arbitrary,
// but the same in every run. (Counting sightings would need a count per
// candidate, and the decoders emit each binding once per pair anyway.)
func (b binding) outranks(o binding) bool {
	if b.claimed != o.claimed {
		return !b.claimed
	}
	return bytes.Compare(b.mac[:], o.mac[:]) < 0
}

// bind records that ip is held by b.mac unless a binding that outranks it
// holds ip already; the table is bounded like the devices.
func (e *Engine) bind(table map[netip.Addr]binding, ip netip.Addr, b binding) {
	old, ok := table[ip]
	switch {
	case ok:
		if b.outranks(old) {
			table[ip] = b
		}
	case len(table) < bindingsPerDevice*e.max:
		table[ip] = b
	}
}

func (e *Engine) full() bool { return len(e.byMAC)+len(e.byIP) >= e.max }

// fact is one distinct (key, value) of a device, with where it was first seen.
type fact struct {
	Key, Value, Probe string
	Port              uint16
	IP                netip.Addr // the address the observation carried, for binding evidence
}

type deviceState struct {
	mac         MAC
	placeholder MAC  // a shared firmware-default MAC seen on this IP-keyed device
	wire        bool // seen on the wire, not only named in answers (foldClaims)
	ips         []netip.Addr
	linkIPs     []netip.Addr
	ports       []uint16
	vlans       []uint16
	facts       []fact
	seen        map[[2]string]int32 // index of facts (to their position), built at factIndexAt facts
	perKey      map[string]int      // values per key, built with seen
	longBytes   int                 // bytes in values longer than MaxValueLen (MaxLongBytesPerDevice)
	highest     map[string]int32    // of each key at MaxValuesPerKey, its highest value's fact (replaceHighest)
	first, last time.Time
}

// onlyItsMAC reports a presence observation whose value is the device's
// own MAC (link.mac): it makes the device, which exists now, and says
// nothing else. Kept as a fact it cost about 100 bytes per device, a tenth
// of a large inventory.
func (s *deviceState) onlyItsMAC(obs Observation, k observe.Key) bool {
	if k.Role != observe.Presence || k.Carries != observe.CarriesMAC || s.mac.IsZero() {
		return false
	}
	mac, err := ParseMAC(obs.Value)
	return err == nil && mac == s.mac
}

// factIndexAt is the number of facts from which a device indexes them in
// maps. Below it, finding a duplicate or counting a key's values scans the
// few facts: most devices of a large network say two or three things, and
// two maps each would be about half of what such a device costs.
const factIndexAt = 8

func newDeviceState() *deviceState {
	return &deviceState{}
}

// findFact returns the position of the device's key=value fact, or -1.
func (s *deviceState) findFact(key, value string) int {
	if s.seen != nil {
		if i, ok := s.seen[[2]string{key, value}]; ok {
			return int(i)
		}
		return -1
	}
	for i := range s.facts {
		if s.facts[i].Key == key && s.facts[i].Value == value {
			return i
		}
	}
	return -1
}

// again notes a fact the device holds already (position i) seen once more:
// the kept one is where it was seen at the lowest address, port and probe,
// so that its evidence is the same in every order of arrival (the first one
// seen would flip with packet timing).
func (s *deviceState) again(i int, obs *Observation) {
	f := &s.facts[i]
	if c := obs.IP.Compare(f.IP); c < 0 || c == 0 && (obs.Port < f.Port || obs.Port == f.Port && obs.Probe < f.Probe) {
		f.IP, f.Port, f.Probe = obs.IP, obs.Port, obs.Probe
	}
}

// valuesOf counts the values the device holds for key.
func (s *deviceState) valuesOf(key string) int {
	if s.perKey != nil {
		return s.perKey[key]
	}
	n := 0
	for i := range s.facts {
		if s.facts[i].Key == key {
			n++
		}
	}
	return n
}

// keep stores a new fact, indexing it once the device holds factIndexAt.
func (s *deviceState) keep(f fact) {
	s.facts = append(s.facts, f)
	switch {
	case s.seen != nil:
		s.seen[[2]string{f.Key, f.Value}] = int32(len(s.facts) - 1)
		s.perKey[f.Key]++
	case len(s.facts) >= factIndexAt:
		s.seen = make(map[[2]string]int32, 2*len(s.facts))
		s.perKey = make(map[string]int)
		for i, f := range s.facts {
			s.seen[[2]string{f.Key, f.Value}] = int32(i)
			s.perKey[f.Key]++
		}
	}
}

// addFact keeps a new (key, value) within the caps and budget bytes. It
// returns the bytes it stored and false when a cap refused it.
// factResult says what became of one observation's fact.
type factResult int

const (
	factKept       factResult = iota // stored, or already stored
	factTrimmed                      // over this device's per-key or per-device cap
	factOverBudget                   // over the engine's byte budget
)

func (s *deviceState) addFact(obs Observation, key observe.Key, budget int) (int, factResult) {
	s.touch(obs.Time)
	if obs.Port != 0 && portAnswers(obs.Key) {
		s.addPort(obs.Port)
	}
	if obs.VLAN != 0 && !obs.MAC.IsZero() {
		s.vlans = appendUnique(s.vlans, obs.VLAN, MaxVLANsPerDevice)
	}
	if s.onlyItsMAC(obs, key) {
		return 0, factKept
	}
	if i := s.findFact(obs.Key, obs.Value); i >= 0 {
		s.again(i, &obs)
		return 0, factKept
	}
	long := len(obs.Value) > MaxValueLen
	if long && s.longBytes+len(obs.Value) > MaxLongBytesPerDevice {
		obs.Value, long = strings.Clone(observe.Clip(obs.Value, MaxValueLen)), false
		if i := s.findFact(obs.Key, obs.Value); i >= 0 {
			s.again(i, &obs)
			return 0, factKept
		}
	}
	size := factOverhead + len(obs.Key) + len(obs.Value) + len(obs.Probe)
	if s.valuesOf(obs.Key) >= MaxValuesPerKey {
		return s.replaceHighest(obs, long, size, budget), factTrimmed
	}
	if len(s.facts) >= MaxFactsPerDevice {
		return 0, factTrimmed
	}
	if size > budget {
		return 0, factOverBudget
	}
	s.keep(fact{Key: obs.Key, Value: obs.Value, Probe: obs.Probe, Port: obs.Port, IP: obs.IP})
	if long {
		s.longBytes += len(obs.Value)
	}
	return size, factKept
}

// replaceHighest keeps, of a key with MaxValuesPerKey values already, the
// lowest values: obs (size bytes, long if over MaxValueLen) replaces the
// highest one it is lower than, so that which values a chatty device keeps
// (a PC's many DNS names) does not depend on the order they came in. It
// returns the bytes that changed hands (negative when the new value is
// shorter); nothing changes when they would overspend budget.
//
// The highest value's position is kept per key, so that the values a flood
// sends past the cap are refused at the cost of one comparison.
func (s *deviceState) replaceHighest(obs Observation, long bool, size, budget int) int {
	j, ok := s.highest[obs.Key]
	if !ok {
		if s.highest == nil {
			s.highest = map[string]int32{}
		}
		j = s.highestOf(obs.Key)
		s.highest[obs.Key] = j
	}
	if j < 0 || obs.Value >= s.facts[j].Value {
		return 0
	}
	old := &s.facts[j]
	delta := size - (factOverhead + len(old.Key) + len(old.Value) + len(old.Probe))
	if delta > budget {
		return 0
	}
	if len(old.Value) > MaxValueLen {
		s.longBytes -= len(old.Value)
	}
	if long {
		s.longBytes += len(obs.Value)
	}
	if s.seen != nil {
		delete(s.seen, [2]string{old.Key, old.Value})
		s.seen[[2]string{obs.Key, obs.Value}] = int32(j)
	}
	*old = fact{Key: obs.Key, Value: obs.Value, Probe: obs.Probe, Port: obs.Port, IP: obs.IP}
	s.highest[obs.Key] = s.highestOf(obs.Key)
	return delta
}

// highestOf returns the position of the device's highest value of key, or -1.
func (s *deviceState) highestOf(key string) int32 {
	j := int32(-1)
	for i := range s.facts {
		if f := &s.facts[i]; f.Key == key && (j < 0 || f.Value > s.facts[j].Value) {
			j = int32(i)
		}
	}
	return j
}

func (s *deviceState) touch(t time.Time) {
	if t.IsZero() {
		return
	}
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
}

// portAnswers reports whether an observation's port is one the device
// answers on (a server-side protocol), not a client's source port.
func portAnswers(key string) bool {
	for _, p := range []string{"dhcp.", "dns.", "arp.", "link."} {
		if len(key) >= len(p) && key[:len(p)] == p {
			return false
		}
	}
	return true
}

func (s *deviceState) addPort(p uint16) {
	s.ports = appendUnique(s.ports, p, MaxPortsPerDevice)
}

// appendUnique adds v to list unless it is there or list holds limit already.
func appendUnique(list []uint16, v uint16, limit int) []uint16 {
	if slices.Contains(list, v) || len(list) >= limit {
		return list
	}
	return append(list, v)
}

func (s *deviceState) addIP(ip netip.Addr) {
	s.ips = appendAddr(s.ips, ip, MaxIPsPerDevice)
}

// addLinkIP keeps one more than maxLinkIPs so a router shows as one.
func (s *deviceState) addLinkIP(ip netip.Addr) {
	s.linkIPs = appendAddr(s.linkIPs, ip, maxLinkIPs+1)
}

func appendAddr(list []netip.Addr, ip netip.Addr, limit int) []netip.Addr {
	for _, a := range list {
		if a == ip {
			return list
		}
	}
	if len(list) >= limit {
		return list
	}
	return append(list, ip)
}

package fingerprint

import (
	"cmp"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/camsweep/camsweep/observe"
)

// OUI weights (docs/signatures.md): a maker's block is weak evidence, weaker
// still for makers whose blocks are mostly on phones, routers or chips.
const (
	ouiWeightSecurity = 0.35
	ouiWeightOther    = 0.15
	ouiSignatureID    = "oui"
)

// identify runs the OUI registry and the signatures over one merged device.
func (e *Engine) identify(v *view) Device {
	d := Device{MAC: v.mac, IPs: v.ips, Ports: v.ports, VLANs: v.vlans, FirstSeen: v.first, LastSeen: v.last}
	slices.SortFunc(d.IPs, netip.Addr.Compare)
	slices.Sort(d.Ports)
	slices.Sort(d.VLANs)
	macM, macEv, fromMAC := e.macMatch(v, &d)
	sigMatches, evidence := e.matchFacts(v)
	// Sized once: a device's evidence lives as long as the report, and a
	// large inventory is built at the run's memory peak.
	d.Evidence = make([]Evidence, 0, len(v.via)+len(evidence)+1)
	matches := sigMatches
	if fromMAC {
		matches = append([]Match{macM}, sigMatches...)
		d.Evidence = append(d.Evidence, macEv)
	}
	d.Evidence = append(d.Evidence, v.via...)
	d.Evidence = append(d.Evidence, evidence...)
	d.Hostname = firstValue(v.facts, "dhcp.hostname", "mdns.hostname")
	e.decide(&d, matches)
	return d
}

// macMatch looks the device's MAC up, sets MACVendor or MACNote, and turns a
// catalogued registrant into a weak match (maker and, for a brand's own
// block, brand; never a kind).
func (e *Engine) macMatch(v *view, d *Device) (Match, Evidence, bool) {
	cat := e.db.Catalogue
	if d.MAC.IsZero() && !v.placeholder.IsZero() {
		d.MAC = v.placeholder
	}
	if d.MAC.IsZero() {
		return Match{}, Evidence{}, false
	}
	if note, ok := cat.Placeholder(d.MAC); ok {
		d.MACNote = "placeholder address: " + note
		return Match{}, Evidence{}, false
	}
	switch {
	case d.MAC.Multicast():
		d.MACNote = "multicast or broadcast address"
		return Match{}, Evidence{}, false
	case d.MAC.Local():
		d.MACNote = "locally administered (randomized or self-assigned): its prefix names no maker"
		return Match{}, Evidence{}, false
	case e.reg == nil:
		return Match{}, Evidence{}, false
	}
	entry, ok := e.reg.Lookup(d.MAC)
	if !ok {
		d.MACNote = "block not in the IEEE registry"
		return Match{}, Evidence{}, false
	}
	d.MACVendor = entry.Org
	ev := Evidence{Probe: "oui", Key: "mac.oui", Value: entry.Prefix + " " + entry.Org, Signature: ouiSignatureID}
	org, ok := cat.Org(entry.Org)
	if !ok {
		return Match{}, ev, true
	}
	m := Match{Vendor: org.Vendor.Name, Weight: ouiWeightOther}
	if org.Vendor.SecurityOnly {
		m.Weight = ouiWeightSecurity
	}
	if org.Brand != nil {
		m.Brand = org.Brand.Name
		switch org.Brand.Link {
		case LinkWeak:
			m.Weight /= 2
		case LinkFirmware:
			m.Vendor = ""
		}
	}
	ev.Sets = m.Sets()
	return m, ev, true
}

// matchFacts runs every signature over the device's facts. Every fact a
// signature matched becomes evidence, and so does every binding.
func (e *Engine) matchFacts(v *view) ([]Match, []Evidence) {
	// Signatures read the value as a person would see it (observe.MatchText):
	// a control character inside a device string must not hide it. The
	// evidence keeps the value as sent; reports escape it.
	// A device that answers DNS queries forwards its clients' lookups: the
	// names it asks upstream (a camera's cloud) say nothing of itself, as
	// evidence or as a signature's requirement.
	resolver := slices.ContainsFunc(v.facts, func(f fact) bool { return f.Key == "dns.answered" })
	texts := make([]string, len(v.facts))
	values := map[string][]string{}
	for i, f := range v.facts {
		texts[i] = observe.MatchText(f.Value)
		if !resolver || f.Key != "dns.query" {
			values[f.Key] = append(values[f.Key], texts[i])
		}
	}
	others := func(key string, re *regexp.Regexp) bool {
		return slices.ContainsFunc(values[key], re.MatchString)
	}
	var matches []Match
	var evidence []Evidence
	for i, f := range v.facts {
		if observe.IsAssembly(f.Key) {
			evidence = append(evidence, bindingEvidence(f))
		}
		if resolver && f.Key == "dns.query" {
			continue
		}
		matched := false
		folded := foldText(texts[i])
		for _, s := range e.db.ForKey(f.Key) {
			m, ok := s.apply(texts[i], folded, others, e.db.Catalogue)
			if !ok {
				continue
			}
			matched = true
			matches = append(matches, m)
			evidence = append(evidence, Evidence{Probe: f.Probe, Key: f.Key, Value: excerpt(f.Value, texts[i], m.span), Port: f.Port,
				Signature: s.ID, Sets: m.Sets()})
			evidence = append(evidence, requirementEvidence(s, v.facts, texts)...)
		}
		if !matched && observe.Locates(f.Key) {
			// What no signature read still tells the auditor where to look.
			evidence = append(evidence, Evidence{Probe: f.Probe, Key: f.Key, Value: f.Value, Port: f.Port})
		}
	}
	return dropCatchAllAnswers(matches, evidence)
}

// pathAnswerKey is the key of a server's status for a path a client asked.
const pathAnswerKey = "http.answer"

// dropCatchAllAnswers drops the path answers of a server whose answers name
// two makers: a server that answers every path with 200 (honeypots, some
// proxies and appliances: nikto and yawast document them) answers a
// scanner's probes for each maker's paths, so none of them says whose the
// server is.
func dropCatchAllAnswers(matches []Match, evidence []Evidence) ([]Match, []Evidence) {
	isPathAnswer := func(m Match) bool { return m.Sig != nil && m.Sig.Key == pathAnswerKey }
	maker, twoMakers := "", false
	for _, m := range matches {
		if !isPathAnswer(m) || m.Vendor == "" {
			continue
		}
		if maker == "" {
			maker = m.Vendor
		}
		twoMakers = twoMakers || m.Vendor != maker
	}
	if !twoMakers {
		return matches, evidence
	}
	matches = slices.DeleteFunc(matches, isPathAnswer)
	evidence = slices.DeleteFunc(evidence, func(ev Evidence) bool { return ev.Key == pathAnswerKey && ev.Signature != "" })
	return matches, evidence
}

// requirementEvidence is the fact that met each of a matched signature's
// requirements: part of why it matched, so it is evidence too (and a report
// imported elsewhere can be judged again from its evidence alone).
func requirementEvidence(s *Signature, facts []fact, texts []string) []Evidence {
	// Of several facts that meet a requirement, the one with the lowest
	// value, so that the evidence does not depend on which arrived first.
	var out []Evidence
	for _, r := range s.Requires {
		best, span := -1, [2]int{}
		for i, f := range facts {
			if f.Key != r.Key || best >= 0 && f.Value >= facts[best].Value {
				continue
			}
			if loc := r.re.FindStringIndex(texts[i]); loc != nil { // as the requirement was met: on the cleaned value
				best, span = i, [2]int{loc[0], loc[1]}
			}
		}
		if best >= 0 {
			f := facts[best]
			out = append(out, Evidence{Probe: f.Probe, Key: f.Key, Value: excerpt(f.Value, texts[best], span), Port: f.Port, Signature: s.ID})
		}
	}
	return out
}

// excerptContext is how much of a long value evidence keeps on each side
// of what matched.
const excerptContext = 256

// excerpt is what evidence shows of a fact value: the value as sent, or for
// one longer than MaxValueLen (a page body, up to observe.MaxBodyLen) the
// part around what matched, cut ends marked "…": a report holds the text
// that named the device, not 16 KiB of page per signature. The excerpt
// holds the whole match, so judging a report again from its evidence finds
// it again. span is in clean, the value as signatures read it
// (observe.MatchText), which only drops characters of raw: raw's match
// lies within span's start and span's end plus what was dropped.
func excerpt(raw, clean string, span [2]int) string {
	if len(raw) <= MaxValueLen {
		return raw
	}
	from := max(0, span[0]-excerptContext)
	to := min(len(raw), span[1]+len(raw)-len(clean)+excerptContext)
	for from > 0 && !utf8.RuneStart(raw[from]) {
		from--
	}
	for to < len(raw) && !utf8.RuneStart(raw[to]) {
		to++
	}
	out := raw[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(raw) {
		out += "…"
	}
	return out
}

func bindingEvidence(f fact) Evidence {
	ev := Evidence{Probe: f.Probe, Key: f.Key, Value: f.Value, Port: f.Port}
	if f.IP.IsValid() && f.IP.String() != f.Value {
		ev.Sets = "ip=" + f.IP.String()
	}
	return ev
}

// firstValue returns the device's value of the first key it has a value
// of; of several values of that key, the lowest, so that the name does not
// depend on which one arrived first.
func firstValue(facts []fact, keys ...string) string {
	for _, k := range keys {
		found := false
		var low string
		for _, f := range facts {
			if f.Key == k && f.Value != "" && (!found || f.Value < low) {
				low, found = f.Value, true
			}
		}
		if found {
			return low
		}
	}
	return ""
}

// decide weighs the matches: scores combine per maker as 1-Π(1-w) over
// distinct signatures, the best maker wins, and each other field comes from
// the heaviest match that sets it and agrees with the winner.
func (e *Engine) decide(d *Device, matches []Match) {
	e.rankMakers(d, matches)
	winner, score := bestVendor(matches)
	d.Vendor = winner
	if winner != "" {
		d.Confidence = math.Round(score*100) / 100
	}
	agrees := func(m Match) bool { return m.Vendor == "" || m.Vendor == winner }
	// The brand is the name on the box, not a field the device reports
	// about its model: precedence does not rank it, weight alone does.
	d.Brand = best(matches, func(Match) bool { return true }, func(m Match) string { return m.Brand }, false, lowerString)
	for i := range matches {
		matches[i].Model = e.db.Catalogue.CanonicalModel(winner, matches[i].Model)
	}
	d.Model = mostSpecificModel(matches, agrees)
	d.Firmware = best(matches, agrees, func(m Match) string { return m.Firmware }, true, laterVersion)
	d.Serial = heaviest(matches, agrees, func(m Match) string { return m.Serial })
	d.Kind = Kind(heaviest(matches, agrees, func(m Match) string { return string(m.Kind) }))
	e.restrict(d, onlyHearsay(matches, winner))
}

// rankMakers applies maker precedence (Signature.MakerPrecedence) between
// restricted makers, before the weights: when the best-sourced facts that
// name a restricted maker in full name one maker (the device's own maker
// field: ONVIF Manufacturer Uniview), a less well sourced fact naming
// another restricted maker (Dahua's model scheme, which claims Uniview's
// home-market IPC-T23S-A40-V2 by its shape) counts for no maker: it still
// gives its model and kind, for whichever maker wins. Only restricted makers are ranked, so the device
// stays a restricted maker's and a scheme's kind still counts: what changes
// is which maker is named (and, where no fact gives a kind, whether that
// maker sells surveillance equipment only). A relabeller's name
// (Manufacturer FLIR, Swann, a brand the catalogue links weak or by firmware
// only, Lorex, Honeywell) demotes nothing, and the model scheme still names
// the maker that made it. Facts of equal rank naming two makers, or rank 0 facts
// (a protocol, an OUI), are weighed as before. The demoted fact's evidence
// says what it still set.
func (e *Engine) rankMakers(d *Device, matches []Match) {
	cat := e.db.Catalogue
	restricted := func(name string) bool {
		v, ok := cat.Vendor(name)
		return ok && v.Restricted()
	}
	top, named, two := 0, "", false
	for _, m := range matches {
		if m.Sig == nil || m.Sig.MakerPrecedence == 0 || m.Vendor == "" || m.byWeakBrand || !restricted(m.Vendor) {
			continue
		}
		switch r := m.Sig.MakerPrecedence; {
		case r > top:
			top, named, two = r, m.Vendor, false
		case r == top && m.Vendor != named:
			two = true
		}
	}
	if named == "" || two {
		return
	}
	for i := range matches {
		m := &matches[i]
		if m.Sig == nil || m.Sig.MakerPrecedence == 0 || m.Sig.MakerPrecedence >= top ||
			m.Vendor == "" || m.Vendor == named || !restricted(m.Vendor) {
			continue
		}
		was := m.Sets()
		m.Vendor = ""
		for j := range d.Evidence {
			if ev := &d.Evidence[j]; ev.Signature == m.Sig.ID && ev.Sets == was {
				ev.Sets = m.Sets()
			}
		}
	}
}

// onlyHearsay reports whether every match naming the maker is hearsay
// (Signature.Hearsay): a cloud name the device resolved, a page's mention of
// the maker, rather than the device's own word about itself.
func onlyHearsay(matches []Match, vendor string) bool {
	named := false
	for _, m := range matches {
		if m.Vendor != vendor || vendor == "" {
			continue
		}
		if m.Sig == nil || !m.Sig.Hearsay() {
			return false
		}
		named = true
	}
	return named
}

func bestVendor(matches []Match) (string, float64) {
	perSig := map[string]map[string]float64{} // vendor → signature id → weight
	for _, m := range matches {
		if m.Vendor == "" {
			continue
		}
		id := ouiSignatureID
		if m.Sig != nil {
			id = m.Sig.ID
		}
		if perSig[m.Vendor] == nil {
			perSig[m.Vendor] = map[string]float64{}
		}
		perSig[m.Vendor][id] = max(perSig[m.Vendor][id], m.Weight)
	}
	var winner string
	var best float64
	for vendor, sigs := range perSig {
		miss := 1.0
		for _, w := range sigs {
			miss *= 1 - w
		}
		score := 1 - miss
		if score > best || (score == best && vendor < winner) {
			winner, best = vendor, score
		}
	}
	return winner, best
}

// heaviest returns the field value of the best match that sets it: the
// highest precedence (how well sourced the field is), then the highest
// weight, then the lowest value, so that the result does not follow the
// order the facts came in.
func heaviest(matches []Match, ok func(Match) bool, field func(Match) string) string {
	return best(matches, ok, field, true, lowerString)
}

// best is heaviest, with the signatures' precedence counted only when ranked
// and equal matches told apart by prefer (prefer(a, b): a wins over b).
func best(matches []Match, ok func(Match) bool, field func(Match) string, ranked bool, prefer func(a, b string) bool) string {
	var out string
	bestRank, bestWeight := -1, -1.0
	for _, m := range matches {
		w, rank := m.Weight, 0
		if m.Sig != nil {
			w = m.Sig.Weight
			if ranked {
				rank = m.Sig.Precedence
			}
		}
		v := field(m)
		if v == "" || !ok(m) {
			continue
		}
		if rank > bestRank || rank == bestRank && (w > bestWeight || w == bestWeight && prefer(v, out)) {
			out, bestRank, bestWeight = v, rank, w
		}
	}
	return out
}

func lowerString(a, b string) bool { return a < b }

// laterVersion orders firmware versions said the same way: a capture that
// holds an update shows the device's old and new version, and the device
// runs the later one. Runs of digits compare as numbers (V5.7.17 is later
// than V5.7.3, which plain string order has backwards); versions equal that
// way fall back to string order, so the choice never follows arrival order.
func laterVersion(a, b string) bool {
	if c := compareVersions(a, b); c != 0 {
		return c > 0
	}
	return a < b
}

// compareVersions compares a and b part by part, a run of digits with a
// run of digits as numbers (leading zeros ignored), anything else byte by
// byte.
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		pa, ra := versionPart(a)
		pb, rb := versionPart(b)
		if c := comparePart(pa, pb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return cmp.Compare(len(a), len(b))
}

func versionPart(s string) (part, rest string) {
	digits := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digits {
		i++
	}
	return s[:i], s[i:]
}

func comparePart(a, b string) int {
	if !isDigit(a[0]) || !isDigit(b[0]) {
		return strings.Compare(a, b)
	}
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// mostSpecificModel returns the best model (as heaviest) unless another
// agreeing match gives a model that extends it: a name scope shortened to
// DS-2CD2146G2 yields to DS-2CD2146G2-ISU from the hardware scope, whatever
// their weights, because the longer one is the same model said in full. The
// extension must start a new part of the name (-ISU, /SL, (B), a space): a
// serial number that begins with the model (DS-7608NXI-I220210305CCWR...)
// goes on without one, and is not a longer model.
// Of several such, the longest (then the lowest), whatever their order.
func mostSpecificModel(matches []Match, ok func(Match) bool) string {
	base := heaviest(matches, ok, func(m Match) string { return m.Model })
	model := base
	for _, m := range matches {
		if ok(m) && base != "" && extendsModel(m.Model, base) &&
			(len(m.Model) > len(model) || len(m.Model) == len(model) && m.Model < model) {
			model = m.Model
		}
	}
	return model
}

// extendsModel reports whether long is short followed by more parts of a
// model name.
func extendsModel(long, short string) bool {
	if len(long) <= len(short) || !strings.EqualFold(long[:len(short)], short) {
		return false
	}
	return strings.ContainsRune("-/( _", rune(long[len(short)]))
}

// restrict gives the catalogue's verdict. A catalogued restricted maker's
// device is restricted when the evidence shows surveillance equipment: a
// surveillance kind, or an unknown kind from a security_only maker (every
// product line it sells is surveillance equipment, so the maker is the product
// class). When the kind is unknown and the maker (or the brand on the box)
// also sells other things, the device goes to review. A device shown to be
// something else (a phone, a router) is clear. A maker named only by what
// the device asked for (its cloud's names, which the maker's phone app asks
// too) or only by mentions shows no product of the maker: review, whatever
// the maker sells and whatever the kind (a camera whose only word of Dahua is
// a scope other firmware copies is another maker's camera as often as not).
func (e *Engine) restrict(d *Device, hearsayOnly bool) {
	d.Verdict = VerdictClear
	maker, ok := e.db.Catalogue.Vendor(d.Vendor)
	if !ok || !maker.Restricted() {
		return
	}
	unknownKind := d.Kind == "" || d.Kind == KindUnknown
	switch {
	case hearsayOnly && (unknownKind || d.Kind.Surveillance()):
		d.Review, d.Verdict = true, VerdictReview
	case d.Kind.Surveillance():
		d.Restricted, d.Verdict = true, VerdictRestricted
	case unknownKind && maker.SecurityOnly && !e.notSecurityBrand(d, maker):
		d.Restricted, d.Verdict = true, VerdictRestricted
	case unknownKind:
		d.Review, d.Verdict = true, VerdictReview
	default:
		return
	}
	d.Basis = slices.Clone(maker.Basis)
}

// notSecurityBrand reports a brand of the maker that sells no surveillance
// equipment (machine vision), which the maker's name alone must not flag.
func (e *Engine) notSecurityBrand(d *Device, maker *Vendor) bool {
	b, ok := e.db.Catalogue.Brand(d.Brand)
	return ok && b.maker == maker && b.NotSecurity
}

// Package ordercheck holds what the order-independence tests share: the
// orders in which they feed one set of observations to fresh engines, and
// the comparison of the reports those engines give. A report must not depend
// on the order observations arrive in (packet timing, goroutine scheduling):
// scheduled audits compare runs, and a report that flips with timing gives
// false "changed" findings.
package ordercheck

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
)

// Order is one arrangement of the observations.
type Order struct {
	Name string
	Obs  []fingerprint.Observation
}

// Orders returns obs reversed and shuffled once per seed (a fixed seed, so
// that a failure is reproducible).
func Orders(obs []fingerprint.Observation, seeds ...uint64) []Order {
	out := []Order{{Name: "reversed", Obs: slices.Clone(obs)}}
	slices.Reverse(out[0].Obs)
	for _, seed := range seeds {
		o := slices.Clone(obs)
		r := rand.New(rand.NewPCG(seed, 0x0bde))
		r.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		out = append(out, Order{Name: fmt.Sprintf("shuffled(seed %d)", seed), Obs: o})
	}
	return out
}

// Report feeds obs in order to a fresh engine and returns its devices.
func Report(db *fingerprint.Database, reg *oui.Registry, obs []fingerprint.Observation) []fingerprint.Device {
	e := fingerprint.NewEngine(db, reg)
	for _, o := range obs {
		e.Add(o)
	}
	return e.Devices()
}

// Diff lists how report b differs from report a, device by device (devices
// matched by MAC, those without one by their addresses): vendor, brand,
// model, firmware, kind, verdict, hostname, addresses, ports and the
// evidence as a set. Nil means the reports say the same.
func Diff(a, b []fingerprint.Device) []string {
	as, bs := byIdentity(a), byIdentity(b)
	var out []string
	for _, id := range sortedKeys(as, bs) {
		da, inA := as[id]
		db, inB := bs[id]
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("%s: only in the second report: %s", id, summary(db)))
		case !inB:
			out = append(out, fmt.Sprintf("%s: only in the first report: %s", id, summary(da)))
		default:
			for _, field := range fields {
				if x, y := field.get(da), field.get(db); x != y {
					out = append(out, fmt.Sprintf("%s: %s %q vs %q", id, field.name, x, y))
				}
			}
			ea, eb := evidenceSet(da), evidenceSet(db)
			for ev := range ea {
				if !eb[ev] {
					out = append(out, fmt.Sprintf("%s: evidence only in the first report: %s", id, ev))
				}
			}
			for ev := range eb {
				if !ea[ev] {
					out = append(out, fmt.Sprintf("%s: evidence only in the second report: %s", id, ev))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

var fields = []struct {
	name string
	get  func(*fingerprint.Device) string
}{
	{"vendor", func(d *fingerprint.Device) string { return d.Vendor }},
	{"brand", func(d *fingerprint.Device) string { return d.Brand }},
	{"model", func(d *fingerprint.Device) string { return d.Model }},
	{"firmware", func(d *fingerprint.Device) string { return d.Firmware }},
	{"serial", func(d *fingerprint.Device) string { return d.Serial }},
	{"kind", func(d *fingerprint.Device) string { return string(d.Kind) }},
	{"verdict", func(d *fingerprint.Device) string { return string(d.Judged()) }},
	{"hostname", func(d *fingerprint.Device) string { return d.Hostname }},
	{"ips", func(d *fingerprint.Device) string { return addrs(d.IPs) }},
	{"ports", func(d *fingerprint.Device) string { return fmt.Sprint(d.Ports) }},
	{"vlans", func(d *fingerprint.Device) string { return fmt.Sprint(d.VLANs) }},
	{"mac note", func(d *fingerprint.Device) string { return d.MACNote }},
	{"first seen", func(d *fingerprint.Device) string { return d.FirstSeen.String() }},
	{"last seen", func(d *fingerprint.Device) string { return d.LastSeen.String() }},
}

func byIdentity(devs []fingerprint.Device) map[string]*fingerprint.Device {
	out := make(map[string]*fingerprint.Device, len(devs))
	for i := range devs {
		d := &devs[i]
		id := "ip " + addrs(d.IPs)
		if !d.MAC.IsZero() {
			id = "mac " + d.MAC.String()
		}
		if _, dup := out[id]; dup {
			id += fmt.Sprintf(" #%d", i)
		}
		out[id] = d
	}
	return out
}

func sortedKeys(a, b map[string]*fingerprint.Device) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func addrs(ips []netip.Addr) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func evidenceSet(d *fingerprint.Device) map[string]bool {
	out := make(map[string]bool, len(d.Evidence))
	for _, ev := range d.Evidence {
		out[fmt.Sprintf("%s %s=%q port %d sig %s sets %q", ev.Probe, ev.Key, ev.Value, ev.Port, ev.Signature, ev.Sets)] = true
	}
	return out
}

func summary(d *fingerprint.Device) string {
	return fmt.Sprintf("%s %s %s %s %s %s", addrs(d.IPs), d.Judged(), d.Vendor, d.Model, d.Firmware, d.Kind)
}

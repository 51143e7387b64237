package audit

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/report"
)

// importKey is the observation that carries an imported device's addresses,
// VLANs, ports and times into the engine: it matches no signature, so the
// device is judged by its evidence alone (docs/observation-keys.md).
const importKey = "import.report"

// importReport reads a camsweep JSON report (a sensor's) and feeds each
// device's evidence to the engine as the observations it records, so this
// installation's signatures, catalogue and policy judge it again: the
// sensor's vendor, kind, restricted and basis fields decide nothing.
func (p *Plan) importReport(path string, eng *fingerprint.Engine, idx *importIndex, res *report.Result) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	r, err := report.ReadJSON(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !strings.HasPrefix(r.Schema, "camsweep.report/") {
		return fmt.Errorf("%s: not a camsweep JSON report (schema %q)", path, r.Schema)
	}
	if r.Partial {
		res.Partial = true
		p.warn(res, "%s is a partial result", path)
	}
	origin := fingerprint.Origin{Report: path, Host: r.Source.Host,
		Tool: strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version), Generated: r.Generated}
	for i := range r.Devices {
		replay(&r.Devices[i], path, eng.Add)
		idx.add(&r.Devices[i], origin)
	}
	return nil
}

// replay turns an imported device back into observations: one import.report
// per address and VLAN (binding the MAC to each address, as the sensor saw
// it), one per port, and one per piece of evidence, at the first and last
// time seen. The OUI evidence is left out: the engine looks the MAC up again
// in this installation's registry.
func replay(d *fingerprint.Device, path string, emit func(observe.Observation)) {
	ips := d.IPs
	if len(ips) == 0 {
		ips = []netip.Addr{{}}
	}
	vlans := d.VLANs
	if len(vlans) == 0 {
		vlans = []uint16{0}
	}
	base := observe.Observation{Probe: "import", MAC: d.MAC, IP: ips[0], Key: importKey, Value: path}
	for _, t := range []observe.Observation{{Time: d.FirstSeen}, {Time: d.LastSeen}} {
		for _, ip := range ips {
			for _, vlan := range vlans {
				o := base
				o.Time, o.IP, o.VLAN = t.Time, ip, vlan
				emit(o)
			}
		}
	}
	for _, port := range d.Ports {
		o := base
		o.Port = port
		emit(o)
	}
	for _, e := range d.Evidence {
		if e.Probe == "oui" {
			continue
		}
		emit(observe.Observation{Time: d.FirstSeen, Probe: e.Probe, MAC: d.MAC, IP: evidenceIP(e, ips[0]), Port: e.Port, Key: e.Key, Value: e.Value})
	}
}

// evidenceIP is the address a piece of evidence came with: a binding names
// it ("ip=..." in sets, or its value for a key whose value is the address);
// other evidence is the device's.
func evidenceIP(e fingerprint.Evidence, device netip.Addr) netip.Addr {
	if !observe.IsBinding(e.Key) {
		return device
	}
	if rest, ok := strings.CutPrefix(e.Sets, "ip="); ok {
		if ip, err := netip.ParseAddr(rest); err == nil {
			return ip
		}
	}
	if k, _ := observe.Lookup(e.Key); k.Carries == observe.CarriesIP {
		if ip, err := netip.ParseAddr(e.Value); err == nil {
			return ip
		}
	}
	return device
}

// importIndex remembers where imported devices came from, to name the
// sensors on the devices the engine merged them into: by MAC for a device
// with its own MAC, by address for one without (or with a placeholder MAC,
// which names no device).
type importIndex struct {
	cat       *fingerprint.Catalogue
	byMAC     map[fingerprint.MAC][]fingerprint.Origin
	byIP      map[netip.Addr][]fingerprint.Origin
	hostnames map[fingerprint.MAC]string
}

func newImportIndex(cat *fingerprint.Catalogue) *importIndex {
	return &importIndex{cat: cat, byMAC: map[fingerprint.MAC][]fingerprint.Origin{},
		byIP: map[netip.Addr][]fingerprint.Origin{}, hostnames: map[fingerprint.MAC]string{}}
}

func (x *importIndex) ownMAC(m fingerprint.MAC) bool {
	if m.IsZero() || m.Multicast() {
		return false
	}
	_, shared := x.cat.Placeholder(m)
	return !shared
}

func (x *importIndex) add(d *fingerprint.Device, o fingerprint.Origin) {
	if x.ownMAC(d.MAC) {
		x.byMAC[d.MAC] = appendOrigin(x.byMAC[d.MAC], o)
		if d.Hostname != "" {
			x.hostnames[d.MAC] = d.Hostname
		}
		return
	}
	for _, ip := range d.IPs {
		x.byIP[ip] = appendOrigin(x.byIP[ip], o)
	}
}

// annotate names the reports each device came from, and keeps a hostname
// the sensor saw (from facts its report does not carry).
func (x *importIndex) annotate(devs []fingerprint.Device) {
	for i := range devs {
		d := &devs[i]
		var from []fingerprint.Origin
		if x.ownMAC(d.MAC) {
			from = append(from, x.byMAC[d.MAC]...)
			if d.Hostname == "" {
				d.Hostname = x.hostnames[d.MAC]
			}
		}
		for _, ip := range d.IPs {
			for _, o := range x.byIP[ip] {
				from = appendOrigin(from, o)
			}
		}
		d.ImportedFrom = from
	}
}

func appendOrigin(list []fingerprint.Origin, o fingerprint.Origin) []fingerprint.Origin {
	if slices.Contains(list, o) {
		return list
	}
	return append(list, o)
}

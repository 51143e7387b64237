package sweep

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/grandcat/zeroconf"

	"github.com/camsweep/camsweep/scanner"
)

// The instance, SRV target and TXT of a real Hikvision camera's _CGI._tcp
// answer (128keaton/hikvision-mdns test/cameras.json, as quoted in
// shared/knowledge/signals.md §2) mapped to the decoder's keys.
func TestServiceEntryObservations(t *testing.T) {
	e := zeroconf.NewServiceEntry("HIKVISION DS-2CD2722FWD-IZS - 733050075", "_CGI._tcp", "local.")
	e.HostName = "DS-2CD2722FWD-IZS20170321BBWR733050075.local."
	e.Text = []string{"path=/", strings.Repeat("x", 5000)}
	m := scanner.Meta{Probe: ProbeMDNS, SrcIP: netip.MustParseAddr("198.18.0.10"), SrcPort: 5353}
	got := map[string][]string{}
	for _, o := range serviceEntryObservations(e, m) {
		if o.IP != m.SrcIP || len(o.Value) > 4096 {
			t.Errorf("bad observation %+v", o)
		}
		got[o.Key] = append(got[o.Key], o.Value)
	}
	if got["mdns.instance"][0] != "HIKVISION DS-2CD2722FWD-IZS - 733050075._CGI._tcp.local" {
		t.Errorf("instance = %q", got["mdns.instance"])
	}
	if got["mdns.hostname"][0] != "DS-2CD2722FWD-IZS20170321BBWR733050075.local" || got["mdns.service"][0] != "_CGI._tcp" {
		t.Errorf("got %v", got)
	}
	if len(got["mdns.txt"]) != 2 || got["mdns.txt"][0] != "path=/" {
		t.Errorf("txt = %v", got["mdns.txt"])
	}
}

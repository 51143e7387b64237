//go:build linux

package labtest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/policy"
	"github.com/camsweep/camsweep/report"
)

// sweepTimeout is the --timeout the lab sweeps run with: one exchange with a
// device, however slow or silent it is, ends within it.
const sweepTimeout = 2 * time.Second

// TestSweepIdentifiesEverySimulatedDevice sweeps a lab holding every camsim
// profile and checks the report device by device against each profile's
// Expect, then that nothing else was reported and that the hostile devices
// neither held the sweep past its bound nor reached the terminal.
func TestSweepIdentifiesEverySimulatedDevice(t *testing.T) {
	l := newLab(t, labOptions())
	devs := startAll(t, l)
	args := []string{"sweep", "-i", l.Scanner().Interface, "--timeout", sweepTimeout.String(), "-q"}

	run := sweep(t, l, 3*sweepBound(len(devs)), nil, append(args, "--format", "json")...)
	if bound := sweepBound(len(devs)); run.took > bound {
		t.Errorf("sweep took %v, more than its bound %v: a device stalled it", run.took, bound)
	}
	res := parseReport(t, run.stdout)
	if res.Unprivileged {
		t.Error("report says unprivileged, but the sweep ran as root")
	}
	byMAC := devicesByMAC(res)
	for name, d := range devs {
		got, ok := byMAC[strings.ToLower(d.Profile.MAC)]
		if !ok { // hostile ones too: they answer ARP like anyone
			t.Errorf("%s (%s): not in the report", name, d.Profile.MAC)
			continue
		}
		delete(byMAC, strings.ToLower(d.Profile.MAC))
		for _, m := range compareExpect(d.Profile.Expect, got) {
			t.Errorf("%s: %s", name, m)
		}
		for _, want := range wantEvidence[name] {
			if !hasEvidence(got, want) {
				t.Errorf("%s: evidence lacks %s %s=%q on port %d: %+v", name, want.Probe, want.Key, want.Value, want.Port, got.Evidence)
			}
		}
		for _, want := range wantEvidenceContaining[name] {
			if !hasEvidenceContaining(got, want) {
				t.Errorf("%s: evidence lacks %s %s holding %q on port %d: %+v", name, want.Probe, want.Key, want.Value, want.Port, got.Evidence)
			}
		}
		if !hasIP(got, d.Host.IP.String()) {
			t.Errorf("%s: report gives IPs %v, want %s among them", name, got.IPs, d.Host.IP)
		}
	}
	for mac, d := range byMAC {
		t.Errorf("reported a device no profile describes: %s %v vendor %q", mac, d.IPs, d.Vendor)
	}
	// A device the profile expects to be reviewed (the Huawei box: a maker
	// that makes much besides cameras) is a review finding, not silence.
	for name, d := range devs {
		if d.Profile.Expect.Verdict != string(fingerprint.VerdictReview) {
			continue
		}
		if !slices.ContainsFunc(res.Findings, func(f policy.Finding) bool {
			return strings.EqualFold(f.MAC.String(), d.Profile.MAC) && f.Severity == policy.SeverityReview && f.Verdict == fingerprint.VerdictReview
		}) {
			t.Errorf("%s: no review finding among %+v", name, res.Findings)
		}
	}
	// What the sweep asked the web UI is what a browser opening it asks
	// (camsim TestChromiumFollowsTheHikvisionWebRoot), plus the icon and
	// the one ONVIF call: nothing else, and nothing twice.
	if d, ok := devs["hikvision-nvr-web"]; ok {
		want := []string{"GET /", "GET /favicon.ico", "GET /doc/index.html", "GET /doc/js/chunk-vendors.47d47eb3.js",
			"GET /doc/js/index.76895487.js", "POST /onvif/device_service"}
		if got := d.HTTPRequests(); !slices.Equal(got, want) {
			t.Errorf("hikvision-nvr-web was asked\n%q\nwant\n%q", got, want)
		}
	}

	table := sweep(t, l, 3*sweepBound(len(devs)), nil, append(args, "--format", "table")...)
	for stream, b := range map[string][]byte{"table": table.stdout, "table stderr": table.stderr, "json stderr": run.stderr} {
		if i := bytes.IndexByte(b, 0x1b); i >= 0 {
			t.Errorf("%s holds an ESC byte at %d: %q", stream, i, b[max(0, i-40):min(len(b), i+40)])
		}
	}
	for _, b := range [][]byte{table.stdout, table.stderr, run.stderr} {
		if bytes.ContainsAny(b, "\u202e\u2066\x9b") {
			t.Errorf("bidi override or C1 CSI reached the terminal: %q", b)
		}
	}
}

// sweepBound is a generous bound on a sweep of the lab's /24 with paces of
// at least 300/s and sweepTimeout, as if nothing overlapped: the ARP passes
// (254 requests twice at 300/s, each pass followed by its 300 ms wait), the
// 1.5 s listen window, and for the TCP probes the slowest host:
// ceil(11 ports / 2 per host) rounds, each a connect plus at most three
// exchanges of sweepTimeout. (A web port whose pages link on adds up to 7
// fetches; the lab's only such device answers at once, and the slow and
// silent hostile devices link nothing.)
func sweepBound(devices int) time.Duration {
	arp := 2 * (254*time.Second/300 + 300*time.Millisecond)
	perHost := 6 * (700*time.Millisecond + 3*sweepTimeout)
	return arp + 1500*time.Millisecond + perHost + time.Duration(devices)*11*time.Second/300
}

// wantEvidence is evidence particular devices' reports must hold, for
// probes that the profiles' expect cannot show at work: the NVR's https
// service is the only TLS one in the lab, and its certificate subject must
// travel the whole way, from the sweep's TLS probe through the decoder to a
// signature.
var wantEvidence = map[string][]fingerprint.Evidence{
	"hikvision-nvr": {{Probe: "tls", Key: "tls.subject", Port: 443,
		Value: "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"}},
	// The Xiongmai camera's ONVIF GetDeviceInformation, asked without
	// credentials after GetSystemDateAndTime answered.
	"xiongmai-dvr": {{Probe: "onvif", Key: "onvif.model", Port: 8899, Value: "XM530_50X50-WG_8M"}},
	// The machine-vision camera answers GigE Vision discovery only: its
	// model comes from the sweep's broadcast DISCOVERY_CMD and the
	// DISCOVERY_ACK it sends back.
	"hikrobot-camera": {{Probe: "gvcp", Key: "gvcp.model", Port: 3956, Value: "MV-CS020-10GC"}},
	// The HiSilicon-SDK camera answers only the HDS/1.0 search, on its
	// group: its product code comes from the sweep's search.
	"camhi-camera": {{Probe: "hds", Key: "hds.device_type", Port: 8002, Value: "C6F0SeZ0N0P0L0"}},
	// The TVT recorder answers only the EmbeddedNetDeviceControl search:
	// its model comes from the document it answers with (its MAC block
	// alone would name TVT, but no model).
	"tvt-nvr": {{Probe: "endc", Key: "ssdp.product_model", Port: 1900, Value: "TD-3332B4"}},
	// Four cameras answer only their makers' LAN searches, each with a real
	// recorded answer: model, maker or firmware come from the sweep's tdp,
	// moi, dhs and searchipc requests.
	"tapo-camera":      {{Probe: "tdp", Key: "tdp.device_model", Port: 20002, Value: "C200"}},
	"foscam-camera":    {{Probe: "moi", Key: "moi.protocol", Port: 10000, Value: "MO_I"}},
	"vstarcam-camera":  {{Probe: "dhs", Key: "dhs.ddns_host", Port: 8600, Value: "user2.gocam.so"}},
	"anjvision-camera": {{Probe: "searchipc", Key: "searchipc.device_module", Port: 3001, Value: "MC200D_KO_V0"}},
}

// wantEvidenceContaining is like wantEvidence for values too long to spell
// out, given by a part of them. The Hikvision web UI's root page names no
// maker: it is identified only by the page its root's script redirect leads
// to, which the sweep must follow.
var wantEvidenceContaining = map[string][]fingerprint.Evidence{
	"hikvision-nvr-web": {{Probe: "http", Key: "http.body", Port: 80,
		Value: "We're sorry but webs doesn't work properly without JavaScript enabled"}},
}

// hasEvidenceContaining is hasEvidence with want.Value a part of the value.
func hasEvidenceContaining(d fingerprint.Device, want fingerprint.Evidence) bool {
	for _, e := range d.Evidence {
		if e.Probe == want.Probe && e.Key == want.Key && strings.Contains(e.Value, want.Value) && e.Port == want.Port && e.Signature != "" {
			return true
		}
	}
	return false
}

// hasEvidence reports whether d holds evidence with want's probe, key,
// value and port that a signature matched (which one is fingerprint's to
// name).
func hasEvidence(d fingerprint.Device, want fingerprint.Evidence) bool {
	for _, e := range d.Evidence {
		if e.Probe == want.Probe && e.Key == want.Key && e.Value == want.Value && e.Port == want.Port && e.Signature != "" {
			return true
		}
	}
	return false
}

func devicesByMAC(r *report.Result) map[string]fingerprint.Device {
	out := map[string]fingerprint.Device{}
	for _, d := range r.Devices {
		out[strings.ToLower(d.MAC.String())] = d
	}
	return out
}

func hasIP(d fingerprint.Device, ip string) bool {
	for _, a := range d.IPs {
		if a.String() == ip {
			return true
		}
	}
	return false
}

// compareExpect lists every field where the report differs from what the
// profile says a correct scanner concludes. An empty expected vendor means
// the device must not be attributed to anyone; other empty fields are not
// checked (the profile makes no claim).
func compareExpect(want camsim.Expect, got fingerprint.Device) []string {
	var diffs []string
	check := func(field, want, got string) {
		if want != got {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", field, got, want))
		}
	}
	check("vendor", want.Vendor, got.Vendor)
	if want.Brand != "" {
		check("brand", want.Brand, got.Brand)
	}
	if want.Model != "" {
		check("model", want.Model, got.Model)
	}
	if want.Firmware != "" {
		check("firmware", want.Firmware, got.Firmware)
	}
	if want.Kind != "" {
		check("kind", want.Kind, string(got.Kind))
	}
	if want.Restricted != got.Restricted {
		diffs = append(diffs, fmt.Sprintf("restricted %v, want %v", got.Restricted, want.Restricted))
	}
	if want.Verdict != "" {
		check("verdict", want.Verdict, string(got.Verdict))
	}
	return diffs
}

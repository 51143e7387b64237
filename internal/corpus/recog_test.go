package corpus

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// recogFiles maps each recog database to the observation key its examples
// are values of (docs/observation-keys.md).
var recogFiles = []struct{ file, key string }{
	{"http_servers.xml", "http.server"},
	{"http_wwwauth.xml", "http.www_authenticate"},
	{"html_title.xml", "http.title"},
	{"rtsp_servers.xml", "rtsp.server"},
	{"x509_subjects.xml", "tls.subject"},
	{"favicons.xml", "http.favicon_md5"},
	{"dhcp_vendor_class.xml", "dhcp.vendor_class"},
	{"telnet_banners.xml", "telnet.banner"},
	{"snmp_sysdescr.xml", "snmp.sys_descr"},
}

// recogVendorNames spells recog vendor names the catalogue writes
// differently (compared after fingerprint.NormalizeOrg). Everything else is
// matched to a catalogue maker by its normalised name.
var recogVendorNames = map[string]string{
	"xiongmai technology":  "Xiongmai",
	"wowza media systems":  "Wowza",
	"hanwha techwin":       "Hanwha",
	"teledyne flir":        "FLIR",
	"hewlett packard":      "HP",
	"shenzhen reecam tech": "Reecam",
}

// recogEquivalents are recog vendors for which the engine may name another
// maker without contradicting recog, each with why: brands relabelling a
// catalogued maker's products, and SoC or software names recog uses where
// the engine names the firmware's maker. device, when set, limits the
// equivalence to examples whose recog device matches it. An equivalent
// counts for precision only; recall still wants recog's own maker.
var recogEquivalents = []struct {
	recog, engine string
	device        *regexp.Regexp
	why           string
}{
	{"annke", "Hikvision", nil, "Annke relabels Hikvision IP lines (vendors.yaml, weak link)"},
	{"lorex", "Dahua", nil, "Lorex was a Dahua subsidiary and its installed base runs Dahua firmware"},
	{"amcrest", "Dahua", nil, "Amcrest relabels Dahua cameras"},
	{"samsung", "Hanwha", regexp.MustCompile(`(?i)dvr|nvr|camera`), "Samsung Techwin surveillance gear is Hanwha's (renamed 2015); other Samsung devices are not"},
	{"hisilicon", "TVT", regexp.MustCompile(`DVR`), "recog names the SoC; Cross Web Server / DVR Components Download is TVT's DVR firmware (signals.md section 7, Greenbone gb_tvt_dvr_dir_trav_vuln)"},
	{"foscam", "HiSilicon", regexp.MustCompile(`(?i)camera`), "HiIpcam is HiSilicon's reference IPC SDK firmware, shipped by Foscam and many PRC clones (signals.md section 7)"},
	{"hipcam", "HiSilicon", regexp.MustCompile(`(?i)camera`), "Hipcam RealServer is HiSilicon's reference IPC SDK firmware from unnamed PRC ODMs (signals.md section 7)"},
}

// equivalent returns the maker the engine may name for a recog vendor and
// device besides recog's own, or nil.
func (p pipeline) equivalent(recogNorm, device, engineVendor string) *fingerprint.Vendor {
	for _, e := range recogEquivalents {
		if e.recog == recogNorm && e.engine == engineVendor && (e.device == nil || e.device.MatchString(device)) {
			v, _ := p.db.Catalogue.Vendor(e.engine)
			return v
		}
	}
	return nil
}

// recogSurveillance matches recog hw.device values that are video
// surveillance equipment.
var recogSurveillance = regexp.MustCompile(`(?i)camera|dvr|nvr|video recorder|video server|webcam|doorbell`)

// recogNotSurveillance matches recog devices that are plainly not video
// surveillance equipment: the engine must not give them a surveillance kind.
var recogNotSurveillance = regexp.MustCompile(`(?i)printer|multifunction|router|\bwap\b|switch|wireless controller|light bulb|phone|nas\b|storage|firewall|ups\b|pdu\b`)

// recogSurveillanceStrict matches recog devices that are surely surveillance
// equipment (recog's "DVR" is left out: it also names TV recorders such as
// TiVo and OpenTV, which the engine rightly calls iot).
var recogSurveillanceStrict = regexp.MustCompile(`(?i)ip camera|web ?cam|network camera|\bnvr\b|network video recorder`)

// recogGaps are examples of catalogued PRC makers the engine does not
// identify as that maker, each with why. A listed gap that starts passing
// fails the test, so the list cannot go stale.
var recogGaps = map[string]string{
	"http_servers.xml: Cross Web Server":                 "recog names the SoC (HiSilicon); the engine names TVT, whose DVR firmware this is (signals.md section 7). Restricted either way",
	"html_title.xml: DVR Components Download":            "same TVT DVR firmware family as Cross Web Server; recog names the SoC. Restricted either way",
	"rtsp_servers.xml: HiIpcam/V100R003 VodServer/1.0.0": "HiSilicon reference IPC firmware that Foscam also ships; the string cannot tell a Foscam from other PRC clones, so the engine names the firmware family (HiSilicon). Restricted either way",
	"telnet_banners.xml: " + "Welcome Visiting Huawei Home Gateway\r\nCopyright by Huawei Technologies Co., Ltd.\r\n\r\nLogin:\n":                                 "Huawei router login banner: the telnet corpus is added for its camera entries; routers of a maker that is not security_only are never restricted, and naming their maker is future work",
	"telnet_banners.xml: " + "Warning: Telnet is not a secure protocol, and it is recommended to use Stelnet.\r\n\r\nLogin authentication\r\n\r\n\r\nUsername:\n": "Huawei router login banner: the telnet corpus is added for its camera entries; routers of a maker that is not security_only are never restricted, and naming their maker is future work",
	"telnet_banners.xml: " + "TD-W8960N 5.0 DSL Modem Router\r\nAuthorization failed after trying 5 times!!!.\r\nPlease login after 416 seconds!":                 "TP-LINK router login banner: the telnet corpus is added for its camera entries; routers of a maker that is not security_only are never restricted, and naming their maker is future work",

	"http_servers.xml: TP-LINK HTTPD/1.0": "TP-Link's embedded web server on routers, plugs and cameras alike; the database has no signature for it (TP-Link is not security_only, so it would not be restricted without a camera kind)",
}

// recogTally counts one recog file's outcome.
type recogTally struct {
	examples, identified, restricted, agree, contradictions, kindContradictions, prc, recalled, gaps int
	// surveillance and caught count the PRC-maker examples recog calls a camera, DVR or NVR,
	// and those the engine restricts as recog's maker or a listed equivalent.
	surveillance, caught int
}

func (a *recogTally) add(b recogTally) {
	a.examples += b.examples
	a.identified += b.identified
	a.restricted += b.restricted
	a.agree += b.agree
	a.contradictions += b.contradictions
	a.kindContradictions += b.kindContradictions
	a.prc += b.prc
	a.recalled += b.recalled
	a.gaps += b.gaps
	a.surveillance += b.surveillance
	a.caught += b.caught
}

func TestRecogExamples(t *testing.T) {
	p := newPipeline(t)
	var problems []string
	seenGaps := map[string]bool{}
	var total recogTally
	for _, rf := range recogFiles {
		tally, probs := p.runRecog(t, rf.file, rf.key, seenGaps)
		problems = append(problems, probs...)
		total.add(tally)
		t.Logf("%-22s %-22s examples %4d  identified %3d  restricted %3d  agree-with-recog %3d  contradictions %d (kind %d)  PRC-maker examples %3d  recalled %3d  known gaps %d",
			rf.file, rf.key, tally.examples, tally.identified, tally.restricted, tally.agree, tally.contradictions, tally.kindContradictions, tally.prc, tally.recalled, tally.gaps)
	}
	t.Logf("all %d examples: identified %d, restricted %d, agree with recog %d, contradictions %d (kind %d), PRC-maker examples %d, recalled %d, known gaps %d",
		total.examples, total.identified, total.restricted, total.agree, total.contradictions, total.kindContradictions, total.prc, total.recalled, total.gaps)
	t.Logf("PRC-maker camera/DVR/NVR examples %d, restricted as recog's maker or a listed equivalent %d", total.surveillance, total.caught)
	if total.surveillance == 0 || float64(total.caught) < minRecall*float64(total.surveillance) {
		problems = append(problems, fmt.Sprintf("%d of %d PRC-maker camera/DVR/NVR examples caught, want >= %.0f %%", total.caught, total.surveillance, 100*minRecall))
	}
	for key, why := range recogGaps {
		if !seenGaps[key] {
			problems = append(problems, fmt.Sprintf("known gap %s (%s) is no longer a gap, or no longer in the corpus: remove it from recogGaps", key, why))
		}
	}
	sort.Strings(problems)
	for _, pr := range problems {
		t.Error(pr)
	}
}

// runRecog identifies every example of one recog file in a fresh engine each
// and returns the counts and one line per broken expectation.
func (p pipeline) runRecog(t *testing.T, file, key string, seenGaps map[string]bool) (recogTally, []string) {
	t.Helper()
	cases, err := loadRecog(testdata("corpus", "recog", file), file)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no examples", file)
	}
	var tally recogTally
	var problems []string
	for _, c := range cases {
		d := p.identify(t, observation("corpus", key, c.Value))
		tally.examples++
		if d.Vendor != "" {
			tally.identified++
		}
		if d.Restricted {
			tally.restricted++
		}
		problems = append(problems, p.checkRecogCase(key, c, d, &tally, seenGaps)...)
	}
	return tally, problems
}

// checkRecogCase returns one line per broken expectation for an example.
func (p pipeline) checkRecogCase(key string, c recogCase, d fingerprint.Device, tally *recogTally, seenGaps map[string]bool) []string {
	where := fmt.Sprintf("%s [%s] %s=%q (recog vendor %q, device %q)", c.File, c.Description, key, c.Value, c.Vendor(), c.Device())
	got := describe(d)
	problems := checkRecogKind(where, got, c.Device(), d.Kind, tally)
	recogName := c.Vendor()
	if recogName == "" {
		return problems // recog names no maker: nothing more to compare with
	}
	norm := fingerprint.NormalizeOrg(recogName)
	maker := p.catalogueMaker(recogName)
	equiv := p.equivalent(norm, c.Device(), d.Vendor)

	// Precision: the engine's maker must be recog's, or a listed equivalent.
	switch {
	case d.Vendor == "":
	case maker != nil && maker.Name == d.Vendor:
		tally.agree++
	case equiv == nil:
		tally.contradictions++
		problems = append(problems, fmt.Sprintf("contradiction: %s: got %s", where, got))
	}
	restrictedMaker := (maker != nil && maker.Restricted()) || (equiv != nil && equiv.Restricted())
	if d.Restricted && !restrictedMaker {
		problems = append(problems, fmt.Sprintf("false restriction: %s: got %s", where, got))
	}

	// Recall: a catalogued PRC maker's own example is identified as that maker.
	if maker == nil || !maker.Restricted() {
		return problems
	}
	tally.prc++
	if recogSurveillance.MatchString(c.Device()) {
		tally.surveillance++
		if d.Restricted && (d.Vendor == maker.Name || equiv != nil) {
			tally.caught++
		}
	}
	gapKey := c.File + ": " + c.Value
	ok := d.Vendor == maker.Name
	if ok && recogSurveillance.MatchString(c.Device()) && !d.Restricted {
		ok = false
	}
	if why, listed := recogGaps[gapKey]; listed {
		seenGaps[gapKey] = !ok
		if !ok {
			tally.gaps++
			return problems
		}
		return append(problems, fmt.Sprintf("listed gap now passes: %s (%s): got %s", where, why, got))
	}
	if !ok {
		return append(problems, fmt.Sprintf("missed: %s: want vendor %s%s, got %s", where, maker.Name,
			map[bool]string{true: " restricted", false: ""}[recogSurveillance.MatchString(c.Device())], got))
	}
	tally.recalled++
	return problems
}

// checkRecogKind flags a kind that contradicts recog's device: a surveillance
// kind for a printer or router, or a non-surveillance kind for an IP camera.
func checkRecogKind(where, got, device string, kind fingerprint.Kind, tally *recogTally) []string {
	if device == "" || kind == "" {
		return nil
	}
	if (kind.Surveillance() && recogNotSurveillance.MatchString(device)) ||
		(!kind.Surveillance() && recogSurveillanceStrict.MatchString(device)) {
		tally.kindContradictions++
		return []string{fmt.Sprintf("kind contradiction: %s: got %s", where, got)}
	}
	return nil
}

// catalogueMaker resolves a recog vendor name to the catalogue's maker by
// normalised whole name, or returns nil for a maker the catalogue lacks.
func (p pipeline) catalogueMaker(name string) *fingerprint.Vendor {
	norm := fingerprint.NormalizeOrg(name)
	if canonical, ok := recogVendorNames[norm]; ok {
		v, _ := p.db.Catalogue.Vendor(canonical)
		return v
	}
	for _, n := range p.db.Catalogue.VendorNames() {
		if fingerprint.NormalizeOrg(n) == norm {
			v, _ := p.db.Catalogue.Vendor(n)
			return v
		}
	}
	return nil
}

// TestRecogUnnamedMakers logs what the engine says about examples whose
// recog fingerprint names no maker, and holds the one precision rule that
// applies without one: a generic server or product string (no recog
// hardware vendor, no surveillance device) is not a restricted device.
func TestRecogUnnamedMakers(t *testing.T) {
	p := newPipeline(t)
	for _, rf := range recogFiles {
		cases, err := loadRecog(testdata("corpus", "recog", rf.file), rf.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if c.Vendor() != "" {
				continue
			}
			d := p.identify(t, observation("corpus", rf.key, c.Value))
			if d.Restricted {
				t.Errorf("false restriction without a recog maker: %s [%s] %s=%q: got %s", rf.file, c.Description, rf.key, c.Value, describe(d))
			}
			if d.Vendor != "" || d.Kind != "" {
				t.Logf("%s [%s] %q (recog device %q): %s", rf.file, c.Description, c.Value, c.Device(), describe(d))
			}
		}
	}
}

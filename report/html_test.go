package report

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/policy"
)

// hostile strings a device could send in a banner, model or hostname. If any
// of them ever ran, it would set the page title to "pwned".
var hostileValues = []string{
	`<script>document.title='pwned'</script>`,
	`<img src=x onerror="document.title='pwned'">`,
	`"><svg onload="document.title='pwned'">`,
	`</style><script>document.title='pwned'</script>`,
	"\x1b[31mred\x1b[0m\u202eevil",
}

const htmlPolicy = `
profiles: [uk-nil-2022]
sites:
  - name: hq
    sensitive: true
    zones:
      - {name: hq-core, cidrs: [10.10.10.0/24], core: true, vlans: [10]}
      - {name: hq-cctv, cidrs: [10.20.0.0/16]}
  - name: depot
    zones:
      - {name: depot-lan, cidrs: [192.168.0.0/16]}
exceptions:
  - {mac: "3c:ef:8c:18:a5:07", justification: "replacement ordered", owner: facilities, expires: 2099-01-01}
`

const (
	longScopes = "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G " +
		"onvif://www.onvif.org/Profile/T onvif://www.onvif.org/MAC/28:57:be:65:7d:d5 onvif://www.onvif.org/hardware/DS-2CD2386G2-IU " +
		"onvif://www.onvif.org/name/HIKVISION%20DS-2CD2386G2-IU onvif://www.onvif.org/location/city/hangzhou"
	longBannerHex    = "ff01000001000000000000000000e903960000007b0a2020202022416c697665496e74657276616c22203a2033302c0a20202020224368616e6e656c4e756d22"
	dlinkHeaderNames = "Content-Type,Content-Length,Connection,Expires,Cache-Control,Pragma" // the D-Link HNAP answer (scanner/service tests)
)

// htmlResult: Hikvision/Dahua identities from the realdata fixtures (ISAPI
// ipc1, DHIP notifyDevInfo, intelmq Dahua OEM rows), the IoT Sentinel D-Link
// camera, run through a real policy; one camera carries hostile strings.
func htmlResult(t testing.TB) *Result {
	t.Helper()
	at := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	basis := []string{"prc-nil", "fcc-covered", "us-entity-list", "ndaa-889"}
	ev := func(probe, key, value, sig string) fingerprint.Evidence {
		return fingerprint.Evidence{Probe: probe, Key: key, Value: value, Signature: sig}
	}
	devs := []fingerprint.Device{
		{MAC: mustMAC(t, "28:57:be:65:7d:d5"), IPs: []netip.Addr{netip.MustParseAddr("10.10.10.40")},
			MACVendor: "Hangzhou Hikvision Digital Technology Co.,Ltd.", Vendor: "Hikvision", Brand: "Hikvision",
			Model: "DS-2CD2386G2-IU", Firmware: "V5.7.18 build 240826", Kind: fingerprint.KindCamera, Confidence: 0.97,
			Restricted: true, Basis: basis, Ports: []uint16{80, 554},
			Evidence: []fingerprint.Evidence{ev("http", "http.www_authenticate", `Digest qop="auth", realm="IP Camera(C2183)"`, "hikvision.http.realm-ipcamera"),
				// Long values as devices send them: the scopes of a Hikvision
				// ProbeMatch (camsim hikvision-ipc, real form), and a binary
				// banner's hex, one unbroken word (nmap lab XML, Xiongmai).
				ev("wsd", "wsd.scopes", longScopes, "hikvision.wsd.scope-name"),
				ev("banner", "tcp.banner_hex", longBannerHex, "xiongmai.banner.port34567-login-reply-and-more-words-to-make-it-long")}},
		{MAC: mustMAC(t, "4c:11:bf:c2:0b:9d"), IPs: []netip.Addr{netip.MustParseAddr("10.20.4.9")},
			Vendor: "Dahua", Brand: "Dahua", Model: "IPC-HDW5421S", Firmware: "2.400.0.8", Serial: "1F006E4PAX00075",
			Kind: fingerprint.KindCamera, Restricted: true, Basis: basis,
			Evidence: []fingerprint.Evidence{ev("dhip", "dhip.model", "IPC-HDW5421S", "dahua.dhip.model")}},
		{MAC: mustMAC(t, "3c:ef:8c:18:a5:07"), IPs: []netip.Addr{netip.MustParseAddr("192.168.5.7")},
			Vendor: "Dahua", Model: "HCVR", Firmware: "3.210.1.4", Kind: fingerprint.KindDVR, Restricted: true, Basis: basis},
		{MAC: mustMAC(t, "b0:c5:54:25:5b:0e"), IPs: []netip.Addr{netip.MustParseAddr("10.10.10.37")},
			Vendor: "D-Link", Model: "DCS-935L", Kind: fingerprint.KindCamera,
			// No finding, so its section starts collapsed: print must open it.
			Evidence: []fingerprint.Evidence{ev("http", "http.header_names", dlinkHeaderNames, "")}},
		{MAC: mustMAC(t, "44:19:b6:00:00:66"), IPs: []netip.Addr{netip.MustParseAddr("10.10.10.66")},
			Vendor: "Hikvision", Model: hostileValues[0], Firmware: hostileValues[1], Hostname: hostileValues[2], Kind: fingerprint.KindCamera,
			Restricted: true, Basis: basis,
			Evidence: []fingerprint.Evidence{ev("http", "http.server", hostileValues[3], ""), ev("telnet", "telnet.banner", hostileValues[4], "")}},
		{IPs: []netip.Addr{netip.MustParseAddr("10.10.10.200")}},
	}
	p, err := policy.Parse("site.yaml", []byte(htmlPolicy))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Tool{Name: "camsweep", Version: "test"}, at, Source{Command: "audit", Inputs: []string{"site.pcapng"}})
	r.Fill(devs, p.Apply(devs, at), p.Zones())
	return r
}

func renderHTML(t testing.TB, r *Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	page := string(renderHTML(t, htmlResult(t)))
	// Nothing to fetch: no scripts, no external URLs in src/href, a CSP that forbids both.
	for _, bad := range []string{"<script", "<img", "<iframe", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if m := markupAttr.FindString(page); m != "" {
		t.Errorf("an element carries an event handler or external reference: %q", m)
	}
	if !strings.Contains(page, `default-src 'none'`) {
		t.Error("no Content-Security-Policy")
	}
	for _, want := range []string{
		"2 restricted device(s) on core networks: act now.",
		"&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
		"Suppressed by exception: MAC 3c:ef:8c:18:a5:07",
		"<svg", "hq-core", "V5.7.18 build 240826", "hikvision.http.realm-ipcamera",
		"1 other host(s) known only by address",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "\x1b") || strings.Contains(page, "\u202e") {
		t.Error("terminal escape or bidi override reached the page")
	}
	// Critical findings come before the device evidence on the page.
	if strings.Index(page, `id="urgent-findings"`) > strings.Index(page, `id="devices"`) {
		t.Error("urgent findings are not on top")
	}
}

// chromiumPath finds Debian's chromium; without it the browser tests skip,
// unless CAMSWEEP_REQUIRE_BROWSER=1 (CI) makes that a failure.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CAMSWEEP_REQUIRE_BROWSER") == "1" {
		t.Fatal("CAMSWEEP_REQUIRE_BROWSER=1 but no chromium found (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed")
	return ""
}

// runChromium loads a local file in headless Chromium, offline, and returns
// its stdout and stderr.
func runChromium(t *testing.T, bin, page string, extra ...string) (string, string) {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"} // anything fetched would fail loudly
	args = append(append(args, extra...), "file://"+page)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// markupAttr finds an attribute inside a real tag (text has &lt; instead of <)
// that would run code or fetch something.
var markupAttr = regexp.MustCompile(`<[a-zA-Z][^<>]*\s(on[a-z]+|src|href|xlink:href)\s*=[^<>]*>`)

var consoleLine = regexp.MustCompile(`(?m)^.*(CONSOLE|Uncaught|Refused to|net::ERR_).*$`)

func TestHTMLInHeadlessChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, renderHTML(t, htmlResult(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, logs := runChromium(t, bin, page, "--dump-dom")
	if !strings.Contains(dom, "<title>camsweep report: hq, depot</title>") {
		t.Errorf("title changed or missing: a hostile value may have run\n%.600s", dom)
	}
	if strings.Contains(dom, "pwned</title>") {
		t.Error("hostile script ran")
	}
	// The browser parsed the hostile strings as text, not as elements.
	for _, el := range []string{"<script", "<img"} {
		if strings.Contains(dom, el) {
			t.Errorf("DOM holds %q: a device value became markup", el)
		}
	}
	if m := markupAttr.FindString(dom); m != "" {
		t.Errorf("DOM element with an event handler or reference: %q", m)
	}
	for _, want := range []string{"act now.", `id="urgent-findings"`, "DS-2CD2386G2-IU", "&lt;script&gt;document.title='pwned'&lt;/script&gt;"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if bad := consoleLine.FindAllString(logs, -1); len(bad) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(bad, "\n"))
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1400,1100", "--hide-scrollbars")
	png, err := os.ReadFile(shot)
	if err != nil || len(png) < 20_000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot missing or blank: %d bytes, %v", len(png), err)
	}
	if out := os.Getenv("CAMSWEEP_HTML_SCREENSHOT"); out != "" {
		os.WriteFile(out, png, 0o644) // for a human to look at
	}
}

// layoutProbe is appended to a copy of the page (its CSP, which forbids
// scripts, removed) to measure what a reader would see: anything wider than
// the window, and any cell whose content is wider than the cell (clipped).
const layoutProbe = `<script>
(function () {
  var out = [], de = document.documentElement;
  if (OPEN) { document.querySelectorAll("details").forEach(function (d) { d.open = true; }); }
  if (de.scrollWidth > window.innerWidth + 1) { out.push("page " + de.scrollWidth + " wider than window " + window.innerWidth); }
  document.querySelectorAll("td,th,summary,dd,.card").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) { out.push("clipped " + el.tagName + " " + el.scrollWidth + ">" + el.clientWidth + ": " + el.textContent.slice(0, 50)); }
  });
  document.querySelectorAll("table").forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.right > de.clientWidth + 1) { out.push("table " + (t.id || t.className) + " ends at " + r.right); }
    if (r.height === 0) { out.push("table " + (t.id || t.className) + " not shown"); }
  });
  var p = document.createElement("pre"); p.id = "layout"; p.textContent = out.length ? out.join("\n") : "LAYOUT-OK";
  document.body.appendChild(p);
})();
</script>`

// layoutProblems loads the page in Chromium at width pixels and returns what
// layoutProbe found. print applies the print rules on screen (Chromium has
// no switch to emulate print media) and leaves collapsed sections closed, so
// they must be opened by the print rules themselves.
func layoutProblems(t *testing.T, bin string, page []byte, width int, print bool) string {
	t.Helper()
	src := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(string(page), "")
	probe := strings.Replace(layoutProbe, "OPEN", "true", 1)
	if print {
		src = strings.Replace(src, "@media print{", "@media all{", 1)
		probe = strings.Replace(layoutProbe, "OPEN", "false", 1)
	}
	src = strings.Replace(src, "</body>", probe+"</body>", 1)
	path := filepath.Join(t.TempDir(), "probe.html")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := runChromium(t, bin, path, "--dump-dom", fmt.Sprintf("--window-size=%d,1000", width), "--hide-scrollbars")
	m := regexp.MustCompile(`(?s)<pre id="layout">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the layout probe did not run:\n%.400s", dom)
	}
	return m[1]
}

// Long evidence values wrap: at 1400 px nothing is clipped or wider than the
// window, with every section open; with the print rules at A4 width (about
// 720 px between margins) every column is still there and the collapsed
// sections are open.
func TestHTMLLayoutDoesNotClip(t *testing.T) {
	bin := chromiumPath(t)
	page := renderHTML(t, htmlResult(t))
	for _, c := range []struct {
		name  string
		width int
		print bool
	}{{"screen 1400px", 1400, false}, {"screen 1024px", 1024, false}, {"print rules at A4 width", 720, true}} {
		if got := layoutProblems(t, bin, page, c.width, c.print); got != "LAYOUT-OK" {
			t.Errorf("%s:\n%s", c.name, got)
		}
	}
}

// The real print path: Chromium's print-to-PDF keeps every evidence column
// and the evidence of a device whose section is collapsed on screen.
func TestHTMLPrintKeepsColumnsAndOpensSections(t *testing.T) {
	bin := chromiumPath(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CAMSWEEP_REQUIRE_BROWSER") == "1" {
			t.Fatal("CAMSWEEP_REQUIRE_BROWSER=1 but no pdftotext (apt-get install -y poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, renderHTML(t, htmlResult(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	runChromium(t, bin, page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	out, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// pdftotext interleaves the lines of neighbouring cells and drops a
	// hyphen where a word wraps, so compare without white space or hyphens.
	squeeze := strings.NewReplacer(" ", "", "\n", "", "\f", "", "-", "").Replace
	text := squeeze(string(out))
	for _, want := range []string{
		"PROBEFIELD", "VALUESEEN", "SIGNATURE", "SETS", // every column's header
		"hikvision.http.realmipcamera", // the signature column
		"ContentType,Content",          // evidence of the collapsed D-Link section
		"Pragma",
		longBannerHex[:34], longBannerHex[len(longBannerHex)-26:], // an unbroken value wraps, start and end printed
	} {
		if !strings.Contains(text, squeeze(want)) {
			t.Errorf("printed PDF lacks %q", want)
		}
	}
	if out := os.Getenv("CAMSWEEP_HTML_PDF"); out != "" {
		b, _ := os.ReadFile(pdf)
		os.WriteFile(out, b, 0o644) // for a human to look at
	}
}

// TestHTMLFindingColumnIsTheReason: the findings' last column holds the
// finding's reason (JSON "reason", the table's REASON); headed "Why", it
// read as the table's WHY, which is a device's strongest evidence.
func TestHTMLFindingColumnIsTheReason(t *testing.T) {
	var b strings.Builder
	if err := WriteHTML(&b, sampleResult(t)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<th>Why</th>") || !strings.Contains(b.String(), "<th>Seen (UTC)</th><th>Reason</th>") {
		t.Errorf("the findings' reason column is not headed Reason")
	}
}

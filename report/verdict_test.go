package report

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/camsweep/camsweep/policy"
)

// verdictResult runs the real engine and default policy over two ARP
// bindings: the Huawei router MAC of signals.md §8 (a restricted maker that
// makes much besides cameras: review) and the Hikvision block of the agsh-onvif
// fixture (a security-only maker: restricted).
func verdictResult(t *testing.T) *Result {
	t.Helper()
	db, err := fingerprint.LoadDatabase()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := oui.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng := fingerprint.NewEngine(db, reg)
	for i, m := range []string{"30:49:9e:97:b5:d6", "28:57:be:65:7d:d5"} {
		mac := mustMAC(t, m)
		ip := netip.AddrFrom4([4]byte{198, 18, 0, byte(10 + i)})
		eng.Add(fingerprint.Observation{Probe: "arp", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
	}
	devs := eng.Devices()
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	r := New(Tool{Name: "camsweep", Version: "test"}, now, Source{Command: "sweep"})
	r.Fill(devs, policy.Default().Apply(devs, now), nil)
	return r
}

// The verdict is in every output: JSON field, CSV column, table mark and
// inventory column, HTML detail and inventory column.
func TestVerdictInEveryFormat(t *testing.T) {
	r := verdictResult(t)
	var verdicts []fingerprint.Verdict
	for _, d := range r.Devices {
		verdicts = append(verdicts, d.Verdict)
	}
	if !slices.Equal(verdicts, []fingerprint.Verdict{fingerprint.VerdictRestricted, fingerprint.VerdictReview}) {
		t.Fatalf("verdicts %v (devices %+v)", verdicts, r.Devices)
	}
	if len(r.Findings) != 2 || r.Findings[1].Verdict != fingerprint.VerdictReview || r.Findings[1].Severity != policy.SeverityReview {
		t.Fatalf("findings %+v", r.Findings)
	}
	inv := r.Inventory[0].Vendors
	if len(inv) != 2 || inv[0].Vendor != "Hikvision" || inv[0].Restricted != 1 || inv[1].Vendor != "Huawei" || inv[1].Review != 1 || inv[1].Restricted != 0 {
		t.Errorf("inventory %+v", inv)
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&js)
	if err != nil || back.Devices[1].Verdict != fingerprint.VerdictReview || back.Findings[1].Verdict != fingerprint.VerdictReview ||
		back.Inventory[0].Vendors[1].Review != 1 {
		t.Errorf("JSON round trip: %v %+v", err, back)
	}

	rows := csvRows(t, r)
	col := slices.Index(rows[0], "verdict")
	if col < 0 || rows[1][col] != "restricted" || rows[2][col] != "review" {
		t.Errorf("CSV verdict column %d: %v", col, rows)
	}

	var tb bytes.Buffer
	if err := WriteTable(&tb, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Huawei ?", "Hikvision !", "? = review", "RESTRICTED  REVIEW", "review  "} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tb.String())
		}
	}

	var h bytes.Buffer
	if err := WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<dt>Verdict</dt><dd>review (basis: prc-nil", "<th>Review</th>", "<span>? devices to review</span>"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestTableLegendSaysWhatRestrictedMeans: "! = restricted vendor" read as if
// every device of a restricted maker were marked, yet a Huawei phone is not;
// the mark is the verdict: surveillance equipment of a restricted maker.
func TestTableLegendSaysWhatRestrictedMeans(t *testing.T) {
	var b strings.Builder
	if err := WriteTableWith(&b, sampleResult(t), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  ! = restricted: surveillance equipment of a restricted maker\n") || strings.Contains(b.String(), "restricted vendor\n") {
		t.Errorf("the legend does not say what ! means:\n%s", b.String())
	}
}

// TestTableReviewLegendSaysWhatToCheck: on a terminal the window cuts a
// review finding's reason before its "Check the device ..."; the legend of
// the review mark says it, within 80 columns.
func TestTableReviewLegendSaysWhatToCheck(t *testing.T) {
	r := sampleResult(t)
	r.Devices[0].Review, r.Devices[0].Restricted, r.Devices[0].Verdict = true, false, fingerprint.VerdictReview
	out := renderTable(t, r, TableOptions{Width: 80})
	text := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(text, "? = review: restricted maker, the evidence does not show what the product is; check its label, web page or asset record: surveillance equipment is restricted, anything else gets a policy exception") {
		t.Errorf("the review legend does not say what to check:\n%s", out)
	}
}

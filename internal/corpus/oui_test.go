package corpus

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
)

// ouiRow is one real IEEE block from testdata/corpus/oui/registrants.tsv.
type ouiRow struct {
	kind, prefix, registrant string
}

// mac is the block's prefix followed by zeros and a final 1 (prefix +
// 00:00:01 for a 24-bit block): an address inside the real block, no
// invented bytes beyond it.
func (r ouiRow) mac(t *testing.T) fingerprint.MAC {
	t.Helper()
	m, err := fingerprint.ParseMAC(r.prefix + strings.Repeat("0", 11-len(r.prefix)) + "1")
	if err != nil {
		t.Fatalf("prefix %s: %v", r.prefix, err)
	}
	return m
}

func loadOUIRows(t *testing.T) []ouiRow {
	t.Helper()
	f, err := os.Open(testdata("corpus", "oui", "registrants.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []ouiRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("registrants.tsv: bad line %q", line)
		}
		rows = append(rows, ouiRow{cols[0], cols[1], cols[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// catalogueBlock is what vendors.yaml says a registrant's blocks are.
type catalogueBlock struct {
	maker *fingerprint.Vendor
	brand *fingerprint.Brand // nil for the maker's own blocks
}

// catalogueRegistrants indexes the catalogue's IEEE names by normalised name,
// read from the catalogue's fields (not through the engine's lookup).
func catalogueRegistrants(cat *fingerprint.Catalogue) map[string]catalogueBlock {
	out := map[string]catalogueBlock{}
	for _, v := range cat.Vendors {
		for _, n := range v.IEEE {
			out[fingerprint.NormalizeOrg(n)] = catalogueBlock{maker: v}
		}
		for i := range v.Brands {
			for _, n := range v.Brands[i].IEEE {
				out[fingerprint.NormalizeOrg(n)] = catalogueBlock{maker: v, brand: &v.Brands[i]}
			}
		}
	}
	return out
}

// TestOUICatalogueVendors: a MAC in a catalogued registrant's real block
// alone names the catalogue's maker (and the brand, for a brand's block) at
// low confidence and never a kind; a brand whose link is "firmware" names no
// maker. Restricted follows from the maker alone only for security_only makers.
func TestOUICatalogueVendors(t *testing.T) {
	p := newPipeline(t)
	want := catalogueRegistrants(p.db.Catalogue)
	covered := map[string]bool{}
	n := 0
	for _, r := range loadOUIRows(t) {
		if r.kind != "catalogue" {
			continue
		}
		norm := fingerprint.NormalizeOrg(r.registrant)
		block, ok := want[norm]
		if !ok {
			t.Errorf("registrants.tsv %s %q: not a registrant in vendors.yaml", r.prefix, r.registrant)
			continue
		}
		covered[norm] = true
		n++
		mac := r.mac(t)
		d := p.identify(t, fingerprint.Observation{Time: corpusTime, Probe: "arp", MAC: mac, IP: deviceIP, Key: "arp.mac", Value: mac.String()})

		wantVendor, wantBrand, notSecurity := block.maker.Name, "", false
		if block.brand != nil {
			wantBrand, notSecurity = block.brand.Name, block.brand.NotSecurity
			if block.brand.Link == fingerprint.LinkFirmware {
				wantVendor = ""
			}
		}
		wantRestricted := wantVendor != "" && block.maker.Restricted() && block.maker.SecurityOnly && !notSecurity
		var wrong []string
		if d.MACVendor != r.registrant {
			wrong = append(wrong, "mac_vendor "+q(d.MACVendor))
		}
		if d.Vendor != wantVendor || d.Brand != wantBrand {
			wrong = append(wrong, "want vendor "+q(wantVendor)+" brand "+q(wantBrand))
		}
		if d.Kind != "" {
			wrong = append(wrong, "an OUI alone set kind "+string(d.Kind))
		}
		if wantVendor != "" && (d.Confidence <= 0 || d.Confidence > 0.35) {
			wrong = append(wrong, "confidence not low")
		}
		if d.Restricted != wantRestricted {
			wrong = append(wrong, map[bool]string{true: "want restricted", false: "want not restricted"}[wantRestricted])
		}
		if len(wrong) > 0 {
			t.Errorf("%s (%s %q): %s; got %s confidence=%.2f mac_vendor=%q", mac, r.prefix, r.registrant,
				strings.Join(wrong, ", "), describe(d), d.Confidence, d.MACVendor)
		}
	}
	for norm, block := range want {
		if !covered[norm] {
			t.Errorf("vendors.yaml registrant %q (%s) has no block in testdata/corpus/oui/registrants.tsv: add one from oui-data", norm, block.maker.Name)
		}
	}
	t.Logf("%d catalogued registrants: each real block names its maker/brand, no kind", n)
}

// TestOUINearMisses: registrants that merely contain a catalogued name, and a
// phone maker's block, are not surveillance equipment of a restricted maker.
func TestOUINearMisses(t *testing.T) {
	p := newPipeline(t)
	seen := map[string]int{}
	for _, r := range loadOUIRows(t) {
		if r.kind == "catalogue" {
			continue
		}
		seen[r.kind]++
		mac := r.mac(t)
		d := p.identify(t, fingerprint.Observation{Time: corpusTime, Probe: "arp", MAC: mac, IP: deviceIP, Key: "arp.mac", Value: mac.String()})
		bad := d.Restricted || d.Kind.Surveillance() || d.MACVendor != r.registrant
		switch r.kind {
		case "near-miss":
			bad = bad || d.Vendor != "" || d.Brand != ""
		case "phone":
			bad = bad || d.Vendor != "Huawei" || d.Kind != ""
		default:
			t.Fatalf("registrants.tsv: unknown row kind %q", r.kind)
		}
		if bad {
			t.Errorf("%s %s (%s %q): want mac_vendor %q, not restricted, no surveillance kind%s; got %s mac_vendor=%q",
				r.kind, mac, r.prefix, r.registrant, r.registrant,
				map[string]string{"near-miss": ", no vendor or brand", "phone": ", vendor Huawei, no kind"}[r.kind],
				describe(d), d.MACVendor)
		}
	}
	if seen["near-miss"] != 8 || seen["phone"] != 1 {
		t.Fatalf("registrants.tsv holds %v, want 8 near-misses and 1 phone block", seen)
	}
}

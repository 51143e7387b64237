package fingerprint

import (
	"fmt"
	"sort"
	"strings"
)

// Basis is one public basis a restriction can rest on.
type Basis struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

// MakerLink says how much a brand name alone tells about the maker behind it.
type MakerLink string

const (
	// LinkFull: the brand is the maker's own or a faithful relabel; the brand
	// (or its OUI) alone names the maker.
	LinkFull MakerLink = ""
	// LinkWeak: the brand relabels the maker's products for most lines but not
	// all; the brand alone counts for the maker at half weight.
	LinkWeak MakerLink = "weak"
	// LinkFirmware: the brand alone says nothing about the maker (sold,
	// multi-sourced, or a company that makes much else); only firmware signals
	// of the maker name it.
	LinkFirmware MakerLink = "firmware"
)

// Brand is a name on the box that a maker is behind.
type Brand struct {
	Name    string    `yaml:"name"`
	Aliases []string  `yaml:"aliases"` // other spellings devices use (CPPLUS, CP_PLUS)
	IEEE    []string  `yaml:"ieee"`    // registrant names of this brand's own blocks
	Link    MakerLink `yaml:"link"`
	// NotSecurity marks a brand of a security_only maker that sells no
	// surveillance equipment (Hikrobot: machine vision): its OUI alone does not
	// make a device restricted.
	NotSecurity bool   `yaml:"not_security"`
	Note        string `yaml:"note"`

	maker *Vendor
}

// Vendor is one maker in the catalogue.
type Vendor struct {
	Name         string   `yaml:"name"`
	LegalName    string   `yaml:"legal_name"`
	Country      string   `yaml:"country"`
	SecurityOnly bool     `yaml:"security_only"`
	Basis        []string `yaml:"basis"`
	IEEE         []string `yaml:"ieee"`
	Brands       []Brand  `yaml:"brands"`
	// ModelPrefixes are letters the maker puts in front of its model names
	// in some strings and not in others (Dahua's "DH-IPC-HDW1230T2" is the
	// IPC-HDW1230T2 its own discovery reports): CanonicalModel drops them.
	ModelPrefixes []string `yaml:"model_prefixes"`
	// ModelCase says how the maker writes its model names, so that a model
	// read from a DNS name, which resolvers and logs fold to lower case
	// (ds-2cd2722fwd-izs20170321bbwr733050075.local), is given as the maker
	// names it.
	ModelCase ModelCase `yaml:"model_case"`
	Note      string    `yaml:"note"`
}

// ModelCase is how a maker writes its model names: in capitals (Upper),
// except the prefixes in Keep, written as given (Hikvision's iDS- lines).
type ModelCase struct {
	Upper bool     `yaml:"upper"`
	Keep  []string `yaml:"keep"`
}

// Restricted reports whether the catalogue lists a public basis against the maker.
func (v *Vendor) Restricted() bool { return len(v.Basis) > 0 }

// PlaceholderMAC is an address that firmware ships as a default on many units,
// so its registrant says nothing about the device (HiSilicon U-Boot's
// 00:00:23:34:45:66 is registered to ABB).
type PlaceholderMAC struct {
	MAC  string `yaml:"mac"`
	Note string `yaml:"note"`
	// Source is the public record that the address is shared.
	Source string `yaml:"source"`
}

// Catalogue is the parsed vendors.yaml.
type Catalogue struct {
	Basis        map[string]Basis `yaml:"basis"`
	Vendors      []*Vendor        `yaml:"vendors"`
	Placeholders []PlaceholderMAC `yaml:"placeholder_macs"`

	vendorByName map[string]*Vendor // canonical name → vendor
	brandByName  map[string]*Brand  // NormalizeOrg(name or alias) → brand
	orgs         map[string]OrgMatch
	placeholders map[MAC]string
}

// OrgMatch is what an IEEE registrant name tells: the maker, and the brand
// when the block belongs to a brand rather than to the maker itself.
type OrgMatch struct {
	Vendor *Vendor
	Brand  *Brand // nil for the maker's own blocks
}

// index validates the catalogue and builds its lookup tables. Errors name the
// file, the vendor and the field.
func (c *Catalogue) index(file string) error {
	c.vendorByName = map[string]*Vendor{}
	c.brandByName = map[string]*Brand{}
	c.orgs = map[string]OrgMatch{}
	c.placeholders = map[MAC]string{}
	for _, v := range c.Vendors {
		if err := c.indexVendor(file, v); err != nil {
			return err
		}
	}
	for i, p := range c.Placeholders {
		m, err := ParseMAC(p.MAC)
		if err != nil {
			return fmt.Errorf("%s: placeholder_macs[%d].mac: %v", file, i, err)
		}
		c.placeholders[m] = p.Note
	}
	return nil
}

func (c *Catalogue) indexVendor(file string, v *Vendor) error {
	where := func(field string) string { return fmt.Sprintf("%s: vendor %q: %s", file, v.Name, field) }
	if strings.TrimSpace(v.Name) == "" {
		return fmt.Errorf("%s: vendor without name", file)
	}
	if _, dup := c.vendorByName[v.Name]; dup {
		return fmt.Errorf("%s: duplicate vendor", where("name"))
	}
	c.vendorByName[v.Name] = v
	for _, b := range v.Basis {
		if _, ok := c.Basis[b]; !ok {
			return fmt.Errorf("%s: unknown basis %q", where("basis"), b)
		}
	}
	own := &Brand{Name: v.Name, maker: v}
	if err := c.addBrandName(where("name"), v.Name, own); err != nil {
		return err
	}
	for _, org := range v.IEEE {
		if err := c.addOrg(where("ieee"), org, OrgMatch{Vendor: v}); err != nil {
			return err
		}
	}
	for i := range v.Brands {
		if err := c.indexBrand(where(fmt.Sprintf("brands[%d]", i)), v, &v.Brands[i]); err != nil {
			return err
		}
	}
	return nil
}

func (c *Catalogue) indexBrand(where string, v *Vendor, b *Brand) error {
	b.maker = v
	switch b.Link {
	case LinkFull, LinkWeak, LinkFirmware:
	default:
		return fmt.Errorf("%s.link: unknown link %q (want weak or firmware)", where, b.Link)
	}
	if b.Name != v.Name {
		if err := c.addBrandName(where+".name", b.Name, b); err != nil {
			return err
		}
	}
	for _, a := range b.Aliases {
		if err := c.addBrandName(where+".aliases", a, b); err != nil {
			return err
		}
	}
	for _, org := range b.IEEE {
		if err := c.addOrg(where+".ieee", org, OrgMatch{Vendor: v, Brand: b}); err != nil {
			return err
		}
	}
	return nil
}

func (c *Catalogue) addBrandName(where, name string, b *Brand) error {
	key := NormalizeOrg(name)
	if key == "" {
		return fmt.Errorf("%s: empty name", where)
	}
	if prev, dup := c.brandByName[key]; dup && prev != b {
		return fmt.Errorf("%s: brand name %q already belongs to %s", where, name, prev.Name)
	}
	c.brandByName[key] = b
	return nil
}

func (c *Catalogue) addOrg(where, org string, m OrgMatch) error {
	key := NormalizeOrg(org)
	if key == "" {
		return fmt.Errorf("%s: empty registrant name", where)
	}
	if _, dup := c.orgs[key]; dup {
		return fmt.Errorf("%s: registrant %q listed twice", where, org)
	}
	c.orgs[key] = m
	return nil
}

// Vendor returns the catalogued maker with this canonical name.
func (c *Catalogue) Vendor(name string) (*Vendor, bool) {
	v, ok := c.vendorByName[name]
	return v, ok
}

// Brand resolves a brand name or alias (compared normalised, whole name only)
// to the catalogue's brand and its maker. A maker's own name is a brand too.
func (c *Catalogue) Brand(name string) (*Brand, bool) {
	b, ok := c.brandByName[NormalizeOrg(name)]
	return b, ok
}

// Maker returns the maker behind a brand.
func (b *Brand) Maker() *Vendor { return b.maker }

// Org resolves an IEEE registrant name (whole normalised name only).
func (c *Catalogue) Org(registrant string) (OrgMatch, bool) {
	m, ok := c.orgs[NormalizeOrg(registrant)]
	return m, ok
}

// Placeholder returns the note for a MAC that firmware ships on many units.
func (c *Catalogue) Placeholder(m MAC) (string, bool) {
	n, ok := c.placeholders[m]
	return n, ok
}

// BasisTitles returns the titles of a maker's bases, in catalogue order.
func (c *Catalogue) BasisTitles(v *Vendor) []string {
	out := make([]string, 0, len(v.Basis))
	for _, b := range v.Basis {
		out = append(out, c.Basis[b].Title)
	}
	return out
}

// VendorNames lists the catalogue's makers, sorted.
func (c *Catalogue) VendorNames() []string {
	out := make([]string, 0, len(c.vendorByName))
	for n := range c.vendorByName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

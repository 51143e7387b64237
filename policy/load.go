package policy

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/camsweep/camsweep/fingerprint"
)

// MaxFileSize bounds a policy file: a policy is written by hand, so anything
// larger is a mistake (or an attack on whoever runs the audit).
const MaxFileSize = 4 << 20

// fileDoc is the YAML document as written (docs/policy.md describes it).
type fileDoc struct {
	Version        int           `yaml:"version"`
	Profiles       []string      `yaml:"profiles"`
	CustomProfiles []profileDoc  `yaml:"custom_profiles"`
	Sites          []siteDoc     `yaml:"sites"`
	Exceptions     []exceptDoc   `yaml:"exceptions"`
	Audit          yaml.MapSlice `yaml:"audit"` // read by `camsweep audit`, not by the policy
}

type profileDoc struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Vendors     []string `yaml:"vendors"`
	Bases       []string `yaml:"bases"`
}

type siteDoc struct {
	Name      string    `yaml:"name"`
	Sensitive bool      `yaml:"sensitive"`
	Zones     []zoneDoc `yaml:"zones"`
}

type zoneDoc struct {
	Name      string   `yaml:"name"`
	CIDRs     []string `yaml:"cidrs"`
	VLANs     []int    `yaml:"vlans"`
	Core      bool     `yaml:"core"`
	Sensitive bool     `yaml:"sensitive"`
}

type exceptDoc struct {
	MAC           string `yaml:"mac"`
	Serial        string `yaml:"serial"`
	Justification string `yaml:"justification"`
	Owner         string `yaml:"owner"`
	Expires       string `yaml:"expires"`
}

// Error is a problem in a policy file, located by line and field.
type Error struct {
	File  string // path as given, "" for Parse without a name
	Line  int    // 1-based; 0 when unknown
	Field string // e.g. "sites[0].zones[1].cidrs[0]"
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Load reads and validates a policy file.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file larger than %d bytes", MaxFileSize)}
	}
	return Parse(path, data)
}

// Parse validates a policy document; name is used in error messages.
func Parse(name string, data []byte) (*Policy, error) {
	var doc fileDoc
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.Strict()); err != nil {
		return nil, yamlError(name, err)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	v := &validator{name: name, file: file}
	p := v.build(&doc)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return p, nil
}

// yamlError turns a go-yaml error into an Error with its line.
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: name, Msg: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line = tk.Position.Line
		}
		return e
	}
	return &Error{File: name, Msg: err.Error()}
}

// validator collects every error rather than stopping at the first, so a
// user fixes a file in one pass.
type validator struct {
	name string
	file *ast.File
	errs Errors
}

// fail records an error at field, a path like "sites[0].zones[1].name".
func (v *validator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.name, Line: v.lineOf(field), Field: field, Msg: fmt.Sprintf(format, args...)})
}

// lineOf finds the line of a field, or of its nearest parent present in the file.
func (v *validator) lineOf(field string) int {
	for f := field; f != ""; f = parentField(f) {
		p, err := yaml.PathString("$." + f)
		if err != nil {
			continue
		}
		n, err := p.FilterFile(v.file)
		if err != nil || n == nil {
			continue
		}
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	return 0
}

func parentField(f string) string {
	i := strings.LastIndexAny(f, ".[")
	if i <= 0 {
		return ""
	}
	return f[:i]
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$`)

func (v *validator) build(doc *fileDoc) *Policy {
	if doc.Version != 0 && doc.Version != 1 {
		v.fail("version", "unsupported version %d (this camsweep reads version 1)", doc.Version)
	}
	p := &Policy{}
	p.profiles = v.profiles(doc)
	p.anyBasis = len(doc.Profiles) == 0 && len(doc.CustomProfiles) == 0
	p.sites, p.zones = v.sites(doc.Sites)
	p.exceptions = v.exceptions(doc.Exceptions)
	return p
}

func (v *validator) profiles(doc *fileDoc) []Profile {
	custom := map[string]Profile{}
	for i, c := range doc.CustomProfiles {
		field := fmt.Sprintf("custom_profiles[%d]", i)
		if !nameRE.MatchString(c.Name) {
			v.fail(field+".name", "profile name %q must be 1-64 letters, digits, space, '.', '_' or '-'", c.Name)
		}
		if _, ok := builtinProfile(c.Name); ok {
			v.fail(field+".name", "%q is a built-in profile; choose another name", c.Name)
		}
		if _, dup := custom[c.Name]; dup {
			v.fail(field+".name", "duplicate profile %q", c.Name)
		}
		if len(c.Vendors) == 0 && len(c.Bases) == 0 {
			v.fail(field, "profile %q lists neither vendors nor bases", c.Name)
		}
		for j, vn := range c.Vendors {
			if strings.TrimSpace(vn) == "" {
				v.fail(fmt.Sprintf("%s.vendors[%d]", field, j), "empty vendor name")
			}
		}
		for j, b := range c.Bases {
			if _, ok := basisTitles[b]; !ok {
				v.fail(fmt.Sprintf("%s.bases[%d]", field, j), "unknown basis %q (want prc-nil, fcc-covered, us-entity-list or ndaa-889)", b)
			}
		}
		custom[c.Name] = Profile{Name: c.Name, Description: c.Description, Vendors: c.Vendors, Bases: c.Bases}
	}
	var out []Profile
	seen := map[string]bool{}
	for i, name := range doc.Profiles {
		field := fmt.Sprintf("profiles[%d]", i)
		if seen[name] {
			v.fail(field, "profile %q named twice", name)
			continue
		}
		seen[name] = true
		if pr, ok := builtinProfile(name); ok {
			out = append(out, pr)
		} else if pr, ok := custom[name]; ok {
			out = append(out, pr)
		} else {
			v.fail(field, "unknown profile %q (built in: %s, %s; or define it under custom_profiles)", name, ProfileUKNIL2022, ProfileUSNDAA889)
		}
	}
	// A custom profile defined but not named in profiles still applies:
	// defining it is the user's intent.
	for _, c := range doc.CustomProfiles {
		if !seen[c.Name] {
			out = append(out, custom[c.Name])
		}
	}
	return out
}

func (v *validator) sites(docs []siteDoc) ([]site, []zone) {
	var sites []site
	var zones []zone
	siteNames, zoneNames := map[string]bool{}, map[string]bool{}
	for i, s := range docs {
		field := fmt.Sprintf("sites[%d]", i)
		if !nameRE.MatchString(s.Name) {
			v.fail(field+".name", "site name %q must be 1-64 letters, digits, space, '.', '_' or '-'", s.Name)
		} else if siteNames[s.Name] {
			v.fail(field+".name", "duplicate site %q", s.Name)
		}
		siteNames[s.Name] = true
		sites = append(sites, site{name: s.Name, sensitive: s.Sensitive})
		for j, zd := range s.Zones {
			zf := fmt.Sprintf("%s.zones[%d]", field, j)
			if !nameRE.MatchString(zd.Name) {
				v.fail(zf+".name", "zone name %q must be 1-64 letters, digits, space, '.', '_' or '-'", zd.Name)
			} else if zoneNames[zd.Name] {
				v.fail(zf+".name", "duplicate zone %q (zone names are unique across sites)", zd.Name)
			}
			zoneNames[zd.Name] = true
			zones = append(zones, v.zone(zf, s, zd))
		}
	}
	return sites, zones
}

func (v *validator) zone(field string, s siteDoc, zd zoneDoc) zone {
	z := zone{ZoneInfo: ZoneInfo{
		Name: zd.Name, Site: s.Name, CIDRs: zd.CIDRs, VLANs: zd.VLANs,
		Core: zd.Core, Sensitive: zd.Sensitive || s.Sensitive,
	}}
	if len(zd.CIDRs) == 0 && len(zd.VLANs) == 0 {
		v.fail(field, "zone %q has neither cidrs nor vlans", zd.Name)
	}
	for k, c := range zd.CIDRs {
		pfx, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			v.fail(fmt.Sprintf("%s.cidrs[%d]", field, k), "invalid CIDR %q (want e.g. 10.10.10.0/24)", c)
			continue
		}
		if pfx != pfx.Masked() {
			v.fail(fmt.Sprintf("%s.cidrs[%d]", field, k), "CIDR %q has host bits set (did you mean %s?)", c, pfx.Masked())
			continue
		}
		z.prefixes = append(z.prefixes, pfx)
	}
	for k, id := range zd.VLANs {
		if id < 1 || id > 4094 {
			v.fail(fmt.Sprintf("%s.vlans[%d]", field, k), "VLAN id %d out of range 1-4094", id)
		}
	}
	return z
}

func (v *validator) exceptions(docs []exceptDoc) []Exception {
	var out []Exception
	for i, d := range docs {
		field := fmt.Sprintf("exceptions[%d]", i)
		e := Exception{Serial: strings.TrimSpace(d.Serial), Justification: strings.TrimSpace(d.Justification), Owner: strings.TrimSpace(d.Owner)}
		if d.MAC != "" {
			m, err := fingerprint.ParseMAC(d.MAC)
			if err != nil {
				v.fail(field+".mac", "invalid MAC %q", d.MAC)
			}
			e.MAC = m
		}
		if d.MAC == "" && e.Serial == "" {
			v.fail(field, "an exception names a device by mac or serial")
		}
		if e.Justification == "" {
			v.fail(field+".justification", "missing: say why the device may stay")
		}
		if e.Owner == "" {
			v.fail(field+".owner", "missing: who accepted the risk")
		}
		exp, err := time.Parse(time.DateOnly, strings.TrimSpace(d.Expires))
		if err != nil {
			v.fail(field+".expires", "expiry %q is not a date YYYY-MM-DD (every exception expires)", d.Expires)
		}
		e.Expires = exp
		out = append(out, e)
	}
	return out
}

//go:build linux

package camsim

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// Profile describes one simulated device.
type Profile struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	MAC         string            `yaml:"mac"`    // the host's MAC, from the maker's OUI
	Expect      Expect            `yaml:"expect"` // what a correct scanner concludes; camsim never reads it
	Vars        map[string]string `yaml:"vars"`   // {{NAME}} substitutions in responses
	Services    []Service         `yaml:"services"`
}

// Expect is the identification a sweep of this device should produce, for
// end-to-end tests. It is documentation for the test, not input to camsim.
type Expect struct {
	Vendor     string `yaml:"vendor"` // "" = must not be attributed to any vendor
	Brand      string `yaml:"brand"`
	Family     string `yaml:"family"`
	Model      string `yaml:"model"`
	Firmware   string `yaml:"firmware"`
	Kind       string `yaml:"kind"`
	Restricted bool   `yaml:"restricted"` // made by a vendor the policies restrict
	Verdict    string `yaml:"verdict"`    // restricted, review or clear ("": not checked)
	Hostile    bool   `yaml:"hostile"`
}

// Service is one protocol server of a device.
type Service struct {
	// Proto is one of: sadp, wsd, dhip, xmsearch, gvcp, hds, endc, tdp, moi,
	// dhs, searchipc, mdns (UDP discovery);
	// http, https, rtsp, banner, reply, open, trickle, flood (TCP).
	Proto string `yaml:"proto"`
	Port  int    `yaml:"port"` // TCP port, or UDP port override
	// Response is the response file (relative to the profile file) for
	// protocols with a single answer.
	Response string `yaml:"response"`
	// Routes maps an HTTP path to a response file; "*" answers every other path.
	Routes map[string]string `yaml:"routes"`
	// Pages maps an HTTP path to a recorded page body (an HTML page, a
	// script, an icon, as a device's web root holds it). camsim answers it
	// 200 with the body byte for byte: no template expansion, no Server
	// header, Content-Type from the file's extension. A path in Routes
	// wins; Routes["*"] answers what neither names.
	Pages map[string]string `yaml:"pages"`
	// SOAP maps an ONVIF operation (the Body's first element, such as
	// GetDeviceInformation) to the response file an http service answers a
	// POST carrying it with, whatever the path; other requests go by Routes.
	SOAP map[string]string `yaml:"soap"`
	// Subject is the certificate subject of an https service (required
	// there, refused elsewhere).
	Subject *Subject `yaml:"subject"`
	// Methods maps an RTSP method to a response file; "*" answers the others.
	Methods map[string]string `yaml:"methods"`
	// ReplyTo is "sender" (default: unicast to the prober) or "group"
	// (multicast to the discovery group, as Hikvision SADP does).
	ReplyTo string `yaml:"reply_to"`
	// MDNS describes the DNS-SD service an mdns responder announces.
	MDNS *MDNSService `yaml:"mdns"`
	// CSeqAbsent says what an RTSP reply carries when the request had no
	// CSeq: "keep" (default) sends the recorded one, "omit" drops the line
	// (servers differ; nmap's H264DVR match shows the line missing).
	CSeqAbsent string `yaml:"cseq_absent"`
	// IntervalMS paces trickle: milliseconds per byte (default 1000).
	IntervalMS int `yaml:"interval_ms"`

	files map[string][]byte // loaded response files, by name
}

// MDNSService is one DNS-SD service instance.
type MDNSService struct {
	Type     string   `yaml:"type"`     // e.g. "_CGI._tcp"
	Instance string   `yaml:"instance"` // instance label, may hold {{VARS}}
	Target   string   `yaml:"target"`   // SRV target host label, without ".local"
	Port     int      `yaml:"port"`
	TXT      []string `yaml:"txt"`
}

// Subject is a certificate subject, by the attributes' short names as a
// distinguished name spells them (recog's x509_subjects.xml, OpenSSL). An
// https service gets a self-signed certificate with this subject, and
// issuer, made when the device starts: a device's key cannot be recorded.
// Values may hold {{VARS}} (Axis puts its MAC in the CN).
type Subject struct {
	CN string `yaml:"CN"` // commonName
	OU string `yaml:"OU"` // organizationalUnitName
	O  string `yaml:"O"`  // organizationName
	L  string `yaml:"L"`  // localityName
	ST string `yaml:"ST"` // stateOrProvinceName
	C  string `yaml:"C"`  // countryName: two letters
}

var udpProtos = []string{"sadp", "wsd", "dhip", "xmsearch", "gvcp", "hds", "endc", "tdp", "moi", "dhs", "searchipc", "mdns"}
var tcpProtos = []string{"http", "https", "rtsp", "banner", "reply", "open", "trickle", "flood"}

// maxResponseFile bounds a response file: recorded answers are small, and
// endless streams are made by repeating, not by storing.
const maxResponseFile = 1 << 20

// LoadProfiles reads every *.yaml profile in dir of fsys, with the response
// files they name (paths relative to the profile).
func LoadProfiles(fsys fs.FS, dir string) ([]Profile, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("camsim: no profiles in %s", dir)
	}
	slices.Sort(names)
	var out []Profile
	for _, name := range names {
		p, err := LoadProfile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// LoadProfile reads one profile file and its response files.
func LoadProfile(fsys fs.FS, file string) (Profile, error) {
	var p Profile
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return p, err
	}
	if err := yaml.UnmarshalWithOptions(raw, &p, yaml.Strict()); err != nil {
		return p, fmt.Errorf("camsim: %s: %w", file, err)
	}
	if err := p.validate(); err != nil {
		return p, fmt.Errorf("camsim: %s: %w", file, err)
	}
	dir := path.Dir(file)
	for i := range p.Services {
		if err := p.Services[i].load(fsys, dir); err != nil {
			return p, fmt.Errorf("camsim: %s: %s: %w", file, p.Services[i].Proto, err)
		}
	}
	return p, nil
}

func (p *Profile) validate() error {
	if p.Name == "" {
		return errors.New("profile without name")
	}
	if _, err := net.ParseMAC(p.MAC); err != nil {
		return fmt.Errorf("mac: %w", err)
	}
	for _, s := range p.Services {
		tcp := slices.Contains(tcpProtos, s.Proto)
		if !tcp && !slices.Contains(udpProtos, s.Proto) {
			return fmt.Errorf("unknown proto %q", s.Proto)
		}
		if tcp && (s.Port <= 0 || s.Port > 65535) {
			return fmt.Errorf("%s needs a port", s.Proto)
		}
		if s.ReplyTo != "" && s.ReplyTo != "sender" && s.ReplyTo != "group" {
			return fmt.Errorf("%s: reply_to %q", s.Proto, s.ReplyTo)
		}
		if s.CSeqAbsent != "" && s.CSeqAbsent != "keep" && s.CSeqAbsent != "omit" {
			return fmt.Errorf("%s: cseq_absent %q", s.Proto, s.CSeqAbsent)
		}
		if len(s.Pages) > 0 && s.Proto != "http" && s.Proto != "https" {
			return fmt.Errorf("%s: pages are only for http and https", s.Proto)
		}
		if s.Proto == "mdns" && s.MDNS == nil {
			return errors.New("mdns needs an mdns block")
		}
		if err := s.Subject.validate(s.Proto); err != nil {
			return err
		}
	}
	return nil
}

// validate checks the subject of a service of proto (s is nil when the
// profile gives none).
func (s *Subject) validate(proto string) error {
	switch {
	case proto != "https" && s != nil:
		return fmt.Errorf("%s: subject is only for https", proto)
	case proto != "https":
		return nil
	case s == nil:
		return errors.New("https needs a subject, the certificate's: subject: {CN: ..., O: ..., C: ...}")
	case *s == Subject{}:
		return errors.New("https: subject has no attribute")
	case s.C != "" && !countryCode.MatchString(s.C):
		return fmt.Errorf("https: subject C %q is not a two-letter country code", s.C)
	}
	return nil
}

// countryCode is what X.520 allows in countryName (ISO 3166 alpha-2).
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// load reads the files a service names.
func (s *Service) load(fsys fs.FS, dir string) error {
	s.files = map[string][]byte{}
	names := []string{s.Response}
	for _, f := range s.Routes {
		names = append(names, f)
	}
	for _, f := range s.Pages {
		names = append(names, f)
	}
	for _, f := range s.Methods {
		names = append(names, f)
	}
	for _, f := range s.SOAP {
		names = append(names, f)
	}
	for _, name := range names {
		if name == "" || s.files[name] != nil {
			continue
		}
		b, err := readBounded(fsys, path.Join(dir, name))
		if err != nil {
			return err
		}
		s.files[name] = b
	}
	return nil
}

func readBounded(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxResponseFile {
		return nil, fmt.Errorf("%s: %d bytes, limit %d", name, info.Size(), maxResponseFile)
	}
	return fs.ReadFile(fsys, name)
}

// File returns a loaded response file by the name the profile gave it.
func (s *Service) File(name string) []byte { return s.files[name] }

// Service returns the first service with the given proto (and port, if
// port is not 0).
func (p *Profile) Service(proto string, port int) (*Service, bool) {
	for i := range p.Services {
		s := &p.Services[i]
		if s.Proto == proto && (port == 0 || s.Port == port) {
			return s, true
		}
	}
	return nil, false
}

// expand substitutes {{NAME}} placeholders from vars. Unknown placeholders
// stay as they are, so a typo shows up in the output instead of vanishing.
func expand(b []byte, vars map[string]string) []byte {
	if !strings.Contains(string(b), "{{") {
		return b
	}
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(b)))
}

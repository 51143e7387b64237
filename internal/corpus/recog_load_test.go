package corpus

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// recogFile is one Rapid7 recog fingerprint database (xml/*.xml upstream).
type recogFile struct {
	Matches      string             `xml:"matches,attr"`
	Fingerprints []recogFingerprint `xml:"fingerprint"`
}

type recogFingerprint struct {
	Pattern     string         `xml:"pattern,attr"`
	Description string         `xml:"description"`
	Examples    []recogExample `xml:"example"`
	Params      []recogParam   `xml:"param"`
}

type recogExample struct {
	Text  string     `xml:",chardata"`
	Attrs []xml.Attr `xml:",any,attr"`
}

type recogParam struct {
	Pos   string `xml:"pos,attr"`
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// recogCase is one example with what recog itself says about it.
type recogCase struct {
	File        string
	Description string
	Value       string
	Params      map[string]string // hw.vendor, hw.device, service.vendor, ...
	// Captured names the params read from the example itself (a pattern
	// position or the example's attribute), not fixed by the fingerprint.
	Captured map[string]bool
}

// loadRecog reads a recog database and returns one case per example. A
// param's value is the fingerprint's fixed value (pos 0) or the example's
// attribute of the same name (captured values); {name} interpolations are
// resolved from the other params.
func loadRecog(path, file string) ([]recogCase, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseRecog(raw, file)
}

// parseRecog parses one recog database's XML.
func parseRecog(raw []byte, file string) ([]recogCase, error) {
	var db recogFile
	if err := xml.Unmarshal(raw, &db); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out []recogCase
	for _, fp := range db.Fingerprints {
		for _, ex := range fp.Examples {
			c, err := recogExampleCase(file, fp, ex)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func recogExampleCase(file string, fp recogFingerprint, ex recogExample) (recogCase, error) {
	// Decoders trim values (docs/observation-keys.md), so the engine sees them trimmed.
	c := recogCase{File: file, Description: strings.TrimSpace(fp.Description), Value: strings.TrimSpace(ex.Text), Params: map[string]string{}, Captured: map[string]bool{}}
	attrs := map[string]string{}
	for _, a := range ex.Attrs {
		attrs[a.Name.Local] = a.Value
	}
	switch attrs["_encoding"] {
	case "":
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(ex.Text), "")) // recog wraps long base64 examples
		if err != nil {
			return c, fmt.Errorf("%s: example %q: %w", file, ex.Text, err)
		}
		c.Value = string(b)
	default:
		return c, fmt.Errorf("%s: example %q: unknown encoding %q", file, ex.Text, attrs["_encoding"])
	}
	for _, p := range fp.Params {
		if pos, _ := strconv.Atoi(p.Pos); pos == 0 {
			c.Params[p.Name] = p.Value
		} else if v, ok := attrs[p.Name]; ok {
			c.Params[p.Name] = v
			c.Captured[p.Name] = true
		}
	}
	for name, v := range attrs {
		if !strings.HasPrefix(name, "_") {
			c.Params[name] = v
			c.Captured[name] = true
		}
	}
	for name, v := range c.Params {
		c.Params[name] = interpolate(v, c.Params)
	}
	return c, nil
}

// interpolate resolves recog's {param.name} references; an unresolved one
// becomes empty (recog leaves such a value unknown).
func interpolate(v string, params map[string]string) string {
	for strings.Contains(v, "{") {
		i := strings.Index(v, "{")
		j := strings.Index(v[i:], "}")
		if j < 0 {
			return v
		}
		ref := params[v[i+1:i+j]]
		if strings.Contains(ref, "{") {
			ref = ""
		}
		v = v[:i] + ref + v[i+j+1:]
	}
	return v
}

// Vendor is recog's maker for the example: the hardware vendor, else the
// operating system's, else the service's.
func (c recogCase) Vendor() string {
	for _, k := range []string{"hw.vendor", "os.vendor", "service.vendor"} {
		if v := strings.TrimSpace(c.Params[k]); v != "" {
			return v
		}
	}
	return ""
}

// Device is what recog says the hardware is (hw.device, else os.device).
func (c recogCase) Device() string {
	if v := c.Params["hw.device"]; v != "" {
		return v
	}
	return c.Params["os.device"]
}

// capturedModel is the model recog reads from the example itself (hw.model,
// else hw.product), or "" when recog fixes it or names none.
func (c recogCase) capturedModel() string {
	for _, k := range []string{"hw.model", "hw.product"} {
		if v := strings.TrimSpace(c.Params[k]); v != "" && c.Captured[k] {
			return v
		}
	}
	return ""
}

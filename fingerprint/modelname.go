package fingerprint

import "strings"

// maxBrandWords bounds the words a brand name in front of a model may have
// ("HIKVISION", "CP PLUS", "Dahua Technology").
const maxBrandWords = 3

// CanonicalModel returns a model string as the maker names the model: white
// space folded, an escaped space decoded (an ONVIF name scope sends
// "HIKVISION%20DS-2CD2146G2-ISU"), and any name of the maker or of one of its
// brands in front removed ("HIKVISION DS-2CD2146G2-ISU" is DS-2CD2146G2-ISU),
// then a model prefix the catalogue lists for the maker (Dahua's "DH-").
// Which words are names is data (vendors.yaml); a model that would be left
// empty is kept as it is.
func (c *Catalogue) CanonicalModel(vendor, model string) string {
	// Only an escaped space is decoded: other escapes are rare in model
	// names, and decoding them could make a name of what was none.
	model = strings.Join(strings.Fields(strings.ReplaceAll(model, "%20", " ")), " ")
	maker, ok := c.Vendor(vendor)
	if !ok || model == "" {
		return model
	}
	model = c.trimMakerName(maker, model)
	for _, p := range maker.ModelPrefixes {
		rest, cut := cutPrefixFold(model, p)
		if cut && rest != "" && isModelStart(rest[0]) {
			return rest
		}
	}
	return model
}

// trimMakerName removes the maker's or one of its brands' names from the
// front of a model, when a model follows.
func (c *Catalogue) trimMakerName(maker *Vendor, model string) string {
	words := strings.Fields(model)
	for n := min(maxBrandWords, len(words)-1); n >= 1; n-- {
		name := strings.Join(words[:n], " ")
		if c.namesMaker(maker, name) && isModelStart(words[n][0]) {
			return strings.Join(words[n:], " ")
		}
	}
	return model
}

// namesMaker reports whether name is the maker's own name or a brand of it.
func (c *Catalogue) namesMaker(maker *Vendor, name string) bool {
	if NormalizeOrg(name) == NormalizeOrg(maker.Name) {
		return true
	}
	b, ok := c.Brand(name)
	return ok && b.maker == maker
}

// isModelStart: a model begins with a letter or digit, never with
// punctuation left over from a name ("HIKVISION - 1234").
func isModelStart(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

package fingerprint

import "strings"

// maxBrandWords bounds the words a brand name in front of a model may have
// ("HIKVISION", "CP PLUS", "Dahua Technology").
const maxBrandWords = 3

// CanonicalModel returns a model string as the maker names the model: white
// space folded, an escaped space decoded (an ONVIF name scope sends
// "HIKVISION%20DS-2CD2146G2-ISU"), and any name of the maker or of one of its
// brands in front removed ("HIKVISION DS-2CD2146G2-ISU" is DS-2CD2146G2-ISU),
// then a model prefix the catalogue lists for the maker (Dahua's "DH-"),
// and a model with no capital letter written in the maker's case (a DNS
// name's model comes lower-cased). Which words are names, and the case, are
// data (vendors.yaml); a model that would be left empty is kept as it is.
func (c *Catalogue) CanonicalModel(vendor, model string) string {
	// Only an escaped space is decoded: other escapes are rare in model
	// names, and decoding them could make a name of what was none.
	model = strings.Join(strings.Fields(strings.ReplaceAll(model, "%20", " ")), " ")
	maker, ok := c.Vendor(vendor)
	if !ok || model == "" {
		return model
	}
	model = maker.ModelCase.apply(c.trimMakerName(maker, model))
	for _, p := range maker.ModelPrefixes {
		rest, cut := cutPrefixFold(model, p)
		if cut && rest != "" && isModelStart(rest[0]) {
			return rest
		}
	}
	return model
}

// apply writes a model that has no capital letter (a case-folded copy) in
// the maker's case; a model with one is as the device sent it.
func (mc ModelCase) apply(model string) string {
	if !mc.Upper || strings.ToLower(model) != model {
		return model
	}
	upper := strings.ToUpper(model)
	for _, p := range mc.Keep {
		if rest, ok := cutPrefixFold(upper, p); ok {
			return p + rest
		}
	}
	return upper
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

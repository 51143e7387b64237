package corpus

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseRecog: the recog loader never panics or loops on any XML, and
// every case it returns has its {param} references resolved.
func FuzzParseRecog(f *testing.F) {
	seed, err := os.ReadFile(testdata("corpus", "recog", "rtsp_servers.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`<fingerprints><fingerprint pattern="x"><example a.b="{a.b}">v</example><param pos="0" name="hw.vendor" value="{hw.vendor}{"/></fingerprint></fingerprints>`))
	f.Add([]byte(`<fingerprints><fingerprint><example _encoding="base64">dg==</example></fingerprint></fingerprints>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cases, err := parseRecog(raw, "fuzz.xml")
		if err != nil {
			return
		}
		for _, c := range cases {
			for name, v := range c.Params {
				if strings.Contains(v, "{") && strings.Contains(v[strings.Index(v, "{"):], "}") {
					t.Fatalf("param %s=%q keeps a {reference}", name, v)
				}
			}
		}
	})
}

package policy

import (
	"os"
	"testing"
	"time"
)

// FuzzParse: a broken policy file must give an error, never a panic, and a
// policy that parses must apply without panicking.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../examples/site.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(testPolicy))
	f.Add([]byte("sites:\n  - name: hq\n    zones:\n      - name: core\n        cidrs: [10.0.0/24]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		p.Apply(testDevices(), time.Now())
		_ = p.Zones()
	})
}

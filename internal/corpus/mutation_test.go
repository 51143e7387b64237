package corpus

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/camsweep/camsweep/fingerprint"
)

// TestCorpusCatchesBrokenSignature proves the recog corpus can fail: with
// one Hikvision signature rewritten to name Dahua (a copy of the real
// database, changed in memory), the realm="hikvision" example must be
// reported both as a contradiction and as a miss.
func TestCorpusCatchesBrokenSignature(t *testing.T) {
	p := newPipeline(t)
	files := fstest.MapFS{}
	src := os.DirFS("../../fingerprint/data")
	err := fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, path)
		files["data/"+path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const id = "id: hikvision.http.realm-hikvision\n"
	hik := string(files["data/signatures/hikvision.yaml"].Data)
	i := strings.Index(hik, id)
	if i < 0 {
		t.Fatalf("hikvision.yaml has no %q: pick another signature to break", strings.TrimSpace(id))
	}
	j := strings.Index(hik[i:], `vendor: "Hikvision"`)
	if j < 0 {
		t.Fatalf("signature %q sets no vendor Hikvision", strings.TrimSpace(id))
	}
	broken := hik[:i+j] + `vendor: "Dahua"` + hik[i+j+len(`vendor: "Hikvision"`):]
	files["data/signatures/hikvision.yaml"] = &fstest.MapFile{Data: []byte(broken)}
	db, err := fingerprint.LoadDatabaseFS(files, "data")
	if err != nil {
		t.Fatal(err)
	}
	mutated := pipeline{db: db, reg: p.reg}
	_, problems := mutated.runRecog(t, "http_wwwauth.xml", "http.www_authenticate", map[string]bool{})
	var contradiction, missed bool
	for _, pr := range problems {
		if strings.Contains(pr, `realm=\"hikvision\"`) {
			contradiction = contradiction || strings.HasPrefix(pr, "contradiction:")
			missed = missed || strings.HasPrefix(pr, "missed:")
		}
	}
	if !contradiction || !missed {
		t.Fatalf("broken signature not caught (contradiction %v, missed %v); problems:\n%s", contradiction, missed, strings.Join(problems, "\n"))
	}
}

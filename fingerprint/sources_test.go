package fingerprint

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// privateCitations are references to material that ships outside the
// repository (the project's research notes and the shared workspace): a
// reader of the database cannot follow them, so a note must name the public
// source instead.
var privateCitations = []string{"signals.md", "peers.md", "shared/",
	// realdata origins kept only in the research workspace, cited by folder name:
	// cite the public repository instead (agsh/onvif). A folder copied into
	// testdata/realdata (besder-xiongmai) is cited as realdata/<folder>.
	"agsh-onvif"}

// realdataRef finds a named realdata folder ("realdata/<origin>").
var realdataRef = regexp.MustCompile(`realdata/([A-Za-z0-9_.-]+)`)

// TestSourcesArePublic: every signature's source note, and every comment or
// note in the data files, cites something a reader can follow: no private
// research note, no path outside the repository, and a realdata folder only if
// it exists under testdata/realdata.
func TestSourcesArePublic(t *testing.T) {
	db, err := LoadDatabase()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range db.Signatures {
		for _, p := range citationProblems(s.Source) {
			t.Errorf("%s: signature %s: source %s", s.File, s.ID, p)
		}
	}
	files, err := fs.Glob(embedded, "data/signatures/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, "data/vendors.yaml") {
		checkDataFileCitations(t, f)
	}
}

// checkDataFileCitations reads a data file line by line, so comments and
// vendor notes are checked too, and names the line and the signature it is in.
func checkDataFileCitations(t *testing.T, name string) {
	t.Helper()
	f, err := embedded.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	id := "(file header)"
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(text), "- id:"); ok {
			id = strings.TrimSpace(rest)
		}
		for _, p := range citationProblems(text) {
			t.Errorf("%s:%d (in %s): %s", name, line, id, p)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// citationProblems lists what in a note cannot be followed from the repository.
func citationProblems(note string) []string {
	var problems []string
	for _, c := range privateCitations {
		if strings.Contains(note, c) {
			problems = append(problems, "cites "+c+", which is not in the repository: cite the public source")
		}
	}
	for _, m := range realdataRef.FindAllStringSubmatch(note, -1) {
		if _, err := os.Stat(path.Join("..", "testdata", "realdata", m[1])); err != nil {
			problems = append(problems, "cites realdata/"+m[1]+", which is not under testdata/realdata: cite its public origin")
		}
	}
	return problems
}

// TestCitationProblemsCatchesPrivateSources: the check itself must fail on
// each kind of private citation and pass on public ones.
func TestCitationProblemsCatchesPrivateSources(t *testing.T) {
	for _, bad := range []string{"captures (signals.md §2)", "see peers.md", "/work/shared/realdata/x",
		"testdata/realdata/satori/dhcp.xml", "agsh-onvif README"} {
		if len(citationProblems(bad)) == 0 {
			t.Errorf("no problem found in %q", bad)
		}
	}
	for _, good := range []string{"rapid7/recog xml/http_servers.xml; nmap-service-probes L9906",
		"testdata/realdata/hikvision_next/ipc1.xml", "(real DHIP answers; testdata/realdata)"} {
		if p := citationProblems(good); len(p) != 0 {
			t.Errorf("%q: unexpected problems %v", good, p)
		}
	}
}

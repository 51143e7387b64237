//go:build linux

package labtest

import (
	"context"
	"maps"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
)

// masscanTestdata holds what real masscan wrote about the camsim devices, in
// each of its text formats; the importer tests read it and this file's test
// regenerates it (CAMSWEEP_UPDATE_MASSCAN=1) and checks it.
const masscanTestdata = "../../testdata/import/masscan/"

// masscanPorts are the TCP ports the camsim profiles serve.
const masscanPorts = "21,22,23,80,443,554,8000,8080,34567,37777"

// masscanFormats are masscan's text output formats, by file name.
var masscanFormats = map[string]string{"camsim-lab.json": "-oJ", "camsim-lab.list": "-oL", "camsim-lab.xml": "-oX",
	"camsim-lab.ndjson": "-oD", "camsim-lab.grep": "-oG"}

// masscanLab puts the TCP-serving camsim devices on a segment behind the
// lab's router: masscan sends every frame to its router's MAC, so a flat
// LAN would reach none of them.
func masscanLab(t *testing.T) (*lab.Lab, *lab.Segment, []*camsim.Device) {
	t.Helper()
	l := newLab(t, labOptions())
	seg, err := l.AddSegment(netip.MustParsePrefix("198.18.2.0/26"))
	if err != nil {
		t.Fatal(err)
	}
	var devs []*camsim.Device
	for _, p := range nmapProfiles(t) {
		mac, _ := net.ParseMAC(p.MAC)
		ip, err := seg.FreeIP()
		if err != nil {
			t.Fatal(err)
		}
		host, err := seg.AddHost(p.Name, mac, ip)
		if err != nil {
			t.Fatal(err)
		}
		d, err := camsim.Start(context.Background(), host, p)
		if err != nil {
			t.Fatal(err)
		}
		devs = append(devs, d)
	}
	return l, seg, devs
}

// runMasscan runs real masscan with banners inside the scanner namespace,
// from an address of the LAN the kernel does not hold (so the kernel does
// not reset the connections masscan makes itself), and returns its output
// in the given format.
func runMasscan(t *testing.T, l *lab.Lab, seg *lab.Segment, format string) []byte {
	t.Helper()
	bin, err := exec.LookPath("masscan")
	if err != nil {
		if os.Getenv(lab.RequireEnv) == "1" {
			t.Fatalf("%s=1 but masscan is not installed (apt-get install -y masscan)", lab.RequireEnv)
		}
		t.Skip("masscan not installed")
	}
	src, err := l.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	args := []string{seg.Prefix().String(), "-p", masscanPorts, "--banners", "--rate", "1000",
		"--adapter", l.Scanner().Interface, "--adapter-ip", src.String(),
		"--router-ip", l.RouterIP().String(), "--wait", "5", format, out}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if b, err := l.Scanner().Command(ctx, bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("masscan %v: %v\n%s", args, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMasscanAgainstCamsim runs real masscan --banners against the camsim
// devices in each of its text formats (JSON, JSON lines, list, XML,
// grepable) and identifies each output: all
// must say the same of every address, every device named restricted must be
// a restricted profile named with its maker, and the committed testdata must
// still say what a fresh run says.
func TestMasscanAgainstCamsim(t *testing.T) {
	l, seg, devs := masscanLab(t)
	byIP := map[string]camsim.Profile{}
	for _, d := range devs {
		byIP[d.Host.IP.String()] = d.Profile
	}
	var first map[string]string
	for _, file := range slices.Sorted(maps.Keys(masscanFormats)) {
		b := runMasscan(t, l, seg, masscanFormats[file])
		if os.Getenv("CAMSWEEP_UPDATE_MASSCAN") == "1" {
			if err := os.MkdirAll(masscanTestdata, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(masscanTestdata+file, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fresh := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(fresh, b, 0o644); err != nil {
			t.Fatal(err)
		}
		now, committed := identifyMasscan(t, l, fresh), identifyMasscan(t, l, masscanTestdata+file)
		if !maps.Equal(now, committed) {
			t.Errorf("%s: a fresh masscan run gives %v, the committed testdata %v: regenerate it (CAMSWEEP_UPDATE_MASSCAN=1)", file, now, committed)
		}
		if first == nil {
			first = now
		} else if !maps.Equal(now, first) {
			t.Errorf("%s gives %v, another format of the same scan %v", file, now, first)
		}
		restricted := 0
		for ip, got := range now {
			p, ok := byIP[ip]
			switch {
			case !ok:
				t.Errorf("%s: %s is no camsim device", file, ip)
			case strings.HasSuffix(got, "/restricted") && (!p.Expect.Restricted || !strings.HasPrefix(got, p.Expect.Vendor+"/")):
				t.Errorf("%s: %s (%s) identified %s, want not restricted or maker %s", file, ip, p.Name, got, p.Expect.Vendor)
			case strings.HasSuffix(got, "/restricted"):
				restricted++
			}
		}
		// Hikvision's port-8000 greeting and App-webs, Dahua's header style
		// and title, Xiongmai's uc-httpd: what masscan's banners reach.
		if restricted < 6 {
			t.Errorf("%s: %d devices restricted, want the 6 masscan's banners name (%v)", file, restricted, now)
		}
	}
}

// identifyMasscan runs camsweep identify --from masscan on a file and
// returns each address's maker and verdict.
func identifyMasscan(t *testing.T, l *lab.Lab, file string) map[string]string {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	run := sweep(t, l, time.Minute, nil, "identify", "--from", "masscan", "--format", "json", "-q", abs)
	out := map[string]string{}
	for _, d := range parseReport(t, run.stdout).Devices {
		for _, ip := range d.IPs {
			out[ip.String()] = d.Vendor + "/" + string(d.Verdict)
		}
	}
	return out
}

//go:build linux

package labtest

import (
	"context"
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

// nmapXMLTestdata is the committed nmap XML the importer tests read; this
// file's test regenerates it (CAMSWEEP_UPDATE_NMAP=1) and checks it.
const nmapXMLTestdata = "../../testdata/import/nmap/camsim-lab.xml"

// nmapScripts are the NSE scripts whose output the nmap importer reads from its XML.
const nmapScripts = "http-title,http-headers,rtsp-methods,ssl-cert,broadcast-wsdd-discover,broadcast-dns-service-discovery"

// nmapPorts are the TCP ports the camsim profiles serve that nmap's service
// detection can say something about.
const nmapPorts = "80,443,554,8000,34567,37777"

// nmapProfiles are the well-behaved camsim devices: the hostile ones exist to
// hold a scanner up, which would only make nmap slow, not the XML richer.
// Devices that name their maker only in the pages their root leads to
// (served pages) are left out too: nmap's scripts read "/" and follow no
// script redirect, so its XML cannot name them, by design. So are devices
// that answer only link-local discovery nmap does not speak (the HDS/1.0
// search of a CamHi camera, GigE Vision, SADP): nmap's TCP probes and its
// WS-Discovery and DNS-SD scripts reach nothing of them.
func nmapProfiles(t *testing.T) []camsim.Profile {
	var out []camsim.Profile
	for _, p := range profiles(t) {
		if !strings.HasPrefix(p.Name, "hostile-") && !servesPages(p) && nmapReaches(p) {
			out = append(out, p)
		}
	}
	return out
}

// nmapUnheard are the camsim discovery protocols nmap has no probe or
// script for.
var nmapUnheard = []string{"sadp", "dhip", "xmsearch", "gvcp", "hds", "endc", "tdp", "moi", "dhs", "searchipc"}

// nmapReaches reports whether a profile serves anything nmap asks: a TCP
// service, WS-Discovery or DNS-SD.
func nmapReaches(p camsim.Profile) bool {
	return slices.ContainsFunc(p.Services, func(s camsim.Service) bool { return !slices.Contains(nmapUnheard, s.Proto) })
}

func servesPages(p camsim.Profile) bool {
	return slices.ContainsFunc(p.Services, func(s camsim.Service) bool { return len(s.Pages) > 0 })
}

// runNmap runs real nmap -sV with the importer's scripts inside the lab's
// scanner namespace against the camsim devices and returns its XML.
func runNmap(t *testing.T, l *lab.Lab, devs []*camsim.Device) []byte {
	t.Helper()
	bin, err := exec.LookPath("nmap")
	if err != nil {
		if os.Getenv(lab.RequireEnv) == "1" {
			t.Fatalf("%s=1 but nmap is not installed (apt-get install -y nmap)", lab.RequireEnv)
		}
		t.Skip("nmap not installed")
	}
	args := []string{"-n", "-Pn", "-sV", "-T4", "-p", nmapPorts, "--script", nmapScripts,
		"-e", l.Scanner().Interface, "--script-args", "newtargets=0", "-oX", "-"}
	for _, d := range devs {
		args = append(args, d.Host.IP.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := l.Scanner().Command(ctx, bin, args...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nmap %v: %v", args, err)
	}
	return out
}

func TestNmapXMLAgainstCamsim(t *testing.T) {
	l := newLab(t, labOptions())
	devs, err := StartDevices(context.Background(), l, nmapProfiles(t))
	if err != nil {
		t.Fatal(err)
	}
	xml := runNmap(t, l, devs)
	if os.Getenv("CAMSWEEP_UPDATE_NMAP") == "1" {
		if err := os.MkdirAll(filepath.Dir(nmapXMLTestdata), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(nmapXMLTestdata, xml, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkNmapIdentifies(t, l, devs, xml)
}

// checkNmapIdentifies runs camsweep identify --from nmap-xml on the fresh XML
// and on the committed one: every restricted camsim device must be named
// with its profile's vendor, and both files must say the same of each MAC.
func checkNmapIdentifies(t *testing.T, l *lab.Lab, devs []*camsim.Device, xml []byte) {
	t.Helper()
	fresh := filepath.Join(t.TempDir(), "fresh.xml")
	if err := os.WriteFile(fresh, xml, 0o644); err != nil {
		t.Fatal(err)
	}
	committed, err := filepath.Abs(nmapXMLTestdata)
	if err != nil {
		t.Fatal(err)
	}
	identify := func(file string) map[string]string {
		run := sweep(t, l, time.Minute, nil, "identify", "--from", "nmap-xml", "--format", "json", "-q", file)
		out := map[string]string{}
		for mac, d := range devicesByMAC(parseReport(t, run.stdout)) {
			out[mac] = d.Vendor + "/" + string(d.Kind)
		}
		return out
	}
	now, before := identify(fresh), identify(committed)
	for _, d := range devs {
		mac := strings.ToLower(d.Profile.MAC)
		if d.Profile.Expect.Restricted && !strings.HasPrefix(now[mac], d.Profile.Expect.Vendor+"/") {
			t.Errorf("%s: nmap XML identifies %q, want vendor %s", d.Profile.Name, now[mac], d.Profile.Expect.Vendor)
		}
		if _, ok := before[mac]; !ok {
			// A camsim profile added after the testdata was made: nothing to compare.
			t.Logf("%s is not in the committed nmap XML; regenerate it (CAMSWEEP_UPDATE_NMAP=1) to include it", d.Profile.Name)
			continue
		}
		if now[mac] != before[mac] {
			t.Errorf("%s: fresh nmap XML gives %q, the committed testdata %q: regenerate it (CAMSWEEP_UPDATE_NMAP=1)", d.Profile.Name, now[mac], before[mac])
		}
	}
}

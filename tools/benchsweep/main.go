//go:build linux

// Command benchsweep times camsweep's active sweep against arp-scan and nmap
// on the same network-namespace lab: plain hosts (ARP and ping only, with
// Hikvision, Dahua and other makers' OUIs) filling a subnet around the
// simulated camsim devices. Every tool runs as a process inside the lab's
// scanner namespace; nothing reaches a real network. Run it through
// scripts/bench-sweep.sh, as root.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/internal/labtest"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/scanner/sweep"
)

// plainOUIs are the makers of the plain hosts: Hikvision and Dahua blocks
// among a PC, a printer, a phone and a switch maker's, so OUI labelling has
// work to do.
var plainOUIs = [][3]byte{
	{0x44, 0x19, 0xb6}, // Hikvision
	{0x3c, 0xef, 0x8c}, // Dahua
	{0x00, 0x1b, 0x21}, // Intel
	{0x3c, 0xd9, 0x2b}, // HP
	{0xbc, 0xad, 0x28}, // Hikvision
	{0x4c, 0x11, 0xbf}, // Dahua
	{0x00, 0x1a, 0x2b}, // Ayecom
	{0xf0, 0x18, 0x98}, // Apple
}

type options struct {
	camsweep string
	runs     int
	rate     int
	hostile  bool
	scaling  bool
	// scaleRate paces the scaling runs: the lab's /22 keeps up with about
	// 100 broadcasts/s on two cores (each is cloned to 1,000 macvlans).
	scaleRate int
	data      string

	compareAll, skip24 bool
	only               string
	// flat16 times the sweep on one flat /16 of about 200 devices instead.
	flat16      bool
	flat16Plain int
	// routed16 times sweeps of a routed /16 (or routedNet) of about 200 live hosts instead.
	routed16 bool
	// routedNet is the routed network -routed16 builds (a smaller one where
	// a tool cannot finish a /16).
	routedNet string
	// capture, when set, records the scanner's ARP traffic of each run to
	// capture-N.pcap files with this prefix.
	capture string
	// keep, when set, is a directory each camsweep run's JSON report is
	// written to, so that two builds' per-device facts can be compared.
	keep string
}

func main() {
	var o options
	flag.StringVar(&o.camsweep, "camsweep", "camsweep", "camsweep binary to time; several, comma-separated, are timed on the same lab, alternating run by run")
	flag.StringVar(&o.keep, "keep", "", "write each camsweep run's JSON report to this directory (TOOL-BUILD-RUN.json)")
	flag.IntVar(&o.runs, "runs", 5, "runs of each tool; the median is reported")
	flag.IntVar(&o.rate, "rate", 300, "packets per second for every tool (equal politeness)")
	flag.BoolVar(&o.hostile, "hostile", false, "include the hostile camsim devices (they cost the full sweep its exchange timeout)")
	flag.BoolVar(&o.scaling, "scaling", true, "also time camsweep --probes arp on the /24 and on a /22 of 1,000 hosts at -scale-rate")
	flag.IntVar(&o.scaleRate, "scale-rate", 100, "packets per second for the scaling runs")
	flag.BoolVar(&o.compareAll, "compare-all", false, "scaling runs also time the full sweep, arp-scan and nmap")
	flag.StringVar(&o.only, "only", "", "time only the tools whose name contains this")
	flag.BoolVar(&o.skip24, "skip-24", false, "skip the /24 (with -scaling: only the /22)")
	flag.StringVar(&o.data, "camsim-data", "", "camsim profiles directory (default: the built-in ones)")
	flag.BoolVar(&o.flat16, "flat16", false, "instead: time camsweep on one flat 198.18.0.0/16 with the camsim devices and -flat16-plain plain hosts spread over it")
	flag.IntVar(&o.flat16Plain, "flat16-plain", 190, "plain hosts in the flat /16 (and the routed one)")
	flag.StringVar(&o.capture, "capture", "", "record the scanner's ARP traffic of each run to PREFIX-N.pcap (tcpdump)")
	flag.BoolVar(&o.routed16, "routed16", false, "instead: time camsweep and nmap on 198.19.0.0/16 behind the lab's router, with camsim devices and -flat16-plain plain hosts spread over it")
	flag.StringVar(&o.routedNet, "routed-net", "198.19.0.0/16", "with -routed16: the routed network to build (a /16 to /23 inside 198.19.0.0/16)")
	flag.Parse()
	if reason := lab.Unavailable(); reason != "" {
		fmt.Fprintln(os.Stderr, "benchsweep:", reason)
		os.Exit(1)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchsweep:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	fsys := camsim.Data()
	if o.data != "" {
		fsys = os.DirFS(o.data)
	}
	profiles, err := camsim.LoadProfiles(fsys, ".")
	if err != nil {
		return err
	}
	if !o.hostile {
		profiles = slices.DeleteFunc(profiles, func(p camsim.Profile) bool { return p.Expect.Hostile })
	}
	header := func(rate int) {
		fmt.Printf("\nrate %d packets/s where a tool is paced (the full sweep runs at its defaults), median of %d runs\n", rate, o.runs)
		fmt.Printf("%-8s %-6s %-40s %10s %8s %8s %8s\n", "subnet", "hosts", "tool", "median", "found", "vendors", "models")
	}
	if o.flat16 {
		return benchFlat16(o, profiles)
	}
	if o.routed16 {
		return benchRouted16(o, profiles)
	}
	if !o.skip24 {
		header(o.rate)
		if err := bench(o, "198.18.0.0/24", profiles, comparison(o, "198.18.0.0/24", true)); err != nil {
			return err
		}
	}
	if !o.scaling {
		return nil
	}
	header(o.scaleRate)
	scale := o
	scale.rate = o.scaleRate
	for _, subnet := range []string{"198.18.0.0/24", "198.18.0.0/22"} {
		rate := fmt.Sprint(scale.rate)
		ts := []tool{camsweepTool(scale, "camsweep sweep --probes arp --rate "+rate, "--probes", "arp", "--rate", rate)}
		if o.compareAll {
			ts = comparison(scale, subnet, true)
		}
		if err := bench(scale, subnet, profiles, ts); err != nil {
			return err
		}
	}
	return nil
}

// benchFlat16 times camsweep on a flat /16 at its default paces and at
// --broadcast-rate 1000 --rate 5000. nmap -sn -PR is left out: on this lab
// it had not finished after 20 minutes (issue 10).
func benchFlat16(o options, profiles []camsim.Profile) error {
	const subnet = "198.18.0.0/16"
	floor := float64(65534) / sweep.DefaultBroadcastRate
	fmt.Printf("\nflat /16: camsim devices and %d plain hosts spread over it; floor at the default broadcast pace: %.0f s; median of %d runs\n",
		o.flat16Plain, floor, o.runs)
	fmt.Printf("%-8s %-6s %-40s %10s %8s %8s %8s\n", "subnet", "hosts", "tool", "median", "found", "vendors", "models")
	ts := []tool{
		camsweepTool(o, "camsweep sweep"),
		camsweepTool(o, "camsweep sweep --broadcast-rate 1000 --rate 5000", "--broadcast-rate", "1000", "--rate", "5000"),
		// Listening too: the listener decodes every frame of the segment
		// that is neither the sweep's nor sent to it (the plain hosts'
		// ARP requests for the scanner's queries among them).
		camsweepTool(o, "camsweep sweep --listen --broadcast-rate 1000 --rate 5000", "--listen", "--broadcast-rate", "1000", "--rate", "5000"),
	}
	return benchLab(o, subnet, profiles, func(l *lab.Lab) ([]lab.PlainHost, error) {
		return labtest.SpreadPlainHosts(l.Prefix(), o.flat16Plain, plainOUIs), nil
	}, ts)
}

// routedProfiles are the camsim devices put behind the router: the ones
// identified by unicast probes alone.
var routedProfiles = []string{"hikvision-ipc", "hikvision-nvr", "dahua-ipc", "axis-camera", "xiongmai-dvr", "amcrest-ipc"}

// benchRouted16 times camsweep and nmap on a routed /16: a sparse segment
// behind the lab's router (which drops packets to its empty addresses, as
// a router that rate-limits ICMP unreachables does) with a few camsim
// devices and plain hosts spread over it. The plain hosts refuse every TCP
// connection and answer ping: live, but no camera; a quarter of them are
// firewalled, answering ping only.
func benchRouted16(o options, profiles []camsim.Profile) error {
	subnet := o.routedNet
	l, err := lab.New(lab.Options{})
	if err != nil {
		return err
	}
	defer l.Close()
	seg, err := l.AddSparseSegment(netipPrefix(subnet))
	if err != nil {
		return err
	}
	devices := 0
	for _, p := range profiles {
		if !slices.Contains(routedProfiles, p.Name) {
			continue
		}
		ip, err := seg.FreeIP()
		if err != nil {
			return err
		}
		mac, err := net.ParseMAC(p.MAC)
		if err != nil {
			return err
		}
		host, err := seg.AddHost(p.Name, mac, ip)
		if err != nil {
			return err
		}
		if _, err := camsim.Start(context.Background(), host, p); err != nil {
			return err
		}
		devices++
	}
	plain := labtest.SpreadPlainHosts(seg.Prefix(), o.flat16Plain, plainOUIs)
	firewalled := 0
	for i := range plain {
		if i%4 == 3 { // a quarter answer ping only: no port refuses, none is open
			plain[i].Firewalled = true
			firewalled++
		}
	}
	if err := seg.AddPlainHosts(plain); err != nil {
		return err
	}
	fmt.Printf("\nrouted %s: %d camsim devices and %d plain hosts (%d of them firewalled: they answer ping only) behind the router; median of %d runs\n",
		subnet, devices, o.flat16Plain, firewalled, o.runs)
	fmt.Printf("%-8s %-6s %-40s %10s %8s %8s %8s\n", "subnet", "hosts", "tool", "median", "found", "vendors", "models")
	ts := []tool{
		{name: "camsweep sweep --targets " + subnet, argv: []string{o.camsweep, "sweep", "--targets", subnet, "--format", "json", "--fail-on", "none"},
			parse: parseCamsweep, hostsOnStderr: true},
		{name: "camsweep sweep (TCP knock only, no icmp)", argv: []string{o.camsweep, "sweep", "--targets", subnet, "--format", "json", "--fail-on", "none",
			"--probes", strings.Join(slices.DeleteFunc(slices.Clone(sweep.AllProbes), func(p string) bool { return p == sweep.ProbeICMP }), ",")},
			parse: parseCamsweep, hostsOnStderr: true},
		// nmap at its default timing had not finished either scan in 10
		// minutes on this lab; a user sweeping a /16 would ask for speed.
		{name: "nmap -sn -n -T4 --min-rate 1000", argv: []string{"nmap", "-sn", "-n", "-T4", "--min-rate", "1000", subnet}, parse: parseNmapHosts},
		{name: "nmap -n -T4 --min-rate 1000 -p 80,443,554,8000 --open", argv: []string{"nmap", "-n", "-T4", "--min-rate", "1000", "-p", "80,443,554,8000", "--open", subnet},
			parse: parseNmapHosts},
	}
	ts = perBuild(o, ts)
	for i, res := range timeTools(l, ts, o.runs, "", o.keep) {
		t := ts[i]
		if res.err != nil {
			fmt.Printf("%-8s %-6d %-40s %s\n", subnet[strings.LastIndex(subnet, "/"):], devices+o.flat16Plain, t.name, res.err)
			continue
		}
		fmt.Printf("%-8s %-6d %-40s %9.2fs %8d %8s %8s\n", subnet[strings.LastIndex(subnet, "/"):], devices+o.flat16Plain, t.name, res.median.Seconds(), res.counts[0], count(res.counts[1]), count(res.counts[2]))
	}
	return nil
}

func count(n int) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// tool is one command timed in the lab and how to read what it found.
type tool struct {
	name  string
	argv  []string
	parse func([]byte) (hosts, vendors, models int)
	// hostsOnStderr: hosts found are read from camsweep's summary line,
	// which counts hosts that answered anything (a refused connection
	// included), not only those with something to report.
	hostsOnStderr bool
}

func camsweepTool(o options, name string, extra ...string) tool {
	argv := append([]string{o.camsweep, "sweep", "-i", lab.LANInterface, "--format", "json", "-q", "--fail-on", "none"}, extra...)
	return tool{name: name, argv: argv, parse: parseCamsweep}
}

// comparison is camsweep (full and ARP only) beside arp-scan and nmap, each
// with its defaults and paced to camsweep's rate (equal politeness).
func comparison(o options, subnet string, others bool) []tool {
	rate := fmt.Sprint(o.rate)
	out := []tool{
		// The full sweep at its defaults: broadcasts at 300/s, unicast
		// connects at 2000/s, 2 per host.
		camsweepTool(o, "camsweep sweep"),
		camsweepTool(o, "camsweep sweep --probes arp --rate "+rate, "--probes", "arp", "--rate", rate),
	}
	if !others {
		return out
	}
	interval := fmt.Sprintf("--interval=%du", 1_000_000/o.rate)
	return append(out,
		tool{name: "arp-scan --localnet", argv: []string{"arp-scan", "-I", lab.LANInterface, "--localnet"}, parse: parseARPScan},
		tool{name: "arp-scan --localnet " + interval, argv: []string{"arp-scan", "-I", lab.LANInterface, "--localnet", interval}, parse: parseARPScan},
		tool{name: "nmap -sn -PR", argv: []string{"nmap", "-sn", "-PR", "-n", "-e", lab.LANInterface, subnet}, parse: parseNmap},
		tool{name: "nmap -sn -PR --max-rate " + rate, argv: []string{"nmap", "-sn", "-PR", "-n", "-e", lab.LANInterface, "--max-rate", rate, subnet}, parse: parseNmap},
	)
}

// bench builds the lab for subnet, full of plain hosts around the camsim
// devices (from the highest address down), and times every tool on it.
func bench(o options, subnet string, profiles []camsim.Profile, ts []tool) error {
	return benchLab(o, subnet, profiles, func(l *lab.Lab) ([]lab.PlainHost, error) {
		size := 1<<(32-l.Prefix().Bits()) - 2
		return labtest.PlainHosts(l, min(size-1-len(profiles), 1000), plainOUIs)
	}, ts)
}

// benchLab builds a lab for subnet with the camsim devices and the plain
// hosts plainFor chooses, and times every tool on it.
func benchLab(o options, subnet string, profiles []camsim.Profile, plainFor func(*lab.Lab) ([]lab.PlainHost, error), ts []tool) error {
	l, err := lab.New(lab.Options{Prefix: netipPrefix(subnet)})
	if err != nil {
		return err
	}
	defer l.Close()
	if _, err := labtest.StartDevices(context.Background(), l, profiles); err != nil {
		return err
	}
	plain, err := plainFor(l)
	if err != nil {
		return err
	}
	if err := l.AddPlainHosts(plain); err != nil {
		return err
	}
	hosts := len(plain) + len(profiles)
	ts = perBuild(o, ts)
	for i, res := range timeTools(l, ts, o.runs, o.capture, o.keep) {
		t := ts[i]
		if res.err != nil {
			fmt.Printf("%-8s %-6d %-40s %s\n", subnet[len(subnet)-3:], hosts, t.name, res.err)
			continue
		}
		fmt.Printf("%-8s %-6d %-40s %9.2fs %8d %8d %8s\n", subnet[len(subnet)-3:], hosts, t.name, res.median.Seconds(), res.counts[0], res.counts[1], count(res.counts[2]))
	}
	return nil
}

// perBuild keeps the tools -only names and, when -camsweep names several
// builds, times each camsweep tool once per build (named "tool [build]").
func perBuild(o options, ts []tool) []tool {
	builds := strings.Split(o.camsweep, ",")
	var out []tool
	for _, t := range ts {
		if !strings.Contains(t.name, o.only) {
			continue
		}
		if len(builds) == 1 || t.argv[0] != o.camsweep {
			out = append(out, t)
			continue
		}
		for _, b := range builds {
			bt := t
			bt.argv = append([]string{b}, t.argv[1:]...)
			bt.name = t.name + " [" + b + "]"
			out = append(out, bt)
		}
	}
	return out
}

// usage says how much CPU and memory a finished run took ("ip netns exec"
// execs the tool in its own process, so the figures are the tool's).
func usage(ps *os.ProcessState) string {
	if ps == nil {
		return ""
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (CPU %.2fs, peak RSS %d MiB)", (ps.UserTime() + ps.SystemTime()).Seconds(), ru.Maxrss/1024)
}

// result is what timeTools measured of one tool: the median wall time and
// what its last run found, or why it failed.
type result struct {
	median time.Duration
	counts [3]int
	err    error
}

// timeTools runs each tool runs times in the scanner namespace, in rounds
// (every tool once, then every tool again), so that builds compared on one
// lab share its load alike, and returns each tool's result. A tool that
// fails is not run again.
func timeTools(l *lab.Lab, ts []tool, runs int, capture, keep string) []result {
	took := make([][]time.Duration, len(ts))
	res := make([]result, len(ts))
	n := 0
	for run := range runs {
		for i, t := range ts {
			if res[i].err != nil {
				continue
			}
			n++
			d, counts, err := runOnce(l, t, run, n, capture, keep)
			took[i] = append(took[i], d)
			res[i].counts, res[i].err = counts, err
		}
	}
	for i := range ts {
		if res[i].err == nil {
			slices.Sort(took[i])
			res[i].median = took[i][len(took[i])/2]
		}
	}
	return res
}

// runOnce runs t once (the n-th run of the benchmark) and returns its wall
// time and what it found.
func runOnce(l *lab.Lab, t tool, run, n int, capture, keep string) (time.Duration, [3]int, error) {
	var counts [3]int
	stopCapture := func() {}
	if capture != "" {
		stopCapture = startCapture(l, fmt.Sprintf("%s-%d.pcap", capture, n))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := l.Scanner().Command(ctx, t.argv[0], t.argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	dropsBefore := softnetDrops()
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	cancel()
	stopCapture()
	fmt.Fprintf(os.Stderr, "benchsweep: %s: run %d took %.2fs%s; the kernel dropped %d packets at full backlogs meanwhile (load %s)\n",
		t.name, run+1, took.Seconds(), usage(cmd.ProcessState), softnetDrops()-dropsBefore, loadAverage())
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if strings.Contains(line, "warning") || strings.Contains(line, "slowed") {
			fmt.Fprintf(os.Stderr, "benchsweep:   %s\n", line)
		}
	}
	if keep != "" && slices.Contains(t.argv, "sweep") { // camsweep's report

		file := filepath.Join(keep, fmt.Sprintf("%s-%d.json", slug(t.name), run+1))
		if werr := os.WriteFile(file, stdout.Bytes(), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "benchsweep:", werr)
		}
	}
	if err != nil {
		return took, counts, fmt.Errorf("%v: %s", err, firstLine(stderr.String()))
	}
	counts[0], counts[1], counts[2] = t.parse(stdout.Bytes())
	if m := summaryHosts.FindSubmatch(stderr.Bytes()); t.hostsOnStderr && m != nil {
		counts[0], _ = strconv.Atoi(string(m[1]))
	}
	flushNeighbours(l)
	// Let the plain hosts' broadcast queue drain before the next run.
	time.Sleep(2 * time.Second)
	return took, counts, nil
}

// slug makes a tool's name a file name.
func slug(name string) string {
	return strings.Trim(nonWord.ReplaceAllString(name, "_"), "_")
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9.]+`)

// loadAverage is the one-minute load average, as /proc/loadavg says it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// startCapture records the scanner's ARP traffic to file until stopped.
func startCapture(l *lab.Lab, file string) (stop func()) {
	cmd := l.Scanner().Command(context.Background(), "tcpdump", "-i", lab.LANInterface, "-w", file, "-n", "-U", "arp")
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "benchsweep: tcpdump:", err)
		return func() {}
	}
	time.Sleep(time.Second) // until it listens
	return func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
}

// softnetDrops sums the packets the kernel dropped because a CPU's input
// backlog was full (/proc/net/softnet_stat, second column): the lab's
// broadcasts are cloned to every plain host through that backlog, and a
// drop there is a request the host never saw.
func softnetDrops() int64 {
	b, err := os.ReadFile("/proc/net/softnet_stat")
	if err != nil {
		return 0
	}
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			n, _ := strconv.ParseInt(f[1], 16, 64)
			total += n
		}
	}
	return total
}

// flushNeighbours empties the scanner's ARP cache so no run profits from
// the one before (an unprivileged or kernel-resolved run would).
func flushNeighbours(l *lab.Lab) {
	l.Scanner().Run(context.Background(), "ip", "neigh", "flush", "dev", lab.LANInterface)
}

// parseCamsweep counts devices, devices with a maker (from the OUI registry
// or identified) and devices whose model was identified.
func parseCamsweep(b []byte) (int, int, int) {
	var r report.Result
	if json.Unmarshal(b, &r) != nil {
		return -1, -1, -1
	}
	hosts, vendors, models := 0, 0, 0
	for _, d := range r.Devices {
		hosts++
		if d.Vendor != "" || d.MACVendor != "" {
			vendors++
		}
		if d.Model != "" {
			models++
		}
	}
	return hosts, vendors, models
}

// summaryHosts is camsweep's closing line on stderr.
var summaryHosts = regexp.MustCompile(`sweep sent \d+ packets to (\d+) responding hosts`)

// nmap prints "Nmap scan report for IP" per host up (with --open: per host
// with an open port).
var nmapReport = regexp.MustCompile(`(?m)^Nmap scan report for `)

func parseNmapHosts(b []byte) (int, int, int) {
	return len(nmapReport.FindAll(b, -1)), -1, -1 // no MACs across a router, no models
}

// arp-scan prints "IP<TAB>MAC<TAB>vendor" per host.
var arpScanLine = regexp.MustCompile(`(?m)^\d+\.\d+\.\d+\.\d+\t[0-9a-f:]{17}\t(.*)$`)

func parseARPScan(b []byte) (int, int, int) {
	hosts, vendors := 0, 0
	for _, m := range arpScanLine.FindAllSubmatch(b, -1) {
		hosts++
		if v := string(m[1]); v != "" && !strings.Contains(v, "Unknown") {
			vendors++
		}
	}
	return hosts, vendors, -1 // identifies no models
}

// nmap prints "MAC Address: XX:... (Vendor)" per host other than itself.
var nmapMAC = regexp.MustCompile(`(?m)^MAC Address: [0-9A-F:]{17} \((.*)\)$`)

func parseNmap(b []byte) (int, int, int) {
	hosts, vendors := 0, 0
	for _, m := range nmapMAC.FindAllSubmatch(b, -1) {
		hosts++
		if string(m[1]) != "Unknown" {
			vendors++
		}
	}
	return hosts, vendors, -1 // identifies no models
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func netipPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

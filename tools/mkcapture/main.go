// Command mkcapture builds packet captures for camsweep's tests and
// benchmarks: a small constructed site from real recorded payloads, small
// per-protocol captures, link-layer variants, and a large mixed capture.
//
//	mkcapture -samples testdata/pcap                 # the committed sample captures
//	mkcapture -large -packets 10000000 -o big.pcap   # ~1 GB office benchmark capture
//	mkcapture -large -profile camera -packets 2000000 -o cams.pcap
//	mkcapture -large -profile hosts -hosts 100000 -o hosts.pcap
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	samples := flag.String("samples", "", "write the sample captures into this directory")
	payloadDir := flag.String("payloads", "testdata/realdata", "directory of the real recorded payloads (one subdirectory per origin)")
	large := flag.Bool("large", false, "write a large benchmark capture to -o")
	profile := flag.String("profile", "office", "what the large capture holds: office (bulk, web, DNS, a few cameras), "+
		"camera (an NVR and its cameras: ARP, WS-Discovery, mDNS, SSDP, SADP, DHIP, HTTP, RTP video) or hosts (-hosts hosts each answering one ARP request)")
	packets := flag.Int("packets", 10_000_000, "packets in the office or camera capture")
	hosts := flag.Int("hosts", 100_000, "distinct hosts in the hosts capture")
	out := flag.String("o", "", "output file for -large")
	formName := flag.String("form", "ethernet", "how the large capture holds its frames: ethernet, vxlan or tzsp (inside a remote mirror's tunnel), or wifi (802.11 behind radiotap, as in monitor mode)")
	flag.Parse()
	form, ok := linkForms[*formName]
	if !ok {
		fmt.Fprintf(os.Stderr, "mkcapture: unknown -form %q (want ethernet, vxlan, tzsp or wifi)\n", *formName)
		os.Exit(2)
	}
	if !*large {
		*profile = ""
	}
	size := *packets
	if *profile == "hosts" {
		size = *hosts
	}
	if err := run(*samples, *payloadDir, *profile, size, form, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkcapture:", err)
		os.Exit(1)
	}
}

// linkForms are the -form values: the forms a collector or a Wi-Fi sniffer
// holds the same frames in.
var linkForms = map[string]pcapgen.LinkForm{
	"ethernet": {},
	"vxlan":    {Mirror: "vxlan"},
	"tzsp":     {Mirror: "tzsp"},
	"wifi":     {WiFi: true},
}

// run writes the sample captures into samples, or the large capture of
// profile ("" for none) into out in the form; size is its packets, or hosts
// for the hosts profile.
func run(samples, payloadDir, profile string, size int, form pcapgen.LinkForm, out string) error {
	p, err := loadPayloads(payloadDir)
	if err != nil {
		return err
	}
	writers := map[string]func(io.Writer) error{
		"office": func(w io.Writer) error { return writeLarge(w, p, size, form) },
		"camera": func(w io.Writer) error { return writeCamnet(w, p, size, form) },
		"hosts":  func(w io.Writer) error { return writeHosts(w, size, form) },
	}
	switch {
	case profile != "" && out != "":
		write, ok := writers[profile]
		if !ok {
			return fmt.Errorf("unknown -profile %q (want office, camera or hosts)", profile)
		}
		return writeFile(out, write)
	case samples != "":
		return writeSamples(samples, p)
	}
	flag.Usage()
	return fmt.Errorf("give -samples DIR or -large -o FILE")
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fill(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// start is the constructed captures' clock: fixed, so output is reproducible.
var start = time.Date(2026, 11, 26, 5, 10, 0, 0, time.UTC)

func writeSamples(dir string, p *payloads) error {
	scenes := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"site-sample.pcapng", func(w io.Writer) error { return sitePcapng(w, p) }},
		{"site-vlan.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, vlanTag, siteScene(p)) }},
		{"site-sll.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeLinuxSLL, toSLL, siteScene(p)) }},
		{"site-sll2.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkType(276), toSLL2, siteScene(p)) }},
		{"sadp-hikvision.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, (*capture).sadp) }},
		{"dhip-dahua.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, dhipScene(p)) }},
		{"wsd-hikvision.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, wsdScene(p, hikIPC, hikWSD)) }},
		{"wsd-dahua.pcap", func(w io.Writer) error {
			return pcapFile(w, layers.LinkTypeEthernet, nil, wsdScene(p, dahuaIPC, dahuaWSD))
		}},
		{"addressless.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, (*capture).addressless) }},
		{"public-site.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, (*capture).publicSite) }},
		{"dvrip-xiongmai.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, dvripScene(p)) }},
		{"dhip-session-dahua.pcap", func(w io.Writer) error { return pcapFile(w, layers.LinkTypeEthernet, nil, dhipSessionScene(p)) }},
	}
	for _, s := range scenes {
		if err := writeFile(filepath.Join(dir, s.name), s.write); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

func siteScene(p *payloads) func(*capture) { return func(c *capture) { c.site(p, false) } }
func dhipScene(p *payloads) func(*capture) { return func(c *capture) { c.dhip(p) } }

func wsdScene(p *payloads, h pcapgen.Host, reply func(*payloads) []byte) func(*capture) {
	return func(c *capture) {
		c.Write(c.F.UDP(workstation, sadpGroup, 3702, 3702, wsdProbe("c0ffee00-0000-4000-8000-000000000001")))
		c.Write(c.F.UDP(h, workstation, 3702, 3702, reply(p)))
	}
}

// pcapFile writes a scene as classic pcap (microseconds, little-endian),
// passing each Ethernet frame through convert when it is set.
func pcapFile(w io.Writer, link layers.LinkType, convert func([]byte, int) []byte, scene func(*capture)) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, link); err != nil {
		return err
	}
	n := 0
	c := &capture{&pcapgen.Capture{F: pcapgen.NewFramer(), Now: start, Step: 1700 * time.Microsecond, Out: func(ts time.Time, _ int, frame []byte) error {
		n++
		if convert != nil {
			frame = convert(frame, n)
		}
		return pw.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}, frame)
	}}}
	scene(c)
	return c.Err
}

// sitePcapng writes the site with two interfaces: Ethernet with microsecond
// timestamps, and raw IP with nanosecond timestamps (the printer's traffic).
func sitePcapng(w io.Writer, p *payloads) error {
	nw, err := pcapgo.NewNgWriterInterface(w, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65535, TimestampResolution: 6},
		pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "camsweep mkcapture"}})
	if err != nil {
		return err
	}
	rawID, err := nw.AddInterface(pcapgo.NgInterface{Name: "tun0", LinkType: layers.LinkTypeRaw, SnapLength: 65535, TimestampResolution: 9})
	if err != nil {
		return err
	}
	c := &capture{&pcapgen.Capture{F: pcapgen.NewFramer(), Now: start, Step: 1700*time.Microsecond + 333*time.Nanosecond, Out: func(ts time.Time, iface int, frame []byte) error {
		if iface == 1 {
			iface, frame = rawID, frame[14:]
		}
		return nw.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame), InterfaceIndex: iface}, frame)
	}}}
	c.site(p, true)
	if c.Err != nil {
		return c.Err
	}
	return nw.Flush()
}

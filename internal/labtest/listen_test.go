//go:build linux

package labtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/internal/camsim"
	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// dahuaTalker adds a lab host with a Dahua camera's MAC that will speak for
// itself, and returns it with the real DHIP notifyDevInfo reply of an
// IPC-HDW5421S (Phenomite/AMP-Research, internal/camsim/data/recorded).
func dahuaTalker(t *testing.T, l *lab.Lab, name string) (*lab.Host, net.HardwareAddr, netip.Addr, []byte) {
	t.Helper()
	body, err := fs.ReadFile(camsim.Data(), "recorded/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	if err != nil {
		t.Fatal(err)
	}
	mac, _ := net.ParseMAC("4c:11:bf:c2:0b:9d")
	ip, err := l.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	cam, err := l.AddHost(name, mac, ip)
	if err != nil {
		t.Fatal(err)
	}
	return cam, mac, ip, body
}

// `camsweep listen` in the scanner namespace hears a Dahua camera announce
// itself with the real DHIP notifyDevInfo reply of an IPC-HDW5421S
// (Phenomite/AMP-Research, internal/camsim/data/recorded) and identifies it,
// while sending nothing itself.
func TestListenIdentifiesWhatItHears(t *testing.T) {
	l := newLab(t, labOptions())
	cam, mac, ip, body := dahuaTalker(t, l, "dahua-talker")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := l.Scanner().Command(ctx, binary, "listen", "-i", l.Scanner().Interface, "--for", "5s", "--format", "json", "-q")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := cam.ListenPacket("udp4", ":37810")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	scanner := net.UDPAddrFromAddrPort(netip.AddrPortFrom(l.Scanner().IP, 37810))
	err = announceUntilExit(t, cmd, func() error {
		_, err := conn.WriteTo(discovery.DHIPFrame(body), scanner)
		return err
	})
	if code := cmd.ProcessState.ExitCode(); code != 2 {
		t.Fatalf("listen exit %d (%v), want 2 (a restricted device heard); stderr:\n%s", code, err, stderr.Bytes())
	}
	r := parseReport(t, stdout.Bytes())
	if r.Source.Command != "listen" {
		t.Errorf("source command %q", r.Source.Command)
	}
	d, ok := devicesByMAC(r)[mac.String()]
	if !ok {
		t.Fatalf("camera %s not in the report: %s", mac, stdout.Bytes())
	}
	if d.Vendor != "Dahua" || d.Model != "IPC-HDW5421S" || d.Firmware != "2.400.0.8" || !d.Restricted {
		t.Errorf("heard %+v, want a restricted Dahua IPC-HDW5421S, firmware 2.400.0.8", d)
	}
	if !hasIP(d, ip.String()) {
		t.Errorf("device IPs %v lack its lab address %s", d.IPs, ip)
	}
	for _, e := range d.Evidence {
		if e.Probe != "listen" && e.Probe != "oui" && e.Probe != "" {
			t.Errorf("evidence %+v names probe %q, want listen", e, e.Probe)
		}
	}
}

// On a trunk, Linux takes each frame's 802.1Q tag off before a capture
// socket sees it; listen puts it back, so a camera heard in VLAN 20 is
// placed in the zone named by VLAN 20. The camera sends the real DHIP
// announcement in a tagged frame it writes itself (the lab's bridge passes
// tags as they are; no VLAN interface is needed).
func TestListenPlacesWhatItHearsByVLAN(t *testing.T) {
	l := newLab(t, labOptions())
	cam, mac, ip, body := dahuaTalker(t, l, "dahua-vlan20")
	policy := filepath.Join(t.TempDir(), "vlan.yaml")
	if err := os.WriteFile(policy, []byte("version: 1\nsites:\n  - name: plant\n    zones:\n      - name: scada\n        vlans: [20]\n        core: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	frame := taggedUDP(t, mac, l.Scanner().MAC, ip, l.Scanner().IP, 20, 37810, discovery.DHIPFrame(body))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := l.Scanner().Command(ctx, binary, "listen", "-i", l.Scanner().Interface, "--for", "5s", "--policy", policy, "--format", "json", "-q")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	announceUntilExit(t, cmd, func() error {
		return cam.Do(func() error { return sendFrame(cam.Interface, frame, 1) })
	})
	r := parseReport(t, stdout.Bytes())
	d, ok := devicesByMAC(r)[mac.String()]
	if !ok {
		t.Fatalf("camera %s not in the report (stderr %s): %s", mac, stderr.Bytes(), stdout.Bytes())
	}
	if d.Model != "IPC-HDW5421S" || !slices.Equal(d.VLANs, []uint16{20}) || d.Zone != "scada" {
		t.Errorf("heard %s on VLANs %v in zone %q; want IPC-HDW5421S on VLAN 20 in scada", d.Model, d.VLANs, d.Zone)
	}
	if len(r.Findings) != 1 || r.Findings[0].VLAN != 20 || r.Findings[0].Severity != "critical" {
		t.Errorf("findings %+v, want one critical finding placed by VLAN 20", r.Findings)
	}
}

// announceUntilExit waits for cmd to end while announce runs every 250 ms:
// the camera keeps announcing itself, as real ones do, so listen hears it
// whenever its capture socket opens, however loaded the machine (a fixed
// wait for the socket failed under load). It returns cmd's error.
func announceUntilExit(t *testing.T, cmd *exec.Cmd, announce func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for failed := false; ; {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if err := announce(); err != nil && !failed {
				failed = true
				t.Errorf("announcing: %v", err)
			}
		}
	}
}

// taggedUDP builds an Ethernet frame with an 802.1Q tag carrying one UDP
// datagram.
func taggedUDP(t *testing.T, src, dst net.HardwareAddr, srcIP, dstIP netip.Addr, vlan uint16, port uint16, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeDot1Q}
	tag := &layers.Dot1Q{VLANIdentifier: vlan, Type: layers.EthernetTypeIPv4}
	ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: srcIP.AsSlice(), DstIP: dstIP.AsSlice()}
	udp := &layers.UDP{SrcPort: layers.UDPPort(port), DstPort: layers.UDPPort(port)}
	udp.SetNetworkLayerForChecksum(ip4)
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, tag, ip4, udp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sendFrame writes frame on ifname count times through a raw packet socket
// (run it inside the host's namespace, with Host.Do).
func sendFrame(ifname string, frame []byte, count int) error {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	to := &unix.SockaddrLinklayer{Ifindex: ifi.Index, Halen: 6}
	copy(to.Addr[:], frame[0:6])
	for range count {
		if err := unix.Sendto(fd, frame, 0, to); err != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// `sweep --listen` reports two devices no sweep can ask, and a sweep without
// it reports neither: a Hikvision unit with no address of its own, heard
// only by its ARP probes for Hikvision's factory address 192.0.0.64 (issue
// 8: a device seen only by its MAC is a device), and a Dahua camera left on
// its factory address 192.168.1.108, outside the swept segment, heard by the
// real DHIP notifyDevInfo announcement of an IPC-HDW5421S
// (Phenomite/AMP-Research) it broadcasts. An audit whose sweep section says
// listen: true finds both too. A lab host writes both devices' frames;
// neither MAC belongs to an interface that could answer ARP.
func TestSweepListenReportsDevicesNoSweepCanAsk(t *testing.T) {
	l := newLab(t, labOptions())
	ip, err := l.FreeIP()
	if err != nil {
		t.Fatal(err)
	}
	writer, err := l.AddHost("frame-writer", net.HardwareAddr{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}, ip)
	if err != nil {
		t.Fatal(err)
	}
	body, err := fs.ReadFile(camsim.Data(), "recorded/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	if err != nil {
		t.Fatal(err)
	}
	hikMAC, _ := net.ParseMAC("bc:ad:28:5a:11:07")
	dahuaMAC, _ := net.ParseMAC("4c:11:bf:c2:0b:9d")
	probe := arpProbe(t, hikMAC, netip.MustParseAddr("192.0.0.64"))
	announce := broadcastUDP(t, dahuaMAC, netip.MustParseAddr("192.168.1.108"), 37810, discovery.DHIPFrame(body))
	send := func() error {
		return writer.Do(func() error {
			if err := sendFrame(writer.Interface, probe, 1); err != nil {
				return err
			}
			return sendFrame(writer.Interface, announce, 1)
		})
	}
	for _, listen := range []bool{true, false} {
		args := []string{"sweep", "-i", l.Scanner().Interface, "--probes", "arp", "--timeout", sweepTimeout.String(), "--format", "json", "-q"}
		if listen {
			args = append(args, "--listen")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := l.Scanner().Command(ctx, binary, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		announceUntilExit(t, cmd, send)
		cancel()
		if code := cmd.ProcessState.ExitCode(); code != 0 && code != 2 {
			t.Fatalf("sweep %v: exit %d; stderr:\n%s", args, code, stderr.Bytes())
		}
		byMAC := devicesByMAC(parseReport(t, stdout.Bytes()))
		hik, heardHik := byMAC[hikMAC.String()]
		dahua, heardDahua := byMAC[dahuaMAC.String()]
		if !listen {
			if heardHik || heardDahua {
				t.Errorf("a sweep without --listen reported a device it cannot ask: %+v %+v", hik, dahua)
			}
			continue
		}
		if !heardHik {
			t.Fatalf("sweep --listen: the addressless Hikvision unit %s is not in the report (stderr %s): %s", hikMAC, stderr.Bytes(), stdout.Bytes())
		}
		if hik.Vendor != "Hikvision" || !hik.Restricted || len(hik.IPs) != 0 || !slices.ContainsFunc(hik.Evidence, func(e fingerprint.Evidence) bool {
			return e.Probe == "listen" && e.Key == "arp.probe" && e.Value == "192.0.0.64"
		}) {
			t.Errorf("addressless unit reported as %+v; want a restricted Hikvision with no address and its probe for 192.0.0.64", hik)
		}
		if !heardDahua {
			t.Fatalf("sweep --listen: the Dahua camera on 192.168.1.108 is not in the report: %s", stdout.Bytes())
		}
		if dahua.Model != "IPC-HDW5421S" || !dahua.Restricted || !hasIP(dahua, "192.168.1.108") {
			t.Errorf("camera on another subnet reported as %+v; want a restricted IPC-HDW5421S at 192.168.1.108", dahua)
		}
	}
	// A scheduled audit listens the same way when its sweep section asks.
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	config := filepath.Join(dir, "site.yaml")
	doc := fmt.Sprintf("version: 1\naudit:\n  site: lab\n  store: audit.db\n  fail_on: none\n  sweep: {interface: %s, probes: [arp], timeout: %s, listen: true}\n", l.Scanner().Interface, sweepTimeout)
	if err := os.WriteFile(config, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := l.Scanner().Command(ctx, binary, "audit", "--config", config, "--format", "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := announceUntilExit(t, cmd, send); err != nil {
		t.Fatalf("audit: %v; stderr:\n%s\nstdout:\n%s", err, stderr.Bytes(), stdout.Bytes())
	}
	var audit struct {
		Findings []struct{ MAC, IP, Vendor, Model string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &audit); err != nil {
		t.Fatalf("audit JSON: %v\n%s", err, stdout.Bytes())
	}
	found := map[string]bool{}
	for _, f := range audit.Findings {
		found[strings.ToLower(f.MAC)] = true
	}
	if !found[hikMAC.String()] || !found[dahuaMAC.String()] {
		t.Errorf("audit with listen: true has no finding for %s or %s: %+v", hikMAC, dahuaMAC, audit.Findings)
	}
}

// arpProbe builds an RFC 5227 probe from mac for target: sender address
// 0.0.0.0, broadcast.
func arpProbe(t *testing.T, mac net.HardwareAddr, target netip.Addr) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP}
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: mac, SourceProtAddress: []byte{0, 0, 0, 0},
		DstHwAddress: make([]byte, 6), DstProtAddress: target.AsSlice()}
	return serialize(t, eth, arp)
}

// broadcastUDP builds a datagram from mac and ip to the broadcast address,
// from and to port.
func broadcastUDP(t *testing.T, mac net.HardwareAddr, ip netip.Addr, port uint16, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeIPv4}
	ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip.AsSlice(), DstIP: net.IPv4bcast.To4()}
	udp := &layers.UDP{SrcPort: layers.UDPPort(port), DstPort: layers.UDPPort(port)}
	udp.SetNetworkLayerForChecksum(ip4)
	return serialize(t, eth, ip4, udp, gopacket.Payload(payload))
}

func serialize(t *testing.T, layers ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, layers...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

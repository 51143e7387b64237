package discovery

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

const testdataDir = "../../testdata/discovery"

// realdataDir holds the real captures and recorded answers this package
// shares with others, one directory per origin (testdata/realdata/SOURCES.md).
const realdataDir = "../../testdata/realdata"

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readHexTestdata reads a testdata file holding a datagram as hex digits.
func readHexTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := hex.DecodeString(string(bytes.TrimSpace(readTestdata(t, name))))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readRealdata reads origin/file from testdata/realdata.
func readRealdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// datagram is one UDP payload from a capture with the Meta a pcap reader
// would give it.
type datagram struct {
	payload []byte
	meta    scanner.Meta
}

// readUDP returns every UDP datagram of a real capture in testdata/realdata
// (name is origin/file).
func readUDP(t testing.TB, name string) []datagram {
	t.Helper()
	return readUDPFile(t, filepath.Join(realdataDir, name))
}

// readUDPFile returns every UDP datagram of the capture at path.
func readUDPFile(t testing.TB, path string) []datagram {
	t.Helper()
	var out []datagram
	eachFrame(t, path, func(data []byte, link layers.LinkType, ts time.Time) bool {
		if d, ok := udpDatagram(gopacket.NewPacket(data, link, gopacket.Default), ts); ok {
			out = append(out, d)
		}
		return true
	})
	return out
}

// eachFrame calls fn with every frame of the capture at path (classic pcap,
// or pcapng whatever its name says) until fn returns false.
func eachFrame(t testing.TB, path string, fn func(data []byte, link layers.LinkType, ts time.Time) bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var r interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
		LinkType() layers.LinkType
	}
	if magic == [4]byte{0x0a, 0x0d, 0x0d, 0x0a} {
		r, err = pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	} else {
		r, err = pcapgo.NewReader(f)
	}
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !fn(data, r.LinkType(), ci.Timestamp) {
			return
		}
	}
}

func udpDatagram(pkt gopacket.Packet, ts time.Time) (datagram, bool) {
	udp, ok := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP)
	if !ok {
		return datagram{}, false
	}
	m := scanner.Meta{Time: ts, Probe: "pcap", SrcPort: uint16(udp.SrcPort), DstPort: uint16(udp.DstPort)}
	if eth, ok := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet); ok {
		m.SrcMAC = observe.MAC(eth.SrcMAC)
		m.DstMAC = observe.MAC(eth.DstMAC)
	}
	switch ip := pkt.NetworkLayer().(type) {
	case *layers.IPv4:
		m.SrcIP, _ = netip.AddrFromSlice(ip.SrcIP.To4())
		m.DstIP, _ = netip.AddrFromSlice(ip.DstIP.To4())
	case *layers.IPv6:
		m.SrcIP, _ = netip.AddrFromSlice(ip.SrcIP)
		m.DstIP, _ = netip.AddrFromSlice(ip.DstIP)
	}
	return datagram{payload: udp.Payload, meta: m}, true
}

// decodeCapture runs every datagram of a capture through the port table
// and the content sniffer, as the pcap reader does, and returns all
// observations and the number of datagrams a decoder rejected.
func decodeCapture(t testing.TB, name string) (obs []observe.Observation, rejected int) {
	t.Helper()
	for _, d := range readUDP(t, name) {
		dec, ok := ByPort(d.meta.SrcPort, d.meta.DstPort)
		if !ok {
			dec, ok = Sniff(d.payload)
		}
		if !ok {
			continue
		}
		if err := dec(d.payload, d.meta, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
			rejected++
		}
	}
	return obs, rejected
}

// decode runs one decoder over one payload.
func decode(d scanner.Decoder, payload []byte, m scanner.Meta) ([]observe.Observation, error) {
	var obs []observe.Observation
	err := d(payload, m, func(o observe.Observation) { obs = append(obs, o) })
	return obs, err
}

// values returns the values observed for key about ip (any ip when zero).
func values(obs []observe.Observation, ip netip.Addr, key string) []string {
	var out []string
	for _, o := range obs {
		if o.Key == key && (!ip.IsValid() || o.IP == ip) {
			out = append(out, o.Value)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// wantValue fails unless some observation has key=value about ip.
func wantValue(t *testing.T, obs []observe.Observation, ip netip.Addr, key, value string) {
	t.Helper()
	if got := values(obs, ip, key); !contains(got, value) {
		t.Errorf("%s about %v: want %q among %q", key, ip, value, got)
	}
}

// single returns the only observation with key, failing otherwise.
func single(t *testing.T, obs []observe.Observation, key string) observe.Observation {
	t.Helper()
	var found []observe.Observation
	for _, o := range obs {
		if o.Key == key {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one observation, got %d: %+v", key, len(found), found)
	}
	return found[0]
}

func mustMAC(t testing.TB, s string) observe.MAC {
	t.Helper()
	m, err := observe.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var noAddr netip.Addr

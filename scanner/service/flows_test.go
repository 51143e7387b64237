package service

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"sort"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// testFlow is one TCP connection from a capture: each direction's payload in
// sequence order, client being the side that did not use the server port.
type testFlow struct {
	server         netip.AddrPort
	client, served []byte
}

type segment struct {
	seq     uint32
	payload []byte
}

type flowKey struct{ src, dst netip.AddrPort }

// readFlows reassembles the TCP connections of a pcap or pcapng file whose
// server side uses serverPort. Test captures are tiny and clean, so ordering
// by sequence number and dropping retransmissions is enough.
func readFlows(t testing.TB, path string, serverPort uint16) []testFlow {
	t.Helper()
	segments := map[flowKey][]segment{}
	var order []flowKey
	for _, pkt := range readPackets(t, path) {
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok || len(tcp.Payload) == 0 || pkt.NetworkLayer() == nil {
			continue
		}
		src, _ := netip.AddrFromSlice(pkt.NetworkLayer().NetworkFlow().Src().Raw())
		dst, _ := netip.AddrFromSlice(pkt.NetworkLayer().NetworkFlow().Dst().Raw())
		key := flowKey{netip.AddrPortFrom(src, uint16(tcp.SrcPort)), netip.AddrPortFrom(dst, uint16(tcp.DstPort))}
		if key.src.Port() != serverPort && key.dst.Port() != serverPort {
			continue
		}
		if _, seen := segments[key]; !seen {
			order = append(order, key)
		}
		segments[key] = append(segments[key], segment{tcp.Seq, append([]byte(nil), tcp.Payload...)})
	}
	var flows []testFlow
	done := map[flowKey]bool{}
	for _, key := range order {
		c2s := key
		if key.src.Port() == serverPort {
			c2s = flowKey{key.dst, key.src}
		}
		if done[c2s] {
			continue
		}
		done[c2s] = true
		flows = append(flows, testFlow{
			server: c2s.dst,
			client: joinSegments(segments[c2s]),
			served: joinSegments(segments[flowKey{c2s.dst, c2s.src}]),
		})
	}
	return flows
}

func joinSegments(segs []segment) []byte {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].seq-segs[0].seq < segs[j].seq-segs[0].seq })
	var out []byte
	next, started := uint32(0), false
	for _, s := range segs {
		if started && s.seq != next {
			continue // retransmission or overlap
		}
		out = append(out, s.payload...)
		next, started = s.seq+uint32(len(s.payload)), true
	}
	return out
}

func readPackets(t testing.TB, path string) []gopacket.Packet {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var src gopacket.PacketDataSource
	var link layers.LinkType
	if ng, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions); err == nil {
		src, link = ng, ng.LinkType()
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		src, link = r, r.LinkType()
	}
	var pkts []gopacket.Packet
	for {
		d, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return pkts
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		pkts = append(pkts, gopacket.NewPacket(d, link, gopacket.Default))
	}
}

// collect runs a decoder and returns its observations.
func collect(t testing.TB, d scanner.StreamDecoder, client, server []byte, m scanner.Meta) ([]observe.Observation, error) {
	t.Helper()
	var obs []observe.Observation
	err := d(client, server, m, func(o observe.Observation) { obs = append(obs, o) })
	return obs, err
}

// valuesOf returns the values emitted under key, in order.
func valuesOf(obs []observe.Observation, key string) []string {
	var out []string
	for _, o := range obs {
		if o.Key == key {
			out = append(out, o.Value)
		}
	}
	return out
}

func hasValue(obs []observe.Observation, key, value string) bool {
	for _, o := range obs {
		if o.Key == key && o.Value == value {
			return true
		}
	}
	return false
}

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/service/" + rel)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realdataDir holds the real captures and recorded responses this package
// shares with others, one directory per origin (testdata/realdata/SOURCES.md).
const realdataDir = "../../testdata/realdata/"

// readRealdata reads origin/file from testdata/realdata.
func readRealdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(realdataDir + rel)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

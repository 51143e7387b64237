package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// FuzzReader feeds arbitrary files to the reader: it must return, without
// panicking, either cleanly or with one of its own errors. The protocol
// decoders are stand-ins that take every payload (they have fuzzers of their
// own): this fuzzes the reader, link decoding and the flow table.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"iot-sentinel/EdnetCam1_Setup-A-1-STA.pcap", "uhctf2022/EyeP_rtsp_setup.pcapng", "sadp-hikvision.pcap",
		"dhip-dahua.pcap", "wsd-dahua.pcap", "addressless.pcap", "public-site.pcap",
		"zeek/erspanII.pcap", "zeek/gre-erspan3-dot1q.pcap", "zeek/vxlan.pcap", "zeek/vxlan-triple-v2.pcap",
		"zeek/geneve.pcap", "zeek/gre-sample.pcap", "zeek/gre-aruba-ccmp.pcap", "zeek/gre-aruba-amsdu.pcap", "zeek/lldp.pcap"} {
		f.Add(readBytes(f, name))
	}
	for _, order := range []func([][]byte) [][]byte{inOrder, reversed} {
		path, _, _ := fragmentCapture(f, "wsd-hikvision.pcap", 576, order)
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		st, err := Read(context.Background(), bytes.NewReader(data), "fuzz", int64(len(data)), func(observe.Observation) { n++ },
			Options{MaxFlows: 8, StreamBudget: 1 << 16, StreamBytes: 512, Protocols: takeEverything()})
		var fe *FormatError
		var ce *CorruptError
		if err != nil && !errors.As(err, &fe) && !errors.As(err, &ce) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		if st.Observations != int64(n) {
			t.Fatalf("stats count %d observations, %d emitted", st.Observations, n)
		}
	})
}

// FuzzPacket feeds arbitrary frames of every link type to the decoder.
func FuzzPacket(f *testing.F) {
	f.Add(uint16(1), frame(f, seg{false, 1, "A", "GET / HTTP/1.0\r\n\r\n"}, 40000, 80))
	f.Add(uint16(113), []byte{0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0, 0x45, 0, 0, 20})
	f.Add(uint16(276), make([]byte, 64))
	f.Add(uint16(101), []byte{0x60, 0, 0, 0, 0, 8, 44, 64})
	f.Add(uint16(0), []byte{2, 0, 0, 0, 0x45})
	answer := realAnswers(f)[0]
	for _, frag := range fragmentFrame(f, layers.LinkTypeEthernet, answer.frame(f), 576) {
		f.Add(uint16(1), frag)
	}
	inner, _, err := openPcap(f, mirrorSource).ReadPacketData()
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range mirrorWraps { // remote-mirror tunnels (tunnel.go)
		f.Add(uint16(1), m.wrap(inner))
	}
	for _, w := range wifiForms { // 802.11 and its radio headers (wifi.go)
		f.Add(uint16(w.link), w.wrap(inner[0:6], inner[6:12], binary.BigEndian.Uint16(inner[12:14]), inner[14:]))
	}
	ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, link uint16, data []byte) {
		// Bit 14 of link names 0.0.0.0/1 the site's own range (Options.Local).
		opt := Options{MaxFlows: 4, AllAddresses: link&0x8000 != 0}
		if link&0x4000 != 0 {
			opt.Local = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/1"), netip.MustParsePrefix("2000::/3")}
		}
		d := NewDecoder(func(observe.Observation) {}, opt)
		d.Packet(layers.LinkType(link&0x3fff), ts, data)
		d.Packet(layers.LinkType(link&0x3fff), ts.Add(time.Second), data)
		d.Flush()
		if d.flows.buffered != 0 || len(d.flows.index) != 0 {
			t.Fatalf("flush left %d bytes in %d flows", d.flows.buffered, len(d.flows.index))
		}
	})
}

// FuzzFragments feeds a sequence of IPv4 fragments of any shape to the
// reassembler, with small caps. Each record is five bytes and the fragment's
// bytes: a selector (bits 0-1 the IP identification, bit 2 the sender, bits
// 3-7 seconds of capture time since the last fragment), the flags and
// offset field, and the length the IP header announces; the data that
// follows may be shorter (a truncated fragment); flags without More
// Fragments and offset make an ordinary datagram. Whatever comes, the caps
// hold, the datagrams handed on fit in 64 KiB, and Flush leaves nothing.
func FuzzFragments(f *testing.F) {
	answer := realAnswers(f)[0]
	frags := fragmentFrame(f, layers.LinkTypeEthernet, answer.frame(f), 576)
	records := func(sel byte, frames ...[]byte) []byte {
		var out []byte
		for _, fr := range frames {
			ip := fr[14:]
			out = append(out, sel, ip[6], ip[7], byte((len(ip)-20)>>8), byte(len(ip)-20))
			out = append(out, ip[20:]...)
		}
		return out
	}
	f.Add(records(0, frags...))
	f.Add(records(0, reversed(frags)...))
	f.Add(records(0, frags[0], frags[0], frags[2], frags[1], frags[3]))
	f.Add(append(records(0, frags[:2]...), records(1, frags[2:]...)...)) // another datagram's tail
	f.Add(append(records(0, frags[:3]...), records(31<<3, frags[3])...)) // the tail 31 s late
	f.Fuzz(func(t *testing.T, data []byte) {
		var datagrams []int
		keep := func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
			datagrams = append(datagrams, len(payload))
			return nil
		}
		opt := Options{MaxReassembly: 3, ReassemblyBudget: 16 << 10,
			Protocols: &Protocols{UDP: func(uint16, uint16) (scanner.Decoder, bool) { return keep, true }}}
		d := NewDecoder(func(observe.Observation) {}, opt)
		ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
		for len(data) >= 5 {
			sel, flags, length := data[0], binary.BigEndian.Uint16(data[1:3]), int(binary.BigEndian.Uint16(data[3:5]))
			body := data[5:][:min(length, len(data)-5)]
			data = data[5+len(body):]
			src := []string{"10.0.0.1", "10.0.0.2"}[sel>>2&1]
			frame := rawFragment(src, uint16(sel&3), flags&0x1fff, flags&0x2000 != 0, body)
			binary.BigEndian.PutUint16(frame[14+2:], uint16(20+length))
			binary.BigEndian.PutUint16(frame[14+6:], flags)
			ts = ts.Add(time.Duration(sel>>3) * time.Second)
			d.Packet(layers.LinkTypeEthernet, ts, frame)
			checkReassembler(t, d.frags, opt)
		}
		d.Flush()
		checkReassembler(t, d.frags, opt)
		st := d.Stats()
		if d.frags.held != 0 || len(d.frags.index) != 0 || st.FragmentsDropped > st.Fragments || st.Reassembled > st.Fragments {
			t.Fatalf("after flush: %d bytes in %d datagrams, stats %+v", d.frags.held, len(d.frags.index), st)
		}
		for _, n := range datagrams {
			if n > 65535-20 {
				t.Fatalf("a datagram of %d bytes", n)
			}
		}
	})
}

// checkReassembler checks the caps and that the age list and the index
// hold the same datagrams.
func checkReassembler(t *testing.T, r *reassembler, opt Options) {
	t.Helper()
	if len(r.index) > opt.MaxReassembly || r.held > opt.ReassemblyBudget || r.held < 0 {
		t.Fatalf("%d datagrams holding %d bytes", len(r.index), r.held)
	}
	n, sum := 0, 0
	for p := r.oldest; p != nil; p = p.newer {
		if r.index[p.key] != p || (p.newer == nil) != (p == r.newest) {
			t.Fatalf("age list and index disagree on %+v", p.key)
		}
		n++
		sum += p.cost
	}
	if n != len(r.index) || sum != r.held {
		t.Fatalf("%d datagrams listed, %d indexed; %d bytes listed, %d held", n, len(r.index), sum, r.held)
	}
}

// takeEverything routes every datagram and stream to decoders that emit one
// observation per payload.
func takeEverything() *Protocols {
	datagram := func(payload []byte, m scanner.Meta, emit scanner.Emit) error {
		emit(m.Observe("test.len", strconv.Itoa(len(payload))))
		return nil
	}
	stream := func(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
		emit(m.Observe("test.len", strconv.Itoa(len(client))+"/"+strconv.Itoa(len(server))))
		return nil
	}
	return &Protocols{
		UDP:          func(uint16, uint16) (scanner.Decoder, bool) { return datagram, true },
		StreamByPort: func(port uint16) (scanner.StreamDecoder, bool) { return stream, port < 1024 },
		StreamDetect: func(client, server []byte) (scanner.StreamDecoder, bool) { return stream, len(server) > 0 },
	}
}

package pcap

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
)

// FuzzReader feeds arbitrary files to the reader: it must return, without
// panicking, either cleanly or with one of its own errors. The protocol
// decoders are stand-ins that take every payload (they have fuzzers of their
// own): this fuzzes the reader, link decoding and the flow table.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"EdnetCam1_Setup-A-1-STA.pcap", "EyeP_rtsp_setup.pcapng", "sadp-hikvision.pcap",
		"dhip-dahua.pcap", "wsd-dahua.pcap"} {
		f.Add(readBytes(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		st, err := Read(context.Background(), bytes.NewReader(data), "fuzz", int64(len(data)), func(fingerprint.Observation) { n++ },
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
	ts := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, link uint16, data []byte) {
		d := NewDecoder(func(fingerprint.Observation) {}, Options{MaxFlows: 4, AllAddresses: link&0x8000 != 0})
		d.Packet(layers.LinkType(link&0x7fff), ts, data)
		d.Packet(layers.LinkType(link&0x7fff), ts.Add(time.Second), data)
		d.Flush()
		if d.flows.buffered != 0 || len(d.flows.index) != 0 {
			t.Fatalf("flush left %d bytes in %d flows", d.flows.buffered, len(d.flows.index))
		}
	})
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

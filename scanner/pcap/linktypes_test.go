package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// relink rewrites the real uhctf2022 capture (Ethernet, IPv4) with another
// link-layer framing of the same IP packets.
func relink(t *testing.T, link layers.LinkType, header []byte) []byte {
	t.Helper()
	r := openPcapng(t, "uhctf2022/EyeP_rtsp_setup.pcapng")
	return rewriteCapture(t, r, link, func(data []byte) []byte {
		if layers.EthernetType(uint16(data[12])<<8|uint16(data[13])) != layers.EthernetTypeIPv4 {
			return nil
		}
		return append(append([]byte(nil), header...), data[14:]...)
	})
}

func TestRawAndLoopbackLinkTypes(t *testing.T) {
	for _, c := range []struct {
		name   string
		link   layers.LinkType
		header []byte
	}{
		{"raw", layers.LinkTypeRaw, nil},
		{"ipv4", layers.LinkType(228), nil},
		{"null little-endian AF_INET", layers.LinkTypeNull, []byte{2, 0, 0, 0}},
		{"loop big-endian AF_INET", layers.LinkTypeLoop, []byte{0, 0, 0, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{}
			st, err := Read(context.Background(), bytes.NewReader(relink(t, c.link, c.header)), c.name, 0, r.emit, Options{})
			if err != nil || st.Skipped != 0 || st.Packets == 0 {
				t.Fatalf("%v, stats %+v", err, st)
			}
			if !r.has("10.66.130.2", "rtsp.www_authenticate", `Digest realm="RTSP"*`) {
				t.Error("RTSP realm not decoded")
			}
			for _, o := range r.obs {
				if !o.MAC.IsZero() {
					t.Errorf("a MAC from a link without one: %+v", o)
				}
			}
		})
	}
}

// bigEndianPcapng writes the frames of a real little-endian pcap as a
// big-endian pcapng with nanosecond timestamps: section header, one
// interface (with if_tsresol 9) and an enhanced packet block per frame.
func bigEndianPcapng(t *testing.T, name string) []byte {
	t.Helper()
	r := openPcap(t, name)
	var out bytes.Buffer
	be := binary.BigEndian
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		out.Write(be.AppendUint32(be.AppendUint32(nil, typ), n))
		out.Write(body)
		out.Write(be.AppendUint32(nil, n))
	}
	shb := be.AppendUint32(nil, 0x1a2b3c4d)
	shb = be.AppendUint16(be.AppendUint16(shb, 1), 0)
	shb = be.AppendUint64(shb, ^uint64(0))
	block(0x0a0d0d0a, shb)
	idb := be.AppendUint16(nil, uint16(r.LinkType()))
	idb = be.AppendUint16(idb, 0)
	idb = be.AppendUint32(idb, 0)
	idb = append(be.AppendUint16(be.AppendUint16(idb, 9), 1), 9, 0, 0, 0) // if_tsresol = 10^-9
	idb = be.AppendUint32(idb, 0)                                         // opt_endofopt
	block(1, idb)
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		ts := uint64(ci.Timestamp.UnixNano())
		epb := be.AppendUint32(nil, 0)
		epb = be.AppendUint32(be.AppendUint32(epb, uint32(ts>>32)), uint32(ts))
		epb = be.AppendUint32(be.AppendUint32(epb, uint32(len(data))), uint32(ci.Length))
		block(6, append(epb, data...))
	})
	return out.Bytes()
}

func TestBigEndianPcapng(t *testing.T) {
	const name = "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap"
	want, wantStats := readCapture(t, name, Options{})
	got := &recorder{}
	st, err := Read(context.Background(), bytes.NewReader(bigEndianPcapng(t, name)), "be.pcapng", 0, got.emit, Options{})
	if err != nil || st != wantStats {
		t.Fatalf("%v: %+v, want %+v", err, st, wantStats)
	}
	for i := range want.obs {
		if got.obs[i] != want.obs[i] {
			t.Fatalf("observation %d: %+v, want %+v", i, got.obs[i], want.obs[i])
		}
	}
}

package pcap

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// relink rewrites the real uhctf2022 capture (Ethernet, IPv4) with another
// link-layer framing of the same IP packets.
func relink(t *testing.T, link layers.LinkType, header []byte) []byte {
	t.Helper()
	f, err := os.Open(capturePath("EyeP_rtsp_setup.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(65535, link); err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if layers.EthernetType(uint16(data[12])<<8|uint16(data[13])) != layers.EthernetTypeIPv4 {
			continue
		}
		frame := append(append([]byte(nil), header...), data[14:]...)
		ci.CaptureLength, ci.Length = len(frame), len(frame)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ci.Timestamp, CaptureLength: len(frame), Length: len(frame)}, frame); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
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

package pcap

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// These helpers cut real recorded datagrams into IPv4 fragments the way a
// router or the sending host's stack does, so that the reassembly tests read
// the same bytes a device sent, only in pieces.

// ipv4Of finds the IPv4 header in a frame and the length of the link
// headers before it (Ethernet with VLAN tags, Linux cooked, ...).
func ipv4Of(link layers.LinkType, frame []byte) (*layers.IPv4, int) {
	pkt := gopacket.NewPacket(frame, link, gopacket.NoCopy)
	linkLen := 0
	for _, l := range pkt.Layers() {
		if ip, ok := l.(*layers.IPv4); ok {
			return ip, linkLen
		}
		linkLen += len(l.LayerContents())
	}
	return nil, 0
}

// fragmentFrame cuts the IPv4 datagram in frame into fragments of at most
// mtu bytes of IP packet: the link headers repeated, the IP header copied
// with its length, offset and More Fragments set (and Don't Fragment
// cleared, as it must be on a fragment), the IP payload cut at 8-byte
// boundaries. A frame that fits, holds no IPv4 or holds a fragment already
// comes back whole.
func fragmentFrame(t testing.TB, link layers.LinkType, frame []byte, mtu int) [][]byte {
	t.Helper()
	ip, linkLen := ipv4Of(link, frame)
	if ip == nil || int(ip.Length) <= mtu || ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
		return [][]byte{frame}
	}
	step := (mtu - len(ip.Contents)) &^ 7
	var frags [][]byte
	for off := 0; off < len(ip.Payload); off += step {
		end := min(off+step, len(ip.Payload))
		hdr := *ip
		hdr.Flags &^= layers.IPv4DontFragment | layers.IPv4MoreFragments
		if end < len(ip.Payload) {
			hdr.Flags |= layers.IPv4MoreFragments
		}
		hdr.FragOffset = uint16(off / 8)
		buf := gopacket.NewSerializeBuffer()
		opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
		if err := gopacket.SerializeLayers(buf, opts, &hdr, gopacket.Payload(ip.Payload[off:end])); err != nil {
			t.Fatal(err)
		}
		frags = append(frags, append(bytes.Clone(frame[:linkLen]), buf.Bytes()...))
	}
	return frags
}

func inOrder(frags [][]byte) [][]byte { return frags }

// reversed sends the last fragment first and the one holding the UDP
// header last, as a host that fragments from the end (old Linux) does.
func reversed(frags [][]byte) [][]byte {
	out := slices.Clone(frags)
	slices.Reverse(out)
	return out
}

// stamped is a frame and its capture time.
type stamped struct {
	ts    time.Time
	frame []byte
}

// spread times the pieces of one datagram a microsecond apart, ending at
// ts: the reassembled datagram is decoded at the time the whole one was.
func spread(ts time.Time, frames [][]byte) []stamped {
	out := make([]stamped, len(frames))
	for i, f := range frames {
		out[i] = stamped{ts.Add(time.Duration(i-len(frames)+1) * time.Microsecond), f}
	}
	return out
}

// writeCapture writes frames as a pcap file in the test's directory.
func writeCapture(t testing.TB, link layers.LinkType, frames []stamped) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fragmented.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(262144, link); err != nil {
		t.Fatal(err)
	}
	for _, s := range frames {
		ci := gopacket.CaptureInfo{Timestamp: s.ts, CaptureLength: len(s.frame), Length: len(s.frame)}
		if err := w.WritePacket(ci, s.frame); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// fragmentCapture rewrites a capture (named as for capturePath) with every UDP
// datagram longer than mtu cut into fragments and arranged by order. It
// returns the new file and how many datagrams were cut into how many
// fragments.
func fragmentCapture(t testing.TB, name string, mtu int, order func([][]byte) [][]byte) (string, int, int) {
	t.Helper()
	r := openPcap(t, name)
	var out []stamped
	datagrams, fragments := 0, 0
	eachPacket(t, r, func(data []byte, ci gopacket.CaptureInfo) {
		pieces := [][]byte{data}
		if ip, _ := ipv4Of(r.LinkType(), data); ip != nil && ip.Protocol == layers.IPProtocolUDP {
			pieces = fragmentFrame(t, r.LinkType(), data, mtu)
		}
		if len(pieces) > 1 {
			datagrams++
			fragments += len(pieces)
		}
		out = append(out, spread(ci.Timestamp, order(pieces))...)
	})
	return writeCapture(t, r.LinkType(), out), datagrams, fragments
}

// udpFrame builds an Ethernet frame carrying one UDP datagram, sent the way
// devices send discovery answers: TTL 64, Don't Fragment clear.
func udpFrame(t testing.TB, srcMAC, dstMAC string, src, dst string, sport, dport uint16, id uint16, payload []byte) []byte {
	t.Helper()
	smac, _ := net.ParseMAC(srcMAC)
	dmac, _ := net.ParseMAC(dstMAC)
	eth := &layers.Ethernet{SrcMAC: smac, DstMAC: dmac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Id: id, Protocol: layers.IPProtocolUDP,
		SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	_ = udp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, udp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes())
}

// rawFragment builds an Ethernet frame with an IPv4 fragment of any shape,
// sane or not: offset in 8-byte units, the More Fragments flag, the bytes.
func rawFragment(src string, id uint16, offset uint16, more bool, data []byte) []byte {
	frame := make([]byte, 14+20+len(data))
	copy(frame[0:6], srvMAC)
	copy(frame[6:12], cliMAC)
	binary.BigEndian.PutUint16(frame[12:], etherIPv4)
	ip := frame[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, ipUDP
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(data)))
	binary.BigEndian.PutUint16(ip[4:], id)
	flags := offset & 0x1fff
	if more {
		flags |= 0x2000
	}
	binary.BigEndian.PutUint16(ip[6:], flags)
	copy(ip[12:16], net.ParseIP(src).To4())
	copy(ip[16:20], []byte{10, 20, 0, 5})
	copy(ip[20:], data)
	return frame
}

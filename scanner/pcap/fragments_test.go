package pcap

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// fact is one observation a test expects.
type fact struct{ ip, key, value string }

// answer is a real recorded discovery answer as its device sends it.
type answer struct {
	name        string
	srcMAC, src string
	sport       uint16
	payload     []byte
	mtu         int // cut into fragments of this size
	fragments   int // how many that makes
	facts       []fact
}

// realAnswers are discovery answers recorded from real devices, payloads
// unchanged (testdata/realdata/SOURCES.md):
//   - the python-ws-discovery ProbeMatch of a no-name IPCAM 631GA, 1,820
//     bytes of XML: on Ethernet (MTU 1500) it cannot travel unfragmented;
//   - AMP-Research's Dahua IPC-HDW5421S client.notifyDevInfo, behind the
//     32-byte DHIP header (constructed, as tools/mkcapture does), cut at
//     576 bytes, the smallest datagram every IPv4 host must take whole.
func realAnswers(t testing.TB) []answer {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "realdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []answer{{
		name: "wsd IPCAM 631GA", srcMAC: "78:a5:dd:0f:95:93", src: "192.168.1.104", sport: 3702,
		payload: read("python-ws-discovery/probe_response_IPCAM_631GA.xml"), mtu: 1500, fragments: 2,
		facts: []fact{
			{"192.168.1.104", "wsd.scope", "onvif://www.onvif.org/Model/631GA"},
			{"192.168.1.104", "wsd.scope", "onvif://www.onvif.org/Name/IPCAM"},
			{"192.168.1.104", "wsd.scope", "onvif://www.onvif.org/location/country/china"},
			{"192.168.1.104", "wsd.endpoint", "urn:uuid:2419d68a-2dd2-21b2-a205-78A5DD0F9593"},
			{"192.168.1.104", "wsd.xaddrs", "http://192.168.1.104:80/onvif/device_service"},
		},
	}, {
		name: "dhip IPC-HDW5421S", srcMAC: "4c:11:bf:c2:0b:9d", src: "10.20.0.21", sport: 37810,
		payload: discovery.DHIPFrame([]byte(strings.TrimSpace(string(read("dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json"))))),
		mtu:     576, fragments: 2,
		facts: []fact{
			{"10.20.0.21", "dhip.model", "IPC-HDW5421S"},
			{"10.20.0.21", "dhip.serial", "1F006E4PAX00075"},
			{"10.20.0.21", "dhip.firmware", "2.400.0.8"},
			{"10.20.0.21", "dhip.vendor", "Dahua"},
		},
	}}
}

var answerTime = time.Date(2026, 11, 26, 5, 10, 0, 0, time.UTC)

func (a answer) frame(t testing.TB) []byte {
	return udpFrame(t, a.srcMAC, "00:14:22:aa:bb:cc", a.src, "10.20.0.5", a.sport, 40100, 0x4242, a.payload)
}

// readFrames writes frames to a capture file and reads it back.
func readFrames(t testing.TB, frames []stamped, opt Options) (*recorder, Stats) {
	t.Helper()
	r := &recorder{}
	st, err := ReadFile(context.Background(), writeCapture(t, layers.LinkTypeEthernet, frames), r.emit, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

// A real answer cut into fragments, in order or last piece first, gives the
// very observations the whole answer gives, at the time of the last
// fragment, and binds the device's MAC as the whole one does.
func TestRealAnswersInFragments(t *testing.T) {
	for _, a := range realAnswers(t) {
		whole, _ := readFrames(t, []stamped{{answerTime, a.frame(t)}}, Options{})
		for _, f := range a.facts {
			if !whole.has(f.ip, f.key, f.value) {
				t.Fatalf("%s: the whole answer has no %s=%q", a.name, f.key, f.value)
			}
		}
		frags := fragmentFrame(t, layers.LinkTypeEthernet, a.frame(t), a.mtu)
		if len(frags) != a.fragments {
			t.Fatalf("%s: %d fragments at MTU %d, want %d", a.name, len(frags), a.mtu, a.fragments)
		}
		for name, order := range map[string]func([][]byte) [][]byte{"in order": inOrder, "last first": reversed} {
			t.Run(a.name+"/"+name, func(t *testing.T) {
				got, st := readFrames(t, spread(answerTime, order(frags)), Options{})
				for _, f := range a.facts {
					if !got.has(f.ip, f.key, f.value) {
						t.Errorf("no %s %s=%q", f.ip, f.key, f.value)
					}
				}
				if !got.binds("link.ip", a.srcMAC, a.src) {
					t.Errorf("%s not bound to %s", a.srcMAC, a.src)
				}
				sameObservations(t, got.obs, whole.obs)
				if st.Fragments != int64(a.fragments) || st.Reassembled != 1 || st.FragmentsDropped != 0 || st.Skipped != 0 {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

// A datagram that lost any one of its fragments yields nothing, and its
// fragments are counted as dropped.
func TestMissingFragmentYieldsNothing(t *testing.T) {
	for _, a := range realAnswers(t) {
		frags := fragmentFrame(t, layers.LinkTypeEthernet, a.frame(t), 576)
		for lost := range frags {
			kept := append(append([][]byte(nil), frags[:lost]...), frags[lost+1:]...)
			got, st := readFrames(t, spread(answerTime, kept), Options{})
			for _, f := range a.facts {
				if got.has(f.ip, f.key, f.value) {
					t.Errorf("%s without fragment %d: %s=%q decoded", a.name, lost, f.key, f.value)
				}
			}
			n := int64(len(kept))
			if st.Fragments != n || st.FragmentsDropped != n || st.Reassembled != 0 || st.Skipped != 0 {
				t.Errorf("%s without fragment %d of %d: stats %+v", a.name, lost, len(frags), st)
			}
		}
	}
}

// sameObservations wants got to be want, observation for observation. A
// link.mac carries the time of the sender's first frame, which for a
// datagram cut into fragments is its first fragment: only its time may differ.
func sameObservations(t *testing.T, got, want []observe.Observation) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d observations, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g := got[i]
		if g.Key == "link.mac" && want[i].Key == "link.mac" {
			g.Time = want[i].Time
		}
		if g != want[i] {
			t.Errorf("observation %d: %+v\nwant %+v", i, got[i], want[i])
			return
		}
	}
}

// Each test capture rewritten with every UDP datagram over 296 bytes (an
// old PPP MTU: it cuts SSDP, mDNS and DHCP too) in fragments: the same
// observations come out. The site capture is read with VLAN tags (802.1Q
// and QinQ) and with Linux cooked headers; the IoT Sentinel and Yi captures
// are real ones.
func TestFragmentedCapturesDecodeAlike(t *testing.T) {
	for _, name := range []string{"sadp-hikvision.pcap", "dhip-dahua.pcap", "wsd-hikvision.pcap", "wsd-dahua.pcap",
		"site-vlan.pcap", "site-sll.pcap", "site-sll2.pcap", "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap",
		"iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap", "neu-intl-iot/yi_camera_sample.pcap"} {
		for orderName, order := range map[string]func([][]byte) [][]byte{"in order": inOrder, "last first": reversed} {
			t.Run(name+"/"+orderName, func(t *testing.T) {
				path, datagrams, fragments := fragmentCapture(t, name, 296, order)
				if datagrams == 0 {
					t.Fatal("no datagram long enough to fragment")
				}
				t.Logf("%d datagrams cut into %d fragments", datagrams, fragments)
				for _, opt := range []Options{{}, {AllAddresses: true}} {
					want, wantSt := readCapture(t, name, opt)
					got := &recorder{}
					st, err := ReadFile(context.Background(), path, got.emit, opt)
					if err != nil {
						t.Fatal(err)
					}
					sameObservations(t, got.obs, want.obs)
					if st.Packets != wantSt.Packets+int64(fragments-datagrams) || st.Skipped != wantSt.Skipped ||
						st.FragmentsDropped != 0 || st.DecoderErrors != wantSt.DecoderErrors {
						t.Errorf("%+v: stats %+v, unfragmented %+v", opt, st, wantSt)
					}
					// Only with AllAddresses are public senders' fragments taken too.
					if opt.AllAddresses && (st.Fragments != int64(fragments) || st.Reassembled != int64(datagrams)) {
						t.Errorf("%d datagrams in %d fragments; stats %+v", datagrams, fragments, st)
					}
				}
			})
		}
	}
}

// The device facts the unfragmented per-protocol captures are tested for
// (TestPerProtocolSamples, TestSiteSampleDevices) come out of fragments.
func TestDeviceFactsFromFragments(t *testing.T) {
	for _, c := range []struct {
		file  string
		facts []fact
	}{
		{"sadp-hikvision.pcap", []fact{
			{"10.20.0.11", "sadp.model", "DS-2CD2146G2-ISU"},
			{"10.20.0.11", "sadp.serial", "DS-2CD2146G2-ISU20240606AAWRFJ2914"},
			{"10.20.0.11", "sadp.firmware", "V5.7.17build 240606"},
			{"10.20.0.12", "sadp.model", "DS-7608NXI-I2/8P/S"},
			{"10.20.0.12", "sadp.firmware", "V4.62.210build 230619"},
		}},
		{"dhip-dahua.pcap", []fact{
			{"10.20.0.21", "dhip.model", "IPC-HDW5421S"},
			{"10.20.0.21", "dhip.serial", "1F006E4PAX00075"},
			{"10.20.0.22", "dhip.vendor", "Intelbras"},
			{"10.20.0.22", "dhip.firmware", "3.200.24.0"},
		}},
		{"wsd-hikvision.pcap", []fact{
			{"10.20.0.11", "wsd.scope", "onvif://www.onvif.org/name/HIKVISION DS-2CD2146G2-ISU"},
			{"10.20.0.11", "wsd.scope", "onvif://www.onvif.org/hardware/DS-2CD2146G2-ISU"},
		}},
		{"wsd-dahua.pcap", []fact{
			{"10.20.0.21", "wsd.scope", "onvif://www.onvif.org/hardware/IPC-HDW5421S"},
			{"10.20.0.21", "wsd.scope", "onvif://www.onvif.org/name/Dahua"},
		}},
		{"site-vlan.pcap", []fact{
			{"10.20.0.11", "sadp.model", "DS-2CD2146G2-ISU"},
			{"10.20.0.12", "sadp.firmware", "V4.62.210build 230619"},
			{"10.20.0.21", "dhip.model", "IPC-HDW5421S"},
			{"10.20.0.31", "xm.firmware", "V5.00.R02.00030747.10010.349f17.0000000"},
		}},
	} {
		path, _, _ := fragmentCapture(t, c.file, 576, reversed)
		r := &recorder{}
		if _, err := ReadFile(context.Background(), path, r.emit, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, f := range c.facts {
			if !r.has(f.ip, f.key, f.value) {
				t.Errorf("%s in fragments: no %s %s=%q", c.file, f.ip, f.key, f.value)
			}
		}
	}
}

// datagramRecorder takes every UDP datagram and notes its length and meta.
type datagramRecorder struct {
	lengths []int
	metas   []scanner.Meta
}

func (r *datagramRecorder) protocols() *Protocols {
	dec := func(payload []byte, m scanner.Meta, _ scanner.Emit) error {
		r.lengths = append(r.lengths, len(payload))
		r.metas = append(r.metas, m)
		return nil
	}
	return &Protocols{UDP: func(uint16, uint16) (scanner.Decoder, bool) { return dec, true }}
}

// An incomplete datagram is given up 30 s of capture time after its first
// fragment, however fast the file is read; a late fragment then completes
// nothing.
func TestIncompleteDatagramExpiresInCaptureTime(t *testing.T) {
	a := realAnswers(t)[0]
	frags := fragmentFrame(t, layers.LinkTypeEthernet, a.frame(t), 576)
	for _, c := range []struct {
		late      time.Duration
		completed bool
	}{{29 * time.Second, true}, {31 * time.Second, false}} {
		rec := &datagramRecorder{}
		d := NewDecoder(func(observe.Observation) {}, Options{Protocols: rec.protocols()})
		for _, f := range frags[:len(frags)-1] {
			d.Packet(layers.LinkTypeEthernet, answerTime, f)
		}
		other := frame(t, seg{false, 1, "A", ""}, 40000, 443)
		d.Packet(layers.LinkTypeEthernet, answerTime.Add(c.late), other)
		held := int64(len(frags) - 1)
		if dropped := d.Stats().FragmentsDropped; (dropped == 0) != c.completed || (!c.completed && dropped != held) {
			t.Errorf("after %v: %d fragments dropped", c.late, dropped)
		}
		d.Packet(layers.LinkTypeEthernet, answerTime.Add(c.late), frags[len(frags)-1])
		d.Flush()
		st := d.Stats()
		if c.completed != (len(rec.lengths) == 1) || st.Reassembled != int64(len(rec.lengths)) {
			t.Errorf("last fragment after %v: %d datagrams, stats %+v", c.late, len(rec.lengths), st)
		}
		if c.completed && !rec.metas[0].Time.Equal(answerTime.Add(c.late)) {
			t.Errorf("decoded at %v, want the last fragment's time", rec.metas[0].Time)
		}
		if !c.completed && st.FragmentsDropped != int64(len(frags)) {
			t.Errorf("late fragment: %d dropped, want all %d", st.FragmentsDropped, len(frags))
		}
	}
}

// Hostile fragments: nothing panics, nothing is decoded from a datagram
// whose pieces contradict each other, and every fragment is accounted for.
func TestHostileFragments(t *testing.T) {
	a := realAnswers(t)[0]
	frags := fragmentFrame(t, layers.LinkTypeEthernet, a.frame(t), 576) // 4: 552, 552, 552, 192 bytes
	const src, id = "192.168.1.104", 0x4242                             // the answer's datagram
	tiny := func(n int) [][]byte {
		var out [][]byte
		for i := range n {
			out = append(out, rawFragment("10.20.0.11", 7, uint16(2*i), true, make([]byte, 8)))
		}
		return out
	}
	truncated := frags[1][:len(frags[1])-100]
	for _, c := range []struct {
		name        string
		frames      [][]byte
		reassembled int64
		dropped     int64
	}{
		{"each fragment twice", [][]byte{frags[0], frags[0], frags[1], frags[2], frags[1], frags[3]}, 1, 0},
		{"overlap with other bytes", [][]byte{frags[0], rawFragment(src, id, 68, true, make([]byte, 64)), frags[1], frags[2], frags[3]}, 0, 5},
		{"fragment past 64 KiB", [][]byte{rawFragment("10.20.0.11", 1, 8189, false, make([]byte, 100))}, 0, 1},
		{"largest offset", [][]byte{rawFragment("10.20.0.11", 1, 0x1fff, true, make([]byte, 8))}, 0, 1},
		{"empty fragment", [][]byte{rawFragment("10.20.0.11", 1, 0, true, nil)}, 0, 1},
		{"final fragment before data held", [][]byte{frags[2], rawFragment(src, id, 1, false, make([]byte, 8))}, 0, 2},
		{"truncated by the capture", [][]byte{frags[0], truncated, frags[2], frags[3]}, 0, 4},
		{"100 tiny pieces with holes", tiny(100), 0, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &datagramRecorder{}
			d := NewDecoder(func(observe.Observation) {}, Options{Protocols: rec.protocols()})
			for _, f := range c.frames {
				d.Packet(layers.LinkTypeEthernet, answerTime, f)
				if len(d.frags.index) > 1 || d.frags.held > maxFragmentsPerDatagram*(1600+fragmentOverhead)+datagramOverhead {
					t.Fatalf("%d datagrams holding %d bytes", len(d.frags.index), d.frags.held)
				}
			}
			d.Flush()
			st := d.Stats()
			if st.Reassembled != c.reassembled || st.FragmentsDropped != c.dropped || int64(len(rec.lengths)) != c.reassembled {
				t.Errorf("stats %+v, %d datagrams decoded", st, len(rec.lengths))
			}
			if c.reassembled == 1 && rec.lengths[0] != len(a.payload) {
				t.Errorf("datagram of %d bytes, want %d", rec.lengths[0], len(a.payload))
			}
			if d.frags.held != 0 || len(d.frags.index) != 0 || d.frags.oldest != nil {
				t.Errorf("flush left %d bytes in %d datagrams", d.frags.held, len(d.frags.index))
			}
		})
	}
}

// When more datagrams are pending than MaxReassembly, or they hold more
// than ReassemblyBudget, the oldest are given up and counted.
func TestReassemblyCaps(t *testing.T) {
	a := realAnswers(t)[0]
	frags := fragmentFrame(t, layers.LinkTypeEthernet, a.frame(t), 576)
	withID := func(f []byte, id uint16) []byte {
		f = append([]byte(nil), f...)
		binary.BigEndian.PutUint16(f[14+4:], id)
		return f
	}
	// The budget holds three first fragments (576 bytes each) and the two
	// more that a datagram being finished holds before its last arrives.
	budget := 3*datagramOverhead + 5*(576+fragmentOverhead)
	for _, opt := range []Options{{MaxReassembly: 3}, {ReassemblyBudget: budget}} {
		rec := &datagramRecorder{}
		opt.Protocols = rec.protocols()
		d := NewDecoder(func(observe.Observation) {}, opt)
		// Five datagrams start: the two oldest are given up.
		for id := range uint16(5) {
			d.Packet(layers.LinkTypeEthernet, answerTime, withID(frags[0], id))
		}
		if len(d.frags.index) != 3 || d.Stats().FragmentsDropped != 2 {
			t.Errorf("%+v: %d datagrams pending, stats %+v", opt, len(d.frags.index), d.Stats())
		}
		// The newest three complete; the rest of the two oldest completes
		// nothing. The three carry the same bytes: one is decoded, two are
		// repeats of it.
		for _, id := range []uint16{4, 3, 2, 1, 0} {
			for _, f := range frags[1:] {
				d.Packet(layers.LinkTypeEthernet, answerTime, withID(f, id))
			}
		}
		d.Flush()
		st := d.Stats()
		if st.Reassembled != 3 || len(rec.lengths) != 1 || st.Repeats != 2 || st.FragmentsDropped != 2+2*3 {
			t.Errorf("%+v: stats %+v", opt, st)
		}
	}
}

// Fragments of TCP segments and of datagrams from public senders are not
// held: the first are skipped (and counted so), the second passed over like
// their unfragmented kin.
func TestFragmentsNotReassembled(t *testing.T) {
	tcp := fragmentFrame(t, layers.LinkTypeEthernet, frame(t, seg{true, 1, "A", strings.Repeat("x", 1400)}, 40000, 80), 576)
	public := fragmentFrame(t, layers.LinkTypeEthernet, udpFrame(t, "00:14:22:01:02:03", "00:14:22:aa:bb:cc",
		"8.8.8.8", "10.20.0.5", 3702, 40100, 9, realAnswers(t)[0].payload), 576)
	rec := &datagramRecorder{}
	d := NewDecoder(func(observe.Observation) {}, Options{Protocols: rec.protocols()})
	for _, f := range append(tcp, public...) {
		d.Packet(layers.LinkTypeEthernet, answerTime, f)
	}
	st := d.Stats()
	if st.Skipped != int64(len(tcp)) || st.Fragments != 0 || len(rec.lengths) != 0 {
		t.Errorf("stats %+v", st)
	}
}

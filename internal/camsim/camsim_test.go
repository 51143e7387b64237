//go:build linux

package camsim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camsweep/camsweep/internal/lab"
	"github.com/camsweep/camsweep/internal/labreq"
	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/miekg/dns"
)

const dataDir = "data"

func loadAll(t testing.TB) map[string]Profile {
	t.Helper()
	ps, err := LoadProfiles(os.DirFS(dataDir), ".")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Profile{}
	for _, p := range ps {
		out[p.Name] = p
	}
	return out
}

func TestProfilesLoad(t *testing.T) {
	ps := loadAll(t)
	want := []string{"hikvision-ipc", "hikvision-nvr", "ezviz-camera", "dahua-ipc", "amcrest-ipc", "xiongmai-dvr",
		"axis-camera", "printer", "linux-host", "huawei-box", "hostile-silent", "hostile-trickle", "hostile-flood", "hostile-escape",
		"hikvision-nvr-web", "hikrobot-camera", "camhi-camera", "tvt-nvr",
		"tapo-camera", "foscam-camera", "vstarcam-camera", "anjvision-camera"}
	for _, name := range want {
		p, ok := ps[name]
		if !ok {
			t.Errorf("profile %s missing", name)
			continue
		}
		for _, s := range p.Services {
			for file, b := range s.files {
				if len(b) == 0 {
					t.Errorf("%s: %s: response %s is empty", name, s.Proto, file)
				}
			}
		}
	}
	if len(ps) != len(want) {
		t.Errorf("%d profiles, want %d", len(ps), len(want))
	}
}

func TestProfileRejectsUnknownFields(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/bad.yaml", []byte("name: x\nmac: \"02:00:00:00:00:01\"\nservices:\n  - {proto: http, prot: 80}\n"), 0o644)
	if _, err := LoadProfile(os.DirFS(dir), "bad.yaml"); err == nil {
		t.Error("a misspelt key was accepted")
	}
	os.WriteFile(dir+"/bad2.yaml", []byte("name: x\nmac: \"02:00:00:00:00:01\"\nservices:\n  - {proto: telnetd, port: 23}\n"), 0o644)
	if _, err := LoadProfile(os.DirFS(dir), "bad2.yaml"); err == nil {
		t.Error("an unknown proto was accepted")
	}
}

func TestProfileChecksHTTPSSubject(t *testing.T) {
	dir := t.TempDir()
	for file, c := range map[string]struct{ service, err string }{
		"nosubject.yaml": {`{proto: https, port: 443, routes: {"/": r.txt}}`, "https needs a subject"},
		"empty.yaml":     {`{proto: https, port: 443, subject: {}}`, "subject has no attribute"},
		"onhttp.yaml":    {`{proto: http, port: 80, subject: {CN: x}}`, "subject is only for https"},
		"country.yaml":   {`{proto: https, port: 443, subject: {CN: x, C: China}}`, "not a two-letter country code"},
		"misspelt.yaml":  {`{proto: https, port: 443, subject: {CN: x, OrgUnit: y}}`, `unknown field "OrgUnit"`},
		"lowercase.yaml": {`{proto: https, port: 443, subject: {cn: x}}`, `unknown field "cn"`},
		"noport.yaml":    {`{proto: https, subject: {CN: x}}`, "https needs a port"},
	} {
		os.WriteFile(dir+"/"+file, []byte("name: x\nmac: \"02:00:00:00:00:01\"\nservices:\n  - "+c.service+"\n"), 0o644)
		_, err := LoadProfile(os.DirFS(dir), file)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want one saying %q", file, err, c.err)
		}
	}
}

// world is a lab with every profile running.
type world struct {
	lab     *lab.Lab
	devices map[string]*Device
}

func newWorld(t *testing.T, names ...string) *world {
	t.Helper()
	labreq.Require(t)
	t.Parallel() // every world is its own set of namespaces
	l, err := lab.New(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("lab close: %v", err)
		}
	})
	ps := loadAll(t)
	if len(names) == 0 {
		for n := range ps {
			names = append(names, n)
		}
	}
	w := &world{lab: l, devices: map[string]*Device{}}
	for _, n := range names {
		d, err := Add(context.Background(), l, ps[n])
		if err != nil {
			t.Fatalf("start %s: %v", n, err)
		}
		w.devices[n] = d
	}
	return w
}

// expected is what a device must send for a response file: the file with
// its placeholders filled and Content-Length recomputed.
func (d *Device) expected(s *Service, file string, extra map[string]string) []byte {
	return fixContentLength(expand(s.files[file], d.varsWith(extra)))
}

func (w *world) scanner() *lab.Host { return w.lab.Scanner() }

// collect reads datagrams, keyed by sender IP, until every sender in want
// has answered (or 5 s passed, on a loaded machine), then for a short grace
// period more so that answers from hosts that should stay silent show up.
func collect(t *testing.T, conn net.PacketConn, want ...string) map[string][][]byte {
	t.Helper()
	got := map[string][][]byte{}
	buf := make([]byte, 65535)
	deadline := time.Now().Add(5 * time.Second)
	graceSet := false
	for {
		missing := false
		for _, ip := range want {
			if len(got[ip]) == 0 {
				missing = true
			}
		}
		if !missing && !graceSet {
			deadline = time.Now().Add(300 * time.Millisecond)
			graceSet = true
		}
		conn.SetReadDeadline(deadline)
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return got
		}
		ip := from.(*net.UDPAddr).IP.String()
		got[ip] = append(got[ip], bytes.Clone(buf[:n]))
	}
}

func (w *world) ipOf(name string) string { return w.devices[name].Host.IP.String() }

func TestSADPAnswersInquiryOnTheGroup(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "hikvision-nvr", "ezviz-camera", "dahua-ipc")
	group := &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 37020}
	conn, err := w.scanner().ListenMulticastUDP(group)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const uuid = "8E3B9F0C-1C2D-4E5F-9A8B-7C6D5E4F3A2B"
	probe := `<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuid + `</Uuid><Types>inquiry</Types></Probe>`
	if _, err := conn.WriteTo([]byte(probe), group); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, w.ipOf("hikvision-ipc"), w.ipOf("hikvision-nvr"), w.ipOf("ezviz-camera"))
	for _, name := range []string{"hikvision-ipc", "hikvision-nvr", "ezviz-camera"} {
		d := w.devices[name]
		s, _ := d.Profile.Service("sadp", 0)
		want := d.expected(s, s.Response, map[string]string{"UUID": uuid})
		replies := got[w.ipOf(name)]
		if len(replies) != 1 || !bytes.Equal(replies[0], want) {
			t.Errorf("%s: SADP replies %q, want exactly %q", name, replies, want)
		}
	}
	if r := got[w.ipOf("dahua-ipc")]; len(r) != 0 {
		t.Errorf("dahua answered SADP: %q", r)
	}
	if len(got[w.ipOf("hikvision-ipc")]) == 0 {
		t.Fatal("no ProbeMatch from the Hikvision camera")
	}
	hik := string(got[w.ipOf("hikvision-ipc")][0])
	for _, field := range []string{"<DeviceDescription>DS-2CD2386G2-IU</DeviceDescription>", "<MAC>58-50-ed-1f-e3-85</MAC>",
		"<IPv4Address>" + w.ipOf("hikvision-ipc") + "</IPv4Address>", "<SoftwareVersion>V5.7.18build 240826</SoftwareVersion>"} {
		if !strings.Contains(hik, field) {
			t.Errorf("Hikvision ProbeMatch lacks %s", field)
		}
	}
}

func wsdProbe(id string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>` + id + `</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`)
}

func TestWSDiscoveryMulticastAndUnicast(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "amcrest-ipc", "axis-camera", "printer")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const id = "urn:uuid:0b7a1b36-5f8e-4a57-9d3c-2f1e0d9c8b7a"
	group := &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 3702}
	if _, err := conn.WriteTo(wsdProbe(id), group); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, w.ipOf("hikvision-ipc"), w.ipOf("dahua-ipc"), w.ipOf("amcrest-ipc"), w.ipOf("axis-camera"))
	for _, name := range []string{"hikvision-ipc", "dahua-ipc", "amcrest-ipc", "axis-camera"} {
		replies := got[w.ipOf(name)]
		if len(replies) != 1 {
			t.Errorf("%s: %d ProbeMatches, want 1 (got from %v)", name, len(replies), keys(got))
			continue
		}
		r := string(replies[0])
		d := w.devices[name]
		if !strings.Contains(r, "<wsa:RelatesTo>"+id+"</wsa:RelatesTo>") {
			t.Errorf("%s: RelatesTo does not echo the probe's MessageID: %s", name, r)
		}
		if !strings.Contains(r, "<wsdd:Scopes>"+d.vars["WSD_SCOPES"]+"</wsdd:Scopes>") {
			t.Errorf("%s: scopes differ from the profile's template: %s", name, r)
		}
		if !strings.Contains(r, "http://"+w.ipOf(name)+"/onvif/device_service") {
			t.Errorf("%s: XAddrs lack the device address", name)
		}
	}
	if r := got[w.ipOf("hikvision-ipc")]; len(r) == 0 || !strings.Contains(string(r[0]), "onvif://www.onvif.org/MAC/58:50:ed:1f:e3:85") {
		t.Error("Hikvision scopes lack the MAC scope")
	}
	if r := got[w.ipOf("printer")]; len(r) != 0 {
		t.Errorf("printer answered WS-Discovery")
	}
	// Unicast probe to one device: only it answers.
	if _, err := conn.WriteTo(wsdProbe(id), &net.UDPAddr{IP: net.ParseIP(w.ipOf("dahua-ipc")), Port: 3702}); err != nil {
		t.Fatal(err)
	}
	got = collect(t, conn, w.ipOf("dahua-ipc"))
	if len(got) != 1 || len(got[w.ipOf("dahua-ipc")]) != 1 {
		t.Errorf("unicast probe answered by %v", keys(got))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDHIPSearch(t *testing.T) {
	w := newWorld(t, "dahua-ipc", "amcrest-ipc", "hikvision-ipc")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	search := discovery.DHIPFrame([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`))
	if _, err := conn.WriteTo(search, &net.UDPAddr{IP: net.IPv4(239, 255, 255, 251), Port: 37810}); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, w.ipOf("dahua-ipc"), w.ipOf("amcrest-ipc"))
	if len(got) != 2 || len(got[w.ipOf("dahua-ipc")]) != 1 || len(got[w.ipOf("amcrest-ipc")]) != 1 {
		t.Fatalf("DHIP answered by %v, want the two Dahua-family devices once each", keys(got))
	}
	d := w.devices["dahua-ipc"]
	reply := got[w.ipOf("dahua-ipc")][0]
	recorded, err := os.ReadFile(dataDir + "/recorded/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	if err != nil {
		t.Fatal(err)
	}
	wantBody := bytes.Replace(bytes.TrimSpace(recorded), []byte(`"218.5.136.140"`), []byte(`"`+d.Host.IP.String()+`"`), 1)
	if !bytes.Equal(reply[:8], []byte(" \x00\x00\x00DHIP")) || binary.LittleEndian.Uint32(reply[16:]) != uint32(len(reply)-32) ||
		binary.LittleEndian.Uint32(reply[24:]) != uint32(len(reply)-32) {
		t.Fatalf("bad DHIP header % x", reply[:32])
	}
	if !bytes.Equal(reply[32:], wantBody) {
		t.Errorf("DHIP body differs from the recording:\n got %s\nwant %s", reply[32:], wantBody)
	}
	var amc struct {
		Params struct {
			DeviceInfo map[string]any `json:"deviceInfo"`
		} `json:"params"`
	}
	if err := json.Unmarshal(got[w.ipOf("amcrest-ipc")][0][32:], &amc); err != nil {
		t.Fatal(err)
	}
	if v := amc.Params.DeviceInfo["Version"]; v != "2.420.AC00.15.R" {
		t.Errorf("Amcrest version %v", v)
	}
}

func TestXiongmaiSearchByBroadcast(t *testing.T) {
	w := newWorld(t, "xiongmai-dvr", "dahua-ipc")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	probe := make([]byte, 20)
	probe[0] = 0xff
	binary.LittleEndian.PutUint16(probe[14:], xmSearchReq)
	if _, err := conn.WriteTo(probe, &net.UDPAddr{IP: net.IPv4bcast, Port: 34569}); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, w.ipOf("xiongmai-dvr"))
	replies := got[w.ipOf("xiongmai-dvr")]
	if len(got) != 1 || len(replies) != 1 {
		t.Fatalf("search answered by %v", keys(got))
	}
	id, ok := parseXMHeader(replies[0])
	if !ok || id != xmSearchReply {
		t.Fatalf("reply header % x", replies[0][:20])
	}
	var body struct {
		NetCommon map[string]any `json:"NetWork.NetCommon"`
	}
	if err := json.Unmarshal(replies[0][20:], &body); err != nil {
		t.Fatal(err)
	}
	nc := body.NetCommon
	ip := w.devices["xiongmai-dvr"].Host.IP.As4()
	if nc["HostIP"] != fmt.Sprintf("0x%02X%02X%02X%02X", ip[3], ip[2], ip[1], ip[0]) || nc["TCPPort"] != float64(34567) || nc["MAC"] != "20:98:ed:5c:19:a3" {
		t.Errorf("NetCommon = %v", nc)
	}
}

// A GigE Vision discovery command broadcast on the segment is answered by
// the machine-vision camera alone, to the sender, for the same request id,
// with its register texts and its own MAC and address; a register read on
// the same port is not answered.
func TestGVCPDiscoveryByBroadcast(t *testing.T) {
	w := newWorld(t, "hikrobot-camera", "xiongmai-dvr")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	readReg := []byte{0x42, 0x01, 0x00, 0x80, 0x00, 0x04, 0x00, 0x09, 0x00, 0x00, 0x0a, 0x00}
	cmd := discovery.GVCPDiscovery()
	cmd[7] = 0x2a // request id 42
	for _, b := range [][]byte{readReg, cmd} {
		if _, err := conn.WriteTo(b, &net.UDPAddr{IP: net.IPv4bcast, Port: 3956}); err != nil {
			t.Fatal(err)
		}
	}
	cam := w.devices["hikrobot-camera"]
	got := collect(t, conn, cam.Host.IP.String())
	replies := got[cam.Host.IP.String()]
	if len(got) != 1 || len(replies) != 1 {
		t.Fatalf("discovery answered by %v, %d replies", keys(got), len(replies))
	}
	ack := replies[0]
	if len(ack) != 256 || binary.BigEndian.Uint16(ack[2:4]) != 0x0003 || binary.BigEndian.Uint16(ack[6:8]) != 42 {
		t.Fatalf("acknowledge header % x", ack[:min(len(ack), 8)])
	}
	var obs []observe.Observation
	if err := discovery.GVCP(ack, scanner.Meta{}, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"gvcp.manufacturer": "Hikrobot", "gvcp.model": "MV-CS020-10GC",
		"gvcp.device_version": "V4.0.12 240528 1284824", "gvcp.serial": "DA7171596", "gvcp.mac": "34:bd:20:6c:6f:e7"}
	for _, o := range obs {
		if v, ok := want[o.Key]; ok {
			if o.Value != v || o.IP != cam.Host.IP {
				t.Errorf("%s = %q about %v, want %q about %v", o.Key, o.Value, o.IP, v, cam.Host.IP)
			}
			delete(want, o.Key)
		}
	}
	if len(want) != 0 {
		t.Errorf("acknowledge lacks %v", want)
	}
}

// The camera searches the sweep broadcasts (TP-Link's TDP, Foscam's MO_I,
// VStarcam's DH, the SYSTEM_SEARCHIPC search) are each answered once, to
// the sender, by the one simulated camera that speaks it, with its recorded
// answer naming the host's own address and MAC; the TDP answer echoes the
// query's serial behind a valid header.
func TestCameraSearchesByBroadcast(t *testing.T) {
	w := newWorld(t, "tapo-camera", "foscam-camera", "vstarcam-camera", "anjvision-camera", "xiongmai-dvr")
	tdp, err := discovery.TDPDiscovery()
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := discovery.TDPQuerySerial(tdp)
	for _, c := range []struct {
		camera, probe string
		port          int
		search        []byte
		decode        scanner.Decoder
		want          map[string]string
	}{
		{"tapo-camera", "tdp", 20002, tdp, discovery.TDP,
			map[string]string{"tdp.device_model": "C200", "tdp.firmware_version": "1.3.15 Build 240715 Rel.43073n(4555)", "tdp.mac": "1c:61:b4:e9:49:b6"}},
		{"foscam-camera", "moi", 10000, discovery.MOISearch(), discovery.MOI,
			map[string]string{"moi.name": "Foscam_DarthMaul", "moi.sys_version": "1.4.1.8", "moi.mac": "00:62:6e:4d:0b:4b"}},
		{"vstarcam-camera", "dhs", 8600, discovery.DHSSearch(), discovery.DHS,
			map[string]string{"dhs.uid": "VSTAXXXXXXXXXXX", "dhs.ddns_host": "user2.gocam.so", "dhs.mac": "48:02:2d:01:5c:e9"}},
		{"anjvision-camera", "searchipc", 3001, discovery.SearchIPCSearch(), discovery.SearchIPC,
			map[string]string{"searchipc.device_module": "MC200D_KO_V0", "searchipc.envelope": "XML_ANJVISION", "searchipc.mac": "00:06:00:01:9c:b6"}},
	} {
		t.Run(c.probe, func(t *testing.T) {
			conn, err := w.scanner().ListenPacket("udp4", ":0")
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.WriteTo(c.search, &net.UDPAddr{IP: net.IPv4bcast, Port: c.port}); err != nil {
				t.Fatal(err)
			}
			cam := w.devices[c.camera]
			got := collect(t, conn, cam.Host.IP.String())
			replies := got[cam.Host.IP.String()]
			if len(got) != 1 || len(replies) != 1 {
				t.Fatalf("search answered by %v, %d replies", keys(got), len(replies))
			}
			if c.probe == "tdp" {
				a := replies[0]
				if len(a) < 16 || binary.BigEndian.Uint32(a[8:12]) != serial {
					t.Errorf("answer header % x does not echo the serial %08x", a[:min(len(a), 16)], serial)
				}
				if check := discovery.TDPFrame([8]byte(a[:8]), serial, a[16:]); !bytes.Equal(check, a) {
					t.Errorf("answer header % x, want % x", a[:16], check[:16])
				}
			}
			var obs []observe.Observation
			if err := c.decode(replies[0], scanner.Meta{}, func(o observe.Observation) { obs = append(obs, o) }); err != nil {
				t.Fatal(err)
			}
			for _, o := range obs {
				if o.IP != cam.Host.IP {
					t.Errorf("%s about %v, want the host %v", o.Key, o.IP, cam.Host.IP)
				}
				if v, ok := c.want[o.Key]; ok && (o.Value == v || o.MAC.String() == v) {
					delete(c.want, o.Key)
				}
			}
			if len(c.want) != 0 {
				t.Errorf("answer lacks %v: %+v", c.want, obs)
			}
		})
	}
}

// An HDS/1.0 search on the group is answered by the HiSilicon-SDK camera
// alone, on the group, echoing the search's Client-ID and naming its own
// address and MAC.
func TestHDSSearchOnTheGroup(t *testing.T) {
	w := newWorld(t, "camhi-camera", "hikvision-ipc")
	group := &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 8002}
	conn, err := w.scanner().ListenMulticastUDP(group)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.WriteTo(discovery.HDSSearch(), group); err != nil {
		t.Fatal(err)
	}
	cam := w.devices["camhi-camera"]
	got := collect(t, conn, cam.Host.IP.String())
	var answers [][]byte
	for _, b := range got[cam.Host.IP.String()] {
		if !discovery.IsHDSSearch(b) { // our own search loops back on the group
			answers = append(answers, b)
		}
	}
	if len(answers) != 1 {
		t.Fatalf("search answered %d times, by %v", len(answers), keys(got))
	}
	a := string(answers[0])
	for _, want := range []string{"HDS/1.0 200 OK\r\n", "Client-ID:nvmOPxEnYfQRAeLFdsMrpBbnMDbEPiMC\r\n",
		"IP=" + cam.Host.IP.String() + "\r\n", "MAC=00:E0:F8:00:98:21\r\n", "Device-Type=C6F0SeZ0N0P0L0\r\n"} {
		if !strings.Contains(a, want) {
			t.Errorf("answer lacks %q:\n%s", want, a)
		}
	}
}

// The EmbeddedNetDeviceControl search is answered by the TVT recorder alone,
// to the sender; the plain ssdp:all search is not.
func TestENDCSearchAnsweredToSender(t *testing.T) {
	w := newWorld(t, "tvt-nvr", "camhi-camera")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	group := &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 1900}
	for _, b := range [][]byte{discovery.SSDPSearch(), discovery.SSDPDeviceControlSearch()} {
		if _, err := conn.WriteTo(b, group); err != nil {
			t.Fatal(err)
		}
	}
	nvr := w.devices["tvt-nvr"]
	got := collect(t, conn, nvr.Host.IP.String())
	answers := got[nvr.Host.IP.String()]
	if len(got) != 1 || len(answers) != 1 {
		t.Fatalf("searches answered by %v, %d answers", keys(got), len(answers))
	}
	for _, want := range []string{"HTTP/1.1 200 OK\r\n", "<multicastSearchResult>", "<ipAddr>" + nvr.Host.IP.String() + "</ipAddr>",
		"<macAddr>58:5B:69:3C:10:2A</macAddr>", "<productModel>TD-3332B4</productModel>"} {
		if !strings.Contains(string(answers[0]), want) {
			t.Errorf("answer lacks %q:\n%s", want, answers[0])
		}
	}
}

func TestMDNSAnswersServiceQueries(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "axis-camera")
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var q dns.Msg
	q.SetQuestion("_CGI._tcp.local.", dns.TypePTR)
	b, _ := q.Pack()
	if _, err := conn.WriteTo(b, mdnsGroup); err != nil {
		t.Fatal(err)
	}
	got := collect(t, conn, w.ipOf("hikvision-ipc"))
	replies := got[w.ipOf("hikvision-ipc")]
	if len(got) != 1 || len(replies) != 1 {
		t.Fatalf("_CGI._tcp answered by %v", keys(got))
	}
	var r dns.Msg
	if err := r.Unpack(replies[0]); err != nil {
		t.Fatal(err)
	}
	if r.Id != q.Id || len(r.Answer) != 1 {
		t.Fatalf("legacy unicast reply: id %d answers %v", r.Id, r.Answer)
	}
	ptr := r.Answer[0].(*dns.PTR)
	if ptr.Ptr != `HIKVISION\ DS-2CD2386G2-IU\ -\ 733052914._CGI._tcp.local.` && ptr.Ptr != "HIKVISION DS-2CD2386G2-IU - 733052914._CGI._tcp.local." {
		t.Errorf("instance %q", ptr.Ptr)
	}
	var srv *dns.SRV
	var a *dns.A
	for _, rr := range r.Extra {
		switch v := rr.(type) {
		case *dns.SRV:
			srv = v
		case *dns.A:
			a = v
		}
	}
	if srv == nil || srv.Target != "DS-2CD2386G2-IU20230915AAWR733052914.local." || srv.Port != 80 {
		t.Errorf("SRV %v", srv)
	}
	if a == nil || a.A.String() != w.ipOf("hikvision-ipc") {
		t.Errorf("A %v", a)
	}
	// Service enumeration from the mDNS port gets multicast answers from both.
	mc, err := w.scanner().ListenMulticastUDP(mdnsGroup)
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	q.SetQuestion(servicesMeta, dns.TypePTR)
	b, _ = q.Pack()
	mc.WriteTo(b, mdnsGroup)
	got = collect(t, mc, w.ipOf("hikvision-ipc"), w.ipOf("axis-camera"))
	for _, name := range []string{"hikvision-ipc", "axis-camera"} {
		if len(got[w.ipOf(name)]) == 0 {
			t.Errorf("%s did not answer the service enumeration", name)
		}
	}
}

// exchange connects from the scanner, sends req (if any) and reads what
// comes back until the device closes or idle passes.
func exchange(t *testing.T, w *world, name string, port int, req string, idle time.Duration) []byte {
	t.Helper()
	c, err := w.scanner().DialContext(context.Background(), "tcp4", fmt.Sprintf("%s:%d", w.ipOf(name), port))
	if err != nil {
		t.Fatalf("%s:%d: %v", name, port, err)
	}
	defer c.Close()
	if req != "" {
		c.Write([]byte(req))
	}
	var out []byte
	buf := make([]byte, 4096)
	for len(out) < 1<<20 {
		c.SetReadDeadline(time.Now().Add(idle))
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	return out
}

func TestHTTPAnswersRecordedBytes(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "amcrest-ipc", "xiongmai-dvr", "axis-camera", "printer")
	for name, d := range w.devices {
		s, _ := d.Profile.Service("http", 80)
		for path, file := range s.Routes {
			if path == "*" {
				path = "/some/other/path"
			}
			got := exchange(t, w, name, 80, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n", 2*time.Second)
			if want := d.expected(s, file, nil); !bytes.Equal(got, want) {
				t.Errorf("%s GET %s:\n got %q\nwant %q", name, path, got, want)
			}
		}
	}
}

// A recorded page is answered 200 byte for byte, with no template
// expansion and no Server header; a path nothing names is not answered.
func TestHTTPServesRecordedPages(t *testing.T) {
	w := newWorld(t, "hikvision-nvr-web")
	d := w.devices["hikvision-nvr-web"]
	s, _ := d.Profile.Service("http", 80)
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: w.scanner().DialContext}}
	for path, file := range s.Pages {
		resp, err := client.Get("http://" + w.ipOf("hikvision-nvr-web") + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Server") != "" || !bytes.Equal(body, s.File(file)) {
			t.Errorf("GET %s: %d %v, %d bytes (err %v), want 200 with the %d bytes of %s", path, resp.StatusCode, resp.Header, len(body), err, len(s.File(file)), file)
		}
	}
	if got := exchange(t, w, "hikvision-nvr-web", 80, "GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n", 2*time.Second); len(got) != 0 {
		t.Errorf("an unnamed path was answered: %q", got)
	}
}

// An ONVIF POST is answered by the operation its Body asks for; another
// operation falls to the routes.
func TestHTTPAnswersSOAPByOperation(t *testing.T) {
	w := newWorld(t, "xiongmai-dvr")
	d := w.devices["xiongmai-dvr"]
	s, _ := d.Profile.Service("http", 8899)
	post := func(body string, length int) string {
		return "POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: " +
			strconv.Itoa(length) + "\r\n\r\n" + body
	}
	ask := `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`
	other := strings.Replace(ask, "GetDeviceInformation", "GetUsers", 1)
	for _, c := range []struct{ name, req, file string }{
		{"GetDeviceInformation", post(ask, len(ask)), s.SOAP["GetDeviceInformation"]},
		{"an operation it has no answer for", post(other, len(other)), s.Routes["*"]},
	} {
		got := exchange(t, w, "xiongmai-dvr", 8899, c.req, 2*time.Second)
		if want := d.expected(s, c.file, nil); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, want)
		}
	}
}

func TestProfileRefusesPagesOffHTTP(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/p.html", []byte("<html></html>"), 0o644)
	os.WriteFile(dir+"/bad.yaml", []byte("name: x\nmac: \"02:00:00:00:00:01\"\nservices:\n  - {proto: rtsp, port: 554, pages: {\"/\": p.html}}\n"), 0o644)
	if _, err := LoadProfile(os.DirFS(dir), "bad.yaml"); err == nil {
		t.Error("pages on an rtsp service were accepted")
	}
}

func TestHTTPThroughAClient(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "dahua-ipc")
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: w.scanner().DialContext}}
	resp, err := client.Get("http://" + w.ipOf("hikvision-ipc") + "/ISAPI/System/deviceInfo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("Server") != "App-webs/" ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), `realm="IP Camera(52914)"`) {
		t.Errorf("Hikvision ISAPI: %d %v", resp.StatusCode, resp.Header)
	}
	resp, err = client.Get("http://" + w.ipOf("dahua-ipc") + "/cgi-bin/magicBox.cgi?action=getSystemInfo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("Server") != "" ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), `realm="Login to 1F006E4PAX00075"`) {
		t.Errorf("Dahua magicBox: %d %v", resp.StatusCode, resp.Header)
	}
}

// hikvisionDVRSubject is the certificate subject of Hikvision DVRs and NVRs
// as recog's x509_subjects.xml prints it.
const hikvisionDVRSubject = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"

// The NVR's https service hands a TLS client a self-signed certificate with
// the profile's subject, in TLS 1.2 (what the sweep asks) and 1.3, and
// behind it the same page as port 80, ended by close_notify.
func TestHTTPSServesProfileSubjectAndPage(t *testing.T) {
	w := newWorld(t, "hikvision-nvr")
	d := w.devices["hikvision-nvr"]
	s, ok := d.Profile.Service("https", 443)
	if !ok {
		t.Fatal("hikvision-nvr has no https service on 443")
	}
	want := d.expected(s, s.Routes["/"], nil)
	var keys [][]byte
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		raw, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hikvision-nvr")+":443")
		if err != nil {
			t.Fatal(err)
		}
		raw.SetDeadline(time.Now().Add(5 * time.Second))
		c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, MinVersion: version, MaxVersion: version})
		if err := c.Handshake(); err != nil {
			raw.Close()
			t.Fatalf("%s handshake: %v", tls.VersionName(version), err)
		}
		st := c.ConnectionState()
		cert := st.PeerCertificates[0]
		if st.Version != version || len(st.PeerCertificates) != 1 {
			t.Errorf("%s: version %s, %d certificates", tls.VersionName(version), tls.VersionName(st.Version), len(st.PeerCertificates))
		}
		if got := cert.Subject.String(); got != hikvisionDVRSubject {
			t.Errorf("%s: subject %q, want %q", tls.VersionName(version), got, hikvisionDVRSubject)
		}
		if !bytes.Equal(cert.RawIssuer, cert.RawSubject) || cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) != nil {
			t.Errorf("%s: certificate is not self-signed: issuer %q", tls.VersionName(version), cert.Issuer)
		}
		if _, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok {
			t.Errorf("%s: public key %T", tls.VersionName(version), cert.PublicKey)
		}
		keys = append(keys, cert.RawSubjectPublicKeyInfo)
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", w.ipOf("hikvision-nvr"))
		got, err := io.ReadAll(c) // to the close_notify: an abrupt close is an error
		c.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s GET /: %v\n got %q\nwant %q", tls.VersionName(version), err, got, want)
		}
	}
	if len(keys) == 2 && !bytes.Equal(keys[0], keys[1]) {
		t.Error("the certificate changed between connections")
	}
	// The page is the one port 80 serves.
	if plain := exchange(t, w, "hikvision-nvr", 80, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2*time.Second); !bytes.Equal(plain, want) {
		t.Errorf("port 80 and 443 serve different pages:\n 80 %q\n443 %q", plain, want)
	}
	// A client that speaks plain HTTP to the TLS port gets no page.
	if got := exchange(t, w, "hikvision-nvr", 443, "GET / HTTP/1.0\r\n\r\n", time.Second); bytes.Contains(got, []byte("HTTP/")) {
		t.Errorf("plain HTTP on the TLS port was answered: %q", got)
	}
}

func TestRTSPRepliesWithRecordingsAndRequestCSeq(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "dahua-ipc", "xiongmai-dvr")
	for name, d := range w.devices {
		s, _ := d.Profile.Service("rtsp", 554)
		c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf(name)+":554")
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		for i, method := range []string{"OPTIONS", "DESCRIBE"} {
			cseq := 41 + i
			fmt.Fprintf(c, "%s rtsp://%s/ RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: camsweep-test\r\n\r\n", method, w.ipOf(name), cseq)
			want := d.expected(s, s.Methods[method], nil)
			want = cseqLine.ReplaceAll(want, []byte(fmt.Sprintf("${1}%d${3}", cseq)))
			got := make([]byte, len(want))
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s %s: got %q (%v)\nwant %q", name, method, got, err, want)
			}
		}
		c.Close()
	}
	// The recorded Dahua OPTIONS carries Rtsp Server/3.0; Hikvision's has no Server.
	dahua := exchange(t, w, "dahua-ipc", 554, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", 500*time.Millisecond)
	hik := exchange(t, w, "hikvision-ipc", 554, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", 500*time.Millisecond)
	if !bytes.Contains(dahua, []byte("Server: Rtsp Server/3.0\r\n")) || bytes.Contains(hik, []byte("Server:")) {
		t.Errorf("RTSP server headers: dahua %q hik %q", dahua, hik)
	}
}

func TestServerFirstBannersAndReplies(t *testing.T) {
	w := newWorld(t, "hikvision-ipc", "xiongmai-dvr", "linux-host")
	if got := exchange(t, w, "hikvision-ipc", 8000, "", 500*time.Millisecond); string(got) != "\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00" {
		t.Errorf("port 8000 banner % x", got)
	}
	if got := exchange(t, w, "linux-host", 22, "", 500*time.Millisecond); string(got) != "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" {
		t.Errorf("ssh banner %q", got)
	}
	login := xmFrame(1000, []byte(`{"EncryptType":"MD5","LoginType":"DVRIP-Web","PassWord":"","UserName":"admin"}`))
	got := exchange(t, w, "xiongmai-dvr", 34567, string(login), 500*time.Millisecond)
	id, ok := parseXMHeader(got)
	recorded, _ := os.ReadFile(dataDir + "/recorded/dvrip_1001_login_response_successful.json")
	if !ok || id != 1001 || !bytes.Equal(got[20:], recorded) {
		t.Errorf("DVR-IP login reply % x", got)
	}
	// Nothing is sent before the client speaks on a client-first port.
	if got := exchange(t, w, "xiongmai-dvr", 34567, "", 300*time.Millisecond); len(got) != 0 {
		t.Errorf("DVR-IP port spoke first: %q", got)
	}
}

func TestHostileSilentNeverAnswers(t *testing.T) {
	w := newWorld(t, "hostile-silent")
	for _, port := range []int{80, 554, 8000, 37777, 34567} {
		if got := exchange(t, w, "hostile-silent", port, "GET / HTTP/1.0\r\n\r\n", 700*time.Millisecond); len(got) != 0 {
			t.Errorf("port %d answered %q", port, got)
		}
	}
}

func TestHostileTrickleSendsAByteASecond(t *testing.T) {
	w := newWorld(t, "hostile-trickle")
	c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hostile-trickle")+":80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	var got []byte
	buf := make([]byte, 100)
	deadline := time.Now().Add(2500 * time.Millisecond)
	for time.Now().Before(deadline) {
		c.SetReadDeadline(deadline)
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if len(got) < 2 || len(got) > 4 || !strings.HasPrefix("HTTP/1.1 200 OK", string(got)) {
		t.Errorf("in 2.5 s the trickler sent %q, want 2-4 bytes of its response", got)
	}
}

func TestHostileFloodIsEndless(t *testing.T) {
	w := newWorld(t, "hostile-flood")
	c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hostile-flood")+":554")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	const want = 64 << 20
	n, err := io.CopyN(io.Discard, c, want)
	if n != want {
		t.Errorf("flood stopped after %d bytes: %v", n, err)
	}
}

func TestHostileEscapesAreSentRaw(t *testing.T) {
	w := newWorld(t, "hostile-escape")
	got := exchange(t, w, "hostile-escape", 80, "GET / HTTP/1.0\r\n\r\n", time.Second)
	for _, seq := range []string{"\x1b[2J", "\x1b]0;", "\u202e"} {
		if !strings.Contains(string(got), seq) {
			t.Errorf("HTTP reply lacks %q", seq)
		}
	}
	if banner := exchange(t, w, "hostile-escape", 8000, "", 500*time.Millisecond); !bytes.Contains(banner, []byte("\x1b[6n")) {
		t.Errorf("banner %q", banner)
	}
	conn, err := w.scanner().ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteTo(wsdProbe("urn:uuid:1"), &net.UDPAddr{IP: net.IPv4(239, 255, 255, 250), Port: 3702})
	replies := collect(t, conn, w.ipOf("hostile-escape"))[w.ipOf("hostile-escape")]
	if len(replies) != 1 {
		t.Fatalf("%d WS-Discovery replies", len(replies))
	}
	var v struct{ XMLName xml.Name }
	if err := xml.Unmarshal(replies[0], &v); err == nil {
		t.Error("the malformed ProbeMatches parsed as XML")
	}
}

func TestDeviceCloseStopsServing(t *testing.T) {
	w := newWorld(t, "hikvision-ipc")
	d := w.devices["hikvision-ipc"]
	// Hold a connection open, then close the device: Close must not wait for the client.
	c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hikvision-ipc")+":8000")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan error)
	go func() { done <- d.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on an open connection")
	}
	if _, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hikvision-ipc")+":80"); err == nil {
		t.Error("port 80 still accepts after Close")
	}
}

func TestTooManyConnectionsAreRefused(t *testing.T) {
	w := newWorld(t, "hostile-silent")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range maxConns {
		c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hostile-silent")+":80")
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	time.Sleep(200 * time.Millisecond) // let the device accept them all
	c, err := w.scanner().DialContext(context.Background(), "tcp4", w.ipOf("hostile-silent")+":80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("connection %d was not closed by the full device: %v", maxConns+1, err)
	}
}

func TestLabCloseStopsDevicesAndLeavesNothing(t *testing.T) {
	labreq.Require(t)
	l, err := lab.New(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := LoadProfiles(os.DirFS(dataDir), ".")
	if err != nil {
		t.Fatal(err)
	}
	devices, err := AddAll(context.Background(), l, ps)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	// A client holding a connection open must not keep the lab alive.
	c, err := l.Scanner().DialContext(context.Background(), "tcp4", devices[0].Host.IP.String()+":80")
	if err == nil {
		defer c.Close()
	}
	done := make(chan error, 1)
	go func() { done <- l.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("lab Close blocked")
	}
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), l.NamePrefix()) {
			t.Errorf("namespace %s left behind", e.Name())
		}
	}
	// Using a host of a closed lab is an error, not a silent run elsewhere.
	if err := devices[0].Host.Do(func() error { return nil }); err == nil {
		t.Error("Do succeeded on a host of a closed lab")
	}
}

package service

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// The real answers of a Besder 6024PB-XMA501 (Xiongmai XM530) camera, as its
// investigator recorded them: JSON bodies without their binary header
// (testdata/realdata/SOURCES.md, besder-xiongmai).
const (
	besderLogin          = "besder-xiongmai/dvrip_1001_login_response_successful.json"
	besderSystemInfo     = "besder-xiongmai/dvrip_1021_SystemInfo_response.json"
	besderSystemFunction = "besder-xiongmai/dvrip_1361_SystemFunction_response.json"
)

// alexshpilkinLoginReply is a DVRIP login answer frame, header included, as
// alexshpilkin/dvrip's test_dvrip.py (test_ClientLoginReply_frompackets)
// gives it: an HVR, session 0x57, body "…}\n\0" counted in the length.
const alexshpilkinLoginReply = "ff01000057000000000000000000e903" + "96000000" +
	"7b2022416c697665496e74657276616c22203a2032312c20224368616e6e656c4e756d22203a20342c20224461746155" +
	"736541455322203a2066616c73652c2022446576696365547970652022203a2022485652222c20224578747261436861" +
	"6e6e656c22203a20302c202252657422203a203130302c202253657373696f6e494422203a2022307830303030303035" +
	"3722207d0a00"

// alexshpilkinLogoutReply is a DVRIP logout answer frame (message 1003) as
// alexshpilkin/dvrip's test_dvrip.py (test_ClientLogoutReply_accept) gives
// it: what a capture of a long-lived connection's end holds, no identity.
const alexshpilkinLogoutReply = "ff01000057000000000000000000eb03" + "3a000000" +
	"7b20224e616d6522203a2022222c202252657422203a203130302c202253657373696f6e494422203a20223078303030303030353722207d0a00"

// An answer with no identity in it (a capture that starts in the middle of a
// long-lived connection) still shows the protocol, by its message id.
func TestDVRIPAnswerWithoutIdentity(t *testing.T) {
	frame, err := hex.DecodeString(alexshpilkinLogoutReply)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := ForPort(34567)
	obs, _ := collect(t, d, nil, frame, cameraMeta)
	if len(obs) != 1 || obs[0].Key != "dvrip.answer" || obs[0].Value != "1003" {
		t.Errorf("logout answer gave %v, want dvrip.answer 1003 alone", obs)
	}
}

// dvripAnswer frames a recorded answer body as the device sends it: the
// search's header (discovery.XMFrame) with version 1, the session of the
// answer and the "\n\0" end. CONSTRUCTED framing around the real body.
func dvripAnswer(msgID uint16, session uint32, body []byte) []byte {
	body = append(append([]byte(nil), bytes.TrimSpace(body)...), '\n', 0)
	frame := discovery.XMFrame(msgID, body)
	frame[1] = 1
	frame[4], frame[5], frame[6], frame[7] = byte(session), byte(session>>8), byte(session>>16), byte(session>>24)
	return frame
}

// dvripRequest frames a client request (version 0, as python-dvr sends).
func dvripRequest(msgID uint16, body string) []byte {
	return discovery.XMFrame(msgID, append([]byte(body), '\n', 0))
}

// besderSession is what a CMS's connection to the camera carries: the login
// and SystemInfo request, and the camera's three answers.
func besderSession(t testing.TB) (client, server []byte) {
	client = append(dvripRequest(1000, `{"EncryptType":"MD5","LoginType":"DVRIP-Web","PassWord":"tlJwpbo6","UserName":"admin"}`),
		dvripRequest(1020, `{"Name":"SystemInfo","SessionID":"0x00000006"}`)...)
	server = append(dvripAnswer(1001, 1, readRealdata(t, besderLogin)), dvripAnswer(1021, 6, readRealdata(t, besderSystemInfo))...)
	server = append(server, dvripAnswer(1361, 6, readRealdata(t, besderSystemFunction))...)
	return client, server
}

// A CMS session with the Besder camera gives its device class, board,
// firmware, serial, board code and build time, all from the server's side.
func TestDVRIPBesderSession(t *testing.T) {
	client, server := besderSession(t)
	d, ok := ForPort(34567)
	if !ok {
		t.Fatal("no decoder for 34567")
	}
	obs, err := collect(t, d, client, server, cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"dvrip.device_type": "IPC",
		"dvrip.hardware":    "XM530_50X50-WG_8M",
		"dvrip.firmware":    "V5.00.R02.00030747.10010.349f17.0000000",
		"dvrip.serial":      "09d53d540f99b818",
		"dvrip.model":       "50X50-WG",
		"dvrip.build_time":  "2020-11-24 16:47:14",
	}
	for key, value := range want {
		if got := valuesOf(obs, key); len(got) != 1 || got[0] != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	if got := valuesOf(obs, "dvrip.answer"); !slices.Equal(got, []string{"1001", "1021", "1361"}) {
		t.Errorf("dvrip.answer = %q, want the three answers' message ids", got)
	}
	if len(obs) != len(want)+3 {
		t.Errorf("%d observations, want %d: %v", len(obs), len(want)+3, obs)
	}
	for _, o := range obs {
		if o.IP != cameraMeta.SrcIP || o.Port != cameraMeta.SrcPort {
			t.Errorf("%s is not about the camera: %+v", o.Key, o)
		}
	}
}

// The protocol is named by its frames, not its port: a DVRIP server moved to
// another port is still read, from the client's login or the server's answer.
func TestDVRIPDetectedOnAnyPort(t *testing.T) {
	client, server := besderSession(t)
	for _, c := range []struct {
		name           string
		client, server []byte
	}{{"login and answer", client, server}, {"answer only", nil, server}, {"login only", client, nil}} {
		d, ok := Detect(c.client, c.server)
		if !ok {
			t.Errorf("%s: not detected", c.name)
			continue
		}
		obs, _ := collect(t, d, c.client, c.server, cameraMeta)
		if got := hasValue(obs, "dvrip.device_type", "IPC"); got != (len(c.server) > 0) {
			t.Errorf("%s: dvrip.device_type IPC emitted %v", c.name, got)
		}
	}
}

// The client's bytes are never read: a login carries the user name and
// password hash, and an answer-shaped body the client sent describes nobody.
func TestDVRIPIgnoresTheClient(t *testing.T) {
	answerAsClient := dvripAnswer(1021, 6, readRealdata(t, besderSystemInfo))
	obs, _ := collect(t, DecodeDVRIP, answerAsClient, nil, cameraMeta)
	if len(obs) != 0 {
		t.Errorf("client bytes gave %v", obs)
	}
}

// A real framed login answer (an HVR), whole and split into two fragments as
// the protocol allows: the message is joined before it is read.
func TestDVRIPFramedAndFragmented(t *testing.T) {
	frame, err := hex.DecodeString(alexshpilkinLoginReply)
	if err != nil {
		t.Fatal(err)
	}
	obs, _ := collect(t, DecodeDVRIP, nil, frame, cameraMeta)
	if !hasValue(obs, "dvrip.device_type", "HVR") {
		t.Errorf("whole frame: %v", obs)
	}
	body := frame[dvripHeaderLen:]
	first, second := dvripFragment(frame, body[:70], 2, 0), dvripFragment(frame, body[70:], 2, 1)
	obs, _ = collect(t, DecodeDVRIP, nil, append(first, second...), cameraMeta)
	if !hasValue(obs, "dvrip.device_type", "HVR") {
		t.Errorf("two fragments: %v", obs)
	}
	// The second fragment alone, or the fragments out of order, are no answer.
	for name, server := range map[string][]byte{"second alone": second, "reversed": append(append([]byte(nil), second...), first...)} {
		obs, _ = collect(t, DecodeDVRIP, nil, server, cameraMeta)
		if len(valuesOf(obs, "dvrip.device_type")) != 0 {
			t.Errorf("%s: %v", name, obs)
		}
	}
}

// dvripFragment copies header's fields onto a frame holding part of a body.
func dvripFragment(header, part []byte, count, index byte) []byte {
	f := append(append([]byte(nil), header[:dvripHeaderLen]...), part...)
	f[dvripOffFragments], f[dvripOffFragment] = count, index
	f[16], f[17], f[18], f[19] = byte(len(part)), byte(len(part)>>8), 0, 0
	return f
}

// Frames that are not DVRIP, or whose bodies are not JSON, give no dvrip
// keys; the server's bytes are then a banner, as on any unknown protocol.
func TestDVRIPRejects(t *testing.T) {
	good := dvripAnswer(1001, 1, readRealdata(t, besderLogin))
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	// frame: still opens like a DVRIP frame (the decoder is chosen, and reads nothing).
	cases := []struct {
		name   string
		server []byte
		frame  bool
	}{
		{"version 2", mutate(func(b []byte) []byte { b[1] = 2; return b }), false},
		{"reserved set", mutate(func(b []byte) []byte { b[2] = 1; return b }), false},
		{"length too large", mutate(func(b []byte) []byte { b[18] = 0x10; return b }), false},
		{"encrypted body", discovery.XMFrame(1001, []byte("aGVsbG8gd29ybGQgZW5jcnlwdGVk\x00")), false},
		{"header only", good[:dvripHeaderLen], false},
		{"telnet negotiation", []byte("\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03"), false},
		{"length past end", mutate(func(b []byte) []byte { b[16]++; return b }), true},
		{"truncated", good[:len(good)-10], true},
	}
	for _, c := range cases {
		obs, _ := collect(t, DecodeDVRIP, nil, c.server, cameraMeta)
		for _, o := range obs {
			if o.Key != "tcp.banner_hex" {
				t.Errorf("%s: %s=%q", c.name, o.Key, o.Value)
			}
		}
		if got := isDVRIPFrame(c.server); got != c.frame {
			t.Errorf("%s: recognised as a DVRIP frame: %v, want %v", c.name, got, c.frame)
		}
	}
}

// A configuration answer holding NetWork.NetCommon describes the device as
// its UDP search reply does, and is read by the same decoder (xm.* keys and
// the xm.mac binding). CONSTRUCTED: the Besder camera's NetCommon values
// (README excerpt) with an address and MAC filled in for the redacted ones.
func TestDVRIPNetCommonAnswer(t *testing.T) {
	body := []byte(`{ "Name" : "NetWork.NetCommon", "NetWork.NetCommon" : { "BuildDate" : "2020-11-24 16:47:14", ` +
		`"DeviceType" : 24, "HostIP" : "0x6700A8C0", "HostName" : "camera_5b0e", "MAC" : "00:12:41:5b:5b:0e", ` +
		`"SN" : "09d53d540f99b818", "TCPPort" : 34567, "Version" : "V5.00.R02.00030747.10010.349f17.0000000" }, ` +
		`"Ret" : 100, "SessionID" : "0x00000006" }`)
	obs, _ := collect(t, DecodeDVRIP, nil, dvripAnswer(1043, 6, body), cameraMeta)
	for key, value := range map[string]string{"xm.tcp_port": "34567", "xm.firmware": "V5.00.R02.00030747.10010.349f17.0000000", "xm.mac": "00:12:41:5b:5b:0e"} {
		if !hasValue(obs, key, value) {
			t.Errorf("no %s=%s in %v", key, value, obs)
		}
	}
}

// identify's raw key takes the recorded answers as they are (JSON bodies one
// after another) or as frames.
func TestDVRIPPayloadRawKey(t *testing.T) {
	d, ok := ByRawKey("dvrip.payload")
	if !ok {
		t.Fatal("dvrip.payload is not a raw key")
	}
	bodies := append(append(readRealdata(t, besderLogin), '\n'), readRealdata(t, besderSystemInfo)...)
	_, framed := besderSession(t)
	for name, value := range map[string][]byte{"bodies": bodies, "frames": framed} {
		obs, err := collect(t, d, nil, value, cameraMeta)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !hasValue(obs, "dvrip.device_type", "IPC") || !hasValue(obs, "dvrip.hardware", "XM530_50X50-WG_8M") {
			t.Errorf("%s: %v", name, obs)
		}
	}
	if _, err := collect(t, d, nil, []byte("not json"), cameraMeta); err == nil {
		t.Error("text that is no answer accepted")
	}
}

// A SystemInfo object as a client library returns it, without the answer's
// envelope (OpenIPC/python-dvr's README, get_system_info(); fresh8), is read
// on the raw key; an object with only one of HardWare and SoftWareVersion is
// not taken for one.
func TestDVRIPPayloadBareSystemInfo(t *testing.T) {
	d, _ := ByRawKey("dvrip.payload")
	bare := []byte(`{"BuildTime": "2020-01-08 11:05:18", "DeviceModel": "HI3516EV300_85H50AI", ` +
		`"HardWare": "HI3516EV300_85H50AI", "SerialNo": "a166379674a3b447", ` +
		`"SoftWareVersion": "V5.00.R02.000529B2.10010.040600.0020000"}`)
	obs, err := collect(t, d, nil, bare, cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if !hasValue(obs, "dvrip.hardware", "HI3516EV300_85H50AI") ||
		!hasValue(obs, "dvrip.firmware", "V5.00.R02.000529B2.10010.040600.0020000") {
		t.Errorf("bare SystemInfo: %v", obs)
	}
	obs, _ = collect(t, d, nil, []byte(`{"HardWare": "HI3516EV300_85H50AI", "Name": "x"}`), cameraMeta)
	if hasValue(obs, "dvrip.hardware", "HI3516EV300_85H50AI") {
		t.Errorf("HardWare alone read as SystemInfo: %v", obs)
	}
}

// FuzzDVRIP: any bytes on either side, through content dispatch and the
// raw key, give only bounded, known, valid observations about the server.
func FuzzDVRIP(f *testing.F) {
	client, server := besderSession(f)
	f.Add(client, server)
	frame, _ := hex.DecodeString(alexshpilkinLoginReply)
	f.Add([]byte(nil), frame)
	body := frame[dvripHeaderLen:]
	f.Add([]byte(nil), append(dvripFragment(frame, body[:70], 2, 0), dvripFragment(frame, body[70:], 2, 1)...))
	f.Add([]byte(nil), append(readRealdata(f, besderLogin), readRealdata(f, besderSystemInfo)...))
	f.Fuzz(func(t *testing.T, client, server []byte) {
		fuzzStream(t, DecodeDVRIP, client, server)
		if d, ok := Detect(client, server); ok {
			fuzzStream(t, d, client, server)
		}
		raw, _ := ByRawKey("dvrip.payload")
		var obs []observe.Observation
		_ = raw(nil, server, fuzzMeta, func(o observe.Observation) { obs = append(obs, o) })
		checkObservations(t, obs)
	})
}

// A DVRIP answer's JSON body given as a banner (what port 34567 answered,
// printed without the binary header, as write-ups and tools print it) is
// read as DVRIP; a JSON banner without the answer's Ret and SessionID
// members is a plain banner.
func TestDVRIPAnswerBodyAsBanner(t *testing.T) {
	d, _ := ByRawKey("tcp.banner")
	obs, err := collect(t, d, nil, readRealdata(t, besderSystemInfo), cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if !hasValue(obs, "dvrip.hardware", "XM530_50X50-WG_8M") {
		t.Errorf("the Besder camera's SystemInfo answer as a banner: %v", obs)
	}
	obs, _ = collect(t, d, nil, []byte(`{"Name":"SystemInfo","HardWare":"XM530_50X50-WG_8M"}`), cameraMeta)
	for _, o := range obs {
		if strings.HasPrefix(o.Key, "dvrip.") {
			t.Errorf("a JSON banner without Ret and SessionID read as DVRIP: %v", o)
		}
	}
}

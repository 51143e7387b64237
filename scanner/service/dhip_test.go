package service

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// dhipSession frames the lines of a constructed DHIP session
// (testdata/service/SOURCES.md) as each side sends them.
func dhipSession(t testing.TB) (client, server []byte) {
	frame := func(name string) []byte {
		var out []byte
		for _, line := range bytes.Split(bytes.TrimSpace(readTestdata(t, "constructed/"+name)), []byte("\n")) {
			out = append(out, discovery.DHIPFrame(line)...)
		}
		return out
	}
	return frame("dhip_nvr_requests.jsonl"), frame("dhip_nvr_answers.jsonl")
}

// A client's session with a Dahua NVR on 37777: each identity answer is read
// by the method its request named, under the keys of the discovery reply.
// getSystemInfo's numeric device type is not a model.
func TestDHIPSession(t *testing.T) {
	client, server := dhipSession(t)
	d, ok := ForPort(37777)
	if !ok {
		t.Fatal("no decoder for 37777")
	}
	obs, err := collect(t, d, client, server, cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"dhip.model":        "DHI-NVR5232-4KS2",
		"dhip.device_class": "NVR",
		"dhip.firmware":     "4.002.0000000.8.R",
		"dhip.serial":       "8B02C47PAZ58EDD",
		"dhip.vendor":       "Dahua",
	}
	for key, value := range want {
		if got := valuesOf(obs, key); len(got) != 1 || got[0] != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	answered := []string{"global.login", "magicBox.getDeviceType", "magicBox.getDeviceClass", "magicBox.getSoftwareVersion",
		"magicBox.getSerialNo", "magicBox.getVendor", "magicBox.getSystemInfo"}
	if got := valuesOf(obs, "dhip.answer"); !slices.Equal(got, answered) {
		t.Errorf("dhip.answer = %q, want %q", got, answered)
	}
	if len(obs) != len(want)+len(answered) {
		t.Errorf("%d observations, want %d: %v", len(obs), len(want)+len(answered), obs)
	}
}

// A keep-alive exchange, all a capture of a long-lived connection may hold,
// shows the protocol by the method answered; a method name that is not one
// (the client chooses it) is not taken. The keep-alive's shape is the one the
// public probe log of testdata/service/SOURCES.md records.
func TestDHIPKeepAlive(t *testing.T) {
	request := discovery.DHIPFrame([]byte(`{"method":"global.keepAlive","params":{"timeout":300,"active":true},"id":41,"session":1370625619}`))
	answer := discovery.DHIPFrame([]byte(`{"id":41,"params":{"timeout":60},"result":true,"session":1370625619}`))
	obs, _ := collect(t, DecodeDHIP, request, answer, cameraMeta)
	if len(obs) != 1 || obs[0].Key != "dhip.answer" || obs[0].Value != "global.keepAlive" {
		t.Errorf("keep-alive gave %v", obs)
	}
	odd := bytes.Replace(request, []byte(`global.keepAlive`), []byte(`\u001b]0;x\u0007.a`), 1)
	odd = discovery.DHIPFrame(odd[32:])
	obs, _ = collect(t, DecodeDHIP, odd, answer, cameraMeta)
	if len(valuesOf(obs, "dhip.answer")) != 0 {
		t.Errorf("a method that is no name was taken: %v", obs)
	}
}

// Answers are read only through the requests that asked for them: without
// the client's side, or with the ids of other methods, nothing is claimed;
// the client's own messages (its login) are never emitted.
func TestDHIPAnswersNeedTheirRequest(t *testing.T) {
	client, server := dhipSession(t)
	if obs, _ := collect(t, DecodeDHIP, nil, server, cameraMeta); len(valuesOf(obs, "dhip.model")) != 0 {
		t.Errorf("answers without requests gave %v", obs)
	}
	swapped := bytes.ReplaceAll(client, []byte(`"magicBox.getDeviceType"`), []byte(`"magicBox.getMachineName"`))
	obs, _ := collect(t, DecodeDHIP, swapped, server, cameraMeta)
	if len(valuesOf(obs, "dhip.model")) != 0 || len(valuesOf(obs, "dhip.machine_name")) != 0 {
		t.Errorf("an answer of another shape was read: %v", obs)
	}
	obs, _ = collect(t, DecodeDHIP, client, client, cameraMeta)
	for _, o := range obs {
		if o.Key != "tcp.banner_hex" {
			t.Errorf("the client's requests gave %s=%q", o.Key, o.Value)
		}
	}
}

// The protocol is named by its header on any port, from either side.
func TestDHIPDetectedOnAnyPort(t *testing.T) {
	client, server := dhipSession(t)
	for name, c := range map[string][2][]byte{"both": {client, server}, "client": {client, nil}, "server": {nil, server}} {
		d, ok := Detect(c[0], c[1])
		if !ok {
			t.Errorf("%s: not detected", name)
			continue
		}
		obs, _ := collect(t, d, c[0], c[1], cameraMeta)
		if want := name == "both"; hasValue(obs, "dhip.model", "DHI-NVR5232-4KS2") != want {
			t.Errorf("%s: model read %v, want %v (%v)", name, !want, want, obs)
		}
	}
	if isDHIPFrame(discovery.DHIPFrame([]byte("\x00\x01binary"))) || isDHIPFrame(server[:40]) {
		t.Error("a binary or truncated DHIP message recognised")
	}
}

// The first exchange of a real DHIP session over TCP, as mcw0/DahuaConsole
// issue #29 (2022-05-13) prints it for an Imou Ranger 2 (a Dahua brand) on
// port 80: each 32-byte header as hex words, each JSON body verbatim (the
// lengths in the headers, 0x91 and 0xeb, are those of the bodies shown).
const (
	consoleLoginRequest = `{"method": "global.login", "params": {"userName": "admin", "password": "", "clientType": "Web3.0", "loginType": "Direct"}, "id": 0, "session": 0}`
	consoleLoginAnswer  = `{"result":false,"params":{"realm":"Login to EB2711F0F250EAB5","random":"80480036-1e1f-4669-812b-70d7470d6025","encryption":"Default"},"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}`
)

func consoleFrame(t testing.TB, header, body string) []byte {
	h, err := hex.DecodeString(strings.ReplaceAll(header, "|", ""))
	if err != nil {
		t.Fatal(err)
	}
	return append(h, body...)
}

// consoleAccessControlAnswer is the same exchange with a Dahua ASI1201E
// access controller on TCP 37777, as mcw0/DahuaConsole issue #32
// (2022-10-02) prints it (the same login request; answer length 0xac).
const consoleAccessControlAnswer = `{ "result": false, "params": { "realm": "Login to ASI1201E", "random": "29757655", "encryption": "Default" }, "error": { "code": 268632079 }, "id": 0, "session": 29757655 }`

// The real login challenges: the device's answer to global.login shows the
// protocol on 37777 and on port 80, where the content, not the port, names it,
// and its realm is the device's own word (a serial, a model); its random and
// session are not read.
func TestDHIPRealLoginChallenge(t *testing.T) {
	client := consoleFrame(t, "20000000|44484950|00000000|00000000|91000000|00000000|91000000|00000000", consoleLoginRequest)
	for _, c := range []struct {
		port   uint16
		server []byte
		realm  string
	}{
		{80, consoleFrame(t, "20000000|44484950|d9649aa9|00000000|eb000000|00000000|eb000000|00000000", consoleLoginAnswer), "Login to EB2711F0F250EAB5"},
		{37777, consoleFrame(t, "20000000|44484950|d710c601|00000000|ac000000|00000000|ac000000|00000000", consoleAccessControlAnswer), "Login to ASI1201E"},
	} {
		d, _ := ForPort(c.port)
		obs, err := collect(t, d, client, c.server, cameraMeta)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 2 || !hasValue(obs, "dhip.answer", "global.login") || !hasValue(obs, "dhip.realm", c.realm) {
			t.Errorf("port %d: login challenge gave %v, want dhip.answer global.login and dhip.realm %q", c.port, obs, c.realm)
		}
	}
}

// realLoginChallengeFrame is a whole DHIP message as a Dahua client's test
// script prints it, header and all (code index file 44633882412): the
// device's challenge to a global.login with id 2 (its header's length,
// 0x120, is that of the body with its newline; its session, 0x7ffffe62, the
// body's). The request it answers is not in the script.
const realLoginChallengeFrame = " \x00\x00\x00DHIPb\xfe\xff\x7f\x02\x00\x00\x00 \x01\x00\x00\x00\x00\x00\x00 \x01\x00\x00\x00\x00\x00\x00" +
	`{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":2,"params":{"authorization":"fe2eaba1625968a96cadd6cd5bb3367185d47539","encryption":"Default","mac":"BC325FAF5332","random":"647709486","realm":"Login to 6J0DA6EPAJ4FE11"},"result":false,"session":2147483234}` + "\n"

// A challenge is read by the id of the login that asked for it, like every
// answer: another request with that id, or none, reads nothing.
func TestDHIPLoginChallengePairedByID(t *testing.T) {
	login := discovery.DHIPFrame([]byte(`{"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0","loginType":"Direct"},"id":2,"session":0}`))
	obs, _ := collect(t, DecodeDHIP, login, []byte(realLoginChallengeFrame), cameraMeta)
	if !hasValue(obs, "dhip.realm", "Login to 6J0DA6EPAJ4FE11") || !hasValue(obs, "dhip.challenge_mac", "bc:32:5f:af:53:32") {
		t.Errorf("challenge gave %v", obs)
	}
	for _, o := range obs {
		if strings.Contains(o.Value, "647709486") || strings.Contains(o.Value, "fe2eaba1") {
			t.Errorf("the challenge's random or authorization was emitted: %s=%q", o.Key, o.Value)
		}
	}
	other := bytes.Replace(login, []byte(`global.login`), []byte(`global.logot`), 1)
	for name, c := range map[string][]byte{"no request": nil, "another method": other} {
		obs, _ := collect(t, DecodeDHIP, c, []byte(realLoginChallengeFrame), cameraMeta)
		if len(valuesOf(obs, "dhip.realm")) != 0 {
			t.Errorf("%s: realm read: %v", name, obs)
		}
	}
}

// The same challenge over HTTP: a client's POST of global.login to
// /RPC2_Login and the device's answer, as Greenbone's Dahua login script
// quotes it (code index file 7315291955); the HTTP around it is constructed.
func TestRPC2LoginChallenge(t *testing.T) {
	answer := `{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":1,"params":{"authorization":"3339eaa9152eebff56a720c2f4dd0a62203a51dc","encryption":"Default","mac":"3CEF8C6101C0","random":"3734299","realm":"Login to 4C045ADPAG60CD"},"result":false,"session":1005027323}`
	body := `{"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0"},"id":1}`
	client := "POST /RPC2_Login HTTP/1.1\r\nHost: 198.18.0.10\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	answered := func(answer string) []observe.Observation {
		server := "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(answer)) + "\r\n\r\n" + answer
		obs, err := collect(t, DecodeHTTP, []byte(client), []byte(server), cameraMeta)
		if err != nil {
			t.Fatal(err)
		}
		return obs
	}
	obs := answered(answer)
	if got := valuesOf(obs, "dhip.realm"); len(got) != 1 || got[0] != "Login to 4C045ADPAG60CD" {
		t.Errorf("dhip.realm = %q", got)
	}
	if got := valuesOf(obs, "dhip.challenge_mac"); len(got) != 1 || got[0] != "3c:ef:8c:61:01:c0" {
		t.Errorf("dhip.challenge_mac = %q", got)
	}
	// A mac member that is no MAC is dropped; the realm is still read.
	obs = answered(strings.Replace(answer, `"mac":"3CEF8C6101C0"`, `"mac":"\u001b[31m"`, 1))
	if got := valuesOf(obs, "dhip.challenge_mac"); len(got) != 0 || len(valuesOf(obs, "dhip.realm")) != 1 {
		t.Errorf("a mac that is none: %v", obs)
	}
}

// FuzzDHIPStream: any bytes on either side give only bounded, known, valid
// observations about the server.
func FuzzDHIPStream(f *testing.F) {
	client, server := dhipSession(f)
	f.Add(client, server)
	f.Add(client[:len(client)/2], server[:len(server)/3])
	f.Add([]byte(nil), discovery.DHIPFrame(readRealdata(f, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")))
	f.Add(consoleFrame(f, "20000000|44484950|00000000|00000000|91000000|00000000|91000000|00000000", consoleLoginRequest),
		consoleFrame(f, "20000000|44484950|d9649aa9|00000000|eb000000|00000000|eb000000|00000000", consoleLoginAnswer))
	f.Add(discovery.DHIPFrame([]byte(`{"method":"global.login","id":2}`)), []byte(realLoginChallengeFrame))
	for _, withIDs := range []bool{true, false} {
		request, answer := multicallExchange(f, ezipRPC, withIDs)
		f.Add(discovery.DHIPFrame([]byte(request)), discovery.DHIPFrame([]byte(answer)))
	}
	f.Fuzz(func(t *testing.T, client, server []byte) {
		fuzzStream(t, DecodeDHIP, client, server)
		if d, ok := Detect(client, server); ok {
			fuzzStream(t, d, client, server)
		}
		var obs []observe.Observation
		_ = DecodeDHIP(server, client, fuzzMeta, func(o observe.Observation) { obs = append(obs, o) })
		checkObservations(t, obs)
	})
}

// The answers of an EZ-IP (a Dahua brand) IPC-D2B20-ZS to JSON-RPC calls
// over HTTP (/RPC2), as mcw0/Tools issue #8 (2021-04-30) prints them (a
// Python client's dicts, here in JSON: the values, ids and session are the
// issue's; the serial was edited out there). The HTTP requests and answers
// around them are constructed.
var ezipRPC = []struct{ method, answer string }{
	{"magicBox.getSerialNo", `{"session":"528b1ab7bb23f2877010495","params":{"sn":"----edited----"},"result":true,"id":4}`},
	{"magicBox.getDeviceClass", `{"session":"528b1ab7bb23f2877010495","params":{"type":"IPC"},"result":true,"id":5}`},
	{"magicBox.getDeviceType", `{"session":"528b1ab7bb23f2877010495","params":{"type":"IPC-D2B20-ZS"},"result":true,"id":6}`},
	{"magicBox.getHardwareVersion", `{"session":"528b1ab7bb23f2877010495","params":{"version":"1.00"},"result":true,"id":7}`},
	{"magicBox.getVendor", `{"session":"528b1ab7bb23f2877010495","params":{"Vendor":"EZIP"},"result":true,"id":8}`},
	{"magicBox.getSoftwareVersion", `{"session":"528b1ab7bb23f2877010495","params":{"version":{"Version":"2.680.0000000.2.R","WebVersion":"3.2.1.20272"}},"result":true,"id":9}`},
}

// rpc2Exchange writes the calls as a client POSTs them to /RPC2 and the
// device's answers, on one keep-alive connection.
func rpc2Exchange(calls []struct{ method, answer string }) (client, server []byte) {
	for i, c := range calls {
		body := `{"method":"` + c.method + `","params":null,"id":` + strconv.Itoa(i+4) + `,"session":"528b1ab7bb23f2877010495"}`
		client = append(client, "POST /RPC2 HTTP/1.1\r\nHost: 198.18.0.10\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.Itoa(len(body))+"\r\n\r\n"+body...)
		server = append(server, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "+
			strconv.Itoa(len(c.answer))+"\r\n\r\n"+c.answer...)
	}
	return client, server
}

// Dahua firmware answers the same JSON-RPC calls over HTTP (/RPC2): a
// capture of a client polling a camera names its model, class, firmware,
// serial and vendor under the DHIP keys, each answer read by the method its
// request named.
func TestRPC2Answers(t *testing.T) {
	client, server := rpc2Exchange(ezipRPC)
	obs, err := collect(t, DecodeHTTP, client, server, cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	for key, value := range map[string]string{
		"dhip.model": "IPC-D2B20-ZS", "dhip.device_class": "IPC", "dhip.firmware": "2.680.0000000.2.R",
		"dhip.serial": "----edited----", "dhip.vendor": "EZIP",
	} {
		if got := valuesOf(obs, key); len(got) != 1 || got[0] != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	// The same answers to other requests (an unknown method, a GET) name nothing.
	other := bytes.ReplaceAll(client, []byte(`"magicBox.`), []byte(`"someBox.`))
	get := bytes.ReplaceAll(client, []byte("POST /RPC2"), []byte("GET /RPC2"))
	for name, c := range map[string][]byte{"other method": other, "GET": get} {
		obs, _ := collect(t, DecodeHTTP, c, server, cameraMeta)
		for _, o := range obs {
			if strings.HasPrefix(o.Key, "dhip.") {
				t.Errorf("%s: %s=%q", name, o.Key, o.Value)
			}
		}
	}
}

// multicallExchange batches calls in one system.multicall request with id
// 10 and answers it with the single answers, in order, as the params list
// of one answer (the envelope is constructed: no public capture of a
// multicall answer was found; its shape is the one Dahua clients read,
// code index files 69694842327 and 46376438246). withIDs false drops each
// inner answer's id, as firmware that answers by position does.
func multicallExchange(t testing.TB, calls []struct{ method, answer string }, withIDs bool) (request, answer string) {
	var reqs, answers []string
	for i, c := range calls {
		reqs = append(reqs, `{"method":"`+c.method+`","params":null,"id":`+strconv.Itoa(i+4)+`,"session":"528b1ab7bb23f2877010495"}`)
		a := c.answer
		if !withIDs {
			a = strings.Replace(a, `,"id":`+strconv.Itoa(i+4), "", 1)
			if a == c.answer {
				t.Fatalf("no id in %s", a)
			}
		}
		answers = append(answers, a)
	}
	request = `{"method":"system.multicall","params":[` + strings.Join(reqs, ",") + `],"id":10,"session":"528b1ab7bb23f2877010495"}`
	answer = `{"id":10,"params":[` + strings.Join(answers, ",") + `],"result":true,"session":"528b1ab7bb23f2877010495"}`
	return request, answer
}

// The EZ-IP camera's single answers batched in one system.multicall, over
// /RPC2 and over DHIP: each inner answer is read as the single answer to its
// method is, by its id or, without one, by its position.
func TestMulticallAnswers(t *testing.T) {
	want := map[string]string{
		"dhip.model": "IPC-D2B20-ZS", "dhip.device_class": "IPC", "dhip.firmware": "2.680.0000000.2.R",
		"dhip.serial": "----edited----", "dhip.vendor": "EZIP",
	}
	for _, withIDs := range []bool{true, false} {
		request, answer := multicallExchange(t, ezipRPC, withIDs)
		client := "POST /RPC2 HTTP/1.1\r\nHost: 198.18.0.10\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(request)) + "\r\n\r\n" + request
		server := "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(answer)) + "\r\n\r\n" + answer
		httpObs, err := collect(t, DecodeHTTP, []byte(client), []byte(server), cameraMeta)
		if err != nil {
			t.Fatal(err)
		}
		dhipObs, err := collect(t, DecodeDHIP, discovery.DHIPFrame([]byte(request)), discovery.DHIPFrame([]byte(answer)), cameraMeta)
		if err != nil {
			t.Fatal(err)
		}
		for path, obs := range map[string][]observe.Observation{"RPC2": httpObs, "DHIP": dhipObs} {
			for key, value := range want {
				if got := valuesOf(obs, key); len(got) != 1 || got[0] != value {
					t.Errorf("%s (ids %v): %s = %q, want %q", path, withIDs, key, got, value)
				}
			}
		}
		answered := []string{"system.multicall", "magicBox.getSerialNo", "magicBox.getDeviceClass", "magicBox.getDeviceType",
			"magicBox.getHardwareVersion", "magicBox.getVendor", "magicBox.getSoftwareVersion"}
		if got := valuesOf(dhipObs, "dhip.answer"); !slices.Equal(got, answered) {
			t.Errorf("DHIP (ids %v): dhip.answer = %q, want %q", withIDs, got, answered)
		}
	}
}

// An inner answer is read only as the answer of the call it answers: an id
// that no batched call has, or a batch whose calls are of other methods,
// names nothing.
func TestMulticallAnswersNeedTheirCall(t *testing.T) {
	request, answer := multicallExchange(t, ezipRPC, true)
	renumbered := strings.NewReplacer(`"id":4`, `"id":94`, `"id":5`, `"id":95`, `"id":6`, `"id":96`,
		`"id":7`, `"id":97`, `"id":8`, `"id":98`, `"id":9`, `"id":99`).Replace(request)
	other := strings.ReplaceAll(request, `"magicBox.`, `"someBox.`)
	for name, req := range map[string]string{"other ids": renumbered, "other methods": other} {
		obs, _ := collect(t, DecodeDHIP, discovery.DHIPFrame([]byte(req)), discovery.DHIPFrame([]byte(answer)), cameraMeta)
		for _, o := range obs {
			if o.Key != "dhip.answer" {
				t.Errorf("%s: %s=%q", name, o.Key, o.Value)
			}
		}
	}
}

// A session that subscribed to events holds the device's pushed notices
// (myhomeiot/DahuaVTO issue #13, a VTO2211G-P door station): each gives the
// method as dhip.notice, whether or not the client's requests were seen, and
// the session is no mere banner.
func TestDHIPNotice(t *testing.T) {
	notice := discovery.DHIPFrame([]byte(`{"id":3,"method":"client.notifyEventStream","params":{"SID":513,"eventList":[{"Action":"Pulse","Code":"SIPRegisterResult","Data":{"LocaleTime":"2022-02-11 14:22:01","Success":false,"UTC":1644589321.0},"Index":0}]},"session":394176402}`))
	obs, err := collect(t, DecodeDHIP, nil, notice, cameraMeta)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1 || obs[0].Key != "dhip.notice" || obs[0].Value != "client.notifyEventStream" {
		t.Errorf("notice gave %v", obs)
	}
	// A request the server sends of its own (no client.notify method) is still passed over.
	other := discovery.DHIPFrame([]byte(`{"id":3,"method":"global.keepAlive","params":{},"session":1}`))
	obs, _ = collect(t, DecodeDHIP, nil, other, cameraMeta)
	if len(valuesOf(obs, "dhip.notice")) != 0 {
		t.Errorf("a request was taken for a notice: %v", obs)
	}
}

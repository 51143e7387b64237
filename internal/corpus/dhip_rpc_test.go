package corpus

import (
	"strconv"
	"testing"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// dhipLoginChallenges are real answers of Dahua-made devices to a session's
// first global.login over DHIP on TCP, each the device's JSON body as its
// source prints it; the client's login with the answer's id is constructed
// (only its method and id are read).
var dhipLoginChallenges = []struct {
	source, answer           string
	id                       int
	serial, model, kind, mac string
}{
	{"a Dahua device's challenge printed whole by a client's test script (code index file 44633882412)",
		`{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":2,"params":{"authorization":"fe2eaba1625968a96cadd6cd5bb3367185d47539","encryption":"Default","mac":"BC325FAF5332","random":"647709486","realm":"Login to 6J0DA6EPAJ4FE11"},"result":false,"session":2147483234}`,
		2, "6J0DA6EPAJ4FE11", "", "", "bc:32:5f:af:53:32"},
	{"an Imou Ranger 2 on port 80 (mcw0/DahuaConsole issue #29)",
		`{"result":false,"params":{"realm":"Login to EB2711F0F250EAB5","random":"80480036-1e1f-4669-812b-70d7470d6025","encryption":"Default"},"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}`,
		0, "EB2711F0F250EAB5", "", "", ""},
	{"a Dahua ASI1201E access controller on 37777 (mcw0/DahuaConsole issue #32)",
		`{ "result": false, "params": { "realm": "Login to ASI1201E", "random": "29757655", "encryption": "Default" }, "error": { "code": 268632079 }, "id": 0, "session": 29757655 }`,
		0, "", "ASI1201E", "access-control", ""},
}

// A login challenge alone, all a capture of a client that never logged in
// holds, names the maker by the protocol, the serial (or, where the realm
// names one, the model) by the realm, and the device's MAC where the
// challenge names one (a Dahua block: its registrant agrees).
func TestDHIPLoginChallengeIdentifies(t *testing.T) {
	p := newPipeline(t)
	for _, c := range dhipLoginChallenges {
		login := discovery.DHIPFrame([]byte(`{"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0","loginType":"Direct"},"id":` +
			strconv.Itoa(c.id) + `,"session":0}`))
		var obs []fingerprint.Observation
		m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP, SrcPort: 37777}
		if err := service.DecodeDHIP(login, discovery.DHIPFrame([]byte(c.answer)), m, func(o fingerprint.Observation) { obs = append(obs, o) }); err != nil {
			t.Fatal(err)
		}
		d := p.identify(t, obs...)
		if d.Vendor != "Dahua" || !d.Restricted || d.Serial != c.serial || d.Model != c.model || string(d.Kind) != c.kind {
			t.Errorf("%s: %s serial=%q, want Dahua restricted serial %q model %q kind %q", c.source, describe(d), d.Serial, c.serial, c.model, c.kind)
		}
		if mac := macString(d); mac != c.mac {
			t.Errorf("%s: MAC %q, want %q", c.source, mac, c.mac)
		}
	}
}

// The answers of an EZ-IP IPC-D2B20-ZS (mcw0/Tools issue #8: vendor EZIP,
// firmware 2.680.0000000.2.R) batched in one system.multicall POSTed to
// /RPC2 (the envelope and the HTTP around it are constructed): the device is
// named Dahua, brand EZ-IP, with its model and firmware.
func TestRPC2MulticallIdentifiesEZIP(t *testing.T) {
	request := `{"method":"system.multicall","params":[` +
		`{"method":"magicBox.getDeviceType","params":null,"id":6,"session":"528b1ab7bb23f2877010495"},` +
		`{"method":"magicBox.getVendor","params":null,"id":8,"session":"528b1ab7bb23f2877010495"},` +
		`{"method":"magicBox.getSoftwareVersion","params":null,"id":9,"session":"528b1ab7bb23f2877010495"}],"id":10,"session":"528b1ab7bb23f2877010495"}`
	answer := `{"id":10,"params":[` +
		`{"session":"528b1ab7bb23f2877010495","params":{"type":"IPC-D2B20-ZS"},"result":true,"id":6},` +
		`{"session":"528b1ab7bb23f2877010495","params":{"Vendor":"EZIP"},"result":true,"id":8},` +
		`{"session":"528b1ab7bb23f2877010495","params":{"version":{"Version":"2.680.0000000.2.R","WebVersion":"3.2.1.20272"}},"result":true,"id":9}` +
		`],"result":true,"session":"528b1ab7bb23f2877010495"}`
	client := "POST /RPC2 HTTP/1.1\r\nHost: 198.18.0.10\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(request)) + "\r\n\r\n" + request
	server := "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(answer)) + "\r\n\r\n" + answer
	var obs []fingerprint.Observation
	m := scanner.Meta{Time: corpusTime, Probe: "corpus", SrcIP: deviceIP, SrcPort: 80}
	if err := service.DecodeHTTP([]byte(client), []byte(server), m, func(o fingerprint.Observation) { obs = append(obs, o) }); err != nil {
		t.Fatal(err)
	}
	d := newPipeline(t).identify(t, obs...)
	if d.Vendor != "Dahua" || d.Brand != "EZ-IP" || d.Model != "IPC-D2B20-ZS" || d.Firmware != "2.680.0000000.2.R" || !d.Restricted {
		t.Errorf("got %s, want Dahua, brand EZ-IP, IPC-D2B20-ZS, 2.680.0000000.2.R, restricted", describe(d))
	}
}

// macString is the device's MAC as text, "" when it has none.
func macString(d fingerprint.Device) string {
	if d.MAC.IsZero() {
		return ""
	}
	return d.MAC.String()
}

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
	source, answer      string
	id                  int
	serial, model, kind string
}{
	{"a Dahua device's challenge printed whole by a client's test script (code index file 44633882412)",
		`{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":2,"params":{"authorization":"fe2eaba1625968a96cadd6cd5bb3367185d47539","encryption":"Default","mac":"BC325FAF5332","random":"647709486","realm":"Login to 6J0DA6EPAJ4FE11"},"result":false,"session":2147483234}`,
		2, "6J0DA6EPAJ4FE11", "", ""},
	{"an Imou Ranger 2 on port 80 (mcw0/DahuaConsole issue #29)",
		`{"result":false,"params":{"realm":"Login to EB2711F0F250EAB5","random":"80480036-1e1f-4669-812b-70d7470d6025","encryption":"Default"},"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}`,
		0, "EB2711F0F250EAB5", "", ""},
	{"a Dahua ASI1201E access controller on 37777 (mcw0/DahuaConsole issue #32)",
		`{ "result": false, "params": { "realm": "Login to ASI1201E", "random": "29757655", "encryption": "Default" }, "error": { "code": 268632079 }, "id": 0, "session": 29757655 }`,
		0, "", "ASI1201E", "access-control"},
}

// A login challenge alone, all a capture of a client that never logged in
// holds, names the maker by the protocol and the serial (or, where the realm
// names one, the model) by the realm.
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
	}
}

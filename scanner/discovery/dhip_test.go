package discovery

import (
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/scanner"
)

// The real Dahua IPC-HDW5421S reply (realdata §8), behind a constructed
// header and bare.
func TestDHIPNotifyDevInfo(t *testing.T) {
	body := readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	m := scanner.Meta{Probe: "dhip", SrcIP: netip.MustParseAddr("218.5.136.140"), SrcPort: 37810}
	for name, payload := range map[string][]byte{"with header": DHIPFrame(body), "bare": body} {
		obs, err := decode(DHIP, payload, m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[string]string{
			"dhip.device_class": "IPC",
			"dhip.model":        "IPC-HDW5421S",
			"dhip.serial":       "1F006E4PAX00075",
			"dhip.firmware":     "2.400.0.8",
			"dhip.vendor":       "Dahua",
			"dhip.manufacturer": "Private",
			"dhip.machine_name": "1F006E4PAX00075",
			"dhip.port":         "37777",
			"dhip.http_port":    "80",
		}
		for key, value := range want {
			wantValue(t, obs, m.SrcIP, key, value)
		}
		b := single(t, obs, "dhip.mac")
		if b.MAC != mustMAC(t, "4c:11:bf:c2:0b:9d") || b.IP != netip.MustParseAddr("218.5.136.140") {
			t.Errorf("%s: binding %+v", name, b)
		}
	}
}

// Shadowserver rows (realdata §9) are real DHIP answers flattened to CSV;
// each is rebuilt into the reply's JSON shape (constructed packaging) and
// must come back out field for field.
func TestDHIPShadowserverRows(t *testing.T) {
	for _, file := range []string{"shadowserver-intelmq/scan_dvr_dhcpdiscover_v1_dahua-oem.csv", "shadowserver-intelmq/scan_dvr_dhcpdiscover_v2_intelbras.csv"} {
		rows, err := csv.NewReader(strings.NewReader(string(readRealdata(t, file)))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		for _, row := range rows[1:] {
			get := func(name string) string { return row[col[name]] }
			reply := map[string]any{
				"mac":    get("mac_address"),
				"method": get("method"),
				"params": map[string]any{"deviceInfo": map[string]any{
					"DeviceClass": get("device_type"), "DeviceType": get("device_model"),
					"SerialNo": get("device_serial"), "Version": get("device_version"),
					"Vendor": get("device_vendor"), "Manufacturer": get("manufacturer"),
					"MachineName": get("machine_name"), "HttpPort": json.Number(get("http_port")),
					"Port":        json.Number(get("internal_port")),
					"IPv4Address": map[string]any{"IPAddress": get("ipv4_address")},
				}},
			}
			body, _ := json.Marshal(reply)
			ip := netip.MustParseAddr(get("ip"))
			obs, err := decode(DHIP, DHIPFrame(body), scanner.Meta{SrcIP: ip})
			if err != nil {
				t.Fatalf("%s %s: %v", file, get("device_model"), err)
			}
			wantValue(t, obs, ip, "dhip.model", get("device_model"))
			wantValue(t, obs, ip, "dhip.firmware", get("device_version"))
			wantValue(t, obs, ip, "dhip.vendor", get("device_vendor"))
			wantValue(t, obs, ip, "dhip.port", "37777")
			if b := single(t, obs, "dhip.mac"); b.MAC != mustMAC(t, get("mac_address")) || b.IP != netip.MustParseAddr(get("ipv4_address")) {
				t.Errorf("%s: binding %+v", get("device_model"), b)
			}
		}
	}
}

// Our own search, echoed back, is not a device (signals.md §0 request).
func TestDHIPSearchEchoIgnored(t *testing.T) {
	search := DHIPFrame([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`))
	obs, err := decode(DHIP, search, scanner.Meta{})
	if err != nil || len(obs) != 0 {
		t.Errorf("err %v, observations %+v", err, obs)
	}
}

func TestDHIPRejectsBadFraming(t *testing.T) {
	body := readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	long := DHIPFrame(body)
	binary.LittleEndian.PutUint32(long[16:], uint32(len(body)+1))
	huge := DHIPFrame(body)
	binary.LittleEndian.PutUint32(huge[16:], 0xffffffff)
	for name, b := range map[string][]byte{
		"length past end": long,
		"length 4 GiB":    huge,
		"cut JSON":        DHIPFrame(body[:len(body)/2]),
		"not JSON":        []byte("DHIP?"),
		"no deviceInfo":   []byte(`{"method":"client.notifyDevInfo","params":{}}`),
	} {
		obs, err := decode(DHIP, b, scanner.Meta{})
		if err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, %d observations", name, err, len(obs))
		}
	}
}

// Bytes after the JSON object (stale buffer contents) do not hide the reply.
func TestDHIPTrailingBytesTolerated(t *testing.T) {
	body := readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	padded := DHIPFrame(append(append([]byte(nil), body...), "\x00\x00garbage}"...))
	obs, err := decode(DHIP, padded, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "dhip.model", "IPC-HDW5421S")
}

// DHIPUnframe reads what DHIPFrame writes, and refuses a length that runs
// past the datagram or a datagram without the header.
func TestDHIPFrameRoundTrip(t *testing.T) {
	body := readRealdata(t, "dhip-payloads/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json")
	frame := DHIPFrame(body)
	if got, ok := DHIPUnframe(frame); !ok || string(got) != string(body) {
		t.Fatalf("DHIPUnframe(DHIPFrame(body)) = %d bytes, %v", len(got), ok)
	}
	if _, ok := DHIPUnframe(frame[:len(frame)-1]); ok {
		t.Error("a truncated body was accepted")
	}
	if _, ok := DHIPUnframe(body); ok {
		t.Error("a bare body was taken for a framed one")
	}
}

// A login challenge recorded from a DHIP session on TCP, given as a DHIP
// payload without the client's request: its shape names the method it
// answers, and its realm is read. The first is a whole message as a Dahua
// client's test script prints it, header and all (code index file
// 44633882412); the second the body mcw0/DahuaConsole issue #32 prints for an
// ASI1201E access controller.
func TestDHIPRecordedLoginChallenge(t *testing.T) {
	framed := []byte(" \x00\x00\x00DHIPb\xfe\xff\x7f\x02\x00\x00\x00 \x01\x00\x00\x00\x00\x00\x00 \x01\x00\x00\x00\x00\x00\x00" +
		`{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":2,"params":{"authorization":"fe2eaba1625968a96cadd6cd5bb3367185d47539","encryption":"Default","mac":"BC325FAF5332","random":"647709486","realm":"Login to 6J0DA6EPAJ4FE11"},"result":false,"session":2147483234}` + "\n")
	bare := []byte(`{ "result": false, "params": { "realm": "Login to ASI1201E", "random": "29757655", "encryption": "Default" }, "error": { "code": 268632079 }, "id": 0, "session": 29757655 }`)
	for _, c := range []struct {
		payload    []byte
		realm, mac string
	}{
		{framed, "Login to 6J0DA6EPAJ4FE11", "bc:32:5f:af:53:32"},
		{bare, "Login to ASI1201E", ""},
	} {
		obs, err := decode(DHIP, c.payload, fuzzMeta)
		if err != nil {
			t.Fatal(err)
		}
		if got := values(obs, noAddr, "dhip.realm"); len(got) != 1 || got[0] != c.realm {
			t.Errorf("dhip.realm = %q, want %q", got, c.realm)
		}
		if got := values(obs, noAddr, "dhip.challenge_mac"); c.mac != "" && (len(got) != 1 || got[0] != c.mac) || c.mac == "" && len(got) != 0 {
			t.Errorf("dhip.challenge_mac = %q, want %q", got, c.mac)
		}
		if got := values(obs, noAddr, "dhip.answer"); len(got) != 1 || got[0] != "global.login" {
			t.Errorf("observations %+v, want dhip.answer global.login", obs)
		}
	}
	// The client's second login carries the realm and random too, but it is a
	// request; an answer with another error code, or without its random, is
	// no challenge.
	for name, b := range map[string]string{
		"request":    `{"method":"global.login","params":{"userName":"admin","password":"x","realm":"Login to 5YVD2400016A6","random":"635665401"},"id":10000}`,
		"other code": `{"error":{"code":268632064},"params":{"realm":"Login to 6J0DA6EPAJ4FE11","random":"1"},"result":false,"id":2}`,
		"no random":  `{"error":{"code":268632079},"params":{"realm":"Login to 6J0DA6EPAJ4FE11"},"result":false,"id":2}`,
	} {
		if obs, err := decode(DHIP, []byte(b), fuzzMeta); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, observations %+v", name, err, obs)
		}
	}
}

// The identity answers of an EZ-IP (Dahua brand) IPC-D2B20-ZS to magicBox
// calls, as mcw0/Tools issue #8 (2021-04-30) prints them (the serial was
// edited out there), each recorded alone: the shape tells the call. The
// hardware version answer, a failed call and a type code name nothing.
func TestDHIPIdentityAnswerAlone(t *testing.T) {
	for _, c := range []struct{ answer, method, key, value string }{
		{`{"session":"528b1ab7bb23f2877010495","params":{"sn":"----edited----"},"result":true,"id":4}`, "magicBox.getSerialNo", "dhip.serial", "----edited----"},
		{`{"session":"528b1ab7bb23f2877010495","params":{"type":"IPC"},"result":true,"id":5}`, "magicBox.getDeviceClass", "dhip.device_class", "IPC"},
		{`{"session":"528b1ab7bb23f2877010495","params":{"type":"IPC-D2B20-ZS"},"result":true,"id":6}`, "magicBox.getDeviceType", "dhip.model", "IPC-D2B20-ZS"},
		{`{"session":"528b1ab7bb23f2877010495","params":{"Vendor":"EZIP"},"result":true,"id":8}`, "magicBox.getVendor", "dhip.vendor", "EZIP"},
		{`{"session":"528b1ab7bb23f2877010495","params":{"version":{"Version":"2.680.0000000.2.R","WebVersion":"3.2.1.20272"}},"result":true,"id":9}`, "magicBox.getSoftwareVersion", "dhip.firmware", "2.680.0000000.2.R"},
	} {
		for _, payload := range [][]byte{[]byte(c.answer), DHIPFrame([]byte(c.answer))} {
			obs, err := decode(DHIP, payload, fuzzMeta)
			if err != nil {
				t.Fatalf("%s: %v", c.answer, err)
			}
			if got := values(obs, noAddr, "dhip.answer"); len(got) != 1 || got[0] != c.method {
				t.Errorf("%s: dhip.answer = %q, want %s", c.answer, got, c.method)
			}
			if got := values(obs, noAddr, c.key); len(got) != 1 || got[0] != c.value {
				t.Errorf("%s: %s = %q, want %s", c.answer, c.key, got, c.value)
			}
		}
	}
	for name, b := range map[string]string{
		"hardware version": `{"session":"528b1ab7bb23f2877010495","params":{"version":"1.00"},"result":true,"id":7}`,
		"type code":        `{"params":{"type":"31"},"result":true,"id":7}`,
		"failed call":      `{"params":{"type":"IPC-D2B20-ZS"},"result":false,"id":6}`,
		"two members":      `{"params":{"type":"IPC-D2B20-ZS","sn":"x"},"result":true,"id":6}`,
		"request":          `{"method":"magicBox.getDeviceType","params":{"type":"IPC-D2B20-ZS"},"result":true,"id":6}`,
		// The session decoder reads the member "Version" as spelled, and no
		// name: an answer alone reads no more.
		"version in lower case": `{"params":{"version":{"version":"2.680.0000000.2.R"}},"result":true,"id":9}`,
		"machine name":          `{"params":{"name":"IPC-D2B20-ZS"},"result":true,"id":10}`,
	} {
		if obs, err := decode(DHIP, []byte(b), fuzzMeta); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, observations %+v", name, err, obs)
		}
	}
}

// A notice a Dahua door station pushed on its DHIP session, as the
// myhomeiot/DahuaVTO integration logs it (issue #13, a VTO2211G-P:
// client.notifyEventStream with a SIP registration pulse), recorded alone:
// the method of the client object only a device calls is read, never the
// event data. A client's own request recorded alone names nothing.
func TestDHIPRecordedNotice(t *testing.T) {
	notice := `{"id":3,"method":"client.notifyEventStream","params":{"SID":513,"eventList":[{"Action":"Pulse","Code":"SIPRegisterResult","Data":{"LocaleTime":"2022-02-11 14:22:01","Success":false,"UTC":1644589321.0},"Index":0}]},"session":394176402}`
	for _, payload := range [][]byte{[]byte(notice), DHIPFrame([]byte(notice))} {
		obs, err := decode(DHIP, payload, fuzzMeta)
		if err != nil {
			t.Fatal(err)
		}
		if got := values(obs, noAddr, "dhip.notice"); len(got) != 1 || got[0] != "client.notifyEventStream" || len(obs) != 1 {
			t.Errorf("notice gave %+v", obs)
		}
	}
	for _, request := range []string{
		`{"method":"global.keepAlive","params":{"timeout":60,"action":true},"id":15588,"session":394176402}`,
		`{"method":"eventManager.attach","params":{"codes":["All"]},"id":3,"session":394176402}`,
		`{"method":"client.notify","params":{},"id":3}`,
	} {
		if obs, err := decode(DHIP, []byte(request), fuzzMeta); err == nil || len(obs) != 0 {
			t.Errorf("%s: err %v, observations %+v", request, err, obs)
		}
	}
}

// A DHIP answer as a Python client logs what it received (elad-bar/
// DahuaVTO2MQTT issue #53, a VTO4202F door station: the bytes literal of a
// framed answer to an event subscription): the literal is read as the bytes
// it stands for, and the framed answer, which names no call without its
// request, gives its first bytes as a session's unpaired server does.
func TestDHIPRecordedBytesLiteral(t *testing.T) {
	literal := `b' \x00\x00\x00DHIPd\x11Qh\x08\x00\x00\x00A\x00\x00\x00\x00\x00\x00\x00A\x00\x00\x00\x00\x00\x00\x00{"id":8,"params":{"SID":513},"result":true,"session":1750143332}\n'`
	raw, ok := BytesLiteral(literal)
	if !ok || !hasDHIPHeader(raw) {
		t.Fatalf("BytesLiteral: %q %v", raw, ok)
	}
	d, _ := ByRawKey("dhip.payload")
	obs, err := decode(d, []byte(literal), fuzzMeta)
	if err != nil {
		t.Fatal(err)
	}
	got := values(obs, noAddr, "tcp.banner_hex")
	if len(got) != 1 || !strings.HasPrefix(got[0], "2000000044484950") || len(obs) != 1 {
		t.Errorf("framed answer gave %+v", obs)
	}
	// Unframed, the same answer is no device description: refused as before.
	if obs, err := decode(d, []byte(`{"id":8,"params":{"SID":513},"result":true,"session":1750143332}`), fuzzMeta); err == nil || len(obs) != 0 {
		t.Errorf("unframed answer: err %v, %+v", err, obs)
	}
	// The client's side of the same session, framed as the log prints what
	// it sent (precision6): a request names the app's call, not the device.
	for _, request := range []string{
		`{"id":2,"magic":"0x1234","method":"global.login","params":{"clientType":"","ipAddr":"(null)","loginType":"Direct","password":"","userName":"admin"},"session":0}`,
		`{"method":"eventManager.attach","params":{"codes":["All"]},"id":8,"session":1750143332}`,
	} {
		if obs, _ := decode(d, DHIPFrame([]byte(request)), fuzzMeta); len(obs) != 0 {
			t.Errorf("framed request %s gave %+v", request, obs)
		}
	}
	for _, bad := range []string{`b'\x0'`, `b'\q'`, `'no prefix'`, `b'unterminated`} {
		if _, ok := BytesLiteral(bad); ok {
			t.Errorf("BytesLiteral(%q) accepted", bad)
		}
	}
}

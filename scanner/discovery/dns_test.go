package discovery

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"

	"github.com/camsweep/camsweep/scanner"
)

// D-Link DCS-935L (realdata §1): responses from its stale factory address
// and probe queries from its DHCP address both describe it.
func TestMDNSDLinkFromCapture(t *testing.T) {
	obs, rejected := decodeCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	stale := netip.MustParseAddr("192.168.0.20")
	wantValue(t, obs, stale, "mdns.txt", "model_number=DCS-935L")
	wantValue(t, obs, stale, "mdns.txt", "mac=B0:C5:54:25:5B:0E")
	wantValue(t, obs, stale, "mdns.instance", "D-Link HNAP Service._dhnap._tcp.local")
	wantValue(t, obs, stale, "mdns.service", "_dhnap._tcp")
	wantValue(t, obs, stale, "mdns.hostname", "DCS-935L-B0C554255B0E.local")
	// Probe queries carry the records being claimed in the authority section.
	dhcpAddr := netip.MustParseAddr("10.10.10.37")
	wantValue(t, obs, dhcpAddr, "mdns.instance", "D-Link DCS-935L Configuration Utility._http._tcp.local")
	wantValue(t, obs, dhcpAddr, "mdns.hostname", "dcs-935l.local")
	if got := values(obs, noAddr, "mdns.service"); contains(got, "_dns-sd._udp") || contains(got, "_services._dns-sd") {
		t.Errorf("the enumeration meta-service was reported as a service: %q", got)
	}
}

// Edimax IC-3115W (realdata §1): a TXT string that is not key=value, and an
// instance whose name begins with a space (trimmed like every value).
func TestMDNSEdimaxFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/EdimaxCam1_Setup-A-1-STA.pcap")
	camera := netip.MustParseAddr("10.10.10.51")
	wantValue(t, obs, camera, "mdns.txt", "IC-3115W Network Camera")
	wantValue(t, obs, camera, "mdns.instance", "[74:da:38:80:7a:08]._http._tcp.local")
	wantValue(t, obs, camera, "mdns.hostname", "localcam.local")
}

func TestMDNSHueFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/negative_HueBridge_Setup-A-1-STA.pcap")
	hue := netip.MustParseAddr("10.10.10.6")
	wantValue(t, obs, hue, "mdns.txt", "md=BSB002")
	wantValue(t, obs, hue, "mdns.service", "_hap._tcp")
	wantValue(t, obs, hue, "mdns.instance", "Philips hue - 2476FF._hap._tcp.local")
	wantValue(t, obs, netip.MustParseAddr("fe80::217:88ff:fe24:76ff"), "mdns.txt", "md=BSB002")
}

// A question names what the asker looks for, and its known answers are
// other hosts' records: neither describes the asker. Constructed with
// miekg/dns around the real Hikvision service type (signals.md §2).
func TestMDNSQuestionIsNotADevice(t *testing.T) {
	q := new(dns.Msg)
	q.SetQuestion("_CGI._tcp.local.", dns.TypePTR)
	known, err := dns.NewRR("_CGI._tcp.local. 4500 IN PTR HIKVISION\\ DS-2CD2722FWD-IZS\\ -\\ 733050075._CGI._tcp.local.")
	if err != nil {
		t.Fatal(err)
	}
	q.Answer = append(q.Answer, known)
	payload, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	obs, err := decode(MDNS, payload, scanner.Meta{SrcIP: netip.MustParseAddr("198.18.0.2")})
	if err != nil || len(obs) != 0 {
		t.Errorf("query: err %v, observations %+v", err, obs)
	}
	// The same record in a response is the responder's own.
	q.Response = true
	payload, _ = q.Pack()
	obs, err = decode(MDNS, payload, scanner.Meta{SrcIP: netip.MustParseAddr("198.18.0.10")})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "mdns.instance", "HIKVISION DS-2CD2722FWD-IZS - 733050075._CGI._tcp.local")
	wantValue(t, obs, noAddr, "mdns.service", "_CGI._tcp")
}

// TP-Link plug (realdata §1): its queries name its cloud; the resolver's
// answers are not about the resolver.
func TestDNSQueriesFromCapture(t *testing.T) {
	obs, _ := decodeCapture(t, "iot-sentinel/negative_TP-LinkPlugHS110_Setup-A-1-STA.pcap")
	wantValue(t, obs, netip.MustParseAddr("10.10.10.20"), "dns.query", "devs.tplinkcloud.com")
	wantValue(t, obs, netip.MustParseAddr("10.10.10.20"), "dns.query", "time-b.nist.gov")
	if got := values(obs, netip.MustParseAddr("10.10.10.1"), "dns.query"); len(got) != 0 {
		t.Errorf("resolver reported as asking %q", got)
	}
	for _, o := range obs {
		if o.Key == "dns.query" && o.Port != 0 {
			t.Errorf("dns.query carries the asker's ephemeral port %d: repeated lookups would not be one fact", o.Port)
		}
	}
}

func TestDNSNamesAreUnescaped(t *testing.T) {
	for in, want := range map[string]string{
		`a\.b.local.`:         "a.b.local",
		`\232\181\139.local.`: "\xe8\xb5\x8b.local",
		`x\ y.local.`:         "x y.local",
		`trailing\`:           `trailing\`,
		`\999.local.`:         "999.local",
	} {
		if got := PresentName(in); got != want {
			t.Errorf("PresentName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := unescapeDNS(`say \"hi\" \007`); got != "say \"hi\" \a" {
		t.Errorf("unescapeDNS = %q", got)
	}
}

func TestDNSRejectsGarbage(t *testing.T) {
	for _, d := range []scanner.Decoder{MDNS, DNS} {
		if _, err := decode(d, []byte{0, 1, 2}, scanner.Meta{}); err == nil {
			t.Error("3-byte message accepted")
		}
	}
}

// TestDNSResponseMarksTheResolver: in a real capture (IoT Sentinel's D-Link
// camera set-up) the gateway answers the devices' lookups from port 53: it
// is marked as answering DNS, and the devices' questions stay theirs.
func TestDNSResponseMarksTheResolver(t *testing.T) {
	obs, rejected := decodeCapture(t, "iot-sentinel/D-LinkCam_Setup-A-1-STA.pcap")
	if rejected != 0 {
		t.Errorf("%d datagrams rejected", rejected)
	}
	gateway := netip.MustParseAddr("10.10.10.1")
	var answered, asked int
	for _, o := range obs {
		switch o.Key {
		case "dns.answered":
			answered++
			if o.IP != gateway || o.Value != "true" || o.Port != 0 {
				t.Errorf("dns.answered about %v port %d = %q, want the gateway %v", o.IP, o.Port, o.Value, gateway)
			}
		case "dns.query":
			asked++
			if o.IP == gateway {
				t.Errorf("the gateway asked %q", o.Value)
			}
		}
	}
	if answered == 0 || asked == 0 {
		t.Errorf("%d dns.answered, %d dns.query observations; want both", answered, asked)
	}
}

// A eufy HomeBase 2's HomeKit answer as python-zeroconf keeps it
// (tests/test_protocol.py test_dns_compression_invalid_skips_record, code
// index file 221653463): its NSEC record's next-domain name is a compression
// pointer, which miekg/dns rejects with the whole message. The other records
// are read, as python-zeroconf reads them: the instance, the SRV target and
// the TXT strings with the model md=T8010.
func TestMDNSSkipsARecordThatDoesNotParse(t *testing.T) {
	payload := []byte("\x00\x00\x84\x00\x00\x00\x00\x06\x00\x00\x00\x00\x04_hap\x04_tcp\x05local\x00\x00\x0c" +
		"\x00\x01\x00\x00\x11\x94\x00\x16\x13eufy HomeBase2-2464\xc0\x0c\x04Eufy\xc0\x16\x00/" +
		"\x80\x01\x00\x00\x00x\x00\x08\xc0\xa6\x00\x04@\x00\x00\x08\xc0'\x00/\x80\x01\x00\x00" +
		"\x11\x94\x00\t\xc0'\x00\x05\x00\x00\x80\x00@\xc0=\x00\x01\x80\x01\x00\x00\x00x\x00\x04" +
		"\xc0\xa8Dp\xc0'\x00!\x80\x01\x00\x00\x00x\x00\x08\x00\x00\x00\x00\xd1_\xc0=\xc0'\x00" +
		"\x10\x80\x01\x00\x00\x11\x94\x00K\x04c#=1\x04ff=2\x14id=38:71:4F:6B:76:00\x08md=T8010" +
		"\x06pv=1.1\x05s#=75\x04sf=1\x04ci=2\x0bsh=xaQk4g==")
	if err := new(dns.Msg).Unpack(payload); err == nil {
		t.Fatal("the message unpacks whole: the test no longer shows the skip")
	}
	obs, err := decode(MDNS, payload, scanner.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, obs, noAddr, "mdns.txt", "md=T8010")
	wantValue(t, obs, noAddr, "mdns.instance", "eufy HomeBase2-2464._hap._tcp.local")
	wantValue(t, obs, noAddr, "mdns.hostname", "Eufy.local")
	// Garbage stays rejected: no record parses.
	if _, err := decode(MDNS, []byte("\x00\x00\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00\xc0\x0c"), scanner.Meta{}); err == nil {
		t.Error("a message with no readable record was accepted")
	}
}

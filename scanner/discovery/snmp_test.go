package discovery

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camsweep/camsweep/observe"
)

// snmpLab is net-snmp 5.9's agent and tools talking on a namespace's
// loopback (testdata/discovery/SOURCES.md): v2c and v1 GetResponses, a v3
// discovery exchange, a v2c trap and a v1 trap, encoded by a real SNMP stack.
const snmpLab = "snmp_netsnmp_lab_constructed.pcap"

// snmpLabCommunity is the community the lab's manager used: no observation
// may carry it.
const snmpLabCommunity = "labcommunity"

func snmpLabDatagrams(t testing.TB) []datagram {
	return readUDPFile(t, filepath.Join(testdataDir, snmpLab))
}

func TestSNMPFromCapture(t *testing.T) {
	var all []observe.Observation
	for _, d := range snmpLabDatagrams(t) {
		dec, ok := ByPort(d.meta.SrcPort, d.meta.DstPort)
		if !ok {
			t.Fatalf("no decoder for %d -> %d", d.meta.SrcPort, d.meta.DstPort)
		}
		obs, err := decode(dec, d.payload, d.meta)
		if err != nil {
			t.Fatalf("%d -> %d: %v", d.meta.SrcPort, d.meta.DstPort, err)
		}
		if d.meta.DstPort == 161 && len(obs) > 0 {
			t.Errorf("a manager's request gave %v", obs)
		}
		all = append(all, obs...)
	}
	checkObservations(t, "snmp.", all)
	got := map[string][]string{}
	for _, o := range all {
		if strings.Contains(o.Value, snmpLabCommunity) {
			t.Errorf("%s carries the community: %q", o.Key, o.Value)
		}
		got[o.Key] = append(got[o.Key], o.Value)
	}
	want := map[string][]string{
		// The v2c and v1 answers say the same; the v1 trap carries sysDescr too.
		"snmp.sys_descr":     {"DH-NVR4108HS-8P-4KS2", "DH-NVR4108HS-8P-4KS2", "DH-NVR4108HS-8P-4KS2"},
		"snmp.sys_object_id": {"1.3.6.1.4.1.1004849.3.2.10", "1.3.6.1.4.1.1004849.3.2.10"},
		"snmp.sys_name":      {"NVR-LAB", "NVR-LAB"}, // the answer and the v2c trap
		"snmp.private": {
			"1.3.6.1.4.1.1004849.2.1.2.6.0=DH-NVR4108HS-8P-4KS2",
			"1.3.6.1.4.1.1004849.2.1.2.4.0=2M00D2APAZTL62J",
			"1.3.6.1.4.1.1004849.2.1.1.1.0=3.212.0000.1",
		},
		// The v2c trap's snmpTrapOID.0, then the v1 trap's enterprise field.
		"snmp.trap_oid": {"1.3.6.1.4.1.1004849.2.12.0.1", "1.3.6.1.4.1.1004849.3.2.10"},
	}
	for key, values := range want {
		if strings.Join(got[key], "|") != strings.Join(values, "|") {
			t.Errorf("%s = %q, want %q", key, got[key], values)
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected key %s = %q", key, got[key])
		}
	}
}

// Every cut of a real message is refused or read in part; none panics, and
// none makes up a value the whole message does not hold.
func TestSNMPTruncated(t *testing.T) {
	for _, d := range snmpLabDatagrams(t) {
		whole, _ := decode(SNMP, d.payload, d.meta)
		values := map[string]bool{}
		for _, o := range whole {
			values[o.Key+"="+o.Value] = true
		}
		for n := range len(d.payload) {
			obs, err := decode(SNMP, d.payload[:n], d.meta)
			if err == nil && len(obs) > 0 {
				t.Fatalf("a message cut to %d of %d bytes decoded without error: %v", n, len(d.payload), obs)
			}
			for _, o := range obs {
				if !values[o.Key+"="+o.Value] {
					t.Fatalf("cut to %d bytes: %s=%q is not in the whole message", n, o.Key, o.Value)
				}
			}
		}
	}
}

func TestSNMPSkipsV3AndRequests(t *testing.T) {
	var v3, requests int
	for _, d := range snmpLabDatagrams(t) {
		version := d.payload[4] // SEQUENCE, length, INTEGER tag, length 1, version
		obs, err := decode(SNMP, d.payload, d.meta)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case version == 3:
			v3++
		case d.meta.DstPort == 161:
			requests++
		default:
			continue
		}
		if len(obs) != 0 {
			t.Errorf("version %d to port %d gave %v", version, d.meta.DstPort, obs)
		}
	}
	if v3 != 4 || requests != 3 {
		t.Fatalf("the capture holds %d v3 messages and %d v1/v2c requests, want 4 and 3", v3, requests)
	}
}

// An agent may write lengths in the long form even when one byte would do;
// the message means the same.
func TestSNMPLongFormLengths(t *testing.T) {
	// A v2c GetResponse, community "public", request-id 1, sysDescr.0 =
	// "Mega-Pixel Network Camera" (a Vivotek camera's, LibreNMS
	// tests/snmpsim/vivotek.snmprec), every length in the two-byte form.
	value := []byte("Mega-Pixel Network Camera")
	vb := tlvLong(0x30, append(tlvLong(0x06, []byte{0x2b, 6, 1, 2, 1, 1, 1, 0}), tlvLong(0x04, value)...))
	pdu := tlvLong(0xa2, concat(tlvLong(0x02, []byte{1}), tlvLong(0x02, []byte{0}), tlvLong(0x02, []byte{0}), tlvLong(0x30, vb)))
	whole := tlvLong(0x30, concat(tlvLong(0x02, []byte{1}), tlvLong(0x04, []byte("public")), pdu))
	obs, err := decode(SNMP, whole, fuzzMeta)
	if err != nil {
		t.Fatalf("%v (message %s)", err, hex.EncodeToString(whole))
	}
	if v := single(t, obs, "snmp.sys_descr").Value; v != string(value) {
		t.Fatalf("sys_descr %q", v)
	}
}

func tlvLong(tag byte, content []byte) []byte {
	return append([]byte{tag, 0x81, byte(len(content))}, content...)
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestOIDText(t *testing.T) {
	for _, c := range []struct {
		hex, want string
	}{
		{"2b06010401", "1.3.6.1.4.1"},
		{"2b0601040182b17d", "1.3.6.1.4.1.39165"},                // Hikvision
		{"2b06010401bdaa3103020a", "1.3.6.1.4.1.1004849.3.2.10"}, // Dahua's recorders' sysObjectID
		{"8837", "2.999"},
		{"00", "0.0"},
	} {
		b, _ := hex.DecodeString(c.hex)
		got, ok := oidText(b)
		if !ok || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.hex, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "2b06ff", "2b068001", "2b06" + strings.Repeat("8f", 6) + "7f"} {
		b, _ := hex.DecodeString(bad)
		if got, ok := oidText(b); ok {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}

func FuzzSNMP(f *testing.F) {
	var seeds [][]byte
	for _, d := range snmpLabDatagrams(f) {
		seeds = append(seeds, d.payload)
	}
	fuzzDecoder(f, SNMP, "snmp.", seeds...)
}

// BenchmarkSNMP decodes the lab capture's messages (answers, requests, v3,
// traps) one after another.
func BenchmarkSNMP(b *testing.B) {
	datagrams := snmpLabDatagrams(b)
	emit := func(observe.Observation) {}
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range datagrams {
			_ = SNMP(d.payload, d.meta, emit)
		}
	}
}

// Only scalars (instance 0) of a maker's MIB are kept: a table row is about
// an interface, a user or a client, not the device.
func TestSNMPPrivateScalarsOnly(t *testing.T) {
	row := []byte{0x2b, 6, 1, 4, 1, 0x82, 0xb1, 0x7d, 2, 1, 1} // 1.3.6.1.4.1.39165.2.1.1
	scalar := []byte{0x2b, 6, 1, 4, 1, 0x82, 0xb1, 0x7d, 1, 1, 0}
	arc128 := []byte{0x2b, 6, 1, 4, 1, 0x82, 0xb1, 0x7d, 1, 0x81, 0} // last arc 128, not 0
	vb := func(name []byte, text string) []byte {
		return tlvLong(0x30, append(tlvLong(0x06, name), tlvLong(0x04, []byte(text))...))
	}
	pdu := tlvLong(0xa2, concat(tlvLong(0x02, []byte{1}), tlvLong(0x02, []byte{0}), tlvLong(0x02, []byte{0}),
		tlvLong(0x30, concat(vb(row, "secret-row"), vb(scalar, "DS-2CD2185FWD-I"), vb(arc128, "other")))))
	msg := tlvLong(0x30, concat(tlvLong(0x02, []byte{1}), tlvLong(0x04, []byte("public")), pdu))
	obs, err := decode(SNMP, msg, fuzzMeta)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1 || obs[0].Value != "1.3.6.1.4.1.39165.1.1.0=DS-2CD2185FWD-I" {
		t.Fatalf("got %v", obs)
	}
}

package discovery

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"hash/crc32"
	"testing"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// quiet says whether a decoder reads a datagram as describing nothing.
func quiet(t *testing.T, name string, d scanner.Decoder, b []byte) {
	t.Helper()
	var got []observe.Observation
	_ = d(b, scanner.Meta{Probe: name}, func(o observe.Observation) { got = append(got, o) })
	if len(got) != 0 {
		t.Errorf("%s: our own request described a device: %+v", name, got)
	}
}

// TestTDPQueryAsTheAppSendsIt: the query has the header the Tapo app's
// recorded query has (testdata/realdata/hidden-patterns: 02 00 00 01, the
// body length, flags 11 00, a serial, a CRC32 over the datagram with
// 0x5A6B7C8D in its place), a body holding a 2048-bit RSA public key, a
// fresh serial each call; the decoder reads it as a request.
func TestTDPQueryAsTheAppSendsIt(t *testing.T) {
	var app []byte
	for _, d := range readUDP(t, "hidden-patterns/tapo-c200_app-stream_CUT.pcap") {
		if d.meta.DstPort == tdpPort {
			app = d.payload
			break
		}
	}
	if _, ok := TDPQuerySerial(app); !ok {
		t.Fatalf("the app's recorded query is not read as a query: % x", app[:16])
	}
	q, err := TDPDiscovery()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q[:4], app[:4]) || !bytes.Equal(q[6:8], app[6:8]) {
		t.Errorf("header % x, the app's % x", q[:8], app[:8])
	}
	if n := int(binary.BigEndian.Uint16(q[4:])); n != len(q)-16 {
		t.Errorf("length field %d, body %d", n, len(q)-16)
	}
	check := bytes.Clone(q)
	binary.BigEndian.PutUint32(check[12:], 0x5A6B7C8D)
	if crc32.ChecksumIEEE(check) != binary.BigEndian.Uint32(q[12:]) {
		t.Error("CRC32 wrong")
	}
	var body struct {
		Params struct {
			RSAKey string `json:"rsa_key"`
		} `json:"params"`
	}
	if err := json.Unmarshal(q[16:], &body); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(body.Params.RSAKey))
	if block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("rsa_key is no PEM public key: %q", body.Params.RSAKey)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if k, ok := pub.(*rsa.PublicKey); err != nil || !ok || k.N.BitLen() != 2048 {
		t.Errorf("rsa_key: %T %v", pub, err)
	}
	s1, ok1 := TDPQuerySerial(q)
	q2, _ := TDPDiscovery()
	s2, ok2 := TDPQuerySerial(q2)
	if !ok1 || !ok2 || s1 == s2 {
		t.Errorf("serials %x %v, %x %v: want two valid, different", s1, ok1, s2, ok2)
	}
	quiet(t, "tdp", TDP, q)
	// A device's answer is no query, nor is a query with a broken CRC.
	bad := bytes.Clone(q)
	bad[len(bad)-3] ^= 1
	for _, b := range [][]byte{bad, q[:15], TDPFrame([8]byte{2, 0, 0, 1, 0, 0, 0x22, 1}, 1, []byte(`{"error_code":0,"result":{}}`))} {
		if _, ok := TDPQuerySerial(b); ok {
			t.Errorf("read as a query: %q", b)
		}
	}
}

// TestCameraSearchRequests: the MO_I, DH and SEARCHIPC searches are the
// bytes their clients send, each is recognised as a search, and each
// protocol's decoder reads it as describing nothing.
func TestCameraSearchRequests(t *testing.T) {
	smartApp, _ := hex.DecodeString("4d4f5f490000000000000000000000040000000400000000000001")
	if !bytes.Equal(MOISearch(), smartApp) || !IsMOISearch(MOISearch()) || IsMOISearch(moiAnswer(t)) {
		t.Errorf("MO_I search % x, want the SmartApp's % x", MOISearch(), smartApp)
	}
	quiet(t, "moi", moiDecoder, MOISearch())

	if !bytes.Equal(DHSSearch(), []byte{0x44, 0x48, 0x01, 0x01}) || !IsDHSSearch(DHSSearch()) || IsDHSSearch(dhsAnswer(t)) {
		t.Errorf("DH search % x", DHSSearch())
	}
	quiet(t, "dhs", dhsDecoder, DHSSearch())

	s := SearchIPCSearch()
	if !IsSearchIPCSearch(s) || IsSearchIPCSearch(readTestdata(t, "searchipc_notify_anjvision_mc200d.xml")) || !isSearchIPC(s) {
		t.Errorf("SEARCHIPC search not told from a notice: %q", s)
	}
	quiet(t, "searchipc", SearchIPC, s)
	if dec, ok := ByPort(searchIPCPort, searchIPCPort); !ok {
		t.Error("UDP 3001 has no decoder")
	} else {
		quiet(t, "searchipc", dec, s)
	}
}

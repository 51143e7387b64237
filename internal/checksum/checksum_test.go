package checksum

import (
	"encoding/hex"
	"testing"
)

// TestInternet checks the sum over a real IPv4 header (the outer header of
// the first packet of testdata/realdata/zeek/vxlan-encapsulated-http.pcap,
// 10.1.200.131 to 10.1.1.172, UDP), which carries its right checksum
// 0x9c4e, and the sum with the checksum field zeroed, which must give it.
func TestInternet(t *testing.T) {
	header, err := hex.DecodeString("4500006e0000000040119c4e" + "0a01c883" + "0a0101ac")
	if err != nil {
		t.Fatal(err)
	}
	if got := Internet(header); got != 0 {
		t.Errorf("over a header with its checksum: %#04x, want 0", got)
	}
	header[10], header[11] = 0, 0
	if got := Internet(header); got != 0x9c4e {
		t.Errorf("checksum %#04x, want 0x9c4e", got)
	}
	// RFC 1071's example (§3), and an odd byte, padded with zero.
	if got := Internet([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}); got != ^uint16(0xddf2) {
		t.Errorf("RFC 1071 example: %#04x, want %#04x", got, ^uint16(0xddf2))
	}
	if got := Internet([]byte{0x01}); got != ^uint16(0x0100) {
		t.Errorf("odd length: %#04x, want the last byte padded with zero", got)
	}
}

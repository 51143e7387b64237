package discovery

import (
	"bytes"
	"errors"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// HDS/1.0 is the LAN search of HiSilicon's reference IP camera firmware
// (CamHi/HiChip cameras and the JUAN/EseeCloud family, which speak the
// same text protocol; its sibling MCTP/1.0 carries HI_SRDK_* calls). A
// client multicasts "SEARCH * HDS/1.0" to 239.255.255.250:8002; a device
// answers "HDS/1.0 200 OK", headers, a blank line, then segments (Segment-
// Num, Segment-Seq, Data-Length) whose first one holds Key=Value lines:
// Device-ID, Device-Name, Device-Model, the product code (Device-Type,
// C_Product), firmware (Software-Version), P2P UID or Esee-ID, IP and MAC.
const (
	hdsPort       = 8002
	maxHDSPayload = 65535
	maxHDSLines   = 256
	hdsProtocol   = "HDS/1.0"
)

// hdsFields maps the Key=Value lines read to observation keys (keys
// compared in upper case). The answer also carries DDNS and Wi-Fi
// credentials (DDNS-User, DDNS-Passwd, wirelessApPsk) and a cloud session
// nonce: they are never read.
var hdsFields = []struct{ name, key string }{
	{"DEVICE-ID", "hds.device_id"},
	{"DEVICE-NAME", "hds.device_name"},
	{"DEVICE-MODEL", "hds.model"},
	{"DEVICE-TYPE", "hds.device_type"},
	{"C_PRODUCT", "hds.device_type"},
	{"DEVICE-VENDOR", "hds.vendor"},
	{"C_VENDOR", "hds.vendor"},
	{"UID", "hds.uid"},
	{"ESEE-ID", "hds.esee_id"},
	{"SOFTWARE-VERSION", "hds.firmware"},
	{"HTTP-PORT", "hds.http_port"},
}

var (
	errHDSTooLarge = errors.New("hds: payload larger than a datagram")
	errHDSStart    = errors.New("hds: not an HDS/1.0 request or answer")
)

// HDS decodes an HDS/1.0 datagram. A 200 answer describes its sender
// (hds.protocol says it speaks HDS at all; the fields of hdsFields; its own
// MAC and IPv4 address, the hds.mac binding). Requests (SEARCH, CMD) name
// no device and emit nothing, nor do other answers.
func HDS(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	if len(payload) > maxHDSPayload {
		return errHDSTooLarge
	}
	first, rest, _ := bytes.Cut(payload, []byte("\n"))
	start := strings.ToUpper(strings.TrimSpace(string(first)))
	switch {
	case strings.HasSuffix(start, " "+hdsProtocol):
		return nil // SEARCH * HDS/1.0, CMD * HDS/1.0
	case strings.HasPrefix(start, hdsProtocol+" 200"):
	case strings.HasPrefix(start, hdsProtocol+" "):
		return nil
	default:
		return errHDSStart
	}
	fields := map[string]string{} // the first value of each key
	n := 0
	for line := range bytes.Lines(rest) {
		if n++; n > maxHDSLines {
			break
		}
		name, value, ok := bytes.Cut(bytes.TrimSpace(line), []byte("="))
		if !ok {
			continue // headers, segment lines, INI sections
		}
		key := strings.ToUpper(string(name))
		if _, seen := fields[key]; !seen {
			fields[key] = string(value)
		}
	}
	own := parseIPv4(fields["IP"])
	s := newSink(aboutSelf(m, own), emit)
	s.field("hds.protocol", hdsProtocol)
	for _, f := range hdsFields {
		s.field(f.key, fields[f.name])
	}
	if mac, err := observe.ParseMAC(fields["MAC"]); err == nil {
		s.binding("hds.mac", mac, own)
	}
	return nil
}

// HDSSearch is the HDS/1.0 search HiSilicon's reference tools send (their
// fixed Client-ID, which devices echo in the answer).
func HDSSearch() []byte {
	return []byte("SEARCH * HDS/1.0\r\nCSeq:1\r\nClient-ID:nvmOPxEnYfQRAeLFdsMrpBbnMDbEPiMC\r\nAccept-Type:text/HDP\r\nContent-Length:0\r\n\r\n")
}

// IsHDSSearch reports whether b is an HDS/1.0 search request.
func IsHDSSearch(b []byte) bool {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	return strings.EqualFold(strings.TrimSpace(string(first)), "SEARCH * "+hdsProtocol)
}

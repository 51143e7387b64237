package discovery

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// SearchIPC is the LAN search of a family of camera firmware whose vendor
// tools and NVRs broadcast a SYSTEM_SEARCHIPC_MESSAGE to UDP 3001: a GB2312
// XML document whose root names the firmware's SDK (XML_TOPSEE,
// XML_ANJVISION), a MESSAGE_HEADER (Msg_type, Msg_code: 1 a search, 3 its
// answer) and a MESSAGE_BODY. A camera answers, to the broadcast address, with
// attributes: DEVICE_TYPE (DeviceType, DeviceModule), IPC_SERIALNUMBER
// (SerialNumber, the firmware VERSION on newer firmware), VERSION
// (FileSystemVersion on older firmware), VENDOR_PARAM (VendorId) and
// LANConfig (MacAddress, IPAddress). Some firmware also announces the same
// body unasked as a SYSTEM_NOTIFY_INFO_MESSAGE.
//
// The answer carries the device's accounts with their passwords in plain
// text (UserConfig/Account), the owner's title (OSD) and P2P identifiers:
// none of them is ever read.
const (
	searchIPCPort        = 3001
	maxSearchIPCDatagram = 65535
	maxSearchIPCTokens   = 4096
	searchIPCAnswerCode  = "3"
)

var (
	errSearchIPCTooLarge = errors.New("searchipc: payload larger than a datagram")
	errSearchIPCRoot     = errors.New("searchipc: no XML_ root element")
	errSearchIPCTooMany  = errors.New("searchipc: too many XML tokens")
)

// searchIPCFields maps element attributes of an answer to observation keys.
var searchIPCFields = []struct{ element, attr, key string }{
	{"DEVICE_TYPE", "DeviceType", "searchipc.device_type"},
	{"DEVICE_TYPE", "DeviceModule", "searchipc.device_module"},
	{"IPC_SERIALNUMBER", "VERSION", "searchipc.firmware"},
	{"VERSION", "FileSystemVersion", "searchipc.firmware"},
	{"VENDOR_PARAM", "VendorId", "searchipc.vendor_id"},
	{"IPC_SERIALNUMBER", "SerialNumber", "searchipc.serial"},
}

// searchIPCMessage is what a datagram holds that the decoder reads.
type searchIPCMessage struct {
	root  string               // the root element's name (XML_ANJVISION)
	code  string               // MESSAGE_HEADER Msg_code, "" when absent
	attrs map[[2]string]string // element/attribute -> first value
	seen  map[string]bool      // elements present
}

// searchIPCKeep lists every attribute the decoder reads: nothing else of the
// document (passwords above all) is copied.
var searchIPCKeep = func() map[string]map[string]bool {
	keep := map[string]map[string]bool{
		"MESSAGE_HEADER": {"Msg_code": true},
		"LANConfig":      {"MacAddress": true, "IPAddress": true},
	}
	for _, f := range searchIPCFields {
		if keep[f.element] == nil {
			keep[f.element] = map[string]bool{}
		}
		keep[f.element][f.attr] = true
	}
	return keep
}()

// SearchIPC decodes a datagram to or from UDP 3001. A camera's answer (or
// its unasked notice) describes its sender: the root element's name, its
// device type and module, firmware, vendor code and serial number, and its
// own MAC bound to the address it gives (searchipc.mac). A search, and a
// tool's request to change a camera's settings (which names the camera's
// serial and the address to set), describe nothing.
func SearchIPC(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	msg, err := readSearchIPC(payload)
	if err != nil {
		return err
	}
	if !msg.seen["DEVICE_TYPE"] || msg.code != "" && msg.code != searchIPCAnswerCode {
		return nil // a search, a request, or an acknowledgement
	}
	own := parseIPv4(msg.attrs[[2]string{"LANConfig", "IPAddress"}])
	s := newSink(aboutSelf(m, own), emit)
	s.field("searchipc.envelope", msg.root)
	for _, f := range searchIPCFields {
		s.field(f.key, msg.attrs[[2]string{f.element, f.attr}])
	}
	if mac, err := observe.ParseMAC(msg.attrs[[2]string{"LANConfig", "MacAddress"}]); err == nil {
		s.binding("searchipc.mac", mac, own)
	}
	return nil
}

// readSearchIPC reads the root's name and the attributes the decoder keeps,
// with encoding/xml (lenient, gb2312 converted), bounded in size and tokens.
func readSearchIPC(b []byte) (*searchIPCMessage, error) {
	if len(b) > maxSearchIPCDatagram {
		return nil, errSearchIPCTooLarge
	}
	b = bytes.TrimRight(b, "\x00") // firmware counts a trailing NUL
	if !bytes.Contains(b, []byte("<XML_")) {
		return nil, errSearchIPCRoot
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = charsetReader
	msg := &searchIPCMessage{attrs: map[[2]string]string{}, seen: map[string]bool{}}
	for tokens := 0; ; tokens++ {
		if tokens > maxSearchIPCTokens {
			return nil, errSearchIPCTooMany
		}
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if msg.root == "" {
				return nil, err
			}
			break // a cut or sloppy tail: keep what was read
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		name := start.Name.Local
		if msg.root == "" {
			if !strings.HasPrefix(name, "XML_") {
				return nil, errSearchIPCRoot
			}
			msg.root = name
			continue
		}
		keep := searchIPCKeep[name]
		if keep == nil {
			continue
		}
		msg.seen[name] = true
		for _, a := range start.Attr {
			k := [2]string{name, a.Name.Local}
			if _, dup := msg.attrs[k]; !dup && keep[a.Name.Local] {
				msg.attrs[k] = a.Value
			}
		}
	}
	if msg.root == "" {
		return nil, errSearchIPCRoot
	}
	msg.code = strings.TrimSpace(msg.attrs[[2]string{"MESSAGE_HEADER", "Msg_code"}])
	return msg, nil
}

// isSearchIPC recognises the family's documents by their start: an XML
// declaration (the firmware always sends one) and an XML_ root soon after.
func isSearchIPC(b []byte) bool {
	const head = 128
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return false
	}
	return bytes.Contains(b[:min(len(b), head)], []byte("<XML_"))
}

// searchIPCSearch is the search as a Topsee camera tool broadcasts it to
// UDP 3001 (code index file 48126071111, udp_discover: an XML_TOPSEE
// document, Msg_code 1, an empty body). The firmware reads only the
// MESSAGE_HEADER's Msg_code, whatever the root's name (Anjvision's
// searchipc.c, anj_search_cmd_get, code index file 68521228954), and
// answers to the sender, then to the broadcast address at the sender's
// port; other firmware answers to the broadcast address at port 3001. A
// camera configured with an OEM vendor code answers only searches that
// carry it: those stay silent.
const searchIPCSearch = "<?xml version=\"1.0\" encoding=\"GB2312\" ?>\n" +
	"<XML_TOPSEE>\n" +
	"<MESSAGE_HEADER Msg_type=\"SYSTEM_SEARCHIPC_MESSAGE\" Msg_code=\"1\" Msg_flag=\"0\"/>\n" +
	"<MESSAGE_BODY>\n</MESSAGE_BODY>\n</XML_TOPSEE>"

// SearchIPCSearch returns the SYSTEM_SEARCHIPC_MESSAGE search.
func SearchIPCSearch() []byte { return []byte(searchIPCSearch) }

// IsSearchIPCSearch reports whether b is a search of the family (Msg_code 1).
func IsSearchIPCSearch(b []byte) bool {
	msg, err := readSearchIPC(b)
	return err == nil && msg.code == "1"
}

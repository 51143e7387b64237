//go:build linux

package camsim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/camsweep/camsweep/scanner/discovery"
)

// discoveryProto is how one UDP discovery protocol listens and answers.
type discoveryProto struct {
	group   *net.UDPAddr // multicast group and port; IP nil = plain UDP port (broadcast)
	replyTo string       // default reply destination
	// answer parses a probe and returns the response for it, or nil when the
	// datagram is not a probe this protocol answers (including our own reply
	// looping back on the group).
	answer func(d *Device, s *Service, probe []byte) []byte
}

var discoveryProtos = map[string]discoveryProto{
	// Hikvision devices multicast their ProbeMatch to the group.
	"sadp":     {group: listenAddr("sadp"), replyTo: "group", answer: answerSADP},
	"wsd":      {group: listenAddr("wsd"), replyTo: "sender", answer: answerWSD},
	"dhip":     {group: listenAddr("dhip"), replyTo: "sender", answer: answerDHIP},
	"xmsearch": {group: listenAddr("xm"), replyTo: "sender", answer: answerXMSearch},
	// HiSilicon-SDK cameras answer an HDS/1.0 search on the group's port.
	"hds": {group: listenAddr("hds"), replyTo: "group", answer: answerHDS},
	// TVT firmware answers the EmbeddedNetDeviceControl M-SEARCH to its sender.
	"endc": {group: listenAddr("endc"), replyTo: "sender", answer: answerENDC},
	// GigE Vision cameras answer the sender of a discovery command.
	"gvcp": {group: listenAddr("gvcp"), replyTo: "sender", answer: answerGVCP},
	// TP-Link devices answer the discovery query to its sender.
	"tdp": {group: listenAddr("tdp"), replyTo: "sender", answer: answerTDP},
	// The camera searches of Foscam's, VStarcam's and the Topsee/Anjvision
	// tools, answered to the sender.
	"moi":       {group: listenAddr("moi"), replyTo: "sender", answer: answerMOI},
	"dhs":       {group: listenAddr("dhs"), replyTo: "sender", answer: answerDHS},
	"searchipc": {group: listenAddr("searchipc"), replyTo: "sender", answer: answerSearchIPC},
}

// listenAddr is where a simulated device listens for a discovery protocol:
// the group and port the scanner's own table sends to.
func listenAddr(protocol string) *net.UDPAddr {
	p, ok := discovery.ProtocolByName(protocol)
	if !ok {
		panic("camsim: no discovery protocol " + protocol)
	}
	return &net.UDPAddr{IP: p.Group.AsSlice(), Port: int(p.Port)}
}

// maxDatagram is the largest UDP payload; probes are read into this much.
const maxDatagram = 65535

func (d *Device) startDiscovery(s *Service) error {
	proto := discoveryProtos[s.Proto]
	group := *proto.group
	if s.Port != 0 {
		group.Port = s.Port
	}
	var conn *net.UDPConn
	var err error
	if group.IP != nil {
		conn, err = d.Host.ListenMulticastUDP(&group)
	} else {
		var pc net.PacketConn
		pc, err = d.Host.ListenPacket("udp4", fmt.Sprintf(":%d", group.Port))
		if pc != nil {
			conn = pc.(*net.UDPConn)
		}
	}
	if err != nil {
		return err
	}
	if !d.track(conn) {
		return errors.New("device closed")
	}
	replyTo := proto.replyTo
	if s.ReplyTo != "" {
		replyTo = s.ReplyTo
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.serveDiscovery(conn, s, proto, &group, replyTo)
	}()
	return nil
}

func (d *Device) serveDiscovery(conn *net.UDPConn, s *Service, proto discoveryProto, group *net.UDPAddr, replyTo string) {
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || d.ctx.Err() != nil {
				return
			}
			continue
		}
		if from.IP.Equal(d.Host.IP.AsSlice()) {
			continue // our own multicast reply looping back
		}
		reply := proto.answer(d, s, buf[:n])
		if reply == nil {
			continue
		}
		dst := from
		if replyTo == "group" && group.IP != nil {
			dst = group
		}
		conn.WriteToUDP(reply, dst)
	}
}

// answerSADP answers a Hikvision SADP inquiry with the ProbeMatch template;
// {{UUID}} echoes the inquiry's Uuid, as devices do.
func answerSADP(d *Device, s *Service, probe []byte) []byte {
	uuid, ok := parseSADPProbe(probe)
	if !ok {
		return nil
	}
	return expand(s.files[s.Response], d.varsWith(map[string]string{"UUID": uuid}))
}

// sadpProbe is the inquiry SADP clients multicast.
type sadpProbe struct {
	XMLName xml.Name `xml:"Probe"`
	Uuid    string   `xml:"Uuid"`
	Types   string   `xml:"Types"`
}

// parseSADPProbe accepts <Probe><Uuid>..</Uuid><Types>inquiry[_v32]</Types></Probe>.
// Replies (<ProbeMatch>) and anything else are not probes.
func parseSADPProbe(b []byte) (uuid string, ok bool) {
	var p sadpProbe
	if err := xml.Unmarshal(b, &p); err != nil {
		return "", false
	}
	if !strings.HasPrefix(strings.TrimSpace(p.Types), "inquiry") {
		return "", false
	}
	uuid = strings.TrimSpace(p.Uuid)
	if len(uuid) > 64 || strings.ContainsAny(uuid, "<>&\"'") {
		return "", false
	}
	return uuid, true
}

// answerWSD answers a WS-Discovery Probe; {{RELATES_TO}} is the probe's
// MessageID and {{MESSAGE_ID}} a fresh one.
func answerWSD(d *Device, s *Service, probe []byte) []byte {
	id, ok := parseWSDProbe(probe)
	if !ok {
		return nil
	}
	return expand(s.files[s.Response], d.varsWith(map[string]string{"RELATES_TO": id, "MESSAGE_ID": "urn:uuid:" + discovery.NewUUID()}))
}

// maxXMLTokens bounds the work spent on one SOAP datagram.
const maxXMLTokens = 4096

// wsDiscovery2005 is the WS-Discovery namespace ONVIF uses; probes of the
// 2009 OASIS version (WCF services) are not for cameras and go unanswered.
const wsDiscovery2005 = "http://schemas.xmlsoap.org/ws/2005/04/discovery"

// answeredTypes are the probe Types an ONVIF video transmitter matches.
var answeredTypes = []string{"NetworkVideoTransmitter", "Device"}

// parseWSDProbe returns the MessageID of a SOAP envelope whose Body holds a
// WS-Discovery 2005 Probe (not ProbeMatches, not Hello) for no type in
// particular or for a type a camera is. Namespace prefixes vary between
// clients, so elements are matched by local name.
func parseWSDProbe(b []byte) (messageID string, ok bool) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	var stack []string
	isProbe := false
	types := ""
	for range maxXMLTokens {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 2 && stack[1] == "Body" && t.Name.Local == "Probe" && t.Name.Space == wsDiscovery2005 {
				isProbe = true
			}
			stack = append(stack, t.Name.Local)
			if len(stack) > 32 {
				return "", false
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			switch {
			case len(stack) == 3 && stack[1] == "Header" && stack[2] == "MessageID":
				messageID = strings.TrimSpace(string(t))
			case len(stack) == 4 && stack[2] == "Probe" && stack[3] == "Types":
				types += string(t)
			}
		}
	}
	if !isProbe || !typesMatch(types) || messageID == "" || len(messageID) > 256 || strings.ContainsAny(messageID, "<>&\"'") {
		return "", false
	}
	return messageID, true
}

// typesMatch reports whether a probe's Types list (QNames, prefixes ignored)
// is empty or names a type the device is.
func typesMatch(types string) bool {
	fields := strings.Fields(types)
	if len(fields) == 0 {
		return true
	}
	for _, f := range fields {
		local := f[strings.LastIndex(f, ":")+1:]
		for _, want := range answeredTypes {
			if local == want {
				return true
			}
		}
	}
	return false
}

// answerDHIP answers DHDiscover.search with the recorded notifyDevInfo JSON
// behind a DHIP header.
func answerDHIP(d *Device, s *Service, probe []byte) []byte {
	method, ok := parseDHIP(probe)
	if !ok || method != "DHDiscover.search" {
		return nil
	}
	return discovery.DHIPFrame(expand(s.files[s.Response], d.vars))
}

// parseDHIP returns the JSON-RPC method of a DHIP datagram.
func parseDHIP(b []byte) (method string, ok bool) {
	body, ok := discovery.DHIPUnframe(b)
	if !ok {
		return "", false
	}
	var msg struct {
		Method string `json:"method"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return "", false
	}
	return msg.Method, true
}

// Xiongmai "DVR-IP" frames (discovery.XMFrame): a 20-byte header, then the
// body.
const (
	xmHeaderLen   = 20
	xmSearchReq   = 1530
	xmSearchReply = 1531
)

// answerXMSearch answers a search request (message 1530) with message 1531
// carrying the NetWork.NetCommon JSON.
func answerXMSearch(d *Device, s *Service, probe []byte) []byte {
	id, ok := parseXMHeader(probe)
	if !ok || id != xmSearchReq {
		return nil
	}
	return xmFrame(xmSearchReply, expand(s.files[s.Response], d.vars))
}

// parseXMHeader returns the message id of a Xiongmai frame.
func parseXMHeader(b []byte) (msgID uint16, ok bool) {
	msgID, _, ok = discovery.XMUnframe(b)
	return msgID, ok
}

// xmFrame is a Xiongmai frame as a device sends it: version 1.
func xmFrame(msgID uint16, body []byte) []byte {
	frame := discovery.XMFrame(msgID, body)
	frame[1] = 1 // version, as devices answer
	return frame
}

// gvcpFields is a gvcp service's response file: the texts of the camera's
// bootstrap registers (JSON, {{VARS}} expanded); its MAC and address are the
// host's own.
type gvcpFields struct {
	Manufacturer     string `json:"manufacturer"`
	Model            string `json:"model"`
	DeviceVersion    string `json:"device_version"`
	ManufacturerInfo string `json:"manufacturer_info"`
	Serial           string `json:"serial"`
	UserName         string `json:"user_name"`
}

// answerGVCP answers a GigE Vision DISCOVERY_CMD with a DISCOVERY_ACK for
// the same request id; other commands (and acknowledges) go unanswered.
func answerGVCP(d *Device, s *Service, probe []byte) []byte {
	id, ok := discovery.GVCPDiscoveryID(probe)
	if !ok {
		return nil
	}
	var f gvcpFields
	if err := json.Unmarshal(expand(s.files[s.Response], d.vars), &f); err != nil {
		return nil
	}
	dev := discovery.GVCPDevice{IP: d.Host.IP, Manufacturer: f.Manufacturer, Model: f.Model, DeviceVersion: f.DeviceVersion,
		ManufacturerInfo: f.ManufacturerInfo, Serial: f.Serial, UserName: f.UserName}
	copy(dev.MAC[:], d.Host.MAC)
	return discovery.GVCPDiscoveryAck(dev, id)
}

// answerHDS answers an HDS/1.0 search with the response template;
// {{CLIENT_ID}} echoes the search's Client-ID, as devices do (clients keep
// only answers carrying their own).
func answerHDS(d *Device, s *Service, probe []byte) []byte {
	if !discovery.IsHDSSearch(probe) {
		return nil
	}
	return expand(s.files[s.Response], d.varsWith(map[string]string{"CLIENT_ID": hdsClientID(probe)}))
}

// hdsClientID returns a search's Client-ID header: letters, digits and
// dashes only, at most 64 of them ("" otherwise).
func hdsClientID(probe []byte) string {
	value := headerValue(probe, "Client-ID")
	if len(value) > 64 || strings.IndexFunc(value, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) >= 0 {
		return ""
	}
	return value
}

// answerENDC answers an SSDP M-SEARCH for the EmbeddedNetDeviceControl
// service with the response template; other searches (ssdp:all included)
// go unanswered, as on the devices that answer this one.
func answerENDC(d *Device, s *Service, probe []byte) []byte {
	if ssdpSearchTarget(probe) != discovery.SSDPDeviceControlST {
		return nil
	}
	return expand(s.files[s.Response], d.vars)
}

// ssdpSearchTarget returns the ST header of an M-SEARCH ("" for anything
// else).
func ssdpSearchTarget(b []byte) string {
	if !strings.HasPrefix(strings.ToUpper(string(b[:min(len(b), 9)])), "M-SEARCH ") {
		return ""
	}
	return headerValue(b, "ST")
}

// headerValue returns the first "Name: value" line of a text request whose
// name is name (compared without case), its value trimmed; "" when none.
// The start line has no colon before its first space in the requests
// camsim answers (SEARCH * HDS/1.0, M-SEARCH * HTTP/1.1), so it never
// matches.
func headerValue(request []byte, name string) string {
	for _, line := range strings.Split(string(request), "\n") {
		n, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && strings.EqualFold(strings.TrimSpace(n), name) {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// recordedHex is a response file holding a recorded datagram as hex.
func recordedHex(s *Service) []byte {
	b, err := discovery.HexDump(string(s.files[s.Response]))
	if err != nil {
		return nil
	}
	return b
}

// tdpOwnIP and tdpOwnMAC are the "ip" and "mac" members of a TDP answer's
// JSON: a device names its own address and MAC there.
var (
	tdpOwnIP  = regexp.MustCompile(`"ip"\s*:\s*"[^"]*"`)
	tdpOwnMAC = regexp.MustCompile(`"mac"\s*:\s*"[^"]*"`)
)

// tdpAnswerHead is the start of the header the recorded Tapo C200 answered
// with (recorded/tapo-c200_tdp_answer.hex): version 2, type 0, operation 1,
// flags 0x22 and 0x01; the length bytes are filled in.
var tdpAnswerHead = [8]byte{2, 0, 0, 1, 0, 0, 0x22, 0x01}

// answerTDP answers TP-Link's discovery query with the recorded answer: its
// header's version, type, operation, flags and reserved byte as recorded,
// the query's serial echoed (as the recorded camera echoed the app's), the
// length and CRC recomputed, and the host's address and MAC as the JSON's
// "ip" and "mac" (public fixtures mask the MAC, F0-A7-31-00-00-00 for many
// devices: a device claiming a MAC it does not send from would be two
// devices to a scanner, or one, depending on which answer came first). A
// response file holding only the answer's JSON, as python-kasa saves it,
// is sent behind tdpAnswerHead.
func answerTDP(d *Device, s *Service, probe []byte) []byte {
	serial, ok := discovery.TDPQuerySerial(probe)
	if !ok {
		return nil
	}
	head, body := tdpAnswerHead, bytes.TrimSpace(s.files[s.Response])
	if !bytes.HasPrefix(body, []byte("{")) {
		rec := recordedHex(s)
		if len(rec) < 16 {
			return nil
		}
		copy(head[:], rec)
		body = rec[16:]
	}
	body = tdpOwnIP.ReplaceAllLiteral(body, []byte(`"ip": "`+d.Host.IP.String()+`"`))
	mac := strings.ToUpper(strings.ReplaceAll(d.Host.MAC.String(), ":", "-")) // as Tapo firmware writes it
	body = tdpOwnMAC.ReplaceAllLiteral(body, []byte(`"mac": "`+mac+`"`))
	return discovery.TDPFrame(head, serial, body)
}

// answerMOI answers the MO_I search with the recorded answer, the host's
// address in its binary address field.
func answerMOI(d *Device, s *Service, probe []byte) []byte {
	rec := recordedHex(s)
	if !discovery.IsMOISearch(probe) || len(rec) < discovery.MOIAnswerIP+4 {
		return nil
	}
	ip := d.Host.IP.As4()
	copy(rec[discovery.MOIAnswerIP:], ip[:])
	return rec
}

// answerDHS answers the DH search with the recorded answer record, the
// host's address in its address text.
func answerDHS(d *Device, s *Service, probe []byte) []byte {
	rec := recordedHex(s)
	if !discovery.IsDHSSearch(probe) || len(rec) < discovery.DHSAnswerIP+discovery.DHSAnswerIPLen {
		return nil
	}
	field := rec[discovery.DHSAnswerIP : discovery.DHSAnswerIP+discovery.DHSAnswerIPLen]
	clear(field)
	copy(field, d.Host.IP.String())
	return rec
}

// searchIPCOwnIP is the LANConfig IPAddress attribute of a SEARCHIPC body.
var searchIPCOwnIP = regexp.MustCompile(`IPAddress="[^"]*"`)

// answerSearchIPC answers a SYSTEM_SEARCHIPC search with the recorded
// document, the host's address as its IPAddress.
func answerSearchIPC(d *Device, s *Service, probe []byte) []byte {
	if !discovery.IsSearchIPCSearch(probe) {
		return nil
	}
	return searchIPCOwnIP.ReplaceAllLiteral(s.files[s.Response], []byte(`IPAddress="`+d.Host.IP.String()+`"`))
}

package discovery

import (
	"net/netip"

	"github.com/camsweep/camsweep/scanner"
)

// Protocol is one link-local discovery protocol, defined once: where its
// request goes, how it is built, and the decoder of what comes back. The
// sweep sends from it, the pcap path and the listener dispatch on its port
// (ByPort), and camsim's simulated devices listen where it says.
type Protocol struct {
	// Name is the protocol's probe name (camsweep sweep --probes).
	Name string
	// Group is the multicast group the request goes to; invalid means the
	// segment broadcast.
	Group netip.Addr
	// Port is the UDP port requests go to and devices answer from.
	Port uint16
	// AnswerPort, when set, is a port answers may arrive on besides the
	// sender's own: SADP, DHIP and Xiongmai devices often answer to the
	// protocol's port on the group, mDNS responders to 5353.
	AnswerPort uint16
	// Request builds one request (fresh message ids each call).
	Request func() ([]byte, error)
	// Decode reads requests and answers alike; our own requests echoed
	// back on a group describe no device.
	Decode scanner.Decoder
}

var (
	groupSSDP = netip.AddrFrom4([4]byte{239, 255, 255, 250}) // also WS-Discovery, Hikvision SADP and HDS
	groupDHIP = netip.AddrFrom4([4]byte{239, 255, 255, 251})
	groupMDNS = netip.AddrFrom4([4]byte{224, 0, 0, 251})
)

func fixed(build func() []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return build(), nil }
}

// protocols is the table; Protocols hands out copies.
var protocols = []Protocol{
	{Name: "mdns", Group: groupMDNS, Port: 5353, AnswerPort: 5353, Request: MDNSQuery, Decode: MDNS},
	{Name: "wsd", Group: groupSSDP, Port: 3702, Request: fixed(WSDProbe), Decode: WSD},
	{Name: "sadp", Group: groupSSDP, Port: 37020, AnswerPort: 37020, Request: fixed(SADPInquiry), Decode: SADP},
	{Name: "dhip", Group: groupDHIP, Port: 37810, AnswerPort: 37810, Request: fixed(DHIPSearch), Decode: DHIP},
	{Name: "xm", Port: 34569, AnswerPort: 34569, Request: fixed(XMSearch), Decode: XM},
	// HiSilicon reference firmware's LAN search (CamHi/HiChip, JUAN): devices
	// answer on the group's port 8002.
	{Name: "hds", Group: groupSSDP, Port: hdsPort, AnswerPort: hdsPort, Request: fixed(HDSSearch), Decode: HDS},
	// GigE Vision: machine-vision cameras answer the sender's port by unicast.
	{Name: "gvcp", Port: 3956, Request: fixed(GVCPDiscovery), Decode: GVCP},
	{Name: "ssdp", Group: groupSSDP, Port: 1900, Request: fixed(SSDPSearch), Decode: SSDP},
	// The EmbeddedNetDeviceControl search, answered by TVT firmware (and its
	// OEMs) with a <multicastSearchResult> document that ssdp:all does not get.
	{Name: "endc", Group: groupSSDP, Port: 1900, Request: fixed(SSDPDeviceControlSearch), Decode: SSDP},
	// TP-Link's device discovery (Tapo cameras, Kasa/Tapo appliances):
	// devices answer the sender.
	{Name: "tdp", Port: tdpPort, Request: TDPDiscovery, Decode: TDP},
	// Foscam's IP camera search; cameras answer to port 10000, which CS2
	// P2P devices also use (hence the sniffing decoder).
	{Name: "moi", Port: moiPort, AnswerPort: moiPort, Request: fixed(MOISearch), Decode: moiDecoder},
	// VStarcam's search; its tool listens on 8601 for the answers.
	{Name: "dhs", Port: dhsPort, AnswerPort: dhsAnswerPort, Request: fixed(DHSSearch), Decode: dhsDecoder},
	// The Topsee/Anjvision SDK's search: cameras answer the sender and the
	// broadcast address, some at port 3001.
	{Name: "searchipc", Port: searchIPCPort, AnswerPort: searchIPCPort, Request: fixed(SearchIPCSearch), Decode: SearchIPC},
}

// The decoders of ports shared with other protocols (a Yi camera's CS2 P2P
// leaves from 10000): a datagram without the search's or announcement's
// magic goes to the one Sniff names.
var (
	moiDecoder  = orSniff(MOI, isMOI)
	dhsDecoder  = orSniff(DHS, isDHS)
	tuyaDecoder = orSniff(Tuya, isTuya)
)

// Protocols returns the link-local discovery protocols, in the order the
// sweep starts them.
func Protocols() []Protocol { return append([]Protocol(nil), protocols...) }

// ProtocolByName returns the protocol of that name.
func ProtocolByName(name string) (Protocol, bool) {
	for _, p := range protocols {
		if p.Name == name {
			return p, true
		}
	}
	return Protocol{}, false
}

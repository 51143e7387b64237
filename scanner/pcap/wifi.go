package pcap

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// Wi-Fi captured in monitor mode: bare 802.11 frames, or 802.11 frames
// behind a radio header (pcapng files may mix them with Ethernet). Radiotap
// is today's; Kismet wrote PPI for years, and older drivers Prism and AVS.
const (
	linkIEEE80211 = uint16(layers.LinkTypeIEEE802_11)     // 802.11 frames, no radio header
	linkRadiotap  = uint16(layers.LinkTypeIEEE80211Radio) // radiotap header, then an 802.11 frame
	linkPrism     = uint16(layers.LinkTypePrismHeader)    // Prism (or AVS) header, then an 802.11 frame
	linkAVS       = 163                                   // AVS header, then an 802.11 frame
	linkPPI       = 192                                   // PPI header, then a frame of the link type it names
)

// Radio headers other than radiotap.
const (
	prismHeaderLen = 144        // linux-wlan-ng's Prism monitor header, fixed
	avsMagic       = 0x80211000 // AVS header versions 1 and 2 start 0x8021100x (big-endian)
	ppiMinLen      = 8          // version, flags, length, link type
	ppi80211Common = 2          // PPI field type: 802.11-common (TSF, flags, rate, channel, ...)
	ppiFCSPresent  = 0x0001     // 802.11-common flags: the frame ends in its FCS
	ppiFCSBad      = 0x0004     // 802.11-common flags: the FCS check failed
)

// 802.11 frame control bits (IEEE 802.11-2020 §9.2.4.1).
const (
	dot11TypeMgmt   = 0
	dot11TypeData   = 2
	dot11ToDS       = 0x01
	dot11FromDS     = 0x02
	dot11Protected  = 0x40
	dot11Order      = 0x80 // on a QoS data frame: a 4-byte HT control field follows
	dot11QoS        = 0x08 // data subtype bit: a 2-byte QoS control field follows
	dot11NoBody     = 0x04 // data subtype bit: null and CF-ack/poll-only frames
	dot11AMSDU      = 0x80 // QoS control bit 7: the body is a list of A-MSDU subframes
	amsduHeaderLen  = 14   // subframe DA, SA, length
	dot11HeaderLen  = 24   // frame control, duration, three addresses, sequence control
	radiotapFCS     = 0x10 // radiotap Flags: the frame ends in its 4-byte FCS
	radiotapDataPad = 0x20 // radiotap Flags: the 802.11 header is padded to 4 bytes (Atheros)
	radiotapBadFCS  = 0x40 // radiotap Flags: the FCS check failed
	radiotapMinLen  = 8    // version, pad, length, first present word
	radiotapTSFT    = 1 << 0
	radiotapFlags   = 1 << 1
	radiotapMoreWrd = 1 << 31
)

// snapHeader is an 802.2 LLC header (DSAP, SSAP AA, unnumbered information)
// with a SNAP header of OUI 00-00-00: the EtherType follows (RFC 1042).
var snapHeader = [6]byte{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00}

// radiotap strips a radiotap header (its length is little-endian, whatever
// the file's byte order) and the FCS it says the frame carries, and tells
// dot11 when the driver padded the 802.11 header. A frame whose FCS check
// failed is corrupt: its addresses cannot be trusted.
func (d *Decoder) radiotap(data []byte) bool {
	if len(data) < radiotapMinLen || data[0] != 0 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(data[2:4]))
	if n < radiotapMinLen || n > len(data) {
		return false
	}
	flags, ok := radiotapFlagsField(data[:n])
	if ok && flags&radiotapBadFCS != 0 {
		return false
	}
	frame := data[n:]
	if ok && flags&radiotapFCS != 0 {
		if frame, ok = withoutFCS(frame); !ok {
			return false
		}
	}
	return d.dot11(frame, ok && flags&radiotapDataPad != 0)
}

// withoutFCS drops the 4-byte frame check sequence a radio header says the
// frame ends in; false when the frame is shorter than that.
func withoutFCS(frame []byte) ([]byte, bool) {
	if len(frame) < 4 {
		return nil, false
	}
	return frame[:len(frame)-4], true
}

// prism strips a Prism header, or the AVS header a Prism link type may
// carry instead (as Wireshark reads them).
func (d *Decoder) prism(data []byte) bool {
	frame, ok := behindRadioHeader(linkPrism, data)
	return ok && d.dot11(frame, false)
}

// avs strips an AVS header: magic and version, then its length
// (big-endian, 64 in both versions).
func (d *Decoder) avs(data []byte) bool {
	frame, ok := behindRadioHeader(linkAVS, data)
	return ok && d.dot11(frame, false)
}

// behindRadioHeader returns the 802.11 frame behind a Prism or AVS header
// (a Prism link type may carry an AVS header instead, as prism reads it).
func behindRadioHeader(link uint16, frame []byte) ([]byte, bool) {
	if len(frame) >= 8 && binary.BigEndian.Uint32(frame[0:4])&^1 == avsMagic {
		n := int(binary.BigEndian.Uint32(frame[4:8]))
		if n < 8 || n > len(frame) {
			return nil, false
		}
		return frame[n:], true
	}
	if link != linkPrism || len(frame) < prismHeaderLen {
		return nil, false
	}
	return frame[prismHeaderLen:], true
}

// ppi strips a Per-Packet Information header (little-endian) and decodes
// the frame as the link type it names: 802.11 (whose FCS an 802.11-common
// field may say is there, or is bad) or Ethernet.
func (d *Decoder) ppi(data []byte) bool {
	if len(data) < ppiMinLen || data[0] != 0 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(data[2:4]))
	if n < ppiMinLen || n > len(data) {
		return false
	}
	frame := data[n:]
	switch uint16(binary.LittleEndian.Uint32(data[4:8])) {
	case linkEthernet:
		return d.link(linkEthernet, frame)
	case linkIEEE80211:
		flags := ppiDot11Flags(data[ppiMinLen:n])
		if flags&ppiFCSBad != 0 {
			return false
		}
		if flags&ppiFCSPresent != 0 {
			var ok bool
			if frame, ok = withoutFCS(frame); !ok {
				return false
			}
		}
		return d.dot11(frame, false)
	}
	return false
}

// ppiDot11Flags returns the flags of a PPI header's 802.11-common field
// (type 2: an 8-byte TSF timer, then the flags), 0 when there is none.
func ppiDot11Flags(fields []byte) uint16 {
	for len(fields) >= 4 {
		kind, n := binary.LittleEndian.Uint16(fields[0:2]), int(binary.LittleEndian.Uint16(fields[2:4]))
		if 4+n > len(fields) {
			return 0
		}
		if kind == ppi80211Common && n >= 10 {
			return binary.LittleEndian.Uint16(fields[4+8 : 4+10])
		}
		fields = fields[4+n:]
	}
	return 0
}

// radiotapFlagsField returns the Flags field of a radiotap header, when it
// has one. Flags is field 1; only TSFT (field 0, 8 bytes aligned to 8)
// comes before it, after the chain of present words.
func radiotapFlagsField(h []byte) (uint8, bool) {
	present := binary.LittleEndian.Uint32(h[4:8])
	off := 8
	for word := present; word&radiotapMoreWrd != 0; {
		if off+4 > len(h) {
			return 0, false
		}
		word = binary.LittleEndian.Uint32(h[off : off+4])
		off += 4
	}
	if present&radiotapFlags == 0 {
		return 0, false
	}
	if present&radiotapTSFT != 0 {
		off = (off+7)&^7 + 8
	}
	if off >= len(h) {
		return 0, false
	}
	return h[off], true
}

// dot11 reads an 802.11 data frame the way link reads an Ethernet one: its
// source and destination addresses are the frame's MACs, and an
// unprotected body in LLC/SNAP goes to network with its EtherType (each
// subframe of an A-MSDU with its own addresses). A
// protected body (WEP, TKIP, CCMP, GCMP) cannot be read, but the addresses
// are in the clear: like any frame, it makes its sender a device.
// Control frames name no host and are passed by; management frames that
// describe their sender go to management.
// padded: the header is followed by padding to a multiple of 4 bytes.
func (d *Decoder) dot11(data []byte, padded bool) bool {
	if len(data) < 2 || data[0]&0x03 != 0 { // protocol version 0
		return false
	}
	switch (data[0] >> 2) & 0x03 {
	case dot11TypeData:
	case dot11TypeMgmt:
		return d.management(data)
	default:
		return true // control frames name no host
	}
	if len(data) < dot11HeaderLen {
		return false
	}
	subtype, flags := data[0]>>4, data[1]
	p := &d.p
	switch flags & (dot11ToDS | dot11FromDS) {
	case 0: // station to station, or in an IBSS: DA, SA, BSSID
		copy(p.dstMAC[:], data[4:10])
		copy(p.srcMAC[:], data[10:16])
	case dot11ToDS: // station to AP: BSSID, SA, DA
		copy(p.srcMAC[:], data[10:16])
		copy(p.dstMAC[:], data[16:22])
	case dot11FromDS: // AP to station: DA, BSSID, SA
		copy(p.dstMAC[:], data[4:10])
		copy(p.srcMAC[:], data[16:22])
	default: // between APs (WDS, mesh): RA, TA, DA, SA
		if len(data) < dot11HeaderLen+6 {
			return false
		}
		copy(p.dstMAC[:], data[16:22])
		copy(p.srcMAC[:], data[24:30])
	}
	if flags&dot11Protected != 0 || subtype&dot11NoBody != 0 {
		return d.senderOnly()
	}
	hdr, amsdu, ok := dot11Body(data, padded)
	if !ok {
		return false
	}
	if amsdu {
		return d.amsdu(data[hdr:])
	}
	return d.llc(data[hdr:])
}

// dot11Body returns where the body of a data frame at least
// dot11HeaderLen long starts: after the fourth address of a frame between
// APs, the QoS and HT control fields and, when padded, the pad to 4 bytes;
// and whether its QoS control announces an A-MSDU.
func dot11Body(data []byte, padded bool) (start int, amsdu, ok bool) {
	subtype, flags := data[0]>>4, data[1]
	start = dot11HeaderLen
	if flags&(dot11ToDS|dot11FromDS) == dot11ToDS|dot11FromDS {
		start += 6
	}
	if subtype&dot11QoS != 0 {
		if len(data) < start+2 {
			return 0, false, false
		}
		amsdu = data[start]&dot11AMSDU != 0
		start += 2
		if flags&dot11Order != 0 {
			start += 4
		}
	}
	if padded {
		start = (start + 3) &^ 3
	}
	if len(data) < start {
		return 0, false, false
	}
	return start, amsdu, true
}

// llc hands an LLC/SNAP payload to network with its EtherType.
func (d *Decoder) llc(body []byte) bool {
	if len(body) < len(snapHeader)+2 || [6]byte(body[:6]) != snapHeader {
		return d.senderOnly() // other LLC protocols are fine, just not ours
	}
	return d.network(binary.BigEndian.Uint16(body[6:8]), body[8:])
}

// amsdu reads the subframes of an aggregate MSDU (IEEE 802.11-2020
// §9.3.2.2): each has its own DA, SA and length, then one LLC/SNAP
// payload, padded to a multiple of 4 bytes but the last. Every subframe
// takes at least 14 bytes, so the loop ends with the body.
func (d *Decoder) amsdu(body []byte) bool {
	p := &d.p
	for len(body) > 0 {
		if len(body) < amsduHeaderLen {
			return false
		}
		end := amsduHeaderLen + int(binary.BigEndian.Uint16(body[12:14]))
		if end > len(body) {
			return false
		}
		copy(p.dstMAC[:], body[0:6])
		copy(p.srcMAC[:], body[6:12])
		d.llc(body[amsduHeaderLen:end])
		body = body[min(len(body), (end+3)&^3):]
	}
	return true
}

// senderOnly notes the sender of a frame whose body is not read.
func (d *Decoder) senderOnly() bool {
	if !d.p.srcMAC.IsZero() {
		d.sender()
	}
	return true
}

// management hands the elements of a management frame that describes its
// transmitter (an access point's beacon or probe response, a station's
// probe or association request) to its decoder: the network name and the
// vendor-specific elements (WPS), in order. Beacons repeat ten times a
// second with a new timestamp and traffic map each time; only the kept
// elements make the repeat key, so an unchanged beacon is decoded once.
func (d *Decoder) management(data []byte) bool {
	if d.proto.Dot11 == nil || len(data) < dot11HeaderLen {
		return true
	}
	subtype, flags := data[0]>>4, data[1]
	dec, ok := d.proto.Dot11(subtype)
	if !ok {
		return true
	}
	start := dot11HeaderLen + mgmtFixedLen(subtype)
	if flags&dot11Order != 0 {
		start += 4 // HT Control
	}
	if len(data) < start {
		return false
	}
	p := &d.p
	copy(p.dstMAC[:], data[4:10])
	copy(p.srcMAC[:], data[10:16]) // the transmitter
	if p.srcMAC.IsZero() || p.srcMAC.Multicast() {
		return true
	}
	d.elements = keptElements(d.elements[:0], data[start:])
	if len(d.elements) > 0 {
		d.frame(dec, d.elements)
	}
	return true
}

// mgmtFixedLen is the length of the fixed fields before a management
// frame's elements (IEEE 802.11-2020 §9.3.3): capability and listen
// interval in an association request, plus the current AP's address in a
// reassociation request, timestamp, interval and capability in a beacon or
// probe response, none in a probe request.
func mgmtFixedLen(subtype uint8) int {
	switch subtype {
	case mgmtAssocRequest:
		return 4
	case mgmtReassocRequest:
		return 10
	case mgmtProbeResponse, mgmtBeacon:
		return 12
	}
	return 0
}

// Management frame subtypes with fixed fields before their elements, and
// the elements that describe a device (IEEE 802.11-2020 Tables 9-1, 9-92).
const (
	mgmtAssocRequest   = 0
	mgmtReassocRequest = 2
	mgmtProbeResponse  = 5
	mgmtBeacon         = 8

	elementSSID   = 0
	elementVendor = 221
)

// keptElements appends to dst the elements of list that describe a
// device: the network name and vendor-specific elements (WPS). A
// truncated element ends the list.
func keptElements(dst, list []byte) []byte {
	for len(list) >= 2 {
		n := 2 + int(list[1])
		if n > len(list) {
			break
		}
		if list[0] == elementSSID || list[0] == elementVendor {
			dst = append(dst, list[:n]...)
		}
		list = list[n:]
	}
	return dst
}

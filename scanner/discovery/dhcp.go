package discovery

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// DHCPv4 layout (RFC 2131): a 236-byte fixed header, the magic cookie, then
// options.
const (
	dhcpOffCiaddr  = 12
	dhcpOffYiaddr  = 16
	dhcpOffChaddr  = 28
	dhcpOffCookie  = 236
	dhcpOffOptions = 240
	dhcpCookie     = 0x63825363

	bootRequest = 1
	bootReply   = 2

	optPad          = 0
	optHostname     = 12
	optMessageType  = 53
	optPRL          = 55
	optVendorClass  = 60
	optClientID     = 61
	optClientFQDN   = 81
	optEnd          = 255
	msgTypeACK      = 5
	fqdnFlagEncoded = 0x04 // RFC 4702 "E": the name is in DNS wire format
)

var (
	errDHCPShort     = errors.New("dhcp: shorter than the fixed header and cookie")
	errDHCPCookie    = errors.New("dhcp: no magic cookie")
	errDHCPTruncated = errors.New("dhcp: option runs past the end of the payload")
)

// dhcpMessage is what the decoder reads from a DHCPv4 message. Option
// values are slices of the payload; it stays on the stack.
type dhcpMessage struct {
	op             byte
	chaddr         observe.MAC
	ciaddr, yiaddr netip.Addr
	msgType        byte
	options        dhcpOptions
}

// dhcpOptions holds the options the decoder reads; the rest are skipped.
type dhcpOptions struct {
	hostname, prl, vendorClass, clientID, fqdn, msgType []byte
}

// slot returns where option code is kept, or nil for an option not read.
func (o *dhcpOptions) slot(code byte) *[]byte {
	switch code {
	case optHostname:
		return &o.hostname
	case optPRL:
		return &o.prl
	case optVendorClass:
		return &o.vendorClass
	case optClientID:
		return &o.clientID
	case optClientFQDN:
		return &o.fqdn
	case optMessageType:
		return &o.msgType
	}
	return nil
}

// DHCP decodes a DHCPv4 message. Client messages (BOOTREQUEST) describe the
// client named by chaddr: hostname, vendor class, parameter request list,
// client identifier and FQDN. A server's ACK asserts that chaddr holds
// yiaddr (dhcp.lease), and its host name option (RFC 2132 §3.14, "the name
// of the client") names chaddr too: routers echo the name the client gave,
// which is all a capture taken after the client's own Request holds. A
// client's ciaddr asserts a lease as an ACK does. Other server options
// describe what the server hands out, not a device, and are skipped.
func DHCP(payload []byte, m scanner.Meta, emit scanner.Emit) error {
	msg, err := parseDHCP(payload)
	if err != nil {
		return err
	}
	switch msg.op {
	case bootRequest:
		emitDHCPClient(msg, m, emit)
	case bootReply:
		if msg.msgType == msgTypeACK {
			lease := msg.yiaddr
			if !lease.IsValid() {
				lease = msg.ciaddr // ACK to an INFORM confirms the client's own address
			}
			emitLease(msg.chaddr, lease, m, emit)
			emitAckHostname(msg, lease, m, emit)
		}
	default:
		return errors.New("dhcp: unknown op " + strconv.Itoa(int(msg.op)))
	}
	return nil
}

func parseDHCP(b []byte) (dhcpMessage, error) {
	var msg dhcpMessage
	if len(b) < dhcpOffOptions {
		return msg, errDHCPShort
	}
	if binary.BigEndian.Uint32(b[dhcpOffCookie:]) != dhcpCookie {
		return msg, errDHCPCookie
	}
	msg.op, msg.ciaddr, msg.yiaddr = b[0], addr4(b[dhcpOffCiaddr:]), addr4(b[dhcpOffYiaddr:])
	if b[1] == 1 && b[2] == 6 { // Ethernet, 6-byte address
		copy(msg.chaddr[:], b[dhcpOffChaddr:])
	}
	if err := parseDHCPOptions(b[dhcpOffOptions:], &msg.options); err != nil {
		return msg, err
	}
	if t := msg.options.msgType; len(t) == 1 {
		msg.msgType = t[0]
	}
	return msg, nil
}

// parseDHCPOptions walks the options field. A repeated option keeps its
// first value (RFC 3396 concatenation is not needed for the keys read here).
func parseDHCPOptions(b []byte, out *dhcpOptions) error {
	for i := 0; i < len(b); {
		code := b[i]
		switch code {
		case optPad:
			i++
			continue
		case optEnd:
			return nil
		}
		if i+1 >= len(b) {
			return errDHCPTruncated
		}
		n := int(b[i+1])
		if i+2+n > len(b) {
			return errDHCPTruncated
		}
		if slot := out.slot(code); slot != nil && *slot == nil {
			*slot = b[i+2 : i+2+n : i+2+n]
		}
		i += 2 + n
	}
	return nil // no End option: accepted, some clients omit it
}

// addr4 returns the IPv4 address at b[:4], or the zero Addr for 0.0.0.0.
func addr4(b []byte) netip.Addr {
	a := netip.AddrFrom4([4]byte(b[:4]))
	if a.IsUnspecified() {
		return netip.Addr{}
	}
	return a
}

func emitDHCPClient(msg dhcpMessage, m scanner.Meta, emit scanner.Emit) {
	// The client is chaddr; its ciaddr, when set, is an address it holds.
	// Without a usable chaddr only the datagram's own source is left.
	mac := msg.chaddr
	if mac.Multicast() {
		mac = observe.MAC{}
	}
	if !mac.IsZero() || msg.ciaddr.IsValid() {
		m.SrcIP = msg.ciaddr
	} else if m.SrcIP.IsUnspecified() {
		m.SrcIP = netip.Addr{}
	}
	s := newSink(m, func(o observe.Observation) {
		o.MAC = mac
		emit(o)
	})
	opts := msg.options
	if opts.hostname != nil {
		s.field("dhcp.hostname", string(opts.hostname))
	}
	if opts.vendorClass != nil {
		s.field("dhcp.vendor_class", string(opts.vendorClass))
	}
	if opts.prl != nil {
		s.field("dhcp.prl", joinCodes(opts.prl))
	}
	if opts.clientID != nil {
		s.field("dhcp.client_id", hex.EncodeToString(opts.clientID))
	}
	if len(opts.fqdn) > 3 {
		s.field("dhcp.fqdn", fqdnName(opts.fqdn[0], opts.fqdn[3:]))
	}
	if msg.ciaddr.IsValid() {
		emitLease(msg.chaddr, msg.ciaddr, m, emit)
	}
}

// emitAckHostname reports the host name a server's ACK gives its client
// (chaddr, at the leased address); the server's own address and port are not
// the client's.
func emitAckHostname(msg dhcpMessage, lease netip.Addr, m scanner.Meta, emit scanner.Emit) {
	mac := msg.chaddr
	if msg.options.hostname == nil || mac.IsZero() || mac.Multicast() {
		return
	}
	m.SrcIP, m.SrcPort = lease, 0
	newSink(m, func(o observe.Observation) {
		o.MAC = mac
		emit(o)
	}).field("dhcp.hostname", string(msg.options.hostname))
}

// emitLease asserts that mac holds ip. The observation's port is left
// empty: the datagram's source port belongs to the server, not the client.
func emitLease(mac observe.MAC, ip netip.Addr, m scanner.Meta, emit scanner.Emit) {
	if mac.IsZero() || mac.Multicast() || !ip.IsValid() {
		return
	}
	emit(observe.Observation{Time: m.Time, Probe: m.Probe, MAC: mac, IP: ip, Key: "dhcp.lease", Value: ip.String()})
}

func joinCodes(codes []byte) string {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(c)))
	}
	return b.String()
}

// fqdnName returns the domain name of option 81: DNS wire format when the E
// flag is set, otherwise the ASCII the client sent.
func fqdnName(flags byte, name []byte) string {
	if flags&fqdnFlagEncoded == 0 {
		return string(name)
	}
	var labels []string
	for i := 0; i < len(name); {
		n := int(name[i])
		if n == 0 || i+1+n > len(name) {
			break
		}
		labels = append(labels, string(name[i+1:i+1+n]))
		i += 1 + n
	}
	return strings.Join(labels, ".")
}

package main

import (
	"net"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/gopacket/gopacket/layers"
)

// Devices with no address of their own, each sending only what such a device
// sends while it has none (frame formats: RFC 5227 ARP probe, RFC 2131
// DHCPDISCOVER, RFC 4862 duplicate address detection). MACs are from the
// makers' registered blocks: Hikvision 44:19:b6, Huawei 30:49:9e (the router
// of signals.md §8), Kedacom 00:14:10.
var (
	hikIntercom = pcapgen.NewHost("44:19:b6:7e:01:30", "10.20.0.77") // the address it probes for
	huaweiBox   = pcapgen.NewHost("30:49:9e:51:c2:07", "0.0.0.0")
	kedaBox     = pcapgen.NewHost("00:14:10:3b:9a:11", "0.0.0.0")
)

// addressless writes three ARP probes of the intercom (RFC 5227: one to
// three probes, sender protocol address 0.0.0.0, target the candidate), a
// DHCPDISCOVER of the Huawei box that gets no offer, and the Kedacom box's
// IPv6 duplicate address detection for its link-local address.
func (c *capture) addressless() {
	for range 3 {
		c.Write(c.F.ARPProbe(hikIntercom))
	}
	c.Write(c.F.DHCP(huaweiBox, gateway, layers.DHCPMsgTypeDiscover, 0x3001, "", ""))
	c.Write(c.F.DADSolicit(kedaBox, net.ParseIP("fe80::214:10ff:fe3b:9a11")))
}

// publicSite is a site numbered from public space (203.0.113.0/24, TEST-NET-3,
// stands for it): a Uniview NVR (OUI 48:ea:63, as the NVR308 of CamioCam/rtsp
// issue #133) that sends no ARP in the capture, only its answer to a viewer's
// RTSP connection on the same segment (TTL 64: not routed).
var (
	publicViewer = pcapgen.NewHost("00:14:22:aa:bb:cd", "203.0.113.5")
	publicNVR    = pcapgen.NewHost("48:ea:63:1c:20:08", "203.0.113.40")
)

func (c *capture) publicSite() {
	c.OpenPort(publicViewer, publicNVR, 51554, 554)
	c.OpenPort(publicViewer, publicNVR, 51580, 80)
}

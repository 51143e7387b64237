package main

import (
	"net"

	"github.com/camsweep/camsweep/internal/pcapgen"
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/gopacket/gopacket/layers"
)

// The constructed site: addresses from 10.20.0.0/24, each MAC from its
// maker's registered OUI (signals.md §11) unless noted.
var (
	gateway     = pcapgen.NewHost("4c:5e:0c:4b:92:7b", "10.20.0.1")  // MikroTik (uhctf2022 capture's router)
	workstation = pcapgen.NewHost("00:14:22:aa:bb:cc", "10.20.0.5")  // Dell laptop running the tools
	hikIPC      = pcapgen.NewHost("44:19:b6:3a:7c:21", "10.20.0.11") // Hikvision OUI
	hikNVR      = pcapgen.NewHost("bc:ad:28:5e:10:02", "10.20.0.12") // Hikvision OUI
	dahuaIPC    = pcapgen.NewHost("4c:11:bf:c2:0b:9d", "10.20.0.21") // the real DHIP reply's MAC (Dahua OUI)
	intelbras   = pcapgen.NewHost("58:10:8c:19:bf:fb", "10.20.0.22") // the real Shadowserver row's MAC (Intelbras OUI)
	xmDVR       = pcapgen.NewHost("00:00:23:34:45:66", "10.20.0.31") // HiSilicon U-Boot placeholder MAC (signals.md §7)
	axisCam     = pcapgen.NewHost("ac:cc:8e:3c:04:19", "10.20.0.41") // Axis OUI, MAC of recog's mDNS example
	printer     = pcapgen.NewHost("3c:d9:2b:51:0a:77", "10.20.0.51") // HP OUI
	phone       = pcapgen.NewHost("64:bc:0c:6a:81:f3", "10.20.0.61") // LG phone from the neu-intl-iot capture
	linuxHost   = pcapgen.NewHost("00:14:22:01:23:45", "10.20.0.71") // Dell server
)

var (
	sadpGroup = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.IPv4(239, 255, 255, 250)), IP: net.IPv4(239, 255, 255, 250).To4()}
	dhipGroup = pcapgen.Host{MAC: pcapgen.MulticastMAC(net.IPv4(239, 255, 255, 251)), IP: net.IPv4(239, 255, 255, 251).To4()}
	bcast     = pcapgen.Host{MAC: pcapgen.BroadcastMAC, IP: net.IPv4bcast.To4()}
)

func get(h pcapgen.Host) []byte {
	return []byte("GET / HTTP/1.1\r\nHost: " + h.IP.String() + "\r\nAccept: */*\r\n\r\n")
}

func rtspRequest(method string, h pcapgen.Host, path string, cseq string) []byte {
	return []byte(method + " rtsp://" + h.IP.String() + ":554" + path + " RTSP/1.0\r\nCSeq: " + cseq +
		"\r\nUser-Agent: LibVLC/3.0.17.4 (LIVE555 Streaming Media v2022.02.07)\r\n\r\n")
}

// joinNetwork writes a DHCP exchange and the ARP a pcapgen.Host sends on arrival.
func (c *capture) joinNetwork(h pcapgen.Host, xid uint32, hostname, vendorClass string) {
	c.Write(c.F.DHCP(h, gateway, layers.DHCPMsgTypeDiscover, xid, hostname, vendorClass))
	c.Write(c.F.DHCP(h, gateway, layers.DHCPMsgTypeOffer, xid, "", ""))
	c.Write(c.F.DHCP(h, gateway, layers.DHCPMsgTypeRequest, xid, hostname, vendorClass))
	c.Write(c.F.DHCP(h, gateway, layers.DHCPMsgTypeAck, xid, "", ""))
	c.Write(c.F.ARP(h, gateway, false))
	c.Write(c.F.ARP(gateway, h, true))
}

// site writes the whole constructed site. Frames for the printer go to
// interface 1 (raw IP) when raw is set, the rest to interface 0 (Ethernet).
func (c *capture) site(p *payloads, raw bool) {
	c.joinNetwork(workstation, 0x1001, "sweep-laptop", "")
	c.joinNetwork(hikIPC, 0x2001, "", "")
	c.joinNetwork(hikNVR, 0x2002, "", "")
	c.joinNetwork(dahuaIPC, 0x2003, "", "")
	c.joinNetwork(intelbras, 0x2004, "", "")
	c.joinNetwork(xmDVR, 0x2005, "", "")
	c.joinNetwork(axisCam, 0x2006, "", "AXIS,Network Camera,P3343,5.20.3") // recog dhcp_vendor_class example
	c.joinNetwork(printer, 0x2007, "HPCB057A", "")
	c.joinNetwork(phone, 0x2008, "Galaxy-S21", "android-dhcp-13")
	c.joinNetwork(linuxHost, 0x2009, "build01", "")
	c.discovery(p)
	c.services(p, raw)
	c.ordinary()
}

func (c *capture) discovery(p *payloads) {
	c.sadp()
	c.Write(c.F.UDP(workstation, sadpGroup, 3702, 3702, wsdProbe("c0ffee00-0000-4000-8000-000000000001")))
	c.Write(c.F.UDP(hikIPC, workstation, 3702, 3702, hikWSD(p)))
	c.Write(c.F.UDP(dahuaIPC, workstation, 3702, 3702, dahuaWSD(p)))
	c.dhip(p)
	c.Write(c.F.UDP(workstation, bcast, 34569, 34569, discovery.XMSearch()))
	c.Write(c.F.UDP(xmDVR, bcast, 34569, 34569, xmSearchReply(xmDVR)))
	c.Write(c.F.UDP(axisCam, sadpGroup, 1900, 1900, axisSSDP()))
}

func (c *capture) sadp() {
	const uuid = "7D2A8A18-0C4E-4A47-B1A1-1C2B3D4E5F60"
	c.Write(c.F.UDP(workstation, sadpGroup, 37020, 37020, sadpProbe(uuid)))
	c.Write(c.F.UDP(hikIPC, sadpGroup, 37020, 37020, hikIPCSADP(uuid)))
	c.Write(c.F.UDP(hikNVR, sadpGroup, 37020, 37020, hikNVRSADP(uuid)))
}

func (c *capture) dhip(p *payloads) {
	c.Write(c.F.UDP(workstation, dhipGroup, 37810, 37810, discovery.DHIPSearch()))
	c.Write(c.F.UDP(dahuaIPC, dhipGroup, 37810, 37810, discovery.DHIPFrame(p.dahuaNotifyAt(dahuaIPC.IP.String()))))
	c.Write(c.F.UDP(intelbras, dhipGroup, 37810, 37810, discovery.DHIPFrame(intelbrasNotify(intelbras.IP.String()))))
}

// hikIPCSADP: model and firmware of the real DS-2CD2146G2-ISU in hikvision_next.
func hikIPCSADP(uuid string) []byte {
	return sadpProbeMatch(uuid, "138", "DS-2CD2146G2-ISU", "20240606AAWRFJ2914", "V5.7.17build 240606", "V7.3 build 240606", hikIPC)
}

// hikNVRSADP: model and firmware of the real DS-7608NXI-I2 in hikvision_next.
func hikNVRSADP(uuid string) []byte {
	return sadpProbeMatch(uuid, "262", "DS-7608NXI-I2/8P/S", "20230619CCRRL12345678", "V4.62.210build 230619", "V5.0, build 230619", hikNVR)
}

// hikWSD follows the Hikvision scope template of signals.md §2.
func hikWSD(p *payloads) []byte {
	const model = "DS-2CD2146G2-ISU"
	scopes := "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G " +
		"onvif://www.onvif.org/Profile/T onvif://www.onvif.org/MAC/" + hikIPC.MAC.String() + " onvif://www.onvif.org/hardware/" + model +
		" onvif://www.onvif.org/name/HIKVISION%20" + model + " onvif://www.onvif.org/location/city/hangzhou"
	return p.wsdProbeMatch(scopes, "http://10.20.0.11/onvif/device_service", "aa85c000-6324-11b3-819e-4419b63a7c21", "c0ffee00-0000-4000-8000-000000000001")
}

// dahuaWSD follows the Dahua scope template of signals.md §3.
func dahuaWSD(p *payloads) []byte {
	scopes := "onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-HDW5421S " +
		"onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_Transmitter onvif://www.onvif.org/extension/unique_identifier"
	return p.wsdProbeMatch(scopes, "http://10.20.0.21/onvif/device_service", "5f4dcc3b-1f00-4e4a-8000-4c11bfc20b9d", "c0ffee00-0000-4000-8000-000000000001")
}

// axisSSDP uses the Axis SERVER string of signals.md §9.
func axisSSDP() []byte {
	return []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n" +
		"LOCATION: http://10.20.0.41:49152/rootdesc1.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
		"SERVER: Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22\r\n" +
		"USN: uuid:Upnp-BasicDevice-1_0-ACCC8E3C0419::upnp:rootdevice\r\n\r\n")
}

func (c *capture) services(p *payloads, raw bool) {
	// Hikvision IPC: HTTP 401 and RTSP, strings from signals.md §2; DESCRIBE reply is retina's real one.
	c.Conversation(workstation, hikIPC, 50001, 80, get(hikIPC), []byte("HTTP/1.1 401 Unauthorized\r\n"+
		"Date: Thu, 26 Nov 2026 05:10:11 GMT\r\nServer: App-webs/\r\nContent-Length: 178\r\nContent-Type: text/html\r\nConnection: close\r\n"+
		"WWW-Authenticate: Digest qop=\"auth\", realm=\"IP Camera(J2914)\", nonce=\"4e5468694d7a45784f5449784d3249324e7a45354e7a6b3d\", stale=\"FALSE\"\r\n\r\n"+
		"<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>\n<body><h2>Access Error: 401 -- Unauthorized</h2>\n<p>Authentication Error</p>\n</body>\n</html>\n"))
	c.Conversation(workstation, hikIPC, 50002, 554, rtspRequest("OPTIONS", hikIPC, "/Streaming/Channels/101", "1"), []byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\n"+
		"Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\nDate:  Thu, Nov 26 2026 05:10:12 GMT\r\n\r\n"))
	c.Conversation(workstation, hikIPC, 50003, 554, rtspRequest("DESCRIBE", hikIPC, "/Streaming/Channels/101", "1"), p.hikDescribe)
	c.OpenPort(workstation, hikIPC, 50004, 8000)
	// Hikvision NVR: web server name from recog's http_servers examples.
	c.Conversation(workstation, hikNVR, 50011, 80, get(hikNVR), []byte("HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\n"+
		"Content-Type: text/html\r\nContent-Length: 123\r\nConnection: close\r\n\r\n"+
		"<html><head><script>window.location.href = \"/doc/page/login.asp?_\" + (new Date()).getTime();</script></head></html>\n\n"))
	c.OpenPort(workstation, hikNVR, 50012, 8000)
	// Dahua IPC: retina's real OPTIONS and DESCRIBE replies.
	c.Conversation(workstation, dahuaIPC, 50021, 554, rtspRequest("OPTIONS", dahuaIPC, "/cam/realmonitor?channel=1&subtype=0", "5"), p.dahuaOptions)
	c.Conversation(workstation, dahuaIPC, 50022, 554, rtspRequest("DESCRIBE", dahuaIPC, "/cam/realmonitor?channel=1&subtype=1", "3"), p.dahuaDescribe)
	c.OpenPort(workstation, dahuaIPC, 50023, 37777)
	c.OpenPort(workstation, intelbras, 50024, 37777)
	// Xiongmai DVR: title and server from signals.md §6, DESCRIBE reply is retina's real h264dvr one.
	c.Conversation(workstation, xmDVR, 50031, 80, get(xmDVR), []byte("HTTP/1.0 200 OK\r\nContent-type: text/html\r\nServer: uc-httpd 1.0.0\r\n"+
		"Expires: 0\r\n\r\n<html><head><title>NETSurveillance WEB</title></head><body></body></html>\n"))
	c.Conversation(workstation, xmDVR, 50032, 554, rtspRequest("DESCRIBE", xmDVR, "/user=admin&password=&channel=1&stream=0.sdp", "3"), p.xmDescribe)
	c.OpenPort(workstation, xmDVR, 50033, 34567)
	// Axis: realm AXIS_<MAC> from signals.md §9.
	c.Conversation(workstation, axisCam, 50041, 80, get(axisCam), []byte("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"+
		"WWW-Authenticate: Digest realm=\"AXIS_ACCC8E3C0419\", nonce=\"0024bf8dY1b2ba1b0e0a7b2f10b4a7b4d8e9c2f1d\", algorithm=MD5, qop=\"auth\"\r\n\r\n"))
	// Printer, on the raw-IP interface when there is one: recog's real Officejet banner.
	if raw {
		c.Iface = 1
	}
	c.Conversation(workstation, printer, 50051, 80, get(printer), []byte("HTTP/1.1 200 OK\r\n"+
		"Server: HP HTTP Server; HP Officejet 6500 E709n - CB057A; Serial Number: abc123; Rainbow Built:Sat Dec 13, 2008 10:58:21AM {abc123, ASIC id 0x00ffc2105}\r\n"+
		"Content-Type: text/html\r\nContent-Length: 44\r\n\r\n<html><head><title>HP</title></head></html>"))
	c.Iface = 0
	// Plain Linux pcapgen.Host: an SSH server speaks first.
	c.Conversation(workstation, linuxHost, 50061, 22, nil, []byte("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"))
}

// ordinary writes the phone's everyday traffic: DNS and HTTPS to the internet.
func (c *capture) ordinary() {
	internet := pcapgen.NewHost(gateway.MAC.String(), "142.250.74.110")
	c.Write(c.F.DNSQuery(phone, gateway, 40001, 0x1234, "connectivitycheck.gstatic.com"))
	c.Write(c.F.DNSQuery(linuxHost, gateway, 40002, 0x4321, "deb.debian.org"))
	c.Conversation(phone, internet, 40003, 443, []byte{0x17, 0x03, 0x03, 0x00, 0x05, 0x31, 0x9a, 0x07, 0xc2, 0x55},
		[]byte{0x17, 0x03, 0x03, 0x00, 0x05, 0x8e, 0x21, 0x4b, 0x90, 0x3d})
}

// Package camsim runs simulated network devices (cameras, recorders, a
// printer, a Linux host, hostile hosts) inside lab hosts, answering the real
// discovery and service protocols with recorded responses.
//
// A device is data. A Profile (data/*.yaml, embedded: Data) names the host's MAC,
// template variables and services; each service is a protocol server that
// replays response files. The servers know protocols, never vendors:
//
//	name: hikvision-ipc
//	mac: "58:50:ed:1f:e3:85"
//	expect: {vendor: Hikvision, model: DS-2CD2386G2-IU, kind: camera, restricted: true}
//	vars: {MODEL: DS-2CD2386G2-IU, REALM: IP Camera(52914), ...}
//	services:
//	  - {proto: sadp, response: constructed/sadp_probematch.xml}      # UDP 37020, group 239.255.255.250
//	  - {proto: wsd, response: constructed/wsd_probematch.xml}        # UDP 3702, group 239.255.255.250
//	  - {proto: mdns, mdns: {type: _CGI._tcp, instance: "...", target: "...", port: 80}}
//	  - {proto: http, port: 80, routes: {"/": ..., "*": ...}}
//	  - {proto: https, port: 443, subject: {CN: ..., O: ..., C: ...}, routes: {"/": ...}}
//	  - {proto: rtsp, port: 554, methods: {OPTIONS: ..., DESCRIBE: ...}}
//	  - {proto: banner, port: 8000, response: constructed/hik_port8000.bin}
//
// UDP discovery: sadp (answers a <Probe> inquiry, multicasts the reply to the
// group like Hikvision devices), wsd (answers WS-Discovery 2005 Probes for no
// type, NetworkVideoTransmitter or Device, unicast and multicast), dhip
// (answers DHDiscover.search on 239.255.255.251:37810 behind a DHIP header),
// xmsearch (answers Xiongmai message 1530 on UDP 34569, broadcast or
// unicast), gvcp (answers a GigE Vision DISCOVERY_CMD on UDP 3956 with a
// DISCOVERY_ACK holding the response file's register texts and the host's
// MAC and address), hds (answers an HDS/1.0 SEARCH on 239.255.255.250:8002
// to the group, echoing its Client-ID as {{CLIENT_ID}}), endc (answers an SSDP
// M-SEARCH for the EmbeddedNetDeviceControl service, and no other, to the
// sender), tdp (answers TP-Link's discovery query on UDP 20002 with the
// response file, a recorded answer datagram in hex, behind a header echoing
// the query's serial), moi, dhs and searchipc (answer Foscam's MO_I search
// on UDP 10000, VStarcam's DH search on UDP 8600 and the SYSTEM_SEARCHIPC
// search on UDP 3001 with a recorded answer, hex for the binary ones); each
// of these four answers to the sender and puts the host's own address where
// the recording names the recorded camera's, the MAC staying the
// recording's (give the profile that MAC), mdns (PTR/SRV/TXT/A for one DNS-SD service and the service
// enumeration; legacy unicast queries get a unicast answer).
//
// TCP: http (one request, response by path, close; a POST whose SOAP Body
// asks for an operation named in soap: gets that response instead; routes are response
// templates, pages are recorded page bodies served 200 byte for byte, as a
// web root holds them: {proto: http, port: 80, pages: {"/": recorded/...}}),
// https (http inside TLS
// 1.2 or 1.3, behind a self-signed certificate with the profile's subject,
// made with a fresh ECDSA P-256 key when the device starts), rtsp (requests
// by method on one connection, CSeq set to the request's), banner (server
// speaks first), reply (answers the client's first bytes), open (accepts,
// never speaks), trickle (one byte per interval, forever), flood (endless
// stream).
//
// Responses are templates: {{NAME}} is replaced by the profile's vars and the
// built-ins IP, MAC, MAC_UPPER, MAC_DASH, MAC_HEX, MAC_HEX_UPPER, IP_XM
// (Xiongmai's little-endian hex address), plus UUID (SADP inquiry echo),
// RELATES_TO and MESSAGE_ID (WS-Discovery). HTTP and RTSP Content-Length is
// recomputed after expansion. Every other byte is sent as recorded.
//
// Servers treat clients as hostile too: request heads are read up to 8 KiB
// within 10 s, TLS handshakes must end within 10 s too, a device serves at
// most 64 connections at once, idle connections are dropped after 2 minutes,
// and Close (or the lab's Close) stops everything without waiting for
// clients.
//
// Usage in a test:
//
//	l, _ := lab.New(lab.Options{})
//	defer l.Close()
//	ps, _ := camsim.LoadProfiles(camsim.Data(), ".")
//	devices, _ := camsim.AddAll(ctx, l, ps) // one lab host per profile, closed with the lab
package camsim

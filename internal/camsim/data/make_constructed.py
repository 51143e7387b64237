#!/usr/bin/env python3
"""Builds internal/camsim/data/constructed/ : response templates for camsim.

Every file here is CONSTRUCTED (see SOURCES.md): laid out from the field lists and
exact strings in /work/shared/knowledge/signals.md and the recorded files in
recorded/. {{NAME}} placeholders are filled by camsim from the profile's vars and
the lab host (IP, MAC...). Run from internal/camsim/data: python3 make_constructed.py
"""
import os, re, struct

OUT = "constructed"
os.makedirs(OUT, exist_ok=True)

def w(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

def http(status, headers, body):
    """HTTP response with CRLF; Content-Length is written by camsim after expansion."""
    return status + "\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n" + body

# --- SADP ProbeMatch (signals.md §0: field list of Hikvision replies, incl. the
# real "flase" misspelling). One template for every Hikvision-family profile.
w("sadp_probematch.xml",
  '<?xml version="1.0" encoding="UTF-8"?>'
  "<ProbeMatch>"
  "<Uuid>{{UUID}}</Uuid>"
  "<Types>inquiry</Types>"
  "<DeviceType>{{SADP_TYPE}}</DeviceType>"
  "<DeviceDescription>{{MODEL}}</DeviceDescription>"
  "<DeviceSN>{{SERIAL}}</DeviceSN>"
  "<CommandPort>8000</CommandPort>"
  "<HttpPort>80</HttpPort>"
  "<MAC>{{MAC_DASH}}</MAC>"
  "<IPv4Address>{{IP}}</IPv4Address>"
  "<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>"
  "<IPv4Gateway>0.0.0.0</IPv4Gateway>"
  "<IPv6Address>::</IPv6Address>"
  "<IPv6Gateway>::</IPv6Gateway>"
  "<IPv6MaskLen>64</IPv6MaskLen>"
  "<DHCP>false</DHCP>"
  "<AnalogChannelNum>0</AnalogChannelNum>"
  "<DigitalChannelNum>{{CHANNELS}}</DigitalChannelNum>"
  "<SoftwareVersion>{{SADP_FIRMWARE}}</SoftwareVersion>"
  "<DSPVersion>{{DSP}}</DSPVersion>"
  "<BootTime>2024-06-01 08:00:00</BootTime>"
  "<Encrypt>true</Encrypt>"
  "<ResetAbility>false</ResetAbility>"
  "<DiskNumber>0</DiskNumber>"
  "<Activated>true</Activated>"
  "<PasswordResetAbility>true</PasswordResetAbility>"
  "<PasswordResetModeSecond>true</PasswordResetModeSecond>"
  "<DetailOEMCode>{{OEM_CODE}}</DetailOEMCode>"
  "<SupportSecurityQuestion>true</SupportSecurityQuestion>"
  "<SupportHCPlatform>true</SupportHCPlatform>"
  "<HCPlatformEnable>flase</HCPlatformEnable>"
  "<IsModifyVerificationCode>false</IsModifyVerificationCode>"
  "<Salt>0000000000000000000000000000000000000000000000000000000000000000</Salt>"
  "<DeviceLock>false</DeviceLock>"
  "<SDKServerStatus>true</SDKServerStatus>"
  "<SDKOverTLSServerStatus>true</SDKOverTLSServerStatus>"
  "<SDKOverTLSPort>8443</SDKOverTLSPort>"
  "</ProbeMatch>")

# --- WS-Discovery ProbeMatches: envelope of the agsh-onvif Probe.xml recording
# (recorded/…, MIT), with RELATES_TO/SERVICE_URI filled and the scopes supplied
# per profile (signals.md §2/§3/§9 scope templates).
w("wsd_probematch.xml",
  '<?xml version="1.0" encoding="UTF-8"?>\n'
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
  "<SOAP-ENV:Header>"
  "<wsa:MessageID>{{MESSAGE_ID}}</wsa:MessageID>"
  "<wsa:RelatesTo>{{RELATES_TO}}</wsa:RelatesTo>"
  '<wsa:To SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>'
  '<wsa:Action SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>'
  '<wsdd:AppSequence MessageNumber="161" InstanceId="0"></wsdd:AppSequence>'
  "</SOAP-ENV:Header>"
  "<SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch>"
  "<wsa:EndpointReference><wsa:Address>{{WSD_EPR}}</wsa:Address></wsa:EndpointReference>"
  "<wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types>"
  "<wsdd:Scopes>{{WSD_SCOPES}}</wsdd:Scopes>"
  "<wsdd:XAddrs>http://{{IP}}{{WSD_PORT}}/onvif/device_service</wsdd:XAddrs>"
  "<wsdd:MetadataVersion>{{WSD_METADATA}}</wsdd:MetadataVersion>"
  "</wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body>"
  "</SOAP-ENV:Envelope>")

# --- Hikvision HTTP (signals.md §2): App-webs/ server, legacy redirect body,
# ISAPI 401 with realm IP Camera(XXXXX).
HIK_DATE = "Date: Wed, 05 May 2021 21:51:17 GMT"
w("hik_http_root.txt", http("HTTP/1.1 200 OK",
  ["Server: {{HTTP_SERVER}}", HIK_DATE, "Content-Type: text/html", "Content-Length: 0", "Connection: close"],
  '<!DOCTYPE html>\n<html><head><title></title><script>\nwindow.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();\n</script></head><body></body></html>\n'))
w("hik_http_401.txt", http("HTTP/1.1 401 Unauthorized",
  [HIK_DATE, "Server: {{HTTP_SERVER}}", "Content-Length: 0", "Content-Type: text/html", "Connection: close",
   'WWW-Authenticate: Digest qop="auth", realm="{{REALM}}", nonce="4e5468694d6a41794d5745344d546b365a6a41784d6a6b304d6a553d", stale="FALSE"'],
  "<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>\n<body><h2>Access Error: 401 -- Unauthorized</h2>\n<p>Authentication Error</p>\n</body>\n</html>\n"))
# RTSP OPTIONS (signals.md §2: no Server header, two spaces after "Date:").
w("hik_rtsp_options.txt", "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\nDate:  Thu, May 14 2020 16:45:35 GMT\r\n\r\n")
# Port 8000 banner (nmap-service-probes, "Hikvision IPCam control port").
w("hik_port8000.bin", b"\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00")

# --- Dahua HTTP (signals.md §3): no Server header, upper-case header names,
# BOM body with "WEB SERVICE" + ui-dialog-content; 401 realm "Login to <serial>".
# Header order and body start follow nmap's "Dahua webcam httpd" match
# (nmap-service-probes, matches for Dahua devices), so nmap -sV can check it.
w("dahua_http_root.txt", http("HTTP/1.1 200 OK",
  ["CONNECTION: close", "Date: Wed, 05 May 2021 21:51:17 GMT", "Last-Modified: Tue, 06 Aug 2024 04:15:35 GMT",
   'Etag: "1722917735:2002"', "CONTENT-LENGTH: 0", "P3P: CP=CAO PSA OUR", "CACHE-CONTROL: max-age=0", "CONTENT-TYPE: text/html"],
  "\ufeff<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<title>WEB SERVICE</title>\r\n</head>\r\n<body><div class=\"ui-dialog-content\"></div><script>var rpc = \"/RPC2_Login\";</script></body></html>\r\n"))
w("dahua_http_401.txt", http("HTTP/1.1 401 Unauthorized",
  ["CONNECTION: close", "CONTENT-LENGTH: 0", "CONTENT-TYPE: text/plain",
   'WWW-Authenticate: Digest realm="{{REALM}}",qop="auth",nonce="1291536094",opaque="4c9d2d5b1a4bd0c64d5c87b1e96d0cd0a0d1c7f8"'],
  "Unauthorized\n"))

# --- Dahua DHIP reply bodies (signals.md §0). The Dahua one is the recorded
# notifyDevInfo JSON (recorded/amp-research_…json) with only the IPv4 address
# replaced by {{IP}}; the Amcrest one keeps that layout with the OEM's values.
rec = open("recorded/amp-research_dahua_IPC-HDW5421S_notifyDevInfo.json").read().strip()
w("dahua_dhip.json", rec.replace('"218.5.136.140"', '"{{IP}}"'))
amc = rec.replace('"218.5.136.140"', '"{{IP}}"').replace('"4c:11:bf:c2:0b:9d"', '"{{MAC}}"')
for a, b in [('"IPC-HDW5421S"', '"{{MODEL}}"'), ('"1F006E4PAX00075"', '"{{SERIAL}}"'), ('"Dahua"', '"{{DHIP_VENDOR}}"'),
             ('"2.400.0.8"', '"{{FIRMWARE}}"'), ('"Private"', '"{{DHIP_VENDOR}}"'), ("fe80::4e11:bfff:fec2:0b9d", "fe80::1"),
             ("218.5.136.1", "0.0.0.0")]:
    amc = amc.replace(a, b)
w("dhip_oem.json", amc)

# --- Xiongmai (signals.md §6, besder README excerpt): search reply JSON
# (redacted fields filled from the profile), DVR-IP login reply (recorded JSON
# behind a 20-byte header, message 1001), HTTP (status line and body start
# decoded from the nmap fingerprint in the README, plus a uc-httpd Server
# header as recog/nmap list for XM DVRs), RTSP OPTIONS.
w("xm_netcommon.json",
  '{ "NetWork.NetCommon" : { "BuildDate" : "2020-11-24 16:47:14", "ChannelNum" : {{CHANNELS}}, "DeviceType" : 24, '
  '"GateWay" : "0x0100A8C0", "HostIP" : "{{IP_XM}}", "HostName" : "{{HOSTNAME}}", "HttpPort" : 80, "MAC" : "{{MAC}}", '
  '"MonMode" : "TCP", "NetConnectState" : 0, "OtherFunction" : "D=2026-01-26 09:39:00 V=d7c59c8b475d964", "SN" : "{{SERIAL}}", '
  '"SSLPort" : 8443, "Submask" : "0x00FFFFFF", "TCPMaxConn" : 10, "TCPPort" : 34567, "UDPPort" : 34568, '
  '"UseHSDownLoad" : false, "Version" : "{{FIRMWARE}}" }, "Ret" : 100, "SessionID" : "0x00000000" }')
login = open("recorded/dvrip_1001_login_response_successful.json", "rb").read()
w("xm_login_reply.bin", struct.pack("<BBHIIHHI", 0xff, 1, 0, 1, 0, 0, 1001, len(login)) + login)

readme = open("/work/shared/realdata/besder-xiongmai/README_excerpt_discovery_nmap_onvif.txt").read()
sf = "".join(l[3:] for l in readme.splitlines() if l.startswith("SF:") or l.startswith("SF-"))
m = re.search(r'r\(GetRequest,[0-9A-F]+,"(.*?)"\)%r\(HTTPOptions', sf)
def nmap_unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0"}.get(n, n.encode()); i += 2; continue
        out += c.encode(); i += 1
    return bytes(out)
xm = nmap_unescape(m.group(1))
status, rest = xm.split(b"\r\n", 1)
xm = status + b"\r\nServer: uc-httpd 1.0.0\r\n" + rest + b"\r\n</script>\r\n</head>\r\n<body></body>\r\n</html>\r\n"
w("xm_http_root.txt", xm)
# Layout of nmap's "H264DVR rtspd" match; the profile omits Cseq when the
# request has none, as that match shows.
w("xm_rtsp_options.txt", "RTSP/1.0 200 OK\r\nServer: H264DVR 1.0\r\nCseq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE\r\n\r\n")

# --- Axis (signals.md §9): realm AXIS_<MAC>, title AXIS.
w("axis_http_root.txt", http("HTTP/1.1 200 OK",
  ["Content-Type: text/html", "Content-Length: 0", "Connection: close"],
  '<html><head><title>AXIS</title><meta http-equiv="refresh" content="0; URL=/camera/index.html"></head><body></body></html>\n'))
w("axis_http_401.txt", http("HTTP/1.1 401 Unauthorized",
  ["Content-Type: text/html", "Content-Length: 0", "Connection: close",
   'WWW-Authenticate: Digest realm="AXIS_{{MAC_HEX_UPPER}}", nonce="0024e47aY398109708de9ccd8056c58a068a59540a99d3", algorithm=MD5, qop="auth", stale=FALSE'],
  "<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD><BODY><H1>401 Unauthorized</H1></BODY></HTML>\n"))

# --- Printer (recog http_servers.xml example) and a Linux host (SSH banner).
w("printer_http_root.txt", http("HTTP/1.1 200 OK",
  ["Server: HP HTTP Server; HP Officejet 6500 E709n - CB057A; Serial Number: abc123; Rainbow Built:Sat Dec 13, 2008 10:58:21AM {abc123, ASIC id 0x00ffc2105}",
   "Content-Type: text/html", "Content-Length: 0", "Connection: close"],
  "<html><head><title>HP Officejet 6500 E709n</title></head><body></body></html>\n"))
w("linux_ssh_banner.txt", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")

# --- Hostile devices.
w("hostile_trickle.txt", "HTTP/1.1 200 OK\r\nServer: slow\r\nContent-Type: text/html\r\n\r\n<html><title>slow</title>")
w("hostile_flood.txt", "HTTP/1.1 200 OK\r\nServer: flood\r\n" + "X-Flood: " + "A" * 1000 + "\r\n")
ESC = "\x1b"
evil = ESC + "[2J" + ESC + "]0;pwned by camsim" + "\x07" + "\u202e" + "lanigiro" + "\u202c" + ESC + "[31m"
w("hostile_escape_http.txt", http("HTTP/1.1 401 Unauthorized",
  ["Server: App-webs/" + evil, 'WWW-Authenticate: Digest realm="IP Camera(' + evil + ')", nonce="x"', "Content-Type: text/html", "Content-Length: 0", "Connection: close"],
  "<html><title>" + evil + "</title></html>\n"))
w("hostile_escape_wsd.xml",
  '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
  "<SOAP-ENV:Header><wsa:RelatesTo>{{RELATES_TO}}</wsa:RelatesTo></SOAP-ENV:Header>"
  "<SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsdd:Scopes>onvif://www.onvif.org/name/" + evil +
  " onvif://www.onvif.org/hardware/<<<</wsdd:Scopes><wsdd:XAddrs>http://{{IP}}/onvif/device_service</wsdd:ProbeMatch>&bogus;</SOAP-ENV:Envelope")
w("hostile_escape_banner.bin", (evil + "\r\n").encode("utf-8") + b"\x00\xff\xfe" + (ESC + "[6n").encode())
w("hostile_escape_sadp.xml", '<?xml version="1.0"?><ProbeMatch><Uuid>{{UUID}}</Uuid><Types>inquiry</Types><DeviceDescription>' + evil + "</DeviceDescription><MAC>{{MAC_DASH}}<MAC><IPv4Address>{{IP}}")
print("ok")

#!/usr/bin/env python3
"""Writes camsim-lab.nessus: the answers of testdata/import/nmap/camsim-lab.xml
(the camsim lab's devices as nmap saw them) in the plugin output formats of a
Nessus export (see testdata/import/SOURCES.md). Run from the repository root:
python3 testdata/import/nessus/camsim-lab.py > testdata/import/nessus/camsim-lab.nessus
"""
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

# nmap's long attribute names, in the order X.509 encodes them and Nessus
# prints them (plugin 10863), with Nessus's labels.
DN_LABELS = [("countryName", "Country"), ("stateOrProvinceName", "State/Province"),
             ("localityName", "Locality"), ("organizationName", "Organization"),
             ("organizationalUnitName", "Organization Unit"), ("commonName", "Common Name")]


def item(port, svc, plugin_id, name, output):
    return (f'<ReportItem port="{port}" svc_name="{svc}" protocol="tcp" severity="0" '
            f'pluginID="{plugin_id}" pluginName={quoteattr(name)} pluginFamily="Service detection">\n'
            f'<plugin_output>{escape(output)}</plugin_output>\n</ReportItem>')


def dn_block(label, nmap_dn):
    attrs = dict(p.split("=", 1) for p in nmap_dn.split("/") if "=" in p)
    lines = [f"{nessus}: {attrs[long]}" for long, nessus in DN_LABELS if long in attrs]
    return f"{label}: \n\n" + "\n".join(lines) + "\n"


def host(h):
    ip = next(a.get("addr") for a in h.findall("address") if a.get("addrtype") == "ipv4")
    mac = next((a.get("addr") for a in h.findall("address") if a.get("addrtype") == "mac"), "")
    t = time.gmtime(int(h.get("starttime")))  # HOST_START is ctime's form: "Mon Jul  1 11:33:11 2013"
    start = time.strftime("%a %b ", t) + f"{t.tm_mday:2d}" + time.strftime(" %H:%M:%S %Y", t)
    tags = [("host-ip", ip), ("HOST_START", start)] + ([("mac-address", mac.lower())] if mac else [])
    out = [f'<ReportHost name="{ip}"><HostProperties>']
    out += [f'<tag name="{k}">{escape(v)}</tag>' for k, v in tags]
    out.append("</HostProperties>")
    for p in h.iter("port"):
        if p.find("state").get("state") != "open" or p.get("protocol") != "tcp":
            continue
        port = p.get("portid")
        svc = p.find("service").get("name") if p.find("service") is not None else "unknown"
        out.append(item(port, svc, "11219", "Nessus SYN scanner", f"Port {port}/tcp was found to be open"))
        scripts = {s.get("id"): s.get("output") for s in p.findall("script")}
        headers = [l.strip() for l in scripts.get("http-headers", "").split("\n")]
        headers = headers[1:headers.index("", 1)] if "" in headers[1:] else []
        server = next((l.split(":", 1)[1].strip() for l in headers if l.lower().startswith("server:")), "")
        if server:
            out.append(item(port, "www", "10107", "HTTP Server Type and Version",
                            "The remote web server type is :\n\n" + server))
        if headers:
            ssl = "yes" if "ssl-cert" in scripts else "no"
            out.append(item(port, "www", "24260", "HyperText Transfer Protocol (HTTP) Information",
                            f"\nProtocol version : HTTP/1.1\nSSL : {ssl}\nKeep-Alive : no\n"
                            "Options allowed : (Not implemented)\nHeaders :\n\n"
                            + "".join("  " + l + "\n" for l in headers) + "  \n"))
        if "ssl-cert" in scripts:
            lines = scripts["ssl-cert"].split("\n")
            subject = next(l[len("Subject: "):] for l in lines if l.startswith("Subject: "))
            issuer = next(l[len("Issuer: "):] for l in lines if l.startswith("Issuer: "))
            out.append(item(port, "www", "10863", "SSL Certificate Information",
                            "\n" + dn_block("Subject Name", subject) + "\n" + dn_block("Issuer Name", issuer)))
    out.append("</ReportHost>")
    return "\n".join(out)


root = ET.parse("testdata/import/nmap/camsim-lab.xml").getroot()
seen = set()
print('<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Report name="camsim-lab" xmlns:cm="http://www.nessus.org/cm">')
for h in root.iter("host"):
    ip = next(a.get("addr") for a in h.findall("address") if a.get("addrtype") == "ipv4")
    if ip not in seen:  # nmap lists a host its broadcast scripts found again
        seen.add(ip)
        print(host(h))
print("</Report>\n</NessusClientData_v2>")

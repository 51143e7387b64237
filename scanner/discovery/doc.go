// Package discovery decodes the datagrams of UDP discovery and link
// protocols (DHCPv4, mDNS/DNS-SD, DNS queries, SSDP and UPnP device
// descriptions, WS-Discovery, Hikvision SADP, Dahua DHIP, Xiongmai search,
// GigE Vision GVCP discovery, the HDS/1.0 search of HiSilicon-SDK cameras,
// CS2 PPPP, the DH P2P service's requests, and the SNMP answers and traps an agent sends a management
// station, read and never sent) into observations about their sender, and
// builds the requests of the link-local discovery protocols: each wire format's
// encoder sits next to its decoder (DHIPFrame and DHIPUnframe, XMFrame and
// XMUnframe, the request builders), and Protocols is the one table of
// discovery protocols (name, group, port, request, decoder) that the sweep
// sends from, ByPort dispatches on and camsim listens on.
//
// Every decoder is a pure scanner.Decoder: it reads one payload that may be
// hostile, never panics, bounds what it reads and what it emits, and knows
// protocols, never vendors. ByPort, Sniff and ByRawKey pick the decoder for a
// datagram or for a raw key given to `camsweep identify`.
package discovery

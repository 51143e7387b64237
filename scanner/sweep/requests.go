package sweep

// Multicast groups and ports of the link-local discovery protocols.
const (
	groupSSDP = "239.255.255.250" // also WS-Discovery and Hikvision SADP
	groupDHIP = "239.255.255.251"
	groupMDNS = "224.0.0.251"

	portSADP = 37020
	portDHIP = 37810
	portXM   = 34569
	portWSD  = 3702
	portSSDP = 1900
	portMDNS = 5353
)

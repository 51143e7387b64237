// Package lab builds throw-away Ethernet LANs out of Linux network namespaces
// so that active probes can be tested against simulated devices without a
// single packet reaching a real network.
//
// Layout of one lab (every name carries the per-run prefix "cslab-<pid>-<seq>-"):
//
//	switch ns  : bridge "br0" (multicast snooping off), one veth port per host
//	scanner ns : "eth0", the scanner's address, no default route
//	host ns    : one per full device ("eth0" with the caller's MAC and IP)
//	plain ns   : many cheap hosts as macvlan interfaces on one veth port
//	router ns  : only with AddSegment: forwards between the main LAN (its
//	             last host address) and routed segments (bridges br1, br2…)
//
// The root namespace is never touched: the bridge lives in the switch
// namespace and every veth pair is created there with its peer placed
// directly into its host namespace. Addresses come from 198.18.0.0/15 only,
// and the only routes are the connected subnet, 224.0.0.0/4 and
// 255.255.255.255/32 on the LAN interface (so multicast and broadcast
// discovery work), plus 198.18.0.0/15 via the router once a routed segment
// exists; never a default route.
//
// The netlink library (vishvananda/netlink, netns) is used instead of
// shelling out to ip(8): one netlink handle per namespace configures links
// without entering it, which builds a 1,000-host lab in seconds, and errors
// come back as values rather than parsed text. ip(8) is only needed by
// Host.Run, for "ip netns exec".
package lab

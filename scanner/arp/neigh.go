package arp

import (
	"bufio"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/camsweep/camsweep/observe"
	"github.com/camsweep/camsweep/scanner"
)

// NeighbourTable is where Linux lists the ARP cache.
const NeighbourTable = "/proc/net/arp"

// ReadNeighbours emits an arp.mac binding (probe "neigh") for every complete
// entry of the kernel's ARP cache on device dev ("" for all) whose address
// keep accepts. It is how an unprivileged sweep learns MACs.
func ReadNeighbours(r io.Reader, dev string, keep func(netip.Addr) bool, emit scanner.Emit) error {
	sc := bufio.NewScanner(io.LimitReader(r, 16<<20))
	sc.Scan() // header: IP address, HW type, Flags, HW address, Mask, Device
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[2] == "0x0" || (dev != "" && f[5] != dev) {
			continue // 0x0: incomplete, no answer yet
		}
		ip, err := netip.ParseAddr(f[0])
		if err != nil || (keep != nil && !keep(ip)) {
			continue
		}
		mac, err := observe.ParseMAC(f[3])
		if err != nil || mac.IsZero() {
			continue
		}
		emit(observe.Observation{Probe: "neigh", MAC: mac, IP: ip, Key: "arp.mac", Value: mac.String()})
	}
	return sc.Err()
}

// ReadNeighbourTable is ReadNeighbours over NeighbourTable.
func ReadNeighbourTable(dev string, keep func(netip.Addr) bool, emit scanner.Emit) error {
	f, err := os.Open(NeighbourTable)
	if err != nil {
		return err
	}
	defer f.Close()
	return ReadNeighbours(f, dev, keep, emit)
}

// Resolved reports whether the kernel's ARP cache holds a complete entry for
// ip on dev: the host answered the kernel's ARP request. An unprivileged
// sweep asks it after a first connection failed, to tell a host that is not
// there (its requests unanswered) from one that drops connections.
func Resolved(dev string, ip netip.Addr) bool {
	f, err := os.Open(NeighbourTable)
	if err != nil {
		return true // cannot tell: treat it as there, and probe on
	}
	defer f.Close()
	found := false
	_ = ReadNeighbours(f, dev, func(a netip.Addr) bool { return a == ip }, func(observe.Observation) { found = true })
	return found
}

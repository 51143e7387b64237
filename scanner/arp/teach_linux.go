//go:build linux

package arp

import (
	"net"
	"net/netip"

	"github.com/camsweep/camsweep/observe"
	"github.com/vishvananda/netlink"
)

// teacher adds what a sweep heard to the kernel's neighbour table. Without
// it every TCP probe's first SYN to a host waits on the kernel's own ARP
// broadcast, doubling the broadcasts the segment sees, unpaced.
type teacher struct {
	ifindex int
	h       *netlink.Handle // nil when netlink cannot be opened: teaching is a courtesy
}

func newTeacher(ifindex int) *teacher {
	h, err := netlink.NewHandle(netlink.FAMILY_V4)
	if err != nil {
		h = nil
	}
	return &teacher{ifindex: ifindex, h: h}
}

// learn adds ip at mac as a stale entry: the kernel uses it at once and
// confirms it by unicast later. NeighAdd never replaces an entry, so a static
// entry the operator set, or one the kernel already holds, is left as it is.
func (t *teacher) learn(ip netip.Addr, mac observe.MAC) {
	if t.h == nil || !ip.Is4() {
		return
	}
	_ = t.h.NeighAdd(&netlink.Neigh{
		LinkIndex:    t.ifindex,
		Family:       netlink.FAMILY_V4,
		State:        netlink.NUD_STALE,
		IP:           net.IP(ip.AsSlice()),
		HardwareAddr: net.HardwareAddr(mac[:]),
	})
}

func (t *teacher) close() {
	if t.h != nil {
		t.h.Close()
	}
}

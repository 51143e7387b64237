package live

import (
	"os"
	"strconv"
	"strings"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Open opens an AF_PACKET capture on the interface (no libpcap, no cgo).
// It needs root or CAP_NET_RAW. A Wi-Fi interface in monitor mode gives
// 802.11 frames, bare or behind a radiotap or Prism header, not Ethernet: the
// handle then says so (LinkType), and Capture decodes them as such.
func Open(iface string) (Handle, error) {
	h, err := pcapgo.NewEthernetHandle(iface)
	if err != nil {
		return nil, err
	}
	if link, ok := wifiLinkType(interfaceType(iface)); ok {
		return typedHandle{h, link}, nil
	}
	return h, nil
}

type typedHandle struct {
	*pcapgo.EthernetHandle
	link layers.LinkType
}

func (h typedHandle) LinkType() layers.LinkType { return h.link }

// interfaceType is the interface's ARPHRD_ hardware type, as sysfs gives
// it; -1 when it cannot be read.
func interfaceType(iface string) int {
	if iface == "" || strings.ContainsAny(iface, "/\x00") || iface == "." || iface == ".." {
		return -1
	}
	b, err := os.ReadFile("/sys/class/net/" + iface + "/type")
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return -1
	}
	return n
}

package live

import "github.com/gopacket/gopacket/layers"

// Linux hardware types (include/uapi/linux/if_arp.h) of a Wi-Fi interface
// in monitor mode.
const (
	arphrdIEEE80211         = 801 // bare 802.11 frames
	arphrdIEEE80211Prism    = 802 // a Prism (or AVS) header, then the 802.11 frame (older drivers)
	arphrdIEEE80211Radiotap = 803 // a radiotap header, then the 802.11 frame
)

// wifiLinkType maps an interface's hardware type to the link type of its
// frames when it is a monitor-mode Wi-Fi interface.
func wifiLinkType(arphrd int) (layers.LinkType, bool) {
	switch arphrd {
	case arphrdIEEE80211:
		return layers.LinkTypeIEEE802_11, true
	case arphrdIEEE80211Prism:
		return layers.LinkTypePrismHeader, true
	case arphrdIEEE80211Radiotap:
		return layers.LinkTypeIEEE80211Radio, true
	}
	return 0, false
}

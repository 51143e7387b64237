package pcap

import (
	"github.com/camsweep/camsweep/scanner/discovery"
	"github.com/camsweep/camsweep/scanner/service"
)

// defaultProtocols routes payloads to the project's protocol decoders.
func defaultProtocols() *Protocols {
	return &Protocols{
		UDP:          discovery.ByPort,
		Sniff:        discovery.Sniff,
		StreamByPort: service.ForPort,
		StreamDetect: service.Detect,
		StreamOpens:  service.Opens,
		ClientFirst:  service.ClientFirst,
		RepeatKey:    discovery.RepeatKey,
		Frame:        discovery.ByEtherType,
		Dot11:        discovery.ByDot11Subtype,
	}
}

package main

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/scanner/pcap"
)

// tunnelPortsHelp explains --tunnel-port where pcap and listen register it.
const tunnelPortsHelp = "UDP ports that carry a remote mirror, as PORT=vxlan|geneve|tzsp,...: every datagram to them is unwrapped (needed only for a stream on a port of its own whose frames are all protected Wi-Fi; others are recognised by themselves)"

// tunnelPorts is the --tunnel-port flag: mirror collectors on ports of the
// user's choosing.
type tunnelPorts struct {
	spec  string
	ports map[uint16]pcap.Tunnel // parsed by parse
}

func (t *tunnelPorts) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.spec, "tunnel-port", "", tunnelPortsHelp)
}

// parse checks --tunnel-port before any input is read.
func (t *tunnelPorts) parse() error {
	t.ports = nil
	for _, part := range splitList(t.spec) {
		portText, name, found := strings.Cut(part, "=")
		if !found {
			return usageError("--tunnel-port: %q names no tunnel (want PORT=vxlan, PORT=geneve or PORT=tzsp)", part)
		}
		number, err := strconv.Atoi(strings.TrimSpace(portText))
		if err != nil {
			return usageError("--tunnel-port: %q is not a UDP port (1-65535)", portText)
		}
		port, kind, err := pcap.TunnelPort(number, name)
		if err != nil {
			return usageError("--tunnel-port: %v", err)
		}
		if prev, dup := t.ports[port]; dup && prev != kind {
			return usageError("--tunnel-port: port %d named twice, as %s and %s", port, prev, kind)
		}
		if t.ports == nil {
			t.ports = make(map[uint16]pcap.Tunnel)
		}
		t.ports[port] = kind
	}
	return nil
}

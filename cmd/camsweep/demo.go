package main

import (
	"net/netip"

	"github.com/spf13/cobra"
)

const demoLong = `Build a private lab of simulated cameras, recorders and other devices, sweep it,
print what camsweep found, and remove the lab again. Nothing touches your
network: the lab is a virtual Ethernet switch inside Linux network namespaces,
addressed from 198.18.0.0/24 (a range reserved for benchmarks) with no route
out, and the sweep runs inside it.

The lab has two zones: "core" (198.18.0.0/25, marked core: restricted devices
there are critical findings) and "cctv" (198.18.0.128/25). The simulated devices
answer the real discovery and service protocols with responses recorded from
real devices.

It needs root (to create network namespaces). The lab is removed at the end,
on error and on Ctrl-C.`

const demoExample = `  sudo camsweep demo
  sudo go run ./cmd/camsweep demo
  sudo camsweep demo --format json -o demo.json`

// demoPrefix is the lab LAN; its halves are the demo's two zones.
var demoPrefix = netip.MustParsePrefix("198.18.0.0/24")

// demoDevice places one camsim profile in a zone of the demo lab.
type demoDevice struct {
	profile string
	core    bool
}

// demoDevices are the demo's dozen devices. Restricted cameras sit in both
// zones so the table shows critical and medium findings side by side; the
// hostile one shows escape sequences never reach the terminal.
var demoDevices = []demoDevice{
	{"hikvision-ipc", true},
	{"dahua-ipc", true},
	{"axis-camera", true},
	{"printer", true},
	{"linux-host", true},
	{"hikvision-nvr", false},
	{"ezviz-camera", false},
	{"amcrest-ipc", false},
	{"xiongmai-dvr", false},
	{"axis-camera", false},
	{"hostile-escape", false},
}

type demoOptions struct {
	format  string
	outPath string
	data    string
}

func newDemoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:     "demo",
		Short:   "Sweep a private lab of simulated cameras (needs root; touches no real network)",
		Long:    demoLong,
		Example: demoExample,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runDemo(cmd, &o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "table", "output format: "+formatNames())
	f.StringVarP(&o.outPath, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringVar(&o.data, "camsim-data", "", "directory of simulated-device profiles (default: the ones built into camsweep)")
	return cmd
}

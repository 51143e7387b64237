package main

import (
	"net/netip"
	"slices"

	"github.com/spf13/cobra"
)

// localRangesHelp explains --local where pcap and listen register it.
const localRangesHelp = "the site's own address ranges beyond the private ones (CIDR,...): hosts there are inventoried like RFC 1918 hosts, MAC bindings included; the policy's zone CIDRs count too"

// localRanges is the --local flag: networks a site numbers from public space.
type localRanges struct {
	spec     string
	prefixes []netip.Prefix // parsed by parse
}

func (l *localRanges) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&l.spec, "local", "", localRangesHelp)
}

// parse checks --local before any input is read.
func (l *localRanges) parse() error {
	l.prefixes = nil
	for _, part := range splitList(l.spec) {
		pfx, err := netip.ParsePrefix(part)
		if err != nil {
			return usageError("--local: invalid CIDR %q (want e.g. 130.225.0.0/16)", part)
		}
		if pfx != pfx.Masked() {
			return usageError("--local: CIDR %q has host bits set (did you mean %s?)", part, pfx.Masked())
		}
		l.prefixes = append(l.prefixes, pfx)
	}
	return nil
}

// with returns the flag's ranges and the policy's, without repeats.
func (l *localRanges) with(site []netip.Prefix) []netip.Prefix {
	out := slices.Clone(l.prefixes)
	for _, p := range site {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

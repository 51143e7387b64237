package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version or VCS revision from the build info is used.
var version = ""

// toolVersion says which build produced a report.
func toolVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel+" + s.Value[:12]
		}
	}
	return "devel"
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the camsweep version and the OUI registry date",
		Example: `  camsweep version
  camsweep --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
			return nil
		},
	}
}

func init() { cobra.AddTemplateFunc("versionText", versionText) }

// versionText is what `camsweep version` and `camsweep --version` print: the
// build and the OUI registry it identifies MACs with.
func versionText() string {
	var b strings.Builder
	fmt.Fprintln(&b, "camsweep", toolVersion())
	if reg, err := loadRegistry(); err == nil {
		fmt.Fprintf(&b, "OUI registry %s (%d blocks; %s)\n", reg.Date(), reg.Len(), reg.Source())
	} else {
		fmt.Fprintln(&b, "OUI registry: unavailable:", err)
	}
	return b.String()
}

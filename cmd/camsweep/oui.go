package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/camsweep/camsweep/fingerprint"
	"github.com/camsweep/camsweep/oui"
	"github.com/spf13/cobra"
)

// loadRegistry is the OUI registry every command uses: the one written by
// `oui update` when present, else the embedded snapshot.
func loadRegistry() (*oui.Registry, error) { return oui.Default() }

const ouiLong = `Look up who the IEEE registered a MAC address block to. The most specific
block wins: MA-S (36-bit) over MA-M (28-bit) over MA-L (24-bit). Locally
administered (randomized) and multicast addresses name no maker and are
reported as such. A prefix alone (44:19:b6) is accepted.

The registry is embedded in the binary; "camsweep oui update --from DIR"
replaces it with the IEEE's own CSV files (oui.csv, mam.csv, oui36.csv, iab.csv
as downloaded from standards-oui.ieee.org or Debian's ieee-data), without
touching the network.`

func newOUICmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "oui MAC...",
		Short: "Show the IEEE registrant of MAC addresses or prefixes",
		Long:  ouiLong,
		Example: `  camsweep oui 44:19:b6:00:00:01 4C-11-BF-C2-0B-9D
  camsweep oui 70b3d5
  camsweep oui update --from /usr/share/ieee-data`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := loadRegistry()
			if err != nil {
				return &exitErr{code: exitError, err: err}
			}
			// One bad argument is reported and the others still looked up:
			// a pasted list should not be lost to one typo.
			bad := 0
			for _, a := range args {
				m, err := parseMACOrPrefix(a)
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), "camsweep:", err)
					bad++
					continue
				}
				describeMAC(cmd.OutOrStdout(), reg, m)
			}
			if bad > 0 {
				return &exitErr{code: exitError} // already said on stderr
			}
			return nil
		},
	}
	cmd.AddCommand(newOUIUpdateCmd())
	return cmd
}

// parseMACOrPrefix accepts a full address in any spelling ParseMAC knows, or a
// block prefix of 6, 7 or 9 hex digits (the IEEE's MA-L, MA-M, MA-S lengths).
func parseMACOrPrefix(s string) (fingerprint.MAC, error) {
	if m, err := fingerprint.ParseMAC(s); err == nil {
		return m, nil
	}
	digits := strings.NewReplacer(":", "", "-", "", ".", "").Replace(strings.TrimSpace(s))
	switch len(digits) {
	case 6, 7, 9:
		if m, err := fingerprint.ParseMAC(digits + strings.Repeat("0", 12-len(digits))); err == nil {
			return m, nil
		}
	}
	return fingerprint.MAC{}, fmt.Errorf("%q is not a MAC address or OUI prefix (want e.g. 44:19:b6:00:00:01 or 44:19:b6)", s)
}

func describeMAC(w io.Writer, reg *oui.Registry, m fingerprint.MAC) {
	if note := specialMAC(m); note != "" {
		fmt.Fprintf(w, "%s  %s\n", m, note)
		return
	}
	e, ok := reg.Lookup(m)
	if !ok {
		fmt.Fprintf(w, "%s  not in the registry (%s): unregistered or private block\n", m, reg.Date())
		return
	}
	line := fmt.Sprintf("%s  %s  %s", m, blockString(e), e.Org)
	if e.Country != "" {
		line += " (" + e.Country + ")"
	}
	fmt.Fprintln(w, line)
}

// specialMAC explains addresses whose prefix must not be read as a maker:
// the oui package's multicast / locally administered / zero cases, and the
// well-known placeholder MACs of the fingerprint data (e.g. HiSilicon's SDK
// default 00:00:23:34:45:66, which sits in ABB's block).
func specialMAC(m fingerprint.MAC) string {
	if note := oui.Special(m); note != "" {
		return note
	}
	return placeholderNote(m)
}

// blockString shows a block as the IEEE does: base address / prefix length.
func blockString(e oui.Entry) string {
	digits := e.Prefix + strings.Repeat("0", max(0, 12-len(e.Prefix)))
	var b strings.Builder
	for i := 0; i+1 < len(digits); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(digits[i : i+2])
	}
	kind := map[int]string{24: "MA-L", 28: "MA-M", 36: "MA-S"}[e.Bits]
	return fmt.Sprintf("%s/%d %s", b.String(), e.Bits, kind)
}

func newOUIUpdateCmd() *cobra.Command {
	var from string
	var force bool
	cmd := &cobra.Command{
		Use:   "update --from DIR",
		Short: "Replace the OUI registry with IEEE CSV files from a directory",
		Long: `Rebuild the OUI registry from the IEEE CSV exports in DIR (oui.csv required;
mam.csv, oui36.csv and iab.csv read when present) and save it where every
camsweep command finds it ($CAMSWEEP_OUI_FILE, else camsweep/oui.txt.gz in the
user configuration directory). Nothing is downloaded: fetch the files yourself,
e.g. from https://standards-oui.ieee.org/ or Debian's ieee-data package. A
malformed file is refused with its name and line number and the previous
registry stays in place. A registry older than the one embedded in this
binary is refused unless --force: it would forget blocks assigned since.`,
		Example: `  camsweep oui update --from /usr/share/ieee-data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return usageError("oui update needs --from DIR (a directory holding the IEEE oui.csv)")
			}
			// The common mistakes, said in the user's terms rather than as
			// the failed open of DIR/oui.csv.
			if st, err := os.Stat(from); err != nil {
				return &exitErr{code: exitError, err: plainPathError(from, err)}
			} else if !st.IsDir() {
				return usageError("--from %s is a file: give the directory holding the IEEE oui.csv (e.g. /usr/share/ieee-data)", from)
			}
			if _, err := os.Stat(filepath.Join(from, "oui.csv")); errors.Is(err, fs.ErrNotExist) {
				return usageError("%s holds no oui.csv: give the directory of the IEEE CSV exports (oui.csv, mam.csv, oui36.csv, iab.csv; Debian's ieee-data package puts them in /usr/share/ieee-data)", from)
			}
			reg, err := oui.LoadCSVDir(from)
			if err != nil {
				return &exitErr{code: exitError, err: err}
			}
			if err := checkNotOlder(reg, force); err != nil {
				return err
			}
			path, err := reg.WriteOverride()
			if err != nil {
				return &exitErr{code: exitError, err: fmt.Errorf("saving registry: %w", err)}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d blocks dated %s to %s\n", reg.Len(), reg.Date(), path)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "directory holding the IEEE CSV files")
	cmd.Flags().BoolVar(&force, "force", false, "install the registry even when it is older than the embedded one")
	return cmd
}

// checkNotOlder refuses a registry dated before the embedded snapshot (dates
// are YYYY-MM-DD, so they compare as strings), unless forced.
func checkNotOlder(reg *oui.Registry, force bool) error {
	embedded, err := oui.Embedded()
	if err != nil || force {
		return nil
	}
	if reg.Date() < embedded.Date() {
		return usageError("the registry in %s is dated %s, older than the embedded one (%s): it would forget newer blocks; use --force to install it anyway",
			reg.Source(), reg.Date(), embedded.Date())
	}
	return nil
}

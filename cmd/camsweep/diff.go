package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/store"
)

type diffOptions struct {
	store  storeOptions
	format string
	out    string
}

func newDiffCmd() *cobra.Command {
	var o diffOptions
	cmd := &cobra.Command{
		Use:   "diff RUN_A [RUN_B]",
		Short: "Show devices new, gone and changed (firmware, IP, zone) between two stored runs",
		Long: `Compare two stored audit runs. Devices are matched by MAC, then serial, then
model and IP, never by IP alone. With one run, it is compared with the run of
the same site stored before it.`,
		Example: `  camsweep diff 41 42
  camsweep diff 42 --format json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error { return runDiff(cmd, args, &o) },
	}
	o.store.register(cmd)
	registerTableJSON(cmd, &o.format, &o.out)
	return cmd
}

func runDiff(cmd *cobra.Command, args []string, o *diffOptions) error {
	out, err := settleTarget(o.format, cmd.Flags().Changed("format"), o.out, "--format", "-o", tableJSON)
	if err != nil {
		return err
	}
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := parseRunID(a)
		if err != nil {
			return err
		}
		ids[i] = id
	}
	s, _, err := o.store.open(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(ids) == 1 {
		to, err := s.Summary(cmd.Context(), ids[0])
		if err != nil {
			return &exitErr{code: exitError, err: err}
		}
		prev, ok, err := s.Previous(cmd.Context(), to.Site, to.ID)
		if err != nil {
			return &exitErr{code: exitError, err: err}
		}
		if !ok {
			return &exitErr{code: exitError, err: fmt.Errorf("run %d is the first run of site %q: nothing to compare with", to.ID, to.Site)}
		}
		ids = []int64{prev.ID, to.ID}
	}
	d, err := s.Diff(cmd.Context(), ids[0], ids[1])
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	err = out.write(cmd.OutOrStdout(), func(w io.Writer) error {
		if out.format == "json" {
			return writeJSON(w, d)
		}
		writeDiffText(w, d)
		return nil
	})
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return nil
}

// writeDiffText prints a diff for a person or a cron mail: one line per device.
func writeDiffText(w io.Writer, d *store.Diff) {
	fmt.Fprintf(w, "compared run %d (%s, %s) with run %d (%s, %s)\n",
		d.From.ID, report.Clean(d.From.Site, report.MaxCell), d.From.Time.Format("2006-01-02 15:04"),
		d.To.ID, report.Clean(d.To.Site, report.MaxCell), d.To.Time.Format("2006-01-02 15:04"))
	if d.Empty() {
		fmt.Fprintln(w, "no changes")
		return
	}
	section(w, "new devices", d.New, func(r store.DeviceRecord) string { return deviceLine(r) })
	section(w, "gone devices", d.Gone, func(r store.DeviceRecord) string { return deviceLine(r) })
	if len(d.Changed) > 0 {
		fmt.Fprintf(w, "changed devices (%d):\n", len(d.Changed))
		for _, c := range d.Changed {
			var parts []string
			for _, f := range c.Fields {
				parts = append(parts, fmt.Sprintf("%s %s -> %s", f.Field, orDash(f.From), orDash(f.To)))
			}
			fmt.Fprintf(w, "  ~ %s: %s\n", deviceLine(c.After), report.Clean(strings.Join(parts, "; "), 0))
		}
	}
	section(w, "new findings", d.NewFindings, func(r store.DeviceRecord) string { return r.Severity + " " + deviceLine(r) })
	section(w, "escalated findings", d.Escalated, func(r store.DeviceRecord) string {
		return r.PreviousSeverity + " -> " + r.Severity + " " + deviceLine(r)
	})
	section(w, "resolved findings", d.Resolved, func(r store.DeviceRecord) string { return r.Severity + " " + deviceLine(r) })
}

func section(w io.Writer, title string, recs []store.DeviceRecord, line func(store.DeviceRecord) string) {
	if len(recs) == 0 {
		return
	}
	fmt.Fprintf(w, "%s (%d):\n", title, len(recs))
	for _, r := range recs {
		fmt.Fprintf(w, "  %s\n", line(r))
	}
}

// deviceLine names a device in one cleaned line: vendor model, addresses,
// MAC, site/zone and when it was seen.
func deviceLine(r store.DeviceRecord) string {
	name := strings.TrimSpace(r.Vendor + " " + r.Model)
	if name == "" {
		name = "unidentified " + r.Kind
	}
	parts := []string{report.Clean(name, report.MaxCell)}
	if r.IPs != "" {
		parts = append(parts, report.Clean(r.IPs, report.MaxCell))
	}
	if r.MAC != "" {
		parts = append(parts, r.MAC)
	} else {
		parts = append(parts, report.Clean(r.Identity, report.MaxCell))
	}
	switch {
	case r.Site != "" && r.Zone != "":
		parts = append(parts, "zone "+report.Clean(r.Site+"/"+r.Zone, report.MaxCell))
	case r.Zone != "":
		parts = append(parts, "zone "+report.Clean(r.Zone, report.MaxCell))
	}
	if seen := report.SeenSpan(r.FirstSeen, r.LastSeen); seen != "" {
		parts = append(parts, "seen "+seen)
	}
	return strings.Join(parts, "  ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

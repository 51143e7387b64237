package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/report"
)

// The HTML renderer joins the formats every report-producing command offers.
func init() { formats["html"] = report.WriteHTML }

type reportOptions struct {
	store  storeOptions
	format string
	out    string
	site   string
}

func newReportCmd() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report RUN|latest",
		Short: "Render a stored audit run as a table, html, json, jsonl or csv",
		Example: `  camsweep report 42 --format html -o report.html
  camsweep report latest --site hq --format csv -o hq.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd, args[0], &o) },
	}
	o.store.register(cmd)
	cmd.Flags().StringVar(&o.format, "format", "", "output format: "+formatNames()+" (default: from the -o file's extension, else table)")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "write to FILE instead of standard output (its directory must exist)")
	cmd.Flags().StringVar(&o.site, "site", "", "with RUN=latest: the latest run of this site")
	return cmd
}

func runReport(cmd *cobra.Command, which string, o *reportOptions) error {
	out, err := settleTarget(o.format, cmd.Flags().Changed("format"), o.out, "--format", "-o", formatList())
	if err != nil {
		return err
	}
	var id int64
	if which != "latest" {
		var err error
		if id, err = parseRunID(which); err != nil {
			return err
		}
	}
	s, _, err := o.store.open(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer s.Close()
	if id == 0 {
		runs, err := s.History(cmd.Context(), o.site, 1)
		if err != nil {
			return &exitErr{code: exitError, err: err}
		}
		if len(runs) == 0 {
			return usageError("no runs stored for site %q", o.site)
		}
		id = runs[0].ID
	}
	res, err := s.Result(cmd.Context(), id)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	render := formats[out.format]
	if out.format == "html" {
		actx, err := storedAuditContext(cmd.Context(), s, id)
		if err != nil {
			return &exitErr{code: exitError, err: err}
		}
		render = auditHTML(actx)
	}
	if err := out.write(cmd.OutOrStdout(), func(w io.Writer) error { return render(w, res) }); err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return nil
}

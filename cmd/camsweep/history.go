package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/camsweep/camsweep/audit"
	"github.com/camsweep/camsweep/report"
	"github.com/camsweep/camsweep/store"
)

// storeOptions locate the audit store for audit, history, diff and report.
type storeOptions struct {
	location string
	config   string // a site.yaml whose audit.store names the store
}

func (o *storeOptions) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.location, "store", "", "audit store: an SQLite file or postgres://user@host/db (default: $CAMSWEEP_STORE, the config's audit.store, or "+defaultStoreHint+")")
	cmd.Flags().StringVar(&o.config, "config", "", "site configuration whose audit.store names the store")
}

const defaultStoreHint = "$XDG_STATE_HOME/camsweep/audit.db"

// resolve picks the store: --store, then $CAMSWEEP_STORE, then the config's
// audit.store, then the per-user default.
func (o *storeOptions) resolve() (string, error) {
	if o.location != "" {
		return o.location, nil
	}
	if env := os.Getenv("CAMSWEEP_STORE"); env != "" {
		return env, nil
	}
	if o.config != "" {
		cfg, err := audit.Load(o.config)
		if err != nil {
			return "", err
		}
		if cfg.Store != "" {
			return cfg.Store, nil
		}
	}
	return defaultStore()
}

// defaultStore is $XDG_STATE_HOME/camsweep/audit.db (~/.local/state/... when unset).
func defaultStore() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no --store given and no home directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "camsweep", "audit.db"), nil
}

// open opens the store; an SQLite file's directory is created on first use.
func (o *storeOptions) open(ctx context.Context, create bool) (store.Store, string, error) {
	loc, err := o.resolve()
	if err != nil {
		return nil, "", &exitErr{code: exitError, err: err}
	}
	if !store.IsPostgres(loc) {
		if create {
			if err := os.MkdirAll(filepath.Dir(loc), 0o750); err != nil {
				return nil, loc, &exitErr{code: exitError, err: err}
			}
		} else if _, err := os.Stat(loc); err != nil {
			return nil, loc, &exitErr{code: exitError, err: fmt.Errorf("no audit store at %s (run `camsweep audit` first, or pass --store)", loc)}
		}
	}
	s, err := store.Open(ctx, loc)
	if err != nil {
		return nil, loc, &exitErr{code: exitError, err: fmt.Errorf("audit store %s: %w", redactURL(loc), err)}
	}
	return s, loc, nil
}

type historyOptions struct {
	store  storeOptions
	site   string
	limit  int
	format string
	out    string
}

func newHistoryCmd() *cobra.Command {
	var o historyOptions
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List stored audit runs with their counts, newest first",
		Example: `  camsweep history --site hq
  camsweep history --store postgres://camsweep@db/camsweep --limit 30 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runHistory(cmd, &o) },
	}
	o.store.register(cmd)
	cmd.Flags().StringVar(&o.site, "site", "", "only runs of this site (default: every site)")
	cmd.Flags().IntVar(&o.limit, "limit", 50, "show at most N runs (0: all)")
	registerTableJSON(cmd, &o.format, &o.out)
	return cmd
}

// tableJSON are the formats of history and diff.
var tableJSON = []string{"table", "json"}

// registerTableJSON adds --format and -o to history and diff.
func registerTableJSON(cmd *cobra.Command, format, out *string) {
	cmd.Flags().StringVar(format, "format", "", "table or json (default: from the -o file's extension, else table)")
	cmd.Flags().StringVarP(out, "output", "o", "", "write to FILE instead of standard output (its directory must exist)")
}

// historySchema versions the JSON history prints (docs/schema/history.v1.json).
const historySchema = "camsweep.history/v1"

// historyJSON is what `history --format json` prints.
type historyJSON struct {
	Schema string             `json:"schema"`
	Runs   []store.RunSummary `json:"runs"`
}

func runHistory(cmd *cobra.Command, o *historyOptions) error {
	out, err := settleTarget(o.format, cmd.Flags().Changed("format"), o.out, "--format", "-o", tableJSON)
	if err != nil {
		return err
	}
	s, _, err := o.store.open(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer s.Close()
	runs, err := s.History(cmd.Context(), o.site, o.limit)
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	if runs == nil {
		runs = []store.RunSummary{}
	}
	err = out.write(cmd.OutOrStdout(), func(w io.Writer) error {
		if out.format == "json" {
			return writeJSON(w, historyJSON{Schema: historySchema, Runs: runs})
		}
		writeHistoryTable(w, runs)
		return nil
	})
	if err != nil {
		return &exitErr{code: exitError, err: err}
	}
	return nil
}

func writeHistoryTable(w io.Writer, runs []store.RunSummary) {
	if len(runs) == 0 {
		fmt.Fprintln(w, "no runs stored")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSITE\tTIME (UTC)\tDEVICES\tRESTRICTED\tCRITICAL\tHIGH\tMEDIUM\tREVIEW\tEXCEPTED\tNOTE")
	for _, r := range runs {
		note := ""
		if r.Partial {
			note = "partial input"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.ID, report.Clean(r.Site, report.MaxCell),
			r.Time.Format("2006-01-02 15:04"), r.Devices, r.Restricted, r.Critical, r.High, r.Medium, r.Review, r.Suppressed, note)
	}
	tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseRunID reads a run number as history prints it.
func parseRunID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError("run %q is not a run number (see `camsweep history`)", s)
	}
	return id, nil
}

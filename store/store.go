package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver (pure Go)

	"github.com/camsweep/camsweep/report"
)

// Store is the audit history. SQLite and PostgreSQL implement it with the
// same SQL and pass the same tests.
type Store interface {
	// Save writes one run, all or nothing, and returns its summary with the new ID.
	Save(ctx context.Context, run Run) (RunSummary, error)
	// History lists runs newest first; site "" means every site; limit <= 0 means all.
	History(ctx context.Context, site string, limit int) ([]RunSummary, error)
	// Summary returns one run's counts.
	Summary(ctx context.Context, id int64) (RunSummary, error)
	// Previous returns the latest complete run of the site stored before run
	// id: a partial run (truncated capture, interrupted sweep) would make
	// devices it missed look gone and then new again.
	Previous(ctx context.Context, site string, id int64) (RunSummary, bool, error)
	// Result returns the full stored result of a run, for reports.
	Result(ctx context.Context, id int64) (*report.Result, error)
	// Devices returns the device records of a run, sorted by identity.
	Devices(ctx context.Context, id int64) ([]DeviceRecord, error)
	// Diff compares two runs.
	Diff(ctx context.Context, from, to int64) (*Diff, error)
	// SchemaVersion is the migration level of the store.
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}

// midWriteHook, set only by tests, runs inside Save's transaction after the
// run row is written and before its devices: the kill test stops the process there.
var midWriteHook func()

// ErrNotFound is returned for a run ID the store does not hold.
var ErrNotFound = errors.New("no such run")

// MaxResultSize bounds a stored result when it is read back (decompressed).
const MaxResultSize = 1 << 30

// IsPostgres reports whether a --store value names a PostgreSQL database.
func IsPostgres(location string) bool {
	return strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://")
}

// Open opens (creating and migrating if needed) the store at location: a
// postgres:// URL, or else the path of an SQLite file.
func Open(ctx context.Context, location string) (Store, error) {
	var s *sqlStore
	var err error
	if IsPostgres(location) {
		s, err = openPostgres(location)
	} else {
		s, err = openSQLite(ctx, location)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// sqlStore is the one implementation; the dialect holds what differs.
type sqlStore struct {
	db *sql.DB
	d  dialect
}

func openSQLite(ctx context.Context, path string) (*sqlStore, error) {
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: SQLite path %q may not contain '?' or '#'", path)
	}
	// The inventory of a site's cameras is sensitive: a new store is not
	// world-readable (SQLite would create it with the umask's default).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640); err == nil {
		f.Close()
	}
	// The busy timeout makes concurrent audits wait for each other instead
	// of failing; _txlock=immediate takes the write lock at BEGIN so two
	// writers never deadlock upgrading a read lock.
	dsn := "file:" + path + "?_pragma=busy_timeout(60000)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if err := enableWAL(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return &sqlStore{db: db, d: sqliteDialect}, nil
}

// walWait bounds how long Open waits to switch a new store to WAL, as the
// busy timeout bounds every other wait.
const walWait = 60 * time.Second

// enableWAL puts the store in WAL mode (readers work during a write), once:
// the mode stays with the file. Switching needs the file to itself, and
// SQLite answers "database is locked" at once, without its busy wait, while
// another audit opening the same new store holds it: so it is retried.
func enableWAL(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, walWait)
	defer cancel()
	for {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		if err == nil || !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isBusy reports SQLite's SQLITE_BUSY ("database is locked").
func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

func openPostgres(url string) (*sqlStore, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	return &sqlStore{db: db, d: postgresDialect}, nil
}

func (s *sqlStore) Close() error { return s.db.Close() }

// q rewrites a query written with ? placeholders for the dialect.
func (s *sqlStore) q(query string) string { return s.d.rebind(query) }

func (s *sqlStore) Save(ctx context.Context, run Run) (RunSummary, error) {
	if run.Result == nil {
		return RunSummary{}, errors.New("store: run without a result")
	}
	blob, err := compressResult(run.Result)
	if err != nil {
		return RunSummary{}, err
	}
	sum := summarize(run.Site, run.Result)
	recs := recordsOf(run.Result)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return RunSummary{}, err
	}
	defer tx.Rollback() // no-op after Commit
	if sum.ID, err = s.insertRun(ctx, tx, sum, blob); err != nil {
		return RunSummary{}, err
	}
	if midWriteHook != nil {
		midWriteHook()
	}
	if err := s.insertDevices(ctx, tx, sum.ID, recs); err != nil {
		return RunSummary{}, err
	}
	if err := tx.Commit(); err != nil {
		return RunSummary{}, err
	}
	return sum, nil
}

func (s *sqlStore) insertRun(ctx context.Context, tx *sql.Tx, r RunSummary, blob []byte) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO runs
		(site, run_at, command, devices, restricted, findings, critical, high, medium, review, suppressed, partial, result)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Site, r.Time.UnixNano(), r.Command, r.Devices, r.Restricted, r.Findings,
		r.Critical, r.High, r.Medium, r.Review, r.Suppressed, boolInt(r.Partial), blob).Scan(&id)
	return id, err
}

// deviceColumns is the order of run_devices columns in inserts and selects.
const deviceColumns = "identity, mac, ips, vendor, brand, model, firmware, serial, kind, zone, restricted, severity, site, first_seen, last_seen"

// batchRows keeps one insert under every engine's parameter limit.
const batchRows = 250

func (s *sqlStore) insertDevices(ctx context.Context, tx *sql.Tx, runID int64, recs []DeviceRecord) error {
	for start := 0; start < len(recs); start += batchRows {
		batch := recs[start:min(start+batchRows, len(recs))]
		var b strings.Builder
		b.WriteString("INSERT INTO run_devices (run_id, " + deviceColumns + ") VALUES ")
		args := make([]any, 0, len(batch)*16)
		for i, r := range batch {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, runID, r.Identity, r.MAC, r.IPs, r.Vendor, r.Brand, r.Model,
				r.Firmware, r.Serial, r.Kind, r.Zone, boolInt(r.Restricted), r.Severity,
				r.Site, unixNano(r.FirstSeen), unixNano(r.LastSeen))
		}
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return fmt.Errorf("store: writing devices: %w", err)
		}
	}
	return nil
}

// unixNano stores a time; the zero time (unknown) is 0.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func timeOf(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const summaryColumns = "id, site, run_at, command, devices, restricted, findings, critical, high, medium, review, suppressed, partial"

type scanner interface{ Scan(...any) error }

func scanSummary(row scanner) (RunSummary, error) {
	var r RunSummary
	var at int64
	var partial int
	err := row.Scan(&r.ID, &r.Site, &at, &r.Command, &r.Devices, &r.Restricted, &r.Findings,
		&r.Critical, &r.High, &r.Medium, &r.Review, &r.Suppressed, &partial)
	r.Time = time.Unix(0, at).UTC()
	r.Partial = partial != 0
	return r, err
}

func (s *sqlStore) History(ctx context.Context, site string, limit int) ([]RunSummary, error) {
	query := "SELECT " + summaryColumns + " FROM runs"
	var args []any
	if site != "" {
		query += " WHERE site = ?"
		args = append(args, site)
	}
	query += " ORDER BY id DESC"
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunSummary
	for rows.Next() {
		r, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqlStore) Summary(ctx context.Context, id int64) (RunSummary, error) {
	r, err := scanSummary(s.db.QueryRowContext(ctx, s.q("SELECT "+summaryColumns+" FROM runs WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	return r, err
}

func (s *sqlStore) Previous(ctx context.Context, site string, id int64) (RunSummary, bool, error) {
	r, err := scanSummary(s.db.QueryRowContext(ctx,
		s.q("SELECT "+summaryColumns+" FROM runs WHERE site = ? AND id < ? AND partial = 0 ORDER BY id DESC LIMIT 1"), site, id))
	if errors.Is(err, sql.ErrNoRows) {
		return RunSummary{}, false, nil
	}
	return r, err == nil, err
}

func (s *sqlStore) Result(ctx context.Context, id int64) (*report.Result, error) {
	var blob []byte
	err := s.db.QueryRowContext(ctx, s.q("SELECT result FROM runs WHERE id = ?"), id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return decompressResult(blob)
}

func (s *sqlStore) Devices(ctx context.Context, id int64) ([]DeviceRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+deviceColumns+" FROM run_devices WHERE run_id = ? ORDER BY identity"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeviceRecord
	for rows.Next() {
		var r DeviceRecord
		var restricted int
		var first, last int64
		if err := rows.Scan(&r.Identity, &r.MAC, &r.IPs, &r.Vendor, &r.Brand, &r.Model, &r.Firmware,
			&r.Serial, &r.Kind, &r.Zone, &restricted, &r.Severity, &r.Site, &first, &last); err != nil {
			return nil, err
		}
		r.Restricted = restricted != 0
		r.FirstSeen, r.LastSeen = timeOf(first), timeOf(last)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqlStore) Diff(ctx context.Context, from, to int64) (*Diff, error) {
	fromRun, err := s.Summary(ctx, from)
	if err != nil {
		return nil, err
	}
	toRun, err := s.Summary(ctx, to)
	if err != nil {
		return nil, err
	}
	a, err := s.Devices(ctx, from)
	if err != nil {
		return nil, err
	}
	b, err := s.Devices(ctx, to)
	if err != nil {
		return nil, err
	}
	d := Compare(a, b)
	d.From, d.To = fromRun, toRun
	return d, nil
}

func compressResult(r *report.Result) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decompressResult(blob []byte) (*report.Result, error) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("store: stored result: %w", err)
	}
	var r report.Result
	dec := json.NewDecoder(io.LimitReader(zr, MaxResultSize))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("store: stored result: %w", err)
	}
	return &r, nil
}

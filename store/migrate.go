package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect is what differs between SQLite and PostgreSQL; everything else is
// the same SQL.
type dialect struct {
	name string
	// types substituted into migrations
	idColumn, blobType string
	// lock serialises migrations between processes inside the transaction.
	lock string
	// placeholders: false writes ?, true writes $1, $2, ...
	numbered bool
}

var sqliteDialect = dialect{
	name:     "sqlite",
	idColumn: "INTEGER PRIMARY KEY AUTOINCREMENT",
	blobType: "BLOB",
	lock:     "", // _txlock=immediate already holds the write lock from BEGIN
}

var postgresDialect = dialect{
	name:     "postgres",
	idColumn: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
	blobType: "BYTEA",
	lock:     "SELECT pg_advisory_xact_lock(7242024411)", // any constant unique to camsweep
	numbered: true,
}

func (d dialect) rebind(q string) string {
	if !d.numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// migrations are applied in order, each once; never edit a released one,
// append a new one. {{id}} and {{blob}} are replaced per dialect.
var migrations = []string{
	// 1: runs and the devices of each run.
	`CREATE TABLE runs (
		id {{id}},
		site TEXT NOT NULL,
		run_at BIGINT NOT NULL,
		command TEXT NOT NULL,
		devices INTEGER NOT NULL,
		restricted INTEGER NOT NULL,
		findings INTEGER NOT NULL,
		critical INTEGER NOT NULL,
		high INTEGER NOT NULL,
		medium INTEGER NOT NULL,
		review INTEGER NOT NULL,
		suppressed INTEGER NOT NULL,
		result {{blob}} NOT NULL
	);
	CREATE INDEX runs_site_id ON runs (site, id);
	CREATE TABLE run_devices (
		run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		identity TEXT NOT NULL,
		mac TEXT NOT NULL,
		ips TEXT NOT NULL,
		vendor TEXT NOT NULL,
		brand TEXT NOT NULL,
		model TEXT NOT NULL,
		firmware TEXT NOT NULL,
		serial TEXT NOT NULL,
		kind TEXT NOT NULL,
		zone TEXT NOT NULL,
		restricted INTEGER NOT NULL,
		severity TEXT NOT NULL,
		PRIMARY KEY (run_id, identity)
	)`,
	// 2: partial runs are marked, so they are not taken as a comparison baseline.
	`ALTER TABLE runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0`,
	// 3: every finding names its site and when its device was first and last
	// seen (unix nanoseconds, 0: unknown), in the diff as in the report.
	`ALTER TABLE run_devices ADD COLUMN site TEXT NOT NULL DEFAULT '';
	ALTER TABLE run_devices ADD COLUMN first_seen BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE run_devices ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0`,
}

// LatestSchema is the schema version this build writes.
var LatestSchema = len(migrations)

func (s *sqlStore) migrate(ctx context.Context) error { return s.migrateTo(ctx, LatestSchema) }

// migrateTo applies the migrations up to version target (tests stop early to
// build an old store and upgrade it).
func (s *sqlStore) migrateTo(ctx context.Context, target int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	if s.d.lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	have, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if have > LatestSchema {
		return fmt.Errorf("store: schema version %d is newer than this camsweep understands (%d): upgrade camsweep", have, LatestSchema)
	}
	for v := have + 1; v <= target; v++ {
		if err := s.applyMigration(ctx, tx, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *sqlStore) applyMigration(ctx context.Context, tx *sql.Tx, v int) error {
	ddl := strings.NewReplacer("{{id}}", s.d.idColumn, "{{blob}}", s.d.blobType).Replace(migrations[v-1])
	for _, stmt := range strings.Split(ddl, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
	}
	_, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), v, time.Now().Unix())
	return err
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, q queryer) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: reading schema version: %w", err)
	}
	return int(v.Int64), nil
}

func (s *sqlStore) SchemaVersion(ctx context.Context) (int, error) { return schemaVersion(ctx, s.db) }

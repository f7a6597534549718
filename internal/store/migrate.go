package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one schema version: migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", n)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := range out {
		if out[i].version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: versions must run 1, 2, 3... without gaps", out[i].version, out[i].name)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this build of the store writes.
func SchemaVersion() int {
	ms, err := migrations(migrationFS)
	if err != nil {
		panic(err) // the embedded files are fixed at build time; a test runs this
	}
	return len(ms)
}

// migrate brings db's schema to the newest version, all pending
// migrations in one transaction. A schema newer than this build knows is
// refused: an older binary must not write a database it does not
// understand.
func migrate(ctx context.Context, db *sql.DB, d dialect, fsys fs.FS, now time.Time) error {
	ms, err := migrations(fsys)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.writeLock != "" {
		if _, err := tx.ExecContext(ctx, d.writeLock); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name    TEXT   NOT NULL,
    applied BIGINT NOT NULL
)`); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if have > len(ms) {
		return fmt.Errorf("%w: the database has schema version %d, this guardrail knows up to %d; use a newer guardrail", ErrSchemaTooNew, have, len(ms))
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, d.ddl.Replace(m.sql)); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
		}
		if m.version == textIndexVersion {
			if d.textIndex != nil {
				if err := d.textIndex(ctx, tx); err != nil {
					return fmt.Errorf("migration %04d_%s: text index: %w", m.version, m.name, err)
				}
			}
			if err := backfillTrend(ctx, tx, d); err != nil {
				return fmt.Errorf("migration %04d_%s: score trend: %w", m.version, m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, d.q(`INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`),
			m.version, m.name, now.UnixNano()); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return tx.Commit()
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// sqlStore is the Store over database/sql, for both backends.
type sqlStore struct {
	// name is the database for messages: the SQLite path, or the
	// PostgreSQL URL without its password.
	name string
	// secret is the DSN's password, scrubbed from every error.
	secret string
	d      dialect
	// w writes; r reads. For SQLite, w is one connection and r a pool
	// of read-only ones; for PostgreSQL both are the same pool.
	w, r  *sql.DB
	now   func() time.Time
	owner string

	routerMu sync.Mutex
	router   Router

	// journal commits the journal's step writes together
	// (journal_commit.go).
	journal journalCommitter
}

func (s *sqlStore) errorf(format string, args ...any) error {
	err := fmt.Errorf("store %s: "+format, append([]any{s.name}, args...)...)
	if s.secret != "" {
		return &scrubbed{err: err, secret: s.secret}
	}
	return err
}

// Close closes the database.
func (s *sqlStore) Close() error {
	s.closeJournal()
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// beginWrite starts a write transaction, serialized with every other
// writer of the database.
func (s *sqlStore) beginWrite(ctx context.Context) (*sql.Tx, error) {
	return s.beginWriteOn(ctx, s.w)
}

// beginWriteOn starts a write transaction on db, a pool or one of its
// connections.
func (s *sqlStore) beginWriteOn(ctx context.Context, db interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if s.d.writeLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.writeLock); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return tx, nil
}

func (s *sqlStore) beginRead(ctx context.Context) (*sql.Tx, error) {
	return s.r.BeginTx(ctx, &s.d.readTx)
}

// markInterrupted marks RUNNING scans whose process is gone INTERRUPTED.
func (s *sqlStore) markInterrupted(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, s.d.q(`SELECT id, owner FROM scans WHERE status = ?`), Running)
	if err != nil {
		return err
	}
	var dead []string
	for rows.Next() {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			rows.Close()
			return err
		}
		if !ownerAlive(owner) {
			dead = append(dead, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range dead {
		if _, err := s.w.ExecContext(ctx, s.d.q(`UPDATE scans SET status = ? WHERE id = ? AND status = ?`), Interrupted, id, Running); err != nil {
			return fmt.Errorf("scan %s: mark interrupted: %w", id, err)
		}
	}
	return nil
}

// StartScan records that a scan began.
func (s *sqlStore) StartScan(ctx context.Context, sc Scan) error {
	if sc.ID == "" {
		return s.errorf("start scan: no scan ID")
	}
	if sc.Started.IsZero() {
		sc.Started = s.now()
	}
	switch sc.Kind {
	case "":
		sc.Kind = KindScan
	case KindScan, KindWatch:
	default:
		return s.errorf("start scan %s: kind %q: want %s or %s", sc.ID, sc.Kind, KindScan, KindWatch)
	}
	scope, err := json.Marshal(sc.Scope)
	if err != nil {
		return s.errorf("start scan %s: %w", sc.ID, err)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return s.errorf("start scan %s: %w", sc.ID, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM scans WHERE id = ?`), sc.ID).Scan(&n); err != nil {
		return s.errorf("start scan %s: %w", sc.ID, err)
	}
	if n > 0 {
		return s.errorf("start scan %s: a scan with this ID is already recorded", sc.ID)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO scans (id, started, status, actor, owner, scope, kind) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		sc.ID, sc.Started.UnixNano(), Running, sc.By, s.owner, string(scope), sc.Kind); err != nil {
		return s.errorf("start scan %s: %w", sc.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return s.errorf("start scan %s: %w", sc.ID, err)
	}
	return nil
}

const scanColumns = `seq, id, started, finished, status, actor, owner, scope, stats, passed, failed, not_applicable, errors, scores, gaps, not_assessed, changes, accounts, kind, parts,
  (SELECT COUNT(*) FROM scan_parts sp WHERE sp.scan = scans.id AND sp.reported <> 0)`

type rowScanner interface{ Scan(dest ...any) error }

// scanScan reads one scans row. A RUNNING scan whose process is gone
// reads as INTERRUPTED even before a writer marks it so.
func scanScan(row rowScanner) (Scan, int64, error) {
	var (
		sc                                                  Scan
		seq, started, finished                              int64
		owner, scope, stats, scores, gaps, notAssessed, chg string
		accounts                                            string
	)
	if err := row.Scan(&seq, &sc.ID, &started, &finished, &sc.Status, &sc.By, &owner, &scope, &stats,
		&sc.Counts.Passed, &sc.Counts.Failed, &sc.Counts.NotApplicable, &sc.Counts.Error,
		&scores, &gaps, &notAssessed, &chg, &accounts, &sc.Kind, &sc.Parts, &sc.Reported); err != nil {
		return Scan{}, 0, err
	}
	sc.Started = fromNanos(started)
	sc.Finished = fromNanos(finished)
	if sc.Status == Running && !ownerAlive(owner) {
		sc.Status = Interrupted
	}
	for _, f := range []struct {
		name string
		text string
		v    any
	}{{"scope", scope, &sc.Scope}, {"stats", stats, &sc.Stats}, {"scores", scores, &sc.Scores},
		{"gaps", gaps, &sc.Gaps}, {"not_assessed", notAssessed, &sc.NotAssessed}, {"changes", chg, &sc.Changes}, {"accounts", accounts, &sc.Accounts}} {
		if err := unmarshal(f.text, f.v); err != nil {
			return Scan{}, 0, fmt.Errorf("scan %s: %s: %w", sc.ID, f.name, err)
		}
	}
	return sc, seq, nil
}

// Scans lists the scans of the organization (KindScan), newest first;
// limit <= 0 lists all.
func (s *sqlStore) Scans(ctx context.Context, limit int) ([]Scan, error) {
	return s.scansOf(ctx, KindScan, limit)
}

// scansOf lists the scans of kind, newest first.
func (s *sqlStore) scansOf(ctx context.Context, kind string, limit int) ([]Scan, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT `+scanColumns+` FROM scans WHERE kind = ? ORDER BY seq DESC LIMIT ?`), kind, limitArg(limit))
	if err != nil {
		return nil, s.errorf("scans: %w", err)
	}
	defer rows.Close()
	var out []Scan
	for rows.Next() {
		sc, _, err := scanScan(rows)
		if err != nil {
			return nil, s.errorf("scans: %w", err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("scans: %w", err)
	}
	return out, nil
}

// Scan returns one scan.
func (s *sqlStore) Scan(ctx context.Context, id string) (Scan, error) {
	sc, _, err := scanScan(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+scanColumns+` FROM scans WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Scan{}, s.errorf("scan %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Scan{}, s.errorf("scan %s: %w", id, err)
	}
	return sc, nil
}

// scanSeq returns the row number of scan id.
func scanSeq(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, d dialect, id string) (seq int64, status string, err error) {
	err = q.QueryRowContext(ctx, d.q(`SELECT seq, status FROM scans WHERE id = ?`), id).Scan(&seq, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("scan %s: %w", id, ErrNotFound)
	}
	return seq, status, err
}

// limitArg turns "no limit" (<= 0) into a LIMIT both databases take.
func limitArg(n int) int64 {
	if n <= 0 {
		return 1<<63 - 1
	}
	return int64(n)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// marshal encodes v for a JSON column: "" for nothing.
func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	switch string(b) {
	case "null", "{}", "[]":
		return "", nil
	}
	return string(b), nil
}

func unmarshal(text string, v any) error {
	if text == "" {
		return nil
	}
	return json.Unmarshal([]byte(text), v)
}

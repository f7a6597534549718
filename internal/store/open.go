package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The two database/sql drivers: "pgx" and "sqlite".
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// ErrSchemaTooNew says the database was written by a newer guardrail.
var ErrSchemaTooNew = errors.New("database schema is newer than this guardrail")

// busyTimeout is how long a SQLite write waits for another process's
// write (a scan being stored takes seconds) before it fails.
const busyTimeout = 60 * time.Second

// DefaultPath is where the SQLite database lives unless --db says
// otherwise: $XDG_DATA_HOME/guardrail/guardrail.db, or
// ~/.local/share/guardrail/guardrail.db. It creates the directory.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the XDG spec: relative paths are invalid
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("store: default database path: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	dir = filepath.Join(dir, "guardrail")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("store: default database path: %w", err)
	}
	return filepath.Join(dir, "guardrail.db"), nil
}

// IsPostgres reports whether dsn names a PostgreSQL database
// (postgres:// or postgresql://); anything else is a SQLite file path.
func IsPostgres(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Redact returns dsn fit to print: a PostgreSQL URL without its password
// (in the user info or as a password parameter); a path as it is.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable DSN)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens the store dsn names, creating it (SQLite) or its tables
// when needed, and brings its schema up to date. A postgres:// or
// postgresql:// URL opens PostgreSQL; anything else is the path of a
// SQLite file. Scans left RUNNING by a process that is gone are marked
// INTERRUPTED. The store's clock is the wall clock; OpenWith takes
// another.
func Open(ctx context.Context, dsn string) (Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options are how a store is opened, beyond its DSN.
type Options struct {
	// Now is the store's clock (time.Now when nil): when a suppression
	// or a journal entry is made, whether a suppression's expiry is in
	// the future, when a scan given no start time started. Give it the
	// clock the scans it stores ran on (see package clock).
	Now func() time.Time
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, o Options) (Store, error) {
	if dsn == "" {
		return nil, errors.New("store: no database given")
	}
	var (
		s   *sqlStore
		err error
	)
	if IsPostgres(dsn) {
		s, err = openPostgres(ctx, dsn)
	} else {
		s, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	if o.Now != nil {
		s.now = o.Now
	}
	if err := migrate(ctx, s.w, s.d, migrationFS, s.now()); err != nil {
		s.Close()
		return nil, s.errorf("open: %w", err)
	}
	if err := s.markInterrupted(ctx); err != nil {
		s.Close()
		return nil, s.errorf("open: %w", err)
	}
	return s, nil
}

func openPostgres(ctx context.Context, dsn string) (*sqlStore, error) {
	s := &sqlStore{name: Redact(dsn), d: postgresDialect, now: time.Now, owner: selfOwner()}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, s.errorf("open: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.errorf("open: %w", err)
	}
	s.w, s.r = db, db
	return s, nil
}

// openSQLite opens two pools on the file: one connection that writes
// (writes are serialized; BEGIN IMMEDIATE takes the write lock up front,
// so two writers never deadlock upgrading a read lock) and a few
// read-only connections that read, in WAL mode, while a write is under
// way.
func openSQLite(ctx context.Context, path string) (*sqlStore, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	s := &sqlStore{name: path, d: sqliteDialect, now: time.Now, owner: selfOwner()}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil {
		return nil, s.errorf("open: directory: %w", err)
	} else if !fi.IsDir() {
		return nil, s.errorf("open: %s is not a directory", filepath.Dir(abs))
	}
	if err := checkSQLiteFile(abs); err != nil {
		return nil, s.errorf("open: %w", err)
	}
	uri := "file:" + (&url.URL{Path: abs}).EscapedPath()
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", busyTimeout.Milliseconds())
	w, err := sql.Open("sqlite", uri+"?"+common+"&_pragma=cache_size(-65536)&_pragma=journal_size_limit(67108864)&_txlock=immediate")
	if err != nil {
		return nil, s.errorf("open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, s.errorf("open: %w", err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		w.Close()
		return nil, s.errorf("open: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, s.errorf("open: journal mode is %s, want WAL (is the file on a network file system?)", mode)
	}
	r, err := sql.Open("sqlite", uri+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, s.errorf("open: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s.w, s.r = w, r
	return s, nil
}

// checkSQLiteFile refuses a file that exists, is not empty and is not a
// SQLite database: SQLite would take a file shorter than its header for
// an empty database and write over it.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	if n == 0 || string(head[:n]) == "SQLite format 3\x00" {
		return nil
	}
	return errors.New("file is not a database")
}

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
	"regexp"
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
// (postgres:// or postgresql://).
func IsPostgres(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// The forms of a DSN. A store is one of two things: a SQLite file, named
// by its path (absolute or relative, no scheme), or a PostgreSQL
// database, named by a postgres:// or postgresql:// URL. Anything else is
// refused rather than guessed at: a libpq keyword string ("host=db
// password=...") or a mysql:// URL taken for a file path would create a
// SQLite file whose name holds the password. sqlite:// and file: URLs
// are refused too, with the path to give instead: the store builds its
// own SQLite URI (with its pragmas) from the path.
var (
	schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
	// libpqRE matches a libpq keyword/value pair.
	libpqRE = regexp.MustCompile(`(?i)(^|\s)(host|hostaddr|port|dbname|user|password|passfile|sslmode|sslcert|sslkey|sslrootcert|service|connect_timeout|application_name|options|target_session_attrs)\s*=`)
	// passwordRE matches a password parameter's value, quoted or not.
	passwordRE = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&]*)`)
	// userinfoRE matches the password of a URL's user info.
	userinfoRE = regexp.MustCompile(`(://[^/@:]*:)[^@]*@`)
)

// DSNError says a DSN is not a form Open takes. Its message holds the DSN
// without its password.
type DSNError struct {
	DSN string // redacted
	Why string
}

func (e *DSNError) Error() string {
	if e.DSN == "" {
		return "store: " + e.Why
	}
	return fmt.Sprintf("store %q: %s", e.DSN, e.Why)
}

// CheckDSN returns a *DSNError unless dsn is a SQLite file path or a
// postgres:// or postgresql:// URL.
func CheckDSN(dsn string) error {
	const want = "give a SQLite file path (like ./guardrail.db) or a postgres://user@host/db URL"
	if strings.TrimSpace(dsn) == "" {
		return &DSNError{Why: "no database given: " + want}
	}
	if IsPostgres(dsn) {
		if _, err := url.Parse(dsn); err != nil {
			return &DSNError{DSN: Redact(dsn), Why: "not a valid URL (a character in the password may need %-encoding)"}
		}
		return nil
	}
	if m := schemeRE.FindStringSubmatch(dsn); m != nil && filepath.VolumeName(dsn) == "" {
		switch scheme := strings.ToLower(m[1]); scheme {
		case "sqlite", "sqlite3", "file":
			return &DSNError{DSN: Redact(dsn), Why: scheme + ": URLs are not taken: give the SQLite file's path itself (like ./guardrail.db)"}
		default:
			why := fmt.Sprintf("scheme %q is not supported: %s", scheme, want)
			if !strings.HasPrefix(dsn[len(m[0]):], "//") {
				why += " (for a file whose name has a colon, ./" + Redact(dsn) + ")"
			}
			return &DSNError{DSN: Redact(dsn), Why: why}
		}
	}
	if libpqRE.MatchString(dsn) {
		return &DSNError{DSN: Redact(dsn), Why: "a libpq keyword/value string is not supported: give a postgres://user@host:5432/db?sslmode=require URL " +
			"(with the password in PGPASSWORD or ~/.pgpass rather than on the command line)"}
	}
	return nil
}

// Redact returns dsn fit to print: without the password of a URL (in its
// user info or a password parameter) or of a libpq keyword string; a
// path as it is.
func Redact(dsn string) string {
	if strings.Contains(dsn, "://") {
		if u, err := url.Parse(dsn); err == nil {
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
			dsn = u.String()
		} else {
			dsn = userinfoRE.ReplaceAllString(dsn, "${1}xxxxx@")
		}
	}
	return passwordRE.ReplaceAllString(dsn, "${1}xxxxx")
}

// password returns the password a PostgreSQL URL holds, if any, so that
// error messages can be scrubbed of it.
func password(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			return p
		}
	}
	for k, v := range u.Query() {
		if strings.EqualFold(k, "password") && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// scrubbed is an error whose message never shows secret: a driver's
// message may quote the connection string.
type scrubbed struct {
	err    error
	secret string
}

func (e *scrubbed) Error() string {
	msg := e.err.Error()
	for _, s := range []string{e.secret, url.QueryEscape(e.secret), url.PathEscape(e.secret)} {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	return msg
}
func (e *scrubbed) Unwrap() error { return e.err }

// Open opens the store dsn names, creating it (SQLite) or its tables
// when needed, and brings its schema up to date. A postgres:// or
// postgresql:// URL opens PostgreSQL; a path with no scheme is a SQLite
// file; anything else is a *DSNError (see CheckDSN). Scans left RUNNING
// by a process that is gone are marked INTERRUPTED. No error shows the
// DSN's password. The store's clock is the wall clock; OpenWith takes
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
	if err := CheckDSN(dsn); err != nil {
		return nil, err
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
	s := &sqlStore{name: Redact(dsn), secret: password(dsn), d: postgresDialect, now: time.Now, owner: selfOwner()}
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
	// Readers map the file (up to 1 GiB; pages come from the OS's page
	// cache without a read call each) and keep 16 MiB of pages each: the
	// dashboard's queries visit pages all over a large findings table.
	r, err := sql.Open("sqlite", uri+"?"+common+"&_pragma=query_only(1)&_pragma=mmap_size(1073741824)&_pragma=cache_size(-16384)")
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

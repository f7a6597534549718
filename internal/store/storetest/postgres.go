package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvPostgres names a PostgreSQL DSN the tests use instead of starting
// their own cluster.
const EnvPostgres = "GUARDRAIL_TEST_PG"

var cluster struct {
	once sync.Once
	dsn  string // base DSN
	skip string // why there is no PostgreSQL
	err  error
	stop func()
}

// Postgres returns the DSN of a new, empty schema for one test or
// benchmark, dropped when it ends. The database is $GUARDRAIL_TEST_PG
// when set; otherwise a throwaway cluster the package's tests share,
// started with initdb and pg_ctl (from PATH or /usr/lib/postgresql/*/bin)
// on a unix socket in a temporary directory, and stopped by Main. With
// neither, the test is skipped, unless CI=true: then it fails.
func Postgres(tb testing.TB) string {
	tb.Helper()
	cluster.once.Do(startCluster)
	switch {
	case cluster.err != nil:
		tb.Fatalf("postgres: %v", cluster.err)
	case cluster.skip != "" && os.Getenv("CI") == "true":
		tb.Fatalf("postgres: %s (CI=true: PostgreSQL is required)", cluster.skip)
	case cluster.skip != "":
		tb.Skipf("postgres: %s", cluster.skip)
	}
	db, err := sql.Open("pgx", cluster.dsn)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	defer db.Close()
	schema := "t_" + randomHex(8)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("postgres: create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", cluster.dsn)
		if err != nil {
			tb.Errorf("postgres: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("postgres: drop schema %s: %v", schema, err)
		}
	})
	return withParam(cluster.dsn, "search_path", schema)
}

// Main runs the package's tests and then stops the cluster Postgres
// started: call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if cluster.stop != nil {
		cluster.stop()
	}
	return code
}

func withParam(dsn, k, v string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// postgresBin finds the directory of initdb and pg_ctl.
func postgresBin() (string, bool) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), true
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, true
		}
	}
	return "", false
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func startCluster() {
	if dsn := os.Getenv(EnvPostgres); dsn != "" {
		cluster.dsn = dsn
		trigramExtension()
		return
	}
	bin, ok := postgresBin()
	if !ok {
		cluster.skip = "no PostgreSQL: set " + EnvPostgres + " to a DSN, or install PostgreSQL (initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin)"
		return
	}
	dir, err := os.MkdirTemp("", "guardrail-pg-")
	if err != nil {
		cluster.err = err
		return
	}
	// PostgreSQL refuses to run as root: as root, run it as postgres (or
	// nobody), owning the directory.
	var prefix []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			cluster.err = fmt.Errorf("running as root and no postgres or nobody user to run PostgreSQL as: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			cluster.err = err
			return
		}
		prefix = []string{"runuser", "-u", u.Username, "--"}
	}
	data, logFile := filepath.Join(dir, "data"), filepath.Join(dir, "log")
	run := func(name string, args ...string) error {
		argv := append(append(prefix, filepath.Join(bin, name)), args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			log, _ := os.ReadFile(logFile)
			return fmt.Errorf("%s: %w\n%s\n%s", strings.Join(argv, " "), err, out, log)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "guardrail", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		cluster.err = err
		os.RemoveAll(dir)
		return
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses= -c max_connections=200", dir)
	if err := run("pg_ctl", "-D", data, "-l", logFile, "-w", "-t", "60", "-o", opts, "start"); err != nil {
		cluster.err = err
		os.RemoveAll(dir)
		return
	}
	cluster.stop = func() {
		if err := run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop"); err != nil {
			fmt.Fprintln(os.Stderr, "storetest: stop postgres:", err)
		}
		os.RemoveAll(dir)
	}
	cluster.dsn = "postgres://guardrail@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable"
	// The server is up once pg_ctl -w returns; check that we can talk to it.
	db, err := sql.Open("pgx", cluster.dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	if err != nil {
		cluster.stop()
		cluster.err = errors.Join(errors.New("connect to the test cluster"), err)
		return
	}
	trigramExtension()
}

// trigramExtension installs pg_trgm in the public schema, when it can,
// before any test's store does: the store installs it where its schema
// is, and each test's schema is dropped with everything in it when the
// test ends, an extension the database's other tests use included.
// Without it (not installed, no right to) the stores fall back, as a
// real one would, and say so.
func trigramExtension() {
	db, err := sql.Open("pgx", cluster.dsn)
	if err != nil {
		return
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
}

package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// TestDSN: --db takes a SQLite file path or a postgres:// URL and
// nothing else; no message about a DSN, accepted or not, shows its
// password.
func TestDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn      string
		ok       bool   // CheckDSN accepts it
		postgres bool   // IsPostgres
		redacted string // Redact
		why      string // in CheckDSN's error
	}{
		{"postgres://alice:s3cret@db.example.com:5432/guardrail?sslmode=require", true, true, "postgres://alice:xxxxx@db.example.com:5432/guardrail?sslmode=require", ""},
		{"postgresql://alice@db/guardrail", true, true, "postgresql://alice@db/guardrail", ""},
		{"POSTGRES://db/g?password=s3cret&sslmode=disable", true, true, "postgres://db/g?password=xxxxx&sslmode=disable", ""},
		{"/var/lib/guardrail/guardrail.db", true, false, "/var/lib/guardrail/guardrail.db", ""},
		{"guardrail.db", true, false, "guardrail.db", ""},
		{"../data/g.db", true, false, "../data/g.db", ""},
		{"postgres.db", true, false, "postgres.db", ""},
		{"./postgres://x", true, false, "./postgres://x", ""},
		{"./a:b.db", true, false, "./a:b.db", ""},
		{"", false, false, "", "no database given"},
		{"host=db.example.com user=alice password=s3cret dbname=guardrail", false, false, "host=db.example.com user=alice password=xxxxx dbname=guardrail", "a libpq keyword/value string is not supported"},
		{"dbname=guardrail password = 's3 cret'", false, false, "dbname=guardrail password = xxxxx", "libpq"},
		{"user=alice password=s3cret", false, false, "user=alice password=xxxxx", "libpq"},
		{"mysql://alice:s3cret@db/guardrail", false, false, "mysql://alice:xxxxx@db/guardrail", `scheme "mysql" is not supported`},
		{"mysql://alice:s3%cret@db/guardrail", false, false, "mysql://alice:xxxxx@db/guardrail", `scheme "mysql" is not supported`},
		{"sqlite:///var/lib/g.db", false, false, "sqlite:///var/lib/g.db", "give the SQLite file's path itself"},
		{"file:g.db?mode=ro", false, false, "file:g.db?mode=ro", "give the SQLite file's path itself"},
		{"a:b.db", false, false, "a:b.db", "./a:b.db"},
		{"postgres://alice:s3cr%t@db/g", false, true, "postgres://alice:xxxxx@db/g", "not a valid URL"},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			if got := store.IsPostgres(tc.dsn); got != tc.postgres {
				t.Errorf("IsPostgres = %v", got)
			}
			if got := store.Redact(tc.dsn); got != tc.redacted {
				t.Errorf("Redact = %q, want %q", got, tc.redacted)
			}
			err := store.CheckDSN(tc.dsn)
			switch {
			case tc.ok && err != nil:
				t.Errorf("CheckDSN: %v", err)
			case !tc.ok && err == nil:
				t.Errorf("CheckDSN accepted it")
			case !tc.ok:
				var de *store.DSNError
				if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.why) {
					t.Errorf("CheckDSN: %v, want a *DSNError saying %q", err, tc.why)
				}
			}
			for _, msg := range []string{store.Redact(tc.dsn), fmt.Sprint(err)} {
				if strings.Contains(msg, "s3cret") || strings.Contains(msg, "s3 cret") || strings.Contains(msg, "s3%cret") || strings.Contains(msg, "s3cr%t") {
					t.Errorf("%q shows the password", msg)
				}
			}
		})
	}
}

// A DSN of another form is refused by Open before it touches anything:
// no SQLite file named after the connection string (and its password).
func TestOpenRefusesOtherForms(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, dsn := range []string{"host=db user=alice password=s3cret", "mysql://alice:s3cret@db/g", "sqlite://g.db"} {
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			s.Close()
			t.Fatalf("%s: opened", store.Redact(dsn))
		}
		var de *store.DSNError
		if !errors.As(err, &de) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v, want a *DSNError without the password", store.Redact(dsn), err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Open created %v", ents)
	}
}

// Errors name the database, never its password.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 300)), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dsn string
		want      []string
	}{
		{"no directory", filepath.Join(dir, "missing", "g.db"), []string{filepath.Join(dir, "missing", "g.db"), "no such file or directory"}},
		{"a file as directory", filepath.Join(file, "g.db"), []string{filepath.Join(file, "g.db"), "not a directory"}},
		{"not a database", file, []string{file, "not a database"}},
		{"too short to be a database", short, []string{short, "not a database"}},
		{"postgres refused", "postgres://alice:s3cret@127.0.0.1:1/guardrail?connect_timeout=5", []string{"127.0.0.1:1", "alice"}},
		{"empty", "", []string{"no database"}},
		{"postgres refused, password in a parameter", "postgres://alice@127.0.0.1:1/guardrail?connect_timeout=5&password=s3cret", []string{"127.0.0.1:1", "password=xxxxx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(ctx, tc.dsn)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// A database written by a newer guardrail is refused, and left as it was.
func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	for _, be := range []struct {
		name string
		dsn  func(t *testing.T) string
		raw  string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "g.db") }, "sqlite"},
		{"postgres", func(t *testing.T) string { return storetest.Postgres(t) }, "pgx"},
	} {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			// Opening again applies nothing.
			s, err = store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			db, err := sql.Open(be.raw, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n, max int
			if err := db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
				t.Fatal(err)
			}
			if n != store.SchemaVersion() || max != store.SchemaVersion() {
				t.Errorf("schema_migrations: %d rows up to %d, want %d", n, max, store.SchemaVersion())
			}
			if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (99, 'from_the_future', 0)`); err != nil {
				t.Fatal(err)
			}
			_, err = store.Open(ctx, dsn)
			if !errors.Is(err, store.ErrSchemaTooNew) {
				t.Fatalf("open: %v, want ErrSchemaTooNew", err)
			}
			for _, w := range []string{"version 99", "newer guardrail", store.Redact(dsn)} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	got, err := store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "guardrail", "guardrail.db"); got != want {
		t.Errorf("DefaultPath with XDG_DATA_HOME = %q, want %q", got, want)
	}
	if fi, err := os.Stat(filepath.Dir(got)); err != nil || !fi.IsDir() {
		t.Errorf("directory not created: %v", err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "relative/is/invalid")
	got, err = store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".local", "share", "guardrail", "guardrail.db"); got != want {
		t.Errorf("DefaultPath without XDG_DATA_HOME = %q, want %q", got, want)
	}
}

// What cannot be read back is an error naming the finding and the field,
// not a finding with the field missing.
func TestCorruptRow(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep := storetest.NewReport("s1", storetest.Synthetic{}.At).Account(storetest.A1, "a", "Root", storetest.EU1).
		Instance("FAILED", storetest.A1, storetest.EU1, "i-1").Report()
	record(t, s, rep)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE findings SET resource_tags = '{"broken'`); err != nil {
		t.Fatal(err)
	}
	id := storetest.Instance(storetest.A1, storetest.EU1, "i-1")
	if _, _, err := s.Finding(ctx, id); err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "resource tags") {
		t.Errorf("finding with broken tags: %v, want an error naming %s and the resource tags", err, id)
	}
	if _, _, err := s.Findings(ctx, store.Filter{}); err == nil || !strings.Contains(err.Error(), "resource tags") {
		t.Errorf("findings with broken tags: %v", err)
	}
}

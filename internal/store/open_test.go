package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

func TestDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn      string
		postgres bool
		redacted string
	}{
		{"postgres://alice:s3cret@db.example.com:5432/guardrail?sslmode=require", true, "postgres://alice:xxxxx@db.example.com:5432/guardrail?sslmode=require"},
		{"postgresql://alice@db/guardrail", true, "postgresql://alice@db/guardrail"},
		{"POSTGRES://db/g?password=s3cret&sslmode=disable", true, "postgres://db/g?password=xxxxx&sslmode=disable"},
		{"/var/lib/guardrail/guardrail.db", false, "/var/lib/guardrail/guardrail.db"},
		{"postgres.db", false, "postgres.db"},
		{"./postgres://x", false, "./postgres://x"},
	} {
		if got := store.IsPostgres(tc.dsn); got != tc.postgres {
			t.Errorf("IsPostgres(%q) = %v", tc.dsn, got)
		}
		got := store.Redact(tc.dsn)
		if got != tc.redacted {
			t.Errorf("Redact(%q) = %q, want %q", tc.dsn, got, tc.redacted)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("Redact(%q) keeps the password", tc.dsn)
		}
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

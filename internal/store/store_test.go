package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	s, err := store.OpenWith(context.Background(), filepath.Join(t.TempDir(), "guardrail.db"), store.Options{Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgres(t *testing.T) store.Store {
	t.Helper()
	s, err := store.OpenWith(context.Background(), storetest.Postgres(t), store.Options{Now: storetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLite(t *testing.T) { storetest.Run(t, openSQLite) }

func TestPostgres(t *testing.T) {
	storetest.Postgres(t) // skips (or, with CI=true, fails) without PostgreSQL
	storetest.Run(t, openPostgres)
}

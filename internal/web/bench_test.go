package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
	"github.com/guardrail-sec/guardrail/internal/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// BenchmarkPages times the dashboard's pages over a store holding two
// scans of a 200-account x 17-region organization (255,000 findings, of
// which about 56,000 open; GUARDRAIL_BENCH_ACCOUNTS changes the size),
// on SQLite and on PostgreSQL (a throwaway cluster, as the store's tests
// start; -bench 'Pages/sqlite' picks one backend). Filling the stores
// takes minutes: GUARDRAIL_BENCH_SQLITE (a file) and GUARDRAIL_BENCH_PG
// (a DSN) keep them for the next run, which fills only what is missing.
// "cold" pages are built from the store each time (the overview's cache
// is emptied: a scan or a suppression just happened); "warm" ones come
// from the cache while the store is unchanged. cpu-ms/page is the CPU
// time of this process per page (on SQLite, all of it; on PostgreSQL,
// the client's): on a busy machine, what a page costs.
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 20x
func BenchmarkPages(b *testing.B) {
	accounts := 200
	if n, err := strconv.Atoi(os.Getenv("GUARDRAIL_BENCH_ACCOUNTS")); err == nil {
		accounts = n
	}
	if testing.Short() {
		accounts = 10
	}
	b.Run("sqlite", func(b *testing.B) {
		db := filepath.Join(b.TempDir(), "guardrail.db")
		if keep := os.Getenv("GUARDRAIL_BENCH_SQLITE"); keep != "" {
			db = keep
		}
		benchPages(b, db, accounts)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := os.Getenv("GUARDRAIL_BENCH_PG")
		if dsn == "" {
			dsn = storetest.Postgres(b)
		}
		benchPages(b, dsn, accounts)
	})
}

func benchPages(b *testing.B, dsn string, accounts int) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// A store kept from an earlier run (GUARDRAIL_BENCH_SQLITE,
	// GUARDRAIL_BENCH_PG) has its scans already.
	stored, err := st.Scans(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	for scan := len(stored) + 1; scan <= 2; scan++ {
		rep, err := storetest.Synthetic{Accounts: accounts, Regions: storetest.Regions17, Scan: scan}.Report()
		if err != nil {
			b.Fatal(err)
		}
		if err := st.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
			b.Fatal(err)
		}
		if _, err := st.FinishScan(ctx, rep, nil); err != nil {
			b.Fatal(err)
		}
	}
	_, all, _ := st.Findings(ctx, store.Filter{Limit: 1})
	_, open, _ := st.Findings(ctx, store.Filter{Limit: 1, Compliance: []control.Status{control.Failed}, Workflow: []finding.Workflow{finding.New, finding.Notified}})
	b.Logf("store: %d findings, %d open", all, open)
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B, path string) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080"+path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	acct := fmt.Sprintf("%012d", 100000000000+accounts/2)
	for _, p := range []struct {
		name, path string
		cold       bool
	}{
		{"overview/cold", "/", true},
		{"overview/warm", "/", false},
		{"api-summary/cold", "/api/summary", true},
		{"findings/default", "/findings", false},
		{"findings/severity+region", "/findings?severity=HIGH&region=eu-west-1", false},
		{"findings/account", "/findings?account=" + acct, false},
		{"findings/standard+severity", "/findings?standard=cis-3.0&severity=CRITICAL,HIGH", false},
		{"findings/text", "/findings?q=bucket", false},
		{"findings/page-500", "/findings?page=500", false},
		{"findings/all-statuses", "/findings?status=all&compliance=all&page=20", false},
		{"account", "/accounts/" + acct, false},
		{"controls", "/controls", false},
	} {
		b.Run(p.name, func(b *testing.B) {
			get(b, p.path) // the overview's cache, for warm pages
			cpu := processCPU()
			for b.Loop() {
				if p.cold {
					srv.Forget()
				}
				get(b, p.path)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			if cpu > 0 {
				b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/page")
			}
		})
	}
}

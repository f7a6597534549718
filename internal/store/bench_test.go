package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// BenchmarkFinishScan stores a 200-account x 17-region scan (255,000
// results), into an empty store ("first") and on top of the previous
// scan ("second": most findings unchanged, some fixed, reopened or
// gone). It reports results stored per second and the size of the
// database afterwards (SQLite: the file once closed; PostgreSQL: the
// tables and indexes).
//
//	go test ./internal/store -run '^$' -bench FinishScan -benchtime 1x
func BenchmarkFinishScan(b *testing.B) {
	accounts := 200
	if testing.Short() {
		accounts = 20
	}
	first, err := storetest.Synthetic{Accounts: accounts, Regions: storetest.Regions17, Scan: 1}.Report()
	if err != nil {
		b.Fatal(err)
	}
	second, err := storetest.Synthetic{Accounts: accounts, Regions: storetest.Regions17, Scan: 2}.Report()
	if err != nil {
		b.Fatal(err)
	}
	for _, be := range []struct {
		name string
		open func(b *testing.B) (dsn string, size func() int64)
	}{
		{"sqlite", func(b *testing.B) (string, func() int64) {
			path := filepath.Join(b.TempDir(), "guardrail.db")
			return path, func() int64 { return fileSize(path) + fileSize(path+"-wal") }
		}},
		{"postgres", func(b *testing.B) (string, func() int64) {
			dsn := storetest.Postgres(b)
			return dsn, func() int64 { return pgSize(b, dsn) }
		}},
	} {
		b.Run(be.name+"/first", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dsn, size := be.open(b)
				s := open(b, dsn)
				start(b, s, first)
				b.StartTimer()
				finish(b, s, first)
				b.StopTimer()
				s.Close()
				b.ReportMetric(float64(size()), "db-bytes")
				b.StartTimer()
			}
			b.ReportMetric(float64(len(first.Results))*float64(b.N)/b.Elapsed().Seconds(), "results/s")
		})
		b.Run(be.name+"/second", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dsn, size := be.open(b)
				s := open(b, dsn)
				start(b, s, first)
				finish(b, s, first)
				start(b, s, second)
				b.StartTimer()
				finish(b, s, second)
				b.StopTimer()
				s.Close()
				b.ReportMetric(float64(size()), "db-bytes")
				b.StartTimer()
			}
			b.ReportMetric(float64(len(second.Results))*float64(b.N)/b.Elapsed().Seconds(), "results/s")
		})
	}
}

func open(b *testing.B, dsn string) store.Store {
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func start(b *testing.B, s store.Store, rep *report.Report) {
	if err := s.StartScan(context.Background(), store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		b.Fatal(err)
	}
}

func finish(b *testing.B, s store.Store, rep *report.Report) {
	t := time.Now()
	ch, err := s.FinishScan(context.Background(), rep, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d results in %v: %+v", rep.ID, len(rep.Results), time.Since(t), ch)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// pgSize is the size of the tables and indexes of the store's schema.
func pgSize(b *testing.B, dsn string) int64 {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(`SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

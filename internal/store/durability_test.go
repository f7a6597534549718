package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// envCrash makes the test binary the child of TestKillDuringFinishScan:
// "DSN|SCAN|FLUSHES" records synthetic scans 1 up to SCAN, and in SCAN's
// FinishScan, after FLUSHES batches (0: once everything is written, just
// before the commit), says so on stdout and waits to be killed.
const envCrash = "GUARDRAIL_STORE_CRASH"

// crashAccounts sizes the synthetic scans of the durability test: big
// enough that storing one takes more batches than the test kills after
// (6), and no bigger: every child process builds and stores them again.
const crashAccounts = 4

func crashReports(t testing.TB) []*report.Report {
	t.Helper()
	var out []*report.Report
	for n := 1; n <= 2; n++ {
		rep, err := storetest.Synthetic{Accounts: crashAccounts, Regions: storetest.Regions17, Scan: n}.Report()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rep)
	}
	return out
}

// TestKillDuringFinishScan kills (SIGKILL) a process in the middle of
// storing a scan, at several points, and checks that the store reopens
// consistent: every earlier scan and finding intact, the killed scan
// INTERRUPTED, and a new scan stored as if the killed one never ran.
func TestKillDuringFinishScan(t *testing.T) {
	if spec := os.Getenv(envCrash); spec != "" {
		crashChild(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs child processes that store 6,000-result scans")
	}
	backends := []struct {
		name  string
		dsn   func(t *testing.T) string
		check func(t *testing.T, dsn string)
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "guardrail.db") }, sqliteIntegrity},
		{"postgres", func(t *testing.T) string { return storetest.Postgres(t) }, func(*testing.T, string) {}},
	}
	reps := crashReports(t)
	for _, be := range backends {
		for _, tc := range []struct {
			scan, flushes int
		}{
			{1, 3}, // the first scan: nothing before it
			{2, 1}, // the second, early
			{2, 6}, // the second, well into it
			{2, 0}, // the second, all written, not committed
		} {
			t.Run(fmt.Sprintf("%s/scan%d/after%d", be.name, tc.scan, tc.flushes), func(t *testing.T) {
				dsn := be.dsn(t)
				before := killChild(t, fmt.Sprintf("%s|%d|%d", dsn, tc.scan, tc.flushes))
				be.check(t, dsn)
				ctx := context.Background()
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				killed := reps[tc.scan-1].ID
				sc, err := s.Scan(ctx, killed)
				if err != nil {
					t.Fatal(err)
				}
				if sc.Status != store.Interrupted {
					t.Errorf("killed scan %s is %s, want %s", killed, sc.Status, store.Interrupted)
				}
				if got := counts(t, s); got != before {
					t.Errorf("after the kill the store holds %s; before the killed scan it held %s", got, before)
				}
				// A new scan is stored as the killed one would have been.
				rep := *reps[tc.scan-1]
				rep.ID += "-again"
				if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
					t.Fatal(err)
				}
				ch, err := s.FinishScan(ctx, &rep, nil)
				if err != nil {
					t.Fatal(err)
				}
				if want := storeFresh(t, reps[:tc.scan]); ch != want {
					t.Errorf("new scan after the kill: changes %+v, want %+v", ch, want)
				}
				if sc, _ := s.Scan(ctx, rep.ID); sc.Status != store.Complete {
					t.Errorf("new scan %s is %s", rep.ID, sc.Status)
				}
			})
		}
	}
}

// killChild runs the child, kills it when it says it is in the middle of
// the write, and returns what the child counted in the store before the
// killed scan began.
func killChild(t *testing.T, spec string) string {
	t.Helper()
	var before string
	killed := runAndKill(t, "TestKillDuringFinishScan", envCrash+"="+spec, 2*time.Minute, func(line string) bool {
		if v, ok := strings.CutPrefix(line, "before: "); ok {
			before = v
		}
		if strings.HasPrefix(line, "writing: ") {
			t.Logf("killed the child %s", line)
			return true
		}
		return false
	})
	if !killed {
		t.Fatal("the child was not killed in the middle of the write (did it finish?)")
	}
	if before == "" {
		t.Fatal("child said nothing about the store before the scan")
	}
	return before
}

// runAndKill re-runs test in a child process with env added, kills it
// (SIGKILL) at the first line of its output that stop accepts, and reaps
// it. It reports whether the child was killed; after limit it is killed
// anyway and that counts as not.
func runAndKill(t *testing.T, test, env string, limit time.Duration, stop func(line string) bool) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		if stop(lines.Text()) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	cmd.Wait() // reaps it: a zombie would still count as a live owner
	return killed
}

// crashChild is the child's side: see envCrash.
func crashChild(t *testing.T, spec string) {
	parts := strings.Split(spec, "|")
	scan, _ := strconv.Atoi(parts[1])
	flushes, _ := strconv.Atoi(parts[2])
	ctx := context.Background()
	s, err := store.Open(ctx, parts[0])
	if err != nil {
		t.Fatal(err)
	}
	reps := crashReports(t)
	for _, rep := range reps[:scan-1] {
		record(t, s, rep)
	}
	fmt.Printf("before: %s\n", counts(t, s))
	n := 0
	store.SetFlushHook(func(table string, rows int) {
		if n++; n == flushes || flushes == 0 && table == "scans" {
			fmt.Printf("writing: batch %d, %d rows into %s\n", n, rows, table)
			os.Stdout.Sync()
			select {} // until killed
		}
	})
	rep := reps[scan-1]
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	s.FinishScan(ctx, rep, nil)
	t.Fatalf("FinishScan of %s ended before batch %d", rep.ID, flushes)
}

func record(t testing.TB, s store.Store, rep *report.Report) store.Changes {
	t.Helper()
	ctx := context.Background()
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	ch, err := s.FinishScan(ctx, rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// storeFresh stores reps into a new SQLite store and returns the changes
// of the last.
func storeFresh(t *testing.T, reps []*report.Report) store.Changes {
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ch store.Changes
	for _, rep := range reps {
		ch = record(t, s, rep)
	}
	return ch
}

// counts sums up what the store holds: complete scans, findings by
// workflow, and each scan's findings.
func counts(t testing.TB, s store.Store) string {
	t.Helper()
	ctx := context.Background()
	scans, err := s.Scans(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for i := len(scans) - 1; i >= 0; i-- {
		sc := scans[i]
		if sc.Status != store.Complete {
			continue
		}
		_, n, err := s.Findings(ctx, store.Filter{Scan: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d/%+v", sc.ID, n, sc.Changes))
	}
	_, all, err := s.Findings(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	parts = append(parts, fmt.Sprintf("findings=%d", all))
	for _, w := range []string{"NEW", "RESOLVED", "SUPPRESSED"} {
		_, n, err := s.Findings(ctx, store.Filter{Workflow: []finding.Workflow{finding.Workflow(w)}})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", w, n))
	}
	return strings.Join(parts, " ")
}

// sqliteIntegrity checks the file with SQLite's own checks.
func sqliteIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q, %v", ok, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check: rows refer to missing findings or scans")
	}
}

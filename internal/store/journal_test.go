package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// envJournalCrash makes the test binary the child of
// TestKillAfterJournal: it journals a step in the store named by the
// variable, says so, and waits to be killed as if sending the change.
const envJournalCrash = "GUARDRAIL_JOURNAL_CRASH"

// TestKillAfterJournal kills (SIGKILL) a process right after JournalStep
// returned, where the baseline sends its change: the prior state must be
// in the store when it is opened again, the step PENDING and the run
// INTERRUPTED, so a rollback knows what to restore.
func TestKillAfterJournal(t *testing.T) {
	if dsn := os.Getenv(envJournalCrash); dsn != "" {
		journalChild(t, dsn)
		return
	}
	for _, be := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "guardrail.db") }},
		{"postgres", func(t *testing.T) string { return storetest.Postgres(t) }},
	} {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			journaled := runAndKill(t, "TestKillAfterJournal", envJournalCrash+"="+dsn, time.Minute,
				func(line string) bool { return line == "journaled" })
			if !journaled {
				t.Fatal("the child did not journal its step")
			}
			ctx := context.Background()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.BaselineRun(ctx, "baseline-killed")
			if err != nil || r.Status != store.Interrupted {
				t.Fatalf("run after the kill = %+v, %v; want INTERRUPTED", r, err)
			}
			steps, err := s.BaselineSteps(ctx, r.ID)
			if err != nil || len(steps) != 1 {
				t.Fatalf("steps after the kill: %+v, %v", steps, err)
			}
			if st := steps[0]; st.Status != store.StepPending || string(st.Prior) != `{"exists":false}` {
				t.Errorf("step after the kill = %+v", st)
			}
		})
	}
}

func journalChild(t *testing.T, dsn string) {
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartBaselineRun(ctx, store.BaselineRun{ID: "baseline-killed", Kind: store.RunApply}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.JournalStep(ctx, store.BaselineStep{Run: "baseline-killed",
		StepKey: store.StepKey{Account: "444444444401", Region: "eu-west-1", Item: "guardduty.detector"},
		Prior:   json.RawMessage(`{"exists":false}`), Want: json.RawMessage(`{"exists":true}`)}); err != nil {
		t.Fatal(err)
	}
	fmt.Println("journaled")
	time.Sleep(time.Minute)
	t.Fatal("not killed")
}

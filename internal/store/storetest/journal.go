package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// testJournal checks the baseline journal: a run is recorded and
// resumed with its spec; the first prior state of a step wins (a
// resumed run keeps the state before its first attempt); statuses
// change; runs list newest first; and bad input changes nothing.
func testJournal(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	s := open(t)
	at := base()
	apply := store.BaselineRun{ID: "baseline-1", Kind: store.RunApply, Started: at, By: "arn:aws:iam::111111111111:root",
		Spec: "version: 1\n", SpecName: "baseline.yaml"}
	got, err := s.StartBaselineRun(ctx, apply)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.Running || got.Spec != apply.Spec || !got.Started.Equal(at) {
		t.Errorf("started run = %+v", got)
	}
	k := store.StepKey{Account: "444444444401", Region: "eu-west-1", Item: "guardduty.detector"}
	first := store.BaselineStep{Run: apply.ID, StepKey: k, Prior: json.RawMessage(`{"exists":false}`), Want: json.RawMessage(`{"exists":true}`)}
	st, err := s.JournalStep(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != store.StepPending || string(st.Prior) != `{"exists":false}` || st.Journaled.IsZero() {
		t.Errorf("journaled step = %+v", st)
	}
	// A resumed run journals the step again from the half-changed state:
	// the state before the first attempt is kept.
	again := first
	again.Prior = json.RawMessage(`{"exists":true}`)
	st, err = s.JournalStep(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if string(st.Prior) != `{"exists":false}` {
		t.Errorf("re-journaled prior = %s, want the first one", st.Prior)
	}
	if err := s.SetStepStatus(ctx, apply.ID, k, store.StepDone, ""); err != nil {
		t.Fatal(err)
	}
	k2 := store.StepKey{Account: "444444444401", Region: "us-east-1", Item: "iam.password-policy"}
	if _, err := s.JournalStep(ctx, store.BaselineStep{Run: apply.ID, StepKey: k2, Prior: json.RawMessage(`{}`), Want: json.RawMessage(`{"exists":true}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStepStatus(ctx, apply.ID, k2, store.StepFailed, "AccessDenied: no"); err != nil {
		t.Fatal(err)
	}
	steps, err := s.BaselineSteps(ctx, apply.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].StepKey != k || steps[0].Status != store.StepDone || steps[1].Status != store.StepFailed || steps[1].Detail != "AccessDenied: no" {
		t.Fatalf("steps = %+v", steps)
	}

	// Bad input: not JSON, an unknown step, an unknown run, another kind.
	if _, err := s.JournalStep(ctx, store.BaselineStep{Run: apply.ID, StepKey: k, Prior: json.RawMessage(`{`), Want: json.RawMessage(`{}`)}); err == nil {
		t.Error("a prior state that is not JSON was journaled")
	}
	if err := s.SetStepStatus(ctx, apply.ID, store.StepKey{Account: "x", Region: "y", Item: "z"}, store.StepDone, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("status of an unknown step: %v, want ErrNotFound", err)
	}
	if _, err := s.BaselineRun(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown run: %v, want ErrNotFound", err)
	}
	if _, err := s.StartBaselineRun(ctx, store.BaselineRun{ID: apply.ID, Kind: store.RunRollback}); err == nil {
		t.Error("a rollback started with an apply's ID")
	}
	if _, err := s.StartBaselineRun(ctx, store.BaselineRun{Kind: store.RunApply}); err == nil {
		t.Error("a run without ID started")
	}

	// Finish, then resume: RUNNING again, with the stored spec.
	if err := s.FinishBaselineRun(ctx, apply.ID, store.Partial, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	r, err := s.BaselineRun(ctx, apply.ID)
	if err != nil || r.Status != store.Partial || !r.Finished.Equal(at.Add(time.Minute)) {
		t.Fatalf("finished run = %+v, %v", r, err)
	}
	resumed, err := s.StartBaselineRun(ctx, store.BaselineRun{ID: apply.ID, Kind: store.RunApply, Spec: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Status != store.Running || resumed.Spec != apply.Spec || !resumed.Finished.IsZero() {
		t.Errorf("resumed run = %+v", resumed)
	}
	rb := store.BaselineRun{ID: "baseline-2", Kind: store.RunRollback, Of: apply.ID, Started: at.Add(2 * time.Minute)}
	if _, err := s.StartBaselineRun(ctx, rb); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStepStatus(ctx, apply.ID, k, store.StepRolledBack, rb.ID); err != nil {
		t.Fatal(err)
	}
	runs, err := s.BaselineRuns(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != rb.ID || runs[0].Of != apply.ID || runs[1].ID != apply.ID {
		t.Errorf("runs = %+v", runs)
	}
	if runs, _ := s.BaselineRuns(ctx, 1); len(runs) != 1 {
		t.Errorf("limit 1 listed %d runs", len(runs))
	}
	steps, _ = s.BaselineSteps(ctx, apply.ID)
	if steps[0].Status != store.StepRolledBack || steps[0].Detail != rb.ID || string(steps[0].Prior) != `{"exists":false}` {
		t.Errorf("rolled back step = %+v", steps[0])
	}

	if runs[1].Engine != store.EngineBaseline {
		t.Errorf("a run started without an engine is %q, want %q", runs[1].Engine, store.EngineBaseline)
	}

	// A remediation run shares the journal: its engine, its steps' waves
	// and its outcome are kept; a baseline run of the same ID cannot
	// resume it.
	rem := store.BaselineRun{ID: "remediate-1", Kind: store.RunApply, Engine: store.EngineRemediate, Started: at.Add(3 * time.Minute)}
	if _, err := s.StartBaselineRun(ctx, rem); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartBaselineRun(ctx, store.BaselineRun{ID: rem.ID, Kind: store.RunApply}); err == nil {
		t.Error("a baseline apply resumed a remediation run")
	}
	wk := store.StepKey{Account: "444444444401", Region: "eu-west-1", Item: "EC2.8 arn:aws:ec2:eu-west-1:444444444401:instance/i-1"}
	if _, err := s.JournalStep(ctx, store.BaselineStep{Run: rem.ID, StepKey: wk, Wave: 3, Prior: json.RawMessage(`{"http_tokens":"optional"}`), Want: json.RawMessage(`{"http_tokens":"required"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordStepWant(ctx, rem.ID, wk, json.RawMessage(`{"http_tokens":"required","hop_limit":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordStepWant(ctx, rem.ID, wk, json.RawMessage(`{`)); err == nil {
		t.Error("a want that is not JSON was recorded")
	}
	if err := s.RecordRunOutcome(ctx, rem.ID, json.RawMessage(`{"halted":"alarm"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRunOutcome(ctx, rem.ID, json.RawMessage(`{"halted":`)); err == nil {
		t.Error("an outcome that is not JSON was recorded")
	}
	if err := s.RecordRunOutcome(ctx, "remediate-none", json.RawMessage(`{}`)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("outcome of a run that does not exist: %v, want ErrNotFound", err)
	}
	got, err = s.BaselineRun(ctx, rem.ID)
	if err != nil || got.Engine != store.EngineRemediate || string(got.Outcome) != `{"halted":"alarm"}` {
		t.Errorf("remediation run = %+v, %v", got, err)
	}
	if steps, _ := s.BaselineSteps(ctx, rem.ID); len(steps) != 1 || steps[0].Wave != 3 || string(steps[0].Want) != `{"http_tokens":"required","hop_limit":2}` {
		t.Errorf("remediation steps = %+v", steps)
	}
}

// testJournalConcurrent checks the journal under the load of a run:
// many workers journal and record steps at once (their writes share
// transactions), each gets its own answer, a bad write among them fails
// alone, and several outcomes recorded together are all or none.
func testJournalConcurrent(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	s := open(t)
	run := store.BaselineRun{ID: "baseline-load", Kind: store.RunApply, Started: base()}
	if _, err := s.StartBaselineRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	const workers, each = 32, 8
	key := func(w, i int) store.StepKey {
		return store.StepKey{Account: fmt.Sprintf("4444444444%02d", w), Region: fmt.Sprintf("region-%d", i), Item: "guardduty.detector"}
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*3)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := key(w, i)
				prior := json.RawMessage(fmt.Sprintf(`{"w":%d,"i":%d}`, w, i))
				got, err := s.JournalStep(ctx, store.BaselineStep{Run: run.ID, StepKey: k, Prior: prior, Want: json.RawMessage(`{"exists":true}`)})
				if err != nil {
					errs <- err
					continue
				}
				if got.StepKey != k || string(got.Prior) != string(prior) || got.Status != store.StepPending {
					errs <- fmt.Errorf("journaled %v: got %+v", k, got)
				}
				// A step of a run that does not exist, among the others:
				// refused, and alone.
				if i == 3 {
					if _, err := s.JournalStep(ctx, store.BaselineStep{Run: "baseline-none", StepKey: k, Prior: prior, Want: prior}); err == nil {
						errs <- fmt.Errorf("a step of a run that does not exist was journaled")
					}
					if err := s.SetStepStatus(ctx, run.ID, store.StepKey{Account: "x", Region: "y", Item: "z"}, store.StepDone, ""); !errors.Is(err, store.ErrNotFound) {
						errs <- fmt.Errorf("status of an unknown step: %v, want ErrNotFound", err)
					}
				}
				if err := s.SetStepStatus(ctx, run.ID, k, store.StepDone, fmt.Sprint(w, i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	steps, err := s.BaselineSteps(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != workers*each {
		t.Fatalf("%d steps journaled, want %d", len(steps), workers*each)
	}
	for _, st := range steps {
		var p struct{ W, I int }
		if err := json.Unmarshal(st.Prior, &p); err != nil || st.StepKey != key(p.W, p.I) || st.Status != store.StepDone || st.Detail != fmt.Sprint(p.W, p.I) {
			t.Errorf("step %+v", st)
		}
	}
	if _, err := s.BaselineSteps(ctx, "baseline-none"); err != nil {
		t.Fatal(err)
	}

	// All or none: an unknown step among the outcomes changes nothing.
	k0, k1 := key(0, 0), key(0, 1)
	err = s.SetStepStatuses(ctx,
		store.StepStatus{Run: run.ID, StepKey: k0, Status: store.StepRolledBack, Detail: "baseline-rb"},
		store.StepStatus{Run: run.ID, StepKey: store.StepKey{Account: "x", Region: "y", Item: "z"}, Status: store.StepRolledBack})
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "x/y z") {
		t.Errorf("outcomes with an unknown step: %v, want ErrNotFound naming x/y z", err)
	}
	if err := s.SetStepStatuses(ctx,
		store.StepStatus{Run: run.ID, StepKey: k0, Status: store.StepRolledBack, Detail: "baseline-rb"},
		store.StepStatus{Run: run.ID, StepKey: k1, Status: store.StepFailed, Detail: "AccessDenied"}); err != nil {
		t.Fatal(err)
	}
	steps, _ = s.BaselineSteps(ctx, run.ID)
	byKey := map[store.StepKey]store.BaselineStep{}
	for _, st := range steps {
		byKey[st.StepKey] = st
	}
	if st := byKey[k0]; st.Status != store.StepRolledBack || st.Detail != "baseline-rb" {
		t.Errorf("step %v = %+v, want ROLLED_BACK by baseline-rb", k0, st)
	}
	if st := byKey[k1]; st.Status != store.StepFailed || st.Detail != "AccessDenied" {
		t.Errorf("step %v = %+v, want FAILED", k1, st)
	}
	if st := byKey[key(0, 2)]; st.Status != store.StepDone {
		t.Errorf("step %v = %+v, want DONE (untouched)", key(0, 2), st)
	}
	if err := s.SetStepStatuses(ctx); err != nil {
		t.Errorf("no outcomes: %v", err)
	}
}

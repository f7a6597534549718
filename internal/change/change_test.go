package change_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/change"
	"github.com/guardrail-sec/guardrail/internal/store"
)

type irreversible struct{}

func (irreversible) Error() string { return "cannot be undone: object lock" }
func (irreversible) Irreversible() {}

// TestSend: the prior state is journaled before set is called; the step
// ends DONE, FAILED, or PENDING when interrupted; an irreversible part is
// DONE with its detail; a step journaled before keeps its first prior
// state.
func TestSend(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.StartBaselineRun(ctx, store.BaselineRun{ID: "run-1", Kind: store.RunApply}); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, tc := range []struct {
		item    string
		ctx     context.Context
		set     error
		outcome change.Outcome
		status  string
		detail  string
	}{
		{"done", ctx, nil, change.Done, store.StepDone, ""},
		{"refused", ctx, errors.New("AccessDenied"), change.Failed, store.StepFailed, ""},
		{"irreversible", ctx, irreversible{}, change.Done, store.StepDone, "cannot be undone: object lock"},
		{"interrupted", cancelled, context.Canceled, change.Interrupted, store.StepPending, ""},
	} {
		t.Run(tc.item, func(t *testing.T) {
			step := store.BaselineStep{Run: "run-1", StepKey: store.StepKey{Account: "111111111111", Region: "us-east-1", Item: tc.item},
				Prior: json.RawMessage(`{"on":false}`), Want: json.RawMessage(`{"on":true}`)}
			journaledFirst := false
			r := change.Send(tc.ctx, st, step, func(context.Context) error {
				steps, _ := st.BaselineSteps(ctx, "run-1")
				for _, s := range steps {
					journaledFirst = journaledFirst || (s.Item == tc.item && string(s.Prior) == `{"on":false}`)
				}
				if tc.set == context.Canceled {
					cancel() // interrupted while sending
				}
				return tc.set
			})
			if !journaledFirst {
				t.Error("set was called before the prior state was journaled")
			}
			if r.Outcome != tc.outcome || r.Detail != tc.detail {
				t.Errorf("result = %+v", r)
			}
			steps, _ := st.BaselineSteps(ctx, "run-1")
			for _, s := range steps {
				if s.Item == tc.item && (s.Status != tc.status || (tc.status == store.StepFailed && s.Detail != "AccessDenied")) {
					t.Errorf("journaled step = %+v", s)
				}
			}
		})
	}
	// Journaling the same step again keeps the first prior state.
	again := store.BaselineStep{Run: "run-1", StepKey: store.StepKey{Account: "111111111111", Region: "us-east-1", Item: "done"},
		Prior: json.RawMessage(`{"on":true}`), Want: json.RawMessage(`{"on":true}`)}
	change.Send(ctx, st, again, func(context.Context) error { return nil })
	steps, _ := st.BaselineSteps(ctx, "run-1")
	if string(steps[0].Prior) != `{"on":false}` {
		t.Errorf("prior state replaced: %s", steps[0].Prior)
	}
	// No run: nothing is journaled and set is never called.
	called := false
	r := change.Send(ctx, st, store.BaselineStep{Run: "no-such-run", StepKey: again.StepKey, Prior: again.Prior, Want: again.Want},
		func(context.Context) error { called = true; return nil })
	if r.Outcome != change.NotJournaled || called {
		t.Errorf("without a run: %+v, set called %v", r, called)
	}
}

// TestUndo: a restore is journaled in the rollback run before set is
// called; once done, it is DONE and the undone step ROLLED_BACK by the
// rollback run; a refused restore leaves the undone step as it was.
func TestUndo(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, r := range []store.BaselineRun{{ID: "run-1", Kind: store.RunApply}, {ID: "rb-1", Kind: store.RunRollback, Of: "run-1"}} {
		if _, err := st.StartBaselineRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		item           string
		set            error
		outcome        change.Outcome
		status, undone string
		undoneDetail   string
	}{
		{"restored", nil, change.Done, store.StepDone, store.StepRolledBack, "rb-1"},
		{"refused", errors.New("AccessDenied"), change.Failed, store.StepFailed, store.StepDone, ""},
	} {
		t.Run(tc.item, func(t *testing.T) {
			k := store.StepKey{Account: "111111111111", Region: "us-east-1", Item: tc.item}
			undone := store.BaselineStep{Run: "run-1", StepKey: k, Prior: json.RawMessage(`{"on":false}`), Want: json.RawMessage(`{"on":true}`)}
			if r := change.Send(ctx, st, undone, func(context.Context) error { return nil }); r.Outcome != change.Done {
				t.Fatal(r.Err)
			}
			journaledFirst := false
			r := change.Undo(ctx, st, store.BaselineStep{Run: "rb-1", StepKey: k, Prior: undone.Want, Want: undone.Prior}, undone, func(context.Context) error {
				steps, _ := st.BaselineSteps(ctx, "rb-1")
				for _, s := range steps {
					journaledFirst = journaledFirst || (s.Item == tc.item && string(s.Prior) == `{"on":true}` && s.Status == store.StepPending)
				}
				return tc.set
			})
			if !journaledFirst {
				t.Error("set was called before the current state was journaled")
			}
			if r.Outcome != tc.outcome {
				t.Errorf("result = %+v", r)
			}
			status := func(run string) store.BaselineStep {
				steps, _ := st.BaselineSteps(ctx, run)
				for _, s := range steps {
					if s.Item == tc.item {
						return s
					}
				}
				return store.BaselineStep{}
			}
			if s := status("rb-1"); s.Status != tc.status {
				t.Errorf("restore step = %+v, want %s", s, tc.status)
			}
			if s := status("run-1"); s.Status != tc.undone || s.Detail != tc.undoneDetail {
				t.Errorf("undone step = %+v, want %s %q", s, tc.undone, tc.undoneDetail)
			}
		})
	}
	// No rollback run: nothing is journaled, set is never called and
	// the undone step stays as it was.
	called := false
	k := store.StepKey{Account: "111111111111", Region: "us-east-1", Item: "restored"}
	r := change.Undo(ctx, st, store.BaselineStep{Run: "no-such-run", StepKey: k, Prior: json.RawMessage(`{}`), Want: json.RawMessage(`{}`)},
		store.BaselineStep{Run: "run-1", StepKey: k}, func(context.Context) error { called = true; return nil })
	if r.Outcome != change.NotJournaled || called {
		t.Errorf("without a run: %+v, set called %v", r, called)
	}
}

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

package storetest

import (
	"context"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// testRules: a nil rule set changes nothing and records no rule events.
func testRules(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	ctx := context.Background()
	rep := lifecycleScans(base())[0]
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	ch, err := s.FinishScan(ctx, rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.RuleEvents != 0 || ch.New != 9 {
		t.Errorf("changes %+v, want 9 new and no rule events", ch)
	}
}

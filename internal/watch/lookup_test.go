package watch

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestLookupSource: LookupEvents' checkpoints, one per account and
// region, hold the newest event's time and IDs; a restart from them
// stores no alert twice, and an event that appears later is read.
func TestLookupSource(t *testing.T) {
	f := newE2E(t)
	ctx := context.Background()
	st, _ := openStore(t)
	sc := f.scope()
	src := func() *LookupSource {
		return &LookupSource{Scope: sc, Store: st, Interval: 10 * time.Millisecond, Now: clock.Fixed(simtest.Now.Add(time.Minute))}
	}
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: src(), Scope: sc})
	want := len(f.e2eAlerts())
	runUntil(t, e, func() bool { return len(alertsOf(t, st)) >= want && e.Stats().Batches.Load() >= 8 })
	cp, err := st.Checkpoints(ctx, SourceLookup)
	if err != nil {
		t.Fatal(err)
	}
	if len(cp) != 4 {
		t.Fatalf("checkpoints %v, want one per account and region", cp)
	}
	var p lookupPosition
	if err := json.Unmarshal([]byte(cp[simtest.Member+"/"+euw1]), &p); err != nil || !p.Time.Equal(simtest.Now) || len(p.IDs) == 0 {
		t.Errorf("the member's eu-west-1 checkpoint %s: want the script's time with its event IDs", cp[simtest.Member+"/"+euw1])
	}

	// A restart: nothing again. A new event: read.
	e, _ = New(Options{Store: st, Rules: mustRules(t), Source: src(), Scope: sc})
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 8 })
	if n := e.Stats().Alerts.Load(); n != 0 {
		t.Errorf("the restart stored %d alerts again", n)
	}
	if _, err := f.w.InjectConsoleLogin(worldLogin(simtest.Management)); err != nil {
		t.Fatal(err)
	}
	e, _ = New(Options{Store: st, Rules: mustRules(t), Source: src(), Scope: sc})
	runUntil(t, e, func() bool { return e.Stats().Alerts.Load() > 0 })
	as, _, _ := st.Alerts(ctx, store.AlertFilter{Accounts: []string{simtest.Management}, Rules: []string{"GR.RootConsoleLogin"}})
	if len(as) != 1 {
		t.Errorf("the later root sign-in in the management account: %d alerts", len(as))
	}
}

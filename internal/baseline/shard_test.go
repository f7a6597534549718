package baseline_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/baseline"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/shard"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestShardsCoverOneRun: on two identical demo organizations, one apply
// of the whole organization, and two applies of shards 1/2 and 2/2:
// each shard is a run of its own, changes only its accounts, the two
// share no account, and their steps together are exactly the one run's
// (the same items, the same wanted states). Rolling back one shard's run
// undoes that run only. A shard that keeps no account is an error, not
// an empty run.
func TestShardsCoverOneRun(t *testing.T) {
	ctx := context.Background()
	whole := startDemo(t)
	wst := openStore(t)
	one, err := baseline.Apply(ctx, mgmtConfig(t, whole, 0), opts(wst))
	if err != nil {
		t.Fatal(err)
	}
	oneSteps := stepSet(t, wst, one.Run)

	s := startDemo(t)
	st := openStore(t)
	cfg := mgmtConfig(t, s, 0)
	union := map[string]string{}
	owner := map[string]string{} // account -> shard
	var runs []string
	for _, sh := range []string{"1/2", "2/2"} {
		spec, _ := shard.Parse(sh)
		o := opts(st)
		o.Discover.Shard = spec
		rep, err := baseline.Apply(ctx, cfg, o)
		if err != nil {
			t.Fatalf("shard %s: %v", sh, err)
		}
		if !strings.HasSuffix(rep.Run, spec.Suffix()) {
			t.Errorf("shard %s's run is %q, want the suffix %q", sh, rep.Run, spec.Suffix())
		}
		runs = append(runs, rep.Run)
		for k, v := range stepSet(t, st, rep.Run) {
			acct := strings.Fields(k)[0]
			if !spec.Contains(acct) {
				t.Errorf("shard %s changed %s, an account of another shard", sh, k)
			}
			if prev, ok := owner[acct]; ok && prev != sh {
				t.Errorf("account %s changed by shards %s and %s", acct, prev, sh)
			}
			owner[acct] = sh
			union[k] = v
		}
		for acct := range rep.NotAssessed {
			if !spec.Contains(acct) {
				t.Errorf("shard %s reports %s, an account of another shard, as not assessed", sh, acct)
			}
		}
	}
	if len(union) != len(oneSteps) {
		t.Errorf("the shards journaled %d steps, the one run %d", len(union), len(oneSteps))
	}
	for k, v := range oneSteps {
		if union[k] != v {
			t.Errorf("step %s: one run %s, shards %q", k, v, union[k])
		}
	}
	if len(owner) < 2 {
		t.Fatalf("the demo's accounts fell in %d shard(s): the test proves nothing", len(owner))
	}

	// Rollback is per run: shard 1's run only.
	o := opts(st)
	o.Run = runs[0]
	if _, err := baseline.Rollback(ctx, cfg, o); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		steps, _ := st.BaselineSteps(ctx, r)
		for _, s := range steps {
			want := store.StepDone
			if r == runs[0] {
				want = store.StepRolledBack
			}
			if s.Status != want {
				t.Errorf("run %s step %+v is %s, want %s", r, s.StepKey, s.Status, want)
			}
		}
	}

	// A shard with none of the organization's accounts.
	empty := emptyShard(t, owner)
	o = opts(st)
	o.Discover.Shard = empty
	_, err = baseline.Plan(ctx, cfg, o)
	var se *org.SelectorError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "keeps none of the") {
		t.Errorf("plan of shard %s = %v, want a *org.SelectorError", empty, err)
	}
}

// stepSet maps a run's steps to their wanted state.
func stepSet(t *testing.T, st store.Store, run string) map[string]string {
	t.Helper()
	steps, err := st.BaselineSteps(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range steps {
		out[s.Account+" "+s.Region+" "+s.Item] = string(s.Status) + " " + string(s.Want)
	}
	return out
}

// emptyShard finds a shard of many that holds none of the accounts (the
// accounts of owner, and those the demo has that the baseline did not
// change: the test asks Plan, which lists them all).
func emptyShard(t *testing.T, owner map[string]string) shard.Spec {
	t.Helper()
	demo := []string{"111111111111", "222222222222", "333333333333", "444444444401", "444444444402", "444444444403", "444444444404",
		"555555555501", "555555555502", "666666666601", "666666666602"}
	for a := range owner {
		demo = append(demo, a)
	}
	for n := 64; ; n++ {
		for i := 1; i <= n; i++ {
			used := false
			for _, a := range demo {
				used = used || shard.Of(a, n) == i
			}
			if !used {
				return shard.Spec{Index: i, Count: n}
			}
		}
	}
}

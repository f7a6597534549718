package remediate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/shard"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestShardsCoverOnePlan: the plans of shards 1/2 and 2/2 of every
// playbook's findings share no account and together are exactly the
// plan of the whole organization; an apply of one shard is a run of its
// own that changes only that shard's accounts, and rolls back as such.
func TestShardsCoverOnePlan(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.scan(t)
	plan := func(sh string) map[string]string {
		t.Helper()
		o := f.opts()
		o.Controls, o.Params, o.MaxChanges = playbook.Controls(), roundTripParams, -1
		o.Discover.Shard, _ = shard.Parse(sh)
		rep, err := remediate.Plan(ctx, f.cfg, o)
		if err != nil {
			t.Fatalf("plan %q: %v", sh, err)
		}
		out := map[string]string{}
		for _, it := range rep.Items {
			if sh != "" && !o.Discover.Shard.Contains(it.Account) {
				t.Errorf("shard %s plans %s in %s, an account of the other shard", sh, it.Control, it.Account)
			}
			out[fmt.Sprintf("%s %s %s %s", it.Account, it.Region, it.Control, it.Resource.ARN)] = string(it.Action)
		}
		return out
	}
	whole := plan("")
	union := map[string]string{}
	for _, sh := range []string{"1/2", "2/2"} {
		part := plan(sh)
		if len(part) == 0 {
			t.Fatalf("shard %s plans nothing: the test proves nothing", sh)
		}
		for k, v := range part {
			if _, dup := union[k]; dup {
				t.Errorf("%s planned by both shards", k)
			}
			union[k] = v
		}
	}
	if len(union) != len(whole) {
		t.Errorf("the shards plan %d items, the whole organization %d", len(union), len(whole))
	}
	for k, v := range whole {
		if union[k] != v {
			t.Errorf("%s: whole %s, shards %q", k, v, union[k])
		}
	}

	o := f.opts()
	o.Controls, o.Params, o.MaxChanges, o.Canary = []string{"S3.8"}, roundTripParams, -1, "100%"
	o.Discover.Shard = shard.Spec{Index: 1, Count: 2}
	rep, err := remediate.Apply(ctx, f.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(rep.Run, "-shard1of2") || rep.Counts[remediate.Changed] == 0 {
		t.Fatalf("apply of shard 1/2: run %q, counts %v", rep.Run, rep.Counts)
	}
	steps, err := f.st.BaselineSteps(ctx, rep.Run)
	if err != nil || len(steps) == 0 {
		t.Fatalf("steps of %s: %d, %v", rep.Run, len(steps), err)
	}
	for _, s := range steps {
		if !o.Discover.Shard.Contains(s.Account) {
			t.Errorf("shard 1/2's run changed %+v", s.StepKey)
		}
	}
	ro := f.opts()
	ro.Run = rep.Run
	back, err := remediate.Rollback(ctx, f.cfg, ro)
	if err != nil {
		t.Fatal(err)
	}
	if back.Counts[remediate.Restored] != len(steps) {
		t.Errorf("rollback of %s restored %v, want %d", rep.Run, back.Counts, len(steps))
	}
	runs, _ := f.st.BaselineRuns(ctx, 0)
	for _, r := range runs {
		if r.ID == rep.Run && r.Status != store.Complete {
			t.Errorf("run %s is %s", r.ID, r.Status)
		}
	}
}

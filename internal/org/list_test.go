package org_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/shard"
)

// TestListThenReach: List selects the accounts without reaching any (no
// regions), its listing survives JSON (a queue message), and Discover
// over it (Options.Listed) reaches exactly those accounts, as Discover
// would: the same regions, the denied role reported. A shard keeps its
// share; a shard with no account of the selection is a *SelectorError.
func TestListThenReach(t *testing.T) {
	s := startDemo(t)
	ctx := context.Background()
	cfg := s.Config(t, s.World().Org.ManagementAccount, "us-east-1")
	o := org.Options{Regions: []string{"eu-west-1", "us-east-1"}, Include: []string{"Workloads/Production"}}
	listed, err := org.List(ctx, cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range listed.Accounts {
		if len(a.Regions) != 0 {
			t.Errorf("List reached %s: regions %v", a.ID, a.Regions)
		}
		ids = append(ids, a.ID)
	}
	if !slices.Contains(ids, erpProd) || !slices.Contains(ids, dataProd) || slices.Contains(ids, "111111111111") {
		t.Fatalf("listed %v", ids)
	}
	whole, err := discover(t, s, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(listed)
	var back org.Organization
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	lo := o
	lo.Listed = &back
	lo.Include = nil // a listing is not selected again
	reached, err := discover(t, s, lo)
	if err != nil {
		t.Fatal(err)
	}
	if len(reached.Accounts) != len(whole.Accounts) {
		t.Fatalf("reached %d accounts, Discover %d", len(reached.Accounts), len(whole.Accounts))
	}
	for _, w := range whole.Accounts {
		r := account(t, reached, w.ID)
		if strings.Join(r.Regions, ",") != strings.Join(w.Regions, ",") || r.Error != w.Error || r.Path != w.Path {
			t.Errorf("%s: reached %v %q %q, Discover %v %q %q", w.ID, r.Regions, r.Error, r.Path, w.Regions, w.Error, w.Path)
		}
	}
	if a := account(t, reached, erpProd); a.Err == nil {
		t.Errorf("the denied account was reached")
	}

	// Shards: 1/2 and 2/2 split the selection.
	var got []string
	for i := 1; i <= 2; i++ {
		so := o
		so.Shard = shard.Spec{Index: i, Count: 2}
		part, err := org.List(ctx, cfg, so)
		if err != nil {
			t.Fatalf("shard %d/2: %v", i, err)
		}
		for _, a := range part.Accounts {
			if !so.Shard.Contains(a.ID) {
				t.Errorf("shard %d/2 kept %s", i, a.ID)
			}
			got = append(got, a.ID)
		}
	}
	slices.Sort(got)
	slices.Sort(ids)
	if strings.Join(got, " ") != strings.Join(ids, " ") {
		t.Errorf("shards listed %v, the whole selection %v", got, ids)
	}
	for n := 2; ; n++ {
		empty := 0
		for i := 1; i <= n; i++ {
			if !slices.ContainsFunc(ids, func(id string) bool { return shard.Of(id, n) == i }) {
				empty = i
				break
			}
		}
		if empty == 0 {
			continue
		}
		so := o
		so.Shard = shard.Spec{Index: empty, Count: n}
		_, err := org.List(ctx, cfg, so)
		var se *org.SelectorError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "keeps none of the") {
			t.Errorf("shard %s of the selection: %v", so.Shard, err)
		}
		break
	}
}

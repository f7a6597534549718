package scan_test

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// TestStreamedScanIsWholeScan scans the demo organization three ways:
// keeping the whole snapshot and evaluating it at the end (Options.Snapshot
// set: the reference), evaluating each account as it completes into the
// returned report, and handing each account's parts to Options.Account.
// All three give the same results, gaps, inventory and accounts: the
// controls that read other accounts (organization trails, their log
// groups, trail buckets in the log archive) see what they see in the
// whole snapshot. With one task at a time the accounts complete one
// after another, so members wait for the management account's trail.
func TestStreamedScanIsWholeScan(t *testing.T) {
	s := startDemo(t)
	regions := []string{"eu-west-1", "us-east-1"}
	for _, conc := range []int{1, 32} {
		whole := demoScan(t, s, scan.Options{Discover: org.Options{Regions: regions}, Concurrency: conc, Snapshot: func(*snapshot.Snapshot) {}}, 0)
		streamed := demoScan(t, s, scan.Options{Discover: org.Options{Regions: regions}, Concurrency: conc}, 0)
		if len(whole.Results) == 0 {
			t.Fatal("the reference scan has no results")
		}
		same(t, "results", whole.Results, streamed.Results)
		same(t, "gaps", whole.Gaps, streamed.Gaps)
		same(t, "inventory", whole.Inventory, streamed.Inventory)
		same(t, "accounts", whole.Accounts, streamed.Accounts)
		same(t, "scores", whole.Scores, streamed.Scores)

		var mu sync.Mutex
		byID := map[string]*report.AccountPart{}
		pieces := map[[2]any]bool{}
		sink := func(p report.AccountPart) error {
			mu.Lock()
			defer mu.Unlock()
			if k := [2]any{p.ID, p.Piece}; pieces[k] {
				t.Errorf("account %s: piece %d sent twice", p.ID, p.Piece)
			} else {
				pieces[k] = true
			}
			q := byID[p.ID]
			if q == nil {
				q = &report.AccountPart{ID: p.ID}
				byID[p.ID] = q
			}
			if p.Account != nil {
				if q.Account != nil {
					t.Errorf("account %s: record sent twice", p.ID)
				}
				q.Account = p.Account
			}
			if p.Inventory != nil {
				if q.Inventory != nil {
					t.Errorf("account %s: inventory sent twice", p.ID)
				}
				q.Inventory = p.Inventory
			}
			q.Results = append(q.Results, p.Results...)
			q.Gaps = append(q.Gaps, p.Gaps...)
			return nil
		}
		parted := demoScan(t, s, scan.Options{Discover: org.Options{Regions: regions}, Concurrency: conc, Account: sink}, 0)
		if len(parted.Results) != 0 || parted.Inventory != nil {
			t.Errorf("a scan with Options.Account returned %d results and an inventory (%v)", len(parted.Results), parted.Inventory != nil)
		}
		parts := make([]report.AccountPart, 0, len(byID))
		for _, p := range byID {
			parts = append(parts, *p)
		}
		joined := &report.Report{ID: parted.ID, Scope: parted.Scope, Controls: parted.Controls, Standards: parted.Standards, Collectors: parted.Collectors}
		joined.Join(parts)
		// Join keeps each part's results in the order they came.
		sortedLines := func(r *report.Report) []string {
			var out []string
			for _, res := range r.Results {
				b, _ := json.Marshal(res)
				out = append(out, string(b))
			}
			slices.Sort(out)
			return out
		}
		same(t, "parted results", sortedLines(whole), sortedLines(joined))
		same(t, "parted gaps", whole.Gaps, joined.Gaps)
		same(t, "parted inventory", whole.Inventory, joined.Inventory)
		same(t, "parted accounts", whole.Accounts, joined.Accounts)
		same(t, "parted scores", whole.Scores, joined.Scores)
	}
}

// same fails when want and got differ as JSON.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(w) != string(g) {
		t.Errorf("%s differ: want %d bytes, got %d bytes\n want: %.300s\n  got: %.300s", what, len(w), len(g), w, g)
	}
}

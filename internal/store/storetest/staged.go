package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// shardOf puts A1 in part "a" and every other account in part "b".
func shardOf(account string) string {
	if account == A1 {
		return "a"
	}
	return "b"
}

// header is rep without its results, as every part of a staged scan
// knows it.
func header(rep *report.Report) *report.Report {
	return &report.Report{ID: rep.ID, Started: rep.Started, Scope: rep.Scope, Controls: rep.Controls, Standards: rep.Standards, Collectors: rep.Collectors}
}

// stage begins part of rep's staged scan (parts "a" and "b") and stages
// the part's accounts (shardOf).
func stage(t testing.TB, s store.Store, rep *report.Report, part string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.BeginPart(ctx, store.StagedScan{Header: header(rep), By: "carol", Parts: []string{"a", "b"}}, part); err != nil {
		t.Fatalf("begin %s part %s: %v", rep.ID, part, err)
	}
	var mine, again []report.AccountPart
	for _, p := range rep.Split() {
		if shardOf(p.ID) != part {
			continue
		}
		// Each account in pieces, as a scan that streams hands them
		// over (report.AccountPart.Piece): its results in two, then its
		// record; the second piece staged twice replaces itself.
		half := len(p.Results) / 2
		first, second, record := p, report.AccountPart{ID: p.ID, Piece: 1, Results: p.Results[half:]}, report.AccountPart{ID: p.ID, Piece: 3, Account: p.Account}
		first.Results, first.Account = p.Results[:half], nil
		mine = append(mine, first, second, record)
		again = append(again, second)
	}
	for _, ps := range [][]report.AccountPart{mine, again} {
		if err := s.StageAccounts(ctx, rep.ID, part, ps); err != nil {
			t.Fatalf("stage %s part %s: %v", rep.ID, part, err)
		}
	}
}

func reportPart(t testing.TB, s store.Store, rep *report.Report, part string) store.Completion {
	t.Helper()
	c, err := s.ReportPart(context.Background(), header(rep), part, report.Stats{Targets: 1, APICalls: 10}, nil)
	if err != nil {
		t.Fatalf("report %s part %s: %v", rep.ID, part, err)
	}
	return c
}

// recordStaged stores rep as a staged scan of two parts.
func recordStaged(t testing.TB, s store.Store, rep *report.Report) store.Changes {
	t.Helper()
	stage(t, s, rep, "a")
	stage(t, s, rep, "b")
	if c := reportPart(t, s, rep, "b"); c.Complete || c.Reported != 1 || c.Parts != 2 {
		t.Fatalf("%s: first part reported: %+v, want 1 of 2, not complete", rep.ID, c)
	}
	c := reportPart(t, s, rep, "a")
	if !c.Complete || c.Reported != 2 {
		t.Fatalf("%s: last part reported: %+v, want complete", rep.ID, c)
	}
	return c.Changes
}

// stored is what a store holds of its findings: each finding with its
// history, and each scan's counts, scores and changes.
func stored(t testing.TB, s store.Store) string {
	t.Helper()
	ctx := context.Background()
	fs, _, err := s.Findings(ctx, store.Filter{Order: "last_seen"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range sortedFindings(fs) {
		_, evs, err := s.Finding(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s sev=%s first=%s last=%s exp=%v\n", f.ID, f.Control, f.Workflow, f.Compliance, f.Severity, f.FirstSeen, f.LastSeen, f.Exposure)
		for _, e := range evs {
			fmt.Fprintf(&b, "  %s %s %s %s %q\n", e.At, e.Scan, e.Kind, e.By, e.Detail)
		}
	}
	scans, err := s.Scans(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scans {
		scores, err := json.Marshal(sc.Scores)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "scan %s %s counts=%+v changes=%+v gaps=%+v not_assessed=%v accounts=%+v scores=%s\n",
			sc.ID, sc.Status, sc.Counts, sc.Changes, sc.Gaps, sc.NotAssessed, sc.Accounts, scores)
	}
	return b.String()
}

func sortedFindings(fs []finding.Finding) []finding.Finding {
	out := append([]finding.Finding(nil), fs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// testStaged checks staged scans against the same scans stored whole:
// the same findings, histories, counts and scores; nothing changes
// until the last part reports; a part run again replaces what it
// staged; a part that differs is refused; two parts reporting at once
// complete the scan once.
func testStaged(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	scans := lifecycleScans(base())
	whole, staged := open(t), open(t)

	for i, rep := range scans[:2] {
		wantCh := record(t, whole, rep)
		if i == 1 {
			// s2 incomplete: one part reported, the other staged halfway.
			before := stored(t, staged)
			stage(t, staged, rep, "a")
			if c := reportPart(t, staged, rep, "a"); c.Complete {
				t.Fatalf("s2 complete after one part of two")
			}
			if _, err := staged.BeginPart(ctx, store.StagedScan{Header: header(rep), Parts: []string{"a", "b"}}, "b"); err != nil {
				t.Fatal(err)
			}
			// A wrong result staged by a run of part b that then dies.
			wrong := report.AccountPart{ID: A2, Results: []control.Result{{Control: "EC2.8", Status: control.Passed,
				Resource: rep.Results[0].Resource}}}
			wrong.Results[0].Resource.Account = A2
			if err := staged.StageAccounts(ctx, rep.ID, "b", []report.AccountPart{wrong}); err != nil {
				t.Fatal(err)
			}
			after := stored(t, staged)
			// The scans line of s2 differs (it is listed, RUNNING); the
			// findings must not.
			if f1, f2 := findingsPart(before), findingsPart(after); f1 != f2 {
				t.Errorf("an incomplete scan changed the findings:\nbefore\n%s\nafter\n%s", f1, f2)
			}
			sc, err := staged.Scan(ctx, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Status != store.Running || sc.Parts != 2 || sc.Reported != 1 {
				t.Errorf("incomplete scan: status %s, %d of %d parts reported; want RUNNING, 1 of 2", sc.Status, sc.Reported, sc.Parts)
			}
			parts, err := staged.Parts(ctx, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != 2 || parts[0].Key != "a" || parts[0].Reported.IsZero() || parts[1].Key != "b" || !parts[1].Reported.IsZero() {
				t.Errorf("parts %+v, want a reported, b not", parts)
			}
			// Part b runs again: what it staged before is replaced.
			stage(t, staged, rep, "b")
			c := reportPart(t, staged, rep, "b")
			if !c.Complete {
				t.Fatalf("s2 not complete after its last part: %+v", c)
			}
			if c.Changes != wantCh {
				t.Errorf("s2 staged changed %+v, whole %+v", c.Changes, wantCh)
			}
			continue
		}
		if ch := recordStaged(t, staged, rep); ch != wantCh {
			t.Errorf("%s staged changed %+v, whole %+v", rep.ID, ch, wantCh)
		}
	}
	if w, s := stored(t, whole), stored(t, staged); w != s {
		t.Errorf("staged scans stored\n%s\nwhole scans stored\n%s", s, w)
	}
	if n := stagedRows(t, staged, "s2"); n != 0 {
		t.Errorf("%d accounts still staged after s2 completed", n)
	}

	// A part of a complete scan, or one that differs, is refused.
	s2 := scans[1]
	if _, err := staged.ReportPart(ctx, header(s2), "a", report.Stats{}, nil); err == nil {
		t.Errorf("reporting a part of a complete scan: no error")
	}
	s3 := scans[2]
	if _, err := staged.BeginPart(ctx, store.StagedScan{Header: header(s3), Parts: []string{"a", "b"}}, "a"); err != nil {
		t.Fatal(err)
	}
	other := header(s3)
	other.Scope.Regions = []string{EU1}
	for _, tc := range []struct {
		name  string
		s     store.StagedScan
		part  string
		check func(error) bool
	}{
		{"other regions", store.StagedScan{Header: other, Parts: []string{"a", "b"}}, "a", func(err error) bool { return errors.Is(err, store.ErrScanMismatch) }},
		{"other parts", store.StagedScan{Header: header(s3), Parts: []string{"a", "b", "c"}}, "c", func(err error) bool { return errors.Is(err, store.ErrScanMismatch) }},
		{"not a part", store.StagedScan{Header: header(s3), Parts: []string{"a", "b"}}, "z", func(err error) bool { return err != nil }},
		{"a whole scan", store.StagedScan{Header: header(scans[0]), Parts: []string{"a", "b"}}, "a", func(err error) bool { return err != nil }},
	} {
		if _, err := staged.BeginPart(ctx, tc.s, tc.part); !tc.check(err) || (err != nil && !strings.Contains(err.Error(), tc.s.Header.ID)) {
			t.Errorf("%s: %v, want an error naming the scan", tc.name, err)
		}
	}
	if err := staged.StageAccounts(ctx, s3.ID, "z", []report.AccountPart{{ID: A1}}); err == nil {
		t.Errorf("staging a part that is not the scan's: no error")
	}

	// Both parts of s3 report at once: the scan completes exactly once.
	record(t, whole, s3)
	stage(t, staged, s3, "a")
	stage(t, staged, s3, "b")
	// Part b also holds something about A1, part a's account (a result
	// about a resource A1 owns): both rows live side by side.
	if err := staged.StageAccounts(ctx, s3.ID, "b", []report.AccountPart{{ID: A1}}); err != nil {
		t.Fatalf("part b staging about part a's account: %v", err)
	}
	var wg sync.WaitGroup
	results := make([]store.Completion, 2)
	errs := make([]error, 2)
	for i, part := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = staged.ReportPart(ctx, header(s3), part, report.Stats{}, nil)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("parts reporting at once: %v, %v", errs[0], errs[1])
	}
	if results[0].Complete == results[1].Complete {
		t.Errorf("parts reporting at once: complete %v and %v, want exactly one", results[0].Complete, results[1].Complete)
	}
	if w, s := stored(t, whole), stored(t, staged); w != s {
		t.Errorf("after s3: staged scans stored\n%s\nwhole scans stored\n%s", s, w)
	}
	if _, err := staged.Parts(ctx, "no-such-scan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("parts of a scan that does not exist: %v, want ErrNotFound", err)
	}
}

// findingsPart is stored's findings, without the scans.
func findingsPart(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "scan ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// stagedRows counts the accounts still staged for scan, over its parts.
func stagedRows(t testing.TB, s store.Store, scan string) int {
	t.Helper()
	parts, err := s.Parts(context.Background(), scan)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range parts {
		n += p.Accounts
	}
	return n
}

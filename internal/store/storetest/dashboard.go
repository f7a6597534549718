package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// testDashboard checks what the dashboard reads: the open counts against
// the findings they count, the open findings' order (from their index)
// against the priority order, streaming against paging, each scan's
// changes against its events, and the version.
func testDashboard(t *testing.T, s store.Store) {
	ctx := context.Background()
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		rep, err := Synthetic{Accounts: 3, Regions: []string{"eu-west-1", "us-east-1"}, Scan: n}.Report()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishScan(ctx, rep, nil); err != nil {
			t.Fatal(err)
		}
	}
	open := store.Filter{Compliance: []control.Status{control.Failed}, Workflow: []finding.Workflow{finding.Notified, finding.New}}
	all, total, err := s.Findings(ctx, open)
	if err != nil || total == 0 || len(all) != total {
		t.Fatalf("open findings: %d of %d, %v", len(all), total, err)
	}
	// Counts.
	want := map[[3]string]int{}
	for _, f := range all {
		want[[3]string{f.Account, f.Control, f.Severity.String()}]++
	}
	counts, err := s.OpenCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[3]string]int{}
	for _, c := range counts {
		got[[3]string{c.Account, c.Control, c.Severity.String()}] += c.Count
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("open counts: %d groups, want %d", len(got), len(want))
	}
	// Order: severity, exposure, newest first seen, ID.
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		ok := a.Severity > b.Severity || a.Severity == b.Severity && (a.Exposure.Rank() > b.Exposure.Rank() ||
			a.Exposure.Rank() == b.Exposure.Rank() && (a.FirstSeen.After(b.FirstSeen) || a.FirstSeen.Equal(b.FirstSeen) && a.ID < b.ID))
		if !ok {
			t.Fatalf("open findings out of priority order at %d: %s before %s", i, a.ID, b.ID)
		}
	}
	// Paging and streaming agree.
	page := open
	page.Severities, page.Limit, page.Offset = []control.Severity{control.High, control.Critical}, 7, 5
	fs, _, err := s.Findings(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	var streamed []string
	if err := s.EachFinding(ctx, page, func(f *finding.Finding) error { streamed = append(streamed, f.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	var paged []string
	for _, f := range fs {
		paged = append(paged, f.ID)
	}
	if len(paged) != 7 || !reflect.DeepEqual(paged, streamed) {
		t.Errorf("EachFinding %v, Findings %v", streamed, paged)
	}
	// The second scan's changes.
	sc, err := s.Scan(ctx, "scan-synthetic-2")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.ScanChanges(ctx, sc.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Opened) != sc.Changes.New+sc.Changes.Reopened || len(ch.Resolved) != sc.Changes.Resolved || len(ch.Resolved) == 0 {
		t.Errorf("scan changes: %d opened, %d resolved; the scan counted %+v", len(ch.Opened), len(ch.Resolved), sc.Changes)
	}
	for _, f := range ch.Resolved {
		if f.Workflow != finding.Resolved {
			t.Errorf("resolved by the scan but %s now: %s", f.Workflow, f.ID)
		}
	}
	if _, err := s.ScanChanges(ctx, "no-such-scan", 5); err != nil {
		t.Errorf("changes of an unknown scan: %v, want none", err)
	}
	// The version moves with every write, and only then.
	v1, _ := s.Version(ctx)
	if v2, _ := s.Version(ctx); v1 == v0 || v2 != v1 {
		t.Errorf("versions %q, %q, %q: want a new one after the scans and the same one after a read", v0, v1, v2)
	}
	if err := s.Suppress(ctx, []string{all[0].ID}, "accepted", "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if v3, _ := s.Version(ctx); v3 == v1 {
		t.Errorf("version %q unchanged by a suppression", v3)
	}
	counts2, _ := s.OpenCounts(ctx)
	n := 0
	for _, c := range counts2 {
		n += c.Count
	}
	if n != total-1 {
		t.Errorf("open count after suppressing one: %d, want %d", n, total-1)
	}
}

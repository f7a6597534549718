// Package storetest is the conformance suite every store.Store backend
// runs (Run), with what it needs: reports built result by result
// (NewReport), a synthetic organization scan of any size (Synthetic), and
// a throwaway PostgreSQL (Postgres).
package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Accounts and regions of the suite's scans.
const (
	A1   = "111111111111"
	A2   = "222222222222"
	EU1  = "eu-west-1"
	EU2  = "eu-west-2"
	Home = "us-east-1"
)

// Run runs the conformance suite; open returns a new, empty store for
// one test (and closes it when the test ends), on the clock Now
// (store.Options{Now: storetest.Now}).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("Clock", func(t *testing.T) { testClock(t, open(t)) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, open(t)) })
	t.Run("Diff", func(t *testing.T) { testDiff(t, open(t)) })
	t.Run("Scans", func(t *testing.T) { testScans(t, open(t)) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, open(t)) })
	t.Run("Suppress", func(t *testing.T) { testSuppress(t, open(t)) })
	t.Run("Rules", func(t *testing.T) { testRules(t, open) })
	t.Run("ConcurrentRead", func(t *testing.T) { testConcurrentRead(t, open(t)) })
	t.Run("Inventory", func(t *testing.T) { testInventory(t, open(t)) })
	t.Run("Dashboard", func(t *testing.T) { testDashboard(t, open(t)) })
	t.Run("TextSearch", func(t *testing.T) { testTextSearch(t, open(t)) })
	t.Run("SummaryCounts", func(t *testing.T) { testSummaryCounts(t, open(t)) })
	t.Run("Journal", func(t *testing.T) { testJournal(t, open) })
	t.Run("JournalConcurrent", func(t *testing.T) { testJournalConcurrent(t, open) })
	t.Run("Scope", func(t *testing.T) { testScope(t, open(t)) })
	t.Run("Watch", func(t *testing.T) { testWatch(t, open(t)) })
	t.Run("Notify", func(t *testing.T) { testNotify(t, open(t)) })
	t.Run("Staged", func(t *testing.T) { testStaged(t, open) })
}

// now is where the suite's stores' clock is stopped: no result of the
// suite depends on the date it runs.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Now is the clock the suite's stores must be opened on: stopped an hour
// before the suite's first scan.
func Now() time.Time { return now }

// base is the time of the suite's first scan: after the store's clock,
// so that a suppression made "now" can expire between two scans.
func base() time.Time { return now.Add(time.Hour) }

// testClock checks that open opened the store on Now: a scan given no
// start time started at Now.
func testClock(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.StartScan(ctx, store.Scan{ID: "s-clock"}); err != nil {
		t.Fatal(err)
	}
	sc, err := s.Scan(ctx, "s-clock")
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Started.Equal(now) {
		t.Fatalf("a scan given no start time started at %v, not at storetest.Now (%v): open the store with store.Options{Now: storetest.Now}", sc.Started, now)
	}
}

func day(b time.Time, n int) time.Time { return b.Add(time.Duration(n) * 24 * time.Hour) }

// ID is the finding ID of ctl's result for arn in account/region.
func ID(ctl, account, region, arn string) string {
	return finding.ID(control.Result{Control: ctl, Resource: snapshot.Meta{ARN: arn, Account: account, Region: region}})
}

// Instance is the finding ID of EC2.8 for instance id.
func Instance(account, region, id string) string {
	return ID("EC2.8", account, region, "arn:aws:ec2:"+region+":"+account+":instance/"+id)
}

// Root is the finding ID of IAM.4 for account.
func Root(account string) string { return ID("IAM.4", account, Home, "AWS::::Account:"+account) }

// Key is the finding ID of KMS.4 for key id.
func Key(account, region, id string) string {
	return ID("KMS.4", account, region, "arn:aws:kms:"+region+":"+account+":key/"+id)
}

// record stores rep as a scan: StartScan, then FinishScan.
func record(t testing.TB, s store.Store, rep *report.Report) store.Changes {
	t.Helper()
	ctx := context.Background()
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started, By: rep.Scope.Caller, Scope: rep.Scope}); err != nil {
		t.Fatalf("start %s: %v", rep.ID, err)
	}
	ch, err := s.FinishScan(ctx, rep, nil)
	if err != nil {
		t.Fatalf("finish %s: %v", rep.ID, err)
	}
	return ch
}

// accounts adds the suite's accounts to b: A1 in three regions, A2 in
// two.
func accounts(b *Builder) *Builder {
	return b.Account(A1, "prod-web", "Root/Production/web", EU1, EU2, Home).
		Account(A2, "sandbox", "Root/Sandbox", EU1, Home)
}

// lifecycleScans are four scans that move findings through every state:
//
//	finding  s1      s2                       s3          s4
//	i-1      FAILED  FAILED                   FAILED      FAILED   (suppressed after s2 until s4)
//	i-2      FAILED  PASSED                   FAILED      FAILED
//	i-3      PASSED  PASSED                   PASSED      PASSED
//	i-4 (A2) FAILED  account not assessed     FAILED      FAILED
//	i-5      FAILED  gone                     FAILED      FAILED
//	i-6 (us) FAILED  ec2 gap in us-east-1     PASSED      PASSED
//	i-7      FAILED  ERROR                    FAILED      FAILED
//	i-8      -       FAILED                   FAILED      FAILED   (suppressed after s2, no expiry)
//	i-9      FAILED  gone                     gone        gone
//	k-1 (eu2)FAILED  region eu-west-2 skipped PASSED      PASSED
//	root A1  FAILED  FAILED                   FAILED      FAILED
//	root A2  PASSED  account not assessed     PASSED      PASSED
func lifecycleScans(b time.Time) []*report.Report {
	s1 := accounts(NewReport("s1", day(b, 0))).
		Instance(control.Failed, A1, EU1, "i-1").Instance(control.Failed, A1, EU1, "i-2").
		Instance(control.Passed, A1, EU1, "i-3").Instance(control.Failed, A1, EU1, "i-5").
		Instance(control.Failed, A1, EU1, "i-7").Instance(control.Failed, A1, EU1, "i-9").
		Instance(control.Failed, A1, Home, "i-6").Root(control.Failed, A1, Home).
		Key(control.Failed, A1, EU2, "k-1").
		Instance(control.Failed, A2, EU1, "i-4").Root(control.Passed, A2, Home)
	s2 := accounts(NewReport("s2", day(b, 1))).
		Unassessed(A2, "AccessDenied: sts:AssumeRole").
		Skip(A1, EU2, "region not enabled").
		Gap(A1, Home, "ec2", "AccessDenied: ec2:DescribeInstances").
		Instance(control.Failed, A1, EU1, "i-1").Instance(control.Passed, A1, EU1, "i-2").
		Instance(control.Passed, A1, EU1, "i-3").Instance(control.Error, A1, EU1, "i-7").
		Instance(control.Failed, A1, EU1, "i-8").
		Result("EC2.8", control.Error, A1, Home, "AwsAccount", "AWS::::Account:"+A1, "ec2 not collected").
		Root(control.Failed, A1, Home).
		Result("KMS.4", control.Error, A1, EU2, "AwsAccount", "AWS::::Account:"+A1, "region not assessed").
		Result("EC2.8", control.Error, A2, Home, "AwsAccount", "AWS::::Account:"+A2, "account not assessed").
		Result("IAM.4", control.Error, A2, Home, "AwsAccount", "AWS::::Account:"+A2, "account not assessed").
		Result("KMS.4", control.Error, A2, Home, "AwsAccount", "AWS::::Account:"+A2, "account not assessed")
	later := func(id string, at time.Time) *Builder {
		return accounts(NewReport(id, at)).
			Instance(control.Failed, A1, EU1, "i-1").Instance(control.Failed, A1, EU1, "i-2").
			Instance(control.Passed, A1, EU1, "i-3").Instance(control.Failed, A1, EU1, "i-5").
			Instance(control.Failed, A1, EU1, "i-7").Instance(control.Failed, A1, EU1, "i-8").
			Instance(control.Passed, A1, Home, "i-6").Root(control.Failed, A1, Home).
			Key(control.Passed, A1, EU2, "k-1").
			Instance(control.Failed, A2, EU1, "i-4").Root(control.Passed, A2, Home)
	}
	return []*report.Report{s1.Report(), s2.Report(), later("s3", day(b, 2)).Report(), later("s4", day(b, 3)).Report()}
}

// state is what the suite checks of a finding.
type state struct {
	Workflow   finding.Workflow
	Compliance control.Status
}

func testLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	scans := lifecycleScans(b)
	ids := map[string]string{
		"i-1": Instance(A1, EU1, "i-1"), "i-2": Instance(A1, EU1, "i-2"), "i-3": Instance(A1, EU1, "i-3"),
		"i-4": Instance(A2, EU1, "i-4"), "i-5": Instance(A1, EU1, "i-5"), "i-6": Instance(A1, Home, "i-6"),
		"i-7": Instance(A1, EU1, "i-7"), "i-8": Instance(A1, EU1, "i-8"), "i-9": Instance(A1, EU1, "i-9"),
		"k-1": Key(A1, EU2, "k-1"), "rootA1": Root(A1), "rootA2": Root(A2),
	}
	const (
		N, R, S = finding.New, finding.Resolved, finding.Suppressed
		F, P, E = control.Failed, control.Passed, control.Error
	)
	steps := []struct {
		changes store.Changes
		// before runs after the previous scan is stored.
		before func(t *testing.T)
		want   map[string]state
	}{
		{
			changes: store.Changes{New: 9},
			want: map[string]state{"i-1": {N, F}, "i-2": {N, F}, "i-3": {R, P}, "i-4": {N, F}, "i-5": {N, F}, "i-6": {N, F},
				"i-7": {N, F}, "i-9": {N, F}, "k-1": {N, F}, "rootA1": {N, F}, "rootA2": {R, P}},
		},
		{
			// Fixed (i-2) and gone (i-5, i-9) resolve; what s2 did not assess
			// (A2, eu-west-2 of A1, ec2 in us-east-1 of A1) and ERROR (i-7) do
			// not.
			changes: store.Changes{New: 1, Resolved: 3, Unchanged: 3},
			want: map[string]state{"i-1": {N, F}, "i-2": {R, P}, "i-3": {R, P}, "i-4": {N, F}, "i-5": {R, F}, "i-6": {N, F},
				"i-7": {N, E}, "i-8": {N, F}, "i-9": {R, F}, "k-1": {N, F}, "rootA1": {N, F}, "rootA2": {R, E}},
		},
		{
			before: func(t *testing.T) {
				if err := s.Suppress(ctx, []string{ids["i-1"]}, "accepted until the migration", "alice", day(b, 3)); err != nil {
					t.Fatal(err)
				}
				if err := s.Suppress(ctx, []string{ids["i-8"]}, "false positive", "bob", time.Time{}); err != nil {
					t.Fatal(err)
				}
			},
			// Failing again reopens i-2 and i-5; suppressed findings stay
			// suppressed while failing.
			changes: store.Changes{Reopened: 2, Resolved: 2, Unchanged: 5},
			want: map[string]state{"i-1": {S, F}, "i-2": {N, F}, "i-3": {R, P}, "i-4": {N, F}, "i-5": {N, F}, "i-6": {R, P},
				"i-7": {N, F}, "i-8": {S, F}, "i-9": {R, F}, "k-1": {R, P}, "rootA1": {N, F}, "rootA2": {R, P}},
		},
		{
			// i-1's suppression expired; i-8's never does.
			changes: store.Changes{Unchanged: 10},
			want: map[string]state{"i-1": {N, F}, "i-2": {N, F}, "i-3": {R, P}, "i-4": {N, F}, "i-5": {N, F}, "i-6": {R, P},
				"i-7": {N, F}, "i-8": {S, F}, "i-9": {R, F}, "k-1": {R, P}, "rootA1": {N, F}, "rootA2": {R, P}},
		},
	}
	for i, st := range steps {
		rep := scans[i]
		if st.before != nil {
			st.before(t)
		}
		got := record(t, s, rep)
		if got != st.changes {
			t.Errorf("%s: changes %+v, want %+v", rep.ID, got, st.changes)
		}
		for name, want := range st.want {
			f, _, err := s.Finding(ctx, ids[name])
			if err != nil {
				t.Fatalf("%s: %s: %v", rep.ID, name, err)
			}
			if g := (state{f.Workflow, f.Compliance}); g != want {
				t.Errorf("%s: %s is %v, want %v", rep.ID, name, g, want)
			}
		}
	}

	// History, oldest first, with the scan or person behind each change.
	type ev struct{ Kind, By, Scan string }
	for _, tc := range []struct {
		name string
		want []ev
	}{
		{"i-1", []ev{{"created", "scan", "s1"}, {"suppressed", "alice", ""}, {"suppression_expired", "scan", "s4"}}},
		{"i-2", []ev{{"created", "scan", "s1"}, {"compliance", "scan", "s2"}, {"resolved", "scan", "s2"}, {"compliance", "scan", "s3"}, {"reopened", "scan", "s3"}}},
		{"i-3", []ev{{"created", "scan", "s1"}}},
		{"i-4", []ev{{"created", "scan", "s1"}}},
		{"i-5", []ev{{"created", "scan", "s1"}, {"resolved", "scan", "s2"}, {"reopened", "scan", "s3"}}},
		{"i-7", []ev{{"created", "scan", "s1"}, {"compliance", "scan", "s2"}, {"compliance", "scan", "s3"}}},
		{"i-9", []ev{{"created", "scan", "s1"}, {"resolved", "scan", "s2"}}},
		{"k-1", []ev{{"created", "scan", "s1"}, {"compliance", "scan", "s3"}, {"resolved", "scan", "s3"}}},
	} {
		f, evs, err := s.Finding(ctx, ids[tc.name])
		if err != nil {
			t.Fatal(err)
		}
		var got []ev
		for _, e := range evs {
			got = append(got, ev{e.Kind, e.By, e.Scan})
			if e.FindingID != f.ID {
				t.Errorf("%s: event %+v of finding %s", tc.name, e, e.FindingID)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s history:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}

	// A finding keeps what it was first seen as, and says what last saw it.
	f, _, err := s.Finding(ctx, ids["i-2"])
	if err != nil {
		t.Fatal(err)
	}
	want := finding.Finding{
		ID: ids["i-2"], Control: "EC2.8", Title: EC28.Title, Account: A1, AccountName: "prod-web", OUPath: "Root/Production/web",
		Region: EU1, ResourceARN: "arn:aws:ec2:" + EU1 + ":" + A1 + ":instance/i-2", ResourceType: "AwsEc2Instance", ResourceName: "i-2",
		Standards: []string{"fsbp:EC2.8"}, Severity: control.High, Compliance: control.Failed, Reason: "instance i-2 FAILED",
		Workflow: finding.New, FirstSeen: day(b, 0), LastSeen: day(b, 3), UpdatedAt: day(b, 2), LastScan: "s4",
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("i-2:\n got %+v\nwant %+v", f, want)
	}
	// The gone i-9 was last seen by s1.
	if f, _, _ := s.Finding(ctx, ids["i-9"]); f.LastScan != "s1" || !f.LastSeen.Equal(day(b, 0)) || !f.UpdatedAt.Equal(day(b, 1)) {
		t.Errorf("i-9: last scan %s at %v, updated %v; want s1 at %v, updated %v", f.LastScan, f.LastSeen, f.UpdatedAt, day(b, 0), day(b, 1))
	}
	if _, _, err := s.Finding(ctx, "no-such-finding"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "no-such-finding") {
		t.Errorf("unknown finding: %v, want ErrNotFound naming it", err)
	}
}

func ids(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func sorted(xs ...string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func testDiff(t *testing.T, s store.Store) {
	ctx := context.Background()
	scans := lifecycleScans(base())
	for _, rep := range scans {
		record(t, s, rep)
	}
	for _, tc := range []struct {
		a, b            string
		appeared, fixed []string
	}{
		// i-8 is new; i-2 passes, i-5 and i-9 are gone. Not fixed: i-4 and
		// k-1 (not assessed by s2), i-6 (ec2 gap), i-7 (ERROR).
		{"s1", "s2", []string{Instance(A1, EU1, "i-8")}, []string{Instance(A1, EU1, "i-2"), Instance(A1, EU1, "i-5"), Instance(A1, EU1, "i-9")}},
		// Reopened i-2, i-5 appear; i-6 and k-1 pass. i-4 and i-7 failed as
		// of s2 (s1 was the last to judge them): they do not appear; k-1,
		// failing as of s2 for the same reason, is fixed.
		{"s2", "s3", []string{Instance(A1, EU1, "i-2"), Instance(A1, EU1, "i-5")}, []string{Instance(A1, Home, "i-6"), Key(A1, EU2, "k-1")}},
		// Across scans: i-9, gone in s2 and judged by no later scan, is
		// still fixed as of s3.
		{"s1", "s3", []string{Instance(A1, EU1, "i-8")}, []string{Instance(A1, Home, "i-6"), Instance(A1, EU1, "i-9"), Key(A1, EU2, "k-1")}},
		{"s3", "s4", nil, nil},
		// Backwards: what s1 had failing that s3 had not, and the other way.
		{"s3", "s1", []string{Instance(A1, Home, "i-6"), Instance(A1, EU1, "i-9"), Key(A1, EU2, "k-1")}, []string{Instance(A1, EU1, "i-8")}},
	} {
		d, err := s.Diff(ctx, tc.a, tc.b)
		if err != nil {
			t.Fatalf("diff %s %s: %v", tc.a, tc.b, err)
		}
		if got, want := sorted(ids(d.Appeared)...), sorted(tc.appeared...); !reflect.DeepEqual(got, want) {
			t.Errorf("diff %s %s: appeared %v, want %v", tc.a, tc.b, got, want)
		}
		if got, want := sorted(ids(d.Fixed)...), sorted(tc.fixed...); !reflect.DeepEqual(got, want) {
			t.Errorf("diff %s %s: fixed %v, want %v", tc.a, tc.b, got, want)
		}
		if d.A != tc.a || d.B != tc.b {
			t.Errorf("diff %s %s: A %s, B %s", tc.a, tc.b, d.A, d.B)
		}
	}
	// Score deltas are b's scores minus a's.
	d, err := s.Diff(ctx, "s1", "s3")
	if err != nil {
		t.Fatal(err)
	}
	s1, s3 := scans[0].Scores, scans[2].Scores
	if want := s3.Overall.Percent - s1.Overall.Percent; d.Overall != want || want == 0 {
		t.Errorf("overall delta %v, want %v (non-zero)", d.Overall, want)
	}
	for _, st := range s3.Standards {
		old, _ := score.Standard(s1.Standards, st.Standard)
		if got, want := d.Standards[st.Standard], st.Percent-old.Percent; got != want {
			t.Errorf("standard %s delta %v, want %v", st.Standard, got, want)
		}
	}
	a1old, _ := s1.Account(A1)
	a1new, _ := s3.Account(A1)
	if got, want := d.Accounts[A1], a1new.Percent-a1old.Percent; got != want {
		t.Errorf("account %s delta %v, want %v", A1, got, want)
	}
	// Diff against s2, where A2 was not assessed: no delta for A2.
	d, err = s.Diff(ctx, "s2", "s3")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := d.Accounts[A2]; ok {
		t.Errorf("s2 s3: account %s delta %v; s2 did not assess it", A2, v)
	}
	for _, tc := range [][2]string{{"s1", "nope"}, {"nope", "s1"}} {
		if _, err := s.Diff(ctx, tc[0], tc[1]); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "nope") {
			t.Errorf("diff %s %s: %v, want ErrNotFound naming nope", tc[0], tc[1], err)
		}
	}
}

func testScans(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	scans := lifecycleScans(b)
	record(t, s, scans[0])
	record(t, s, scans[1])

	// A scan that started and has not finished is RUNNING (its process,
	// this one, is alive).
	if err := s.StartScan(ctx, store.Scan{ID: "s3", Started: day(b, 2), By: "carol"}); err != nil {
		t.Fatal(err)
	}
	if err := s.StartScan(ctx, store.Scan{ID: "s3", Started: day(b, 2)}); err == nil || !strings.Contains(err.Error(), "s3") {
		t.Errorf("starting s3 twice: %v, want an error naming s3", err)
	}
	list, err := s.Scans(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sc := range list {
		got = append(got, sc.ID+" "+sc.Status)
	}
	if want := []string{"s3 RUNNING", "s2 COMPLETE", "s1 COMPLETE"}; !reflect.DeepEqual(got, want) {
		t.Errorf("scans %v, want %v", got, want)
	}
	if list, _ := s.Scans(ctx, 2); len(list) != 2 || list[0].ID != "s3" {
		t.Errorf("scans limit 2: %d scans, first %v", len(list), list)
	}
	// ScanHeads is Scans without the big columns: the same scans, in
	// the same order, with the same small fields; Seq grows with time.
	heads, err := s.ScanHeads(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != len(list) {
		t.Fatalf("%d scan heads, want %d", len(heads), len(list))
	}
	for i, h := range heads {
		sc := list[i]
		want := store.ScanHead{ID: sc.ID, Seq: h.Seq, Started: sc.Started, Finished: sc.Finished, Status: sc.Status, By: sc.By, Counts: sc.Counts, Changes: sc.Changes}
		if !reflect.DeepEqual(h, want) {
			t.Errorf("scan head %d:\n got %+v\nwant %+v", i, h, want)
		}
		if i > 0 && h.Seq >= heads[i-1].Seq {
			t.Errorf("scan head %s has seq %d, not below the newer %s's %d", h.ID, h.Seq, heads[i-1].ID, heads[i-1].Seq)
		}
	}
	if heads[1].Changes.New == 0 && heads[1].Changes.Resolved == 0 {
		t.Errorf("scan head s2 has no changes: %+v", heads[1])
	}
	if hs, _ := s.ScanHeads(ctx, 2); len(hs) != 2 || hs[0].ID != "s3" {
		t.Errorf("scan heads limit 2: %d scans, first %v", len(hs), hs)
	}

	sc, err := s.Scan(ctx, "s2")
	if err != nil {
		t.Fatal(err)
	}
	rep := scans[1]
	want := store.Scan{
		ID: "s2", Started: day(b, 1), Finished: rep.Finished, Status: store.Complete, Kind: store.KindScan, By: rep.Scope.Caller,
		Scope: rep.Scope, Stats: rep.Stats, Counts: store.Counts{Passed: 2, Failed: 3, Error: 6},
		Scores: rep.Scores, Gaps: rep.Gaps, NotAssessed: map[string]string{A2: "AccessDenied: sts:AssumeRole"},
		Changes: store.Changes{New: 1, Resolved: 3, Unchanged: 3},
	}
	for _, a := range rep.Accounts {
		sa := store.ScanAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status, Error: a.Error}
		if a.Error == "" {
			sa.Regions = a.Regions
		}
		for r := range a.Skipped {
			sa.NotEnabled = append(sa.NotEnabled, r)
		}
		want.Accounts = append(want.Accounts, sa)
	}
	if want.Accounts[0].NotEnabled == nil || want.Accounts[1].Regions != nil {
		t.Fatalf("the fixture's scan s2 should have a region not enabled in A1, and A2 not assessed: %+v", want.Accounts)
	}
	if len(want.Accounts) != 2 || want.Accounts[1].Error == "" {
		t.Fatalf("the fixture's scan s2 should have 2 accounts, one not assessed: %+v", want.Accounts)
	}
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("scan s2:\n got %+v\nwant %+v", sc, want)
	}
	if _, err := s.Scan(ctx, "nope"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown scan: %v, want ErrNotFound naming it", err)
	}

	// FinishScan needs the scan started and running.
	if _, err := s.FinishScan(ctx, NewReport("never-started", day(b, 5)).Report(), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("finish a scan never started: %v, want ErrNotFound", err)
	}
	if _, err := s.FinishScan(ctx, scans[1], nil); err == nil || !strings.Contains(err.Error(), "COMPLETE") {
		t.Errorf("finish s2 again: %v, want an error saying it is COMPLETE", err)
	}
	if _, err := s.FinishScan(ctx, scans[2], nil); err != nil {
		t.Fatal(err)
	}
	if sc, _ := s.Scan(ctx, "s3"); sc.Status != store.Complete || sc.By != "carol" {
		t.Errorf("s3: %s by %s, want COMPLETE by carol", sc.Status, sc.By)
	}

	// Score history: complete scans, oldest first.
	h, err := s.ScoreHistory(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Scan != "s2" || h[1].Scan != "s3" {
		t.Fatalf("history %+v, want s2, s3", h)
	}
	if !h[1].At.Equal(day(b, 2)) || h[1].Overall != scans[2].Scores.Overall.Percent {
		t.Errorf("history s3: at %v overall %v, want %v %v", h[1].At, h[1].Overall, day(b, 2), scans[2].Scores.Overall.Percent)
	}
	want3 := scans[2].Scores
	for _, st := range want3.Standards {
		if h[1].Standards[st.Standard] != st.Percent {
			t.Errorf("history s3: %s %v, want %v", st.Standard, h[1].Standards[st.Standard], st.Percent)
		}
	}
	for _, a := range want3.Accounts {
		if got, ok := h[1].Accounts[a.Account]; !ok || got != a.Percent {
			t.Errorf("history s3: account %s %v, want %v", a.Account, got, a.Percent)
		}
	}
	for _, r := range want3.Regions {
		if got, ok := h[1].Regions[r.Region]; !ok || got != r.Percent {
			t.Errorf("history s3: region %s %v, want %v", r.Region, got, r.Percent)
		}
	}
	// s2 did not assess A2: no score for it.
	if v, ok := h[0].Accounts[A2]; ok {
		t.Errorf("history s2: account %s %v; s2 did not assess it", A2, v)
	}
	if len(h[1].Accounts) != 2 || len(h[1].Regions) != 3 {
		t.Errorf("history s3: %d accounts, %d regions; want 2, 3", len(h[1].Accounts), len(h[1].Regions))
	}
	if h, _ := s.ScoreHistory(ctx, 0); len(h) != 3 {
		t.Errorf("all history: %d scans, want 3", len(h))
	}
}

func testFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	scans := lifecycleScans(base())
	for _, rep := range scans[:3] {
		record(t, s, rep)
	}
	all, total, err := s.Findings(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// 12 resources, and the 4 account-level ERROR findings of s2.
	if total != 16 || len(all) != 16 {
		t.Fatalf("all: %d of %d, want 16", len(all), total)
	}
	// Priority: severity, exposure, failing first, newest first seen, ID.
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		ok := a.Severity > b.Severity ||
			a.Severity == b.Severity && a.Exposure.Rank() > b.Exposure.Rank() ||
			a.Severity == b.Severity && a.Exposure.Rank() == b.Exposure.Rank() && (a.Compliance == control.Failed) && b.Compliance != control.Failed ||
			a.Severity == b.Severity && a.Exposure.Rank() == b.Exposure.Rank() && (a.Compliance == control.Failed) == (b.Compliance == control.Failed) &&
				(a.FirstSeen.After(b.FirstSeen) || a.FirstSeen.Equal(b.FirstSeen) && a.ID < b.ID)
		if !ok {
			t.Errorf("priority order: %s (%s %s %v) before %s (%s %s %v)", a.ID, a.Severity, a.Compliance, a.FirstSeen, b.ID, b.Severity, b.Compliance, b.FirstSeen)
		}
	}
	if all[0].Control != "IAM.4" || all[0].Compliance != control.Failed {
		t.Errorf("first by priority: %s %s, want the failing IAM.4 (critical)", all[0].Control, all[0].Compliance)
	}
	names := func(fs []finding.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Control+" "+f.Account+" "+f.ResourceName)
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"account", store.Filter{Accounts: []string{A2}}, []string{"EC2.8 222222222222 222222222222", "EC2.8 222222222222 i-4", "IAM.4 222222222222 222222222222", "KMS.4 222222222222 222222222222"}},
		{"ou", store.Filter{OUPath: "Root/Sandbox"}, []string{"EC2.8 222222222222 222222222222", "EC2.8 222222222222 i-4", "IAM.4 222222222222 222222222222", "KMS.4 222222222222 222222222222"}},
		{"ou and the OUs under it", store.Filter{OUPath: "Root/Production/"}, []string{"EC2.8 111111111111 111111111111", "EC2.8 111111111111 i-1", "EC2.8 111111111111 i-2", "EC2.8 111111111111 i-3", "EC2.8 111111111111 i-5", "EC2.8 111111111111 i-6", "EC2.8 111111111111 i-7", "EC2.8 111111111111 i-8", "EC2.8 111111111111 i-9", "IAM.4 111111111111 111111111111", "KMS.4 111111111111 111111111111", "KMS.4 111111111111 k-1"}},
		{"ou: a name prefix is another OU", store.Filter{OUPath: "Root/Sand"}, nil},
		{"ou is case-sensitive", store.Filter{OUPath: "root/sandbox"}, nil},
		{"region", store.Filter{Regions: []string{EU2}}, []string{"KMS.4 111111111111 111111111111", "KMS.4 111111111111 k-1"}},
		{"control", store.Filter{Controls: []string{"KMS.4", "IAM.4"}, Accounts: []string{A1}}, []string{"IAM.4 111111111111 111111111111", "KMS.4 111111111111 111111111111", "KMS.4 111111111111 k-1"}},
		{"standard", store.Filter{Standard: "cis-3.0"}, []string{"IAM.4 111111111111 111111111111", "IAM.4 222222222222 222222222222", "KMS.4 111111111111 111111111111", "KMS.4 111111111111 k-1", "KMS.4 222222222222 222222222222"}},
		{"standard by short name only", store.Filter{Standard: "cis"}, nil},
		{"severity", store.Filter{Severities: []control.Severity{control.Medium, control.Critical}, Compliance: []control.Status{control.Failed, control.Passed}}, []string{"IAM.4 111111111111 111111111111", "IAM.4 222222222222 222222222222", "KMS.4 111111111111 k-1"}},
		{"compliance", store.Filter{Compliance: []control.Status{control.Passed}}, []string{"EC2.8 111111111111 i-3", "EC2.8 111111111111 i-6", "IAM.4 222222222222 222222222222", "KMS.4 111111111111 k-1"}},
		{"workflow", store.Filter{Workflow: []finding.Workflow{finding.Suppressed}}, nil},
		{"workflow resolved in A1 eu-west-1", store.Filter{Workflow: []finding.Workflow{finding.Resolved}, Accounts: []string{A1}, Regions: []string{EU1}}, []string{"EC2.8 111111111111 i-3", "EC2.8 111111111111 i-9"}},
		{"resource type", store.Filter{ResourceType: "AwsKmsKey"}, []string{"KMS.4 111111111111 k-1"}},
		{"text in the ARN, any case", store.Filter{Text: "INSTANCE/I-4"}, []string{"EC2.8 222222222222 i-4"}},
		{"text in the title", store.Filter{Text: "ROTATION", Compliance: []control.Status{control.Passed}}, []string{"KMS.4 111111111111 k-1"}},
		{"text in the reason", store.Filter{Text: "i-7 FAILED"}, []string{"EC2.8 111111111111 i-7"}},
		{"text: % and _ are literal", store.Filter{Text: "i_%"}, nil},
		{"ID prefix", store.Filter{IDPrefix: Instance(A2, EU1, "i-4")[:8]}, []string{"EC2.8 222222222222 i-4"}},
		{"ID prefix: % and _ are literal", store.Filter{IDPrefix: "%"}, nil},
		{"scan: findings s2 saw", store.Filter{Scan: "s2", Accounts: []string{A1}, Regions: []string{EU1}}, []string{"EC2.8 111111111111 i-1", "EC2.8 111111111111 i-2", "EC2.8 111111111111 i-3", "EC2.8 111111111111 i-7", "EC2.8 111111111111 i-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.Findings(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(tc.want) {
				t.Errorf("total %d, want %d", total, len(tc.want))
			}
			if g := names(got); !reflect.DeepEqual(g, tc.want) && !(len(g) == 0 && len(tc.want) == 0) {
				t.Errorf("got %q\nwant %q", g, tc.want)
			}
		})
	}

	// Paging: pages in order, the total on each.
	var paged []string
	for off := 0; ; off += 5 {
		page, total, err := s.Findings(ctx, store.Filter{Limit: 5, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if total != 16 {
			t.Errorf("offset %d: total %d, want 16", off, total)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 5 {
			t.Fatalf("offset %d: %d findings, limit 5", off, len(page))
		}
		paged = append(paged, ids(page)...)
	}
	if !reflect.DeepEqual(paged, ids(all)) {
		t.Errorf("pages %v\nwant %v", paged, ids(all))
	}
	// Last seen order.
	byLast, _, err := s.Findings(ctx, store.Filter{Order: "last_seen"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(byLast); i++ {
		if a, b := byLast[i-1], byLast[i]; a.LastSeen.Before(b.LastSeen) || a.LastSeen.Equal(b.LastSeen) && a.ID > b.ID {
			t.Errorf("last_seen order: %s (%v) before %s (%v)", a.ID, a.LastSeen, b.ID, b.LastSeen)
		}
	}
	for _, tc := range []struct {
		f    store.Filter
		want string
	}{
		{store.Filter{Order: "severity"}, `order "severity"`},
		{store.Filter{Limit: -1}, "negative"},
		{store.Filter{Scan: "nope"}, "scan nope"},
	} {
		if _, _, err := s.Findings(ctx, tc.f); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error with %q", tc.f, err, tc.want)
		}
	}
}

func testSuppress(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	record(t, s, lifecycleScans(b)[0])
	i1, i2, i3 := Instance(A1, EU1, "i-1"), Instance(A1, EU1, "i-2"), Instance(A1, EU1, "i-3")
	workflow := func(id string) finding.Workflow {
		t.Helper()
		f, _, err := s.Finding(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return f.Workflow
	}
	for _, tc := range []struct {
		name string
		do   func() error
		want string // error text; "" for none
	}{
		{"unknown ID: nothing changes", func() error {
			return s.Suppress(ctx, []string{i1, "no-such-finding", i2}, "accepted", "alice", time.Time{})
		}, "no-such-finding"},
		{"no reason", func() error { return s.Suppress(ctx, []string{i1}, " ", "alice", time.Time{}) }, "reason"},
		{"no one", func() error { return s.Suppress(ctx, []string{i1}, "accepted", "", time.Time{}) }, "who"},
		{"until in the past", func() error {
			return s.Suppress(ctx, []string{i1}, "accepted", "alice", Now().Add(-time.Minute))
		}, "not in the future"},
		{"unsuppress what is not suppressed: nothing changes", func() error {
			return s.Unsuppress(ctx, []string{i1, i2}, "no", "alice")
		}, "is NEW, not SUPPRESSED"},
		{"unsuppress an unknown ID", func() error { return s.Unsuppress(ctx, []string{"nope"}, "no", "alice") }, "nope"},
		{"no IDs", func() error { return s.Suppress(ctx, nil, "accepted", "alice", time.Time{}) }, ""},
	} {
		err := tc.do()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if w1, w2 := workflow(i1), workflow(i2); w1 != finding.New || w2 != finding.New {
			t.Fatalf("%s: changed the findings: %s, %s", tc.name, w1, w2)
		}
	}
	if err := s.Unsuppress(ctx, []string{"nope"}, "", "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unsuppress unknown: %v, want ErrNotFound", err)
	}

	until := day(b, 30)
	if err := s.Suppress(ctx, []string{i1, i2, i3, i1}, "accepted: ticket SEC-1", "alice", until); err != nil {
		t.Fatal(err)
	}
	f, evs, err := s.Finding(ctx, i1)
	if err != nil {
		t.Fatal(err)
	}
	want := &finding.Suppression{Reason: "accepted: ticket SEC-1", By: "alice", Until: until}
	if f.Workflow != finding.Suppressed || !reflect.DeepEqual(f.Suppression, want) {
		t.Errorf("i-1: %s %+v, want SUPPRESSED %+v", f.Workflow, f.Suppression, want)
	}
	if n := len(evs); n != 2 || evs[1].Kind != "suppressed" || evs[1].By != "alice" || !strings.Contains(evs[1].Detail, "SEC-1") {
		t.Errorf("i-1 events %+v, want created then suppressed by alice (once, though named twice)", evs)
	}
	if err := s.Unsuppress(ctx, []string{i1, i3}, "the risk is no longer accepted", "bob"); err != nil {
		t.Fatal(err)
	}
	// Back to what their compliance says: failing i-1 NEW, passing i-3 RESOLVED.
	for id, want := range map[string]finding.Workflow{i1: finding.New, i2: finding.Suppressed, i3: finding.Resolved} {
		if got := workflow(id); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	f, evs, _ = s.Finding(ctx, i1)
	if f.Suppression != nil || evs[len(evs)-1].Kind != "unsuppressed" || evs[len(evs)-1].By != "bob" {
		t.Errorf("i-1 after unsuppress: %+v, last event %+v", f.Suppression, evs[len(evs)-1])
	}
}

// testConcurrentRead reads while a big scan is being stored: every read
// succeeds, and sees the store before the scan or after it, never half
// of it.
func testConcurrentRead(t *testing.T, s store.Store) {
	if testing.Short() {
		t.Skip("stores a 36,000-result scan")
	}
	ctx := context.Background()
	small := lifecycleScans(base())[0]
	record(t, s, small)
	_, before, err := s.Findings(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Synthetic{Accounts: 30, Regions: Regions17, Scan: 1}.Report()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
		t.Fatal(err)
	}
	var (
		writing    atomic.Bool
		duringOK   atomic.Int64
		wg         sync.WaitGroup
		readErr    error
		seenTotals = map[int]bool{}
	)
	writing.Store(true)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			was := writing.Load()
			_, total, err := s.Findings(ctx, store.Filter{Workflow: []finding.Workflow{finding.New, finding.Resolved, finding.Suppressed, finding.Notified}, Limit: 20})
			if err == nil {
				_, err = s.Scans(ctx, 5)
			}
			if err != nil {
				readErr = err
				return
			}
			seenTotals[total] = true
			if was && writing.Load() {
				duringOK.Add(1)
			}
		}
	}()
	start := time.Now()
	_, err = s.FinishScan(ctx, rep, nil)
	writing.Store(false)
	took := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if readErr != nil {
		t.Fatalf("read during the write: %v", readErr)
	}
	_, after, err := s.Findings(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for total := range seenTotals {
		if total != before && total != after {
			t.Errorf("a read saw %d findings: neither before the scan (%d) nor after (%d)", total, before, after)
		}
	}
	if duringOK.Load() == 0 {
		t.Errorf("no read completed while the scan was written (%v)", took)
	}
	t.Logf("%d results stored in %v; %d reads completed meanwhile", len(rep.Results), took, duringOK.Load())
}

package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// asciiLower folds ASCII letters only, as LIKE (SQLite) and ILIKE in the
// C locale (the test cluster's) do.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// likeMatch is what text search must answer: the text in the resource
// ARN, resource name, title or reason, ignoring ASCII case.
func likeMatch(f *finding.Finding, text string) bool {
	q := asciiLower(text)
	for _, v := range []string{f.ResourceARN, f.ResourceName, f.Title, f.Reason} {
		if strings.Contains(asciiLower(v), q) {
			return true
		}
	}
	return false
}

// testTextSearch checks that free-text search finds exactly what LIKE
// over every finding finds, through the text index (SQLite's FTS5
// trigram table, PostgreSQL's pg_trgm indexes) for 3 characters and
// more, by reading the findings for shorter texts: ASCII case ignored,
// other case not, punctuation of ARNs, LIKE's own wildcards and quotes
// taken literally, and findings whose text changed since they were
// indexed found by the new text only.
func testTextSearch(t *testing.T, s store.Store) {
	ctx := context.Background()
	if ti, ok := s.(interface {
		TextIndex(context.Context) (string, error)
	}); ok {
		idx, err := ti.TextIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("text index: %s", idx)
	}
	arns := []string{
		"arn:aws:s3:::My-Bucket-01",
		"arn:aws:s3:::logs_bucket%2026",
		"arn:aws:iam::111111111111:role/Admin_Role",
		`arn:aws:iam::111111111111:user/o"brien\x`,
		"arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc",
		"arn:aws:lambda:eu-west-1:111111111111:function:Élan-fn",
		"arn:aws:lambda:eu-west-1:111111111111:function:élan-fn",
		"arn:aws:kms:eu-west-1:111111111111:key/ab",
	}
	reasons := []string{"Bucket is public", "no versioning", "trusts * principal", "has an access key",
		"IMDSv1 allowed", "uses python3.7", "uses python3.12", "rotation off"}
	rep := func(id string, at time.Time, reason func(i int) string) *Builder {
		b := accounts(NewReport(id, at))
		for i, arn := range arns {
			st := control.Failed
			if i%3 == 2 {
				st = control.Passed
			}
			b.Result("EC2.8", st, A1, EU1, "AwsEc2Instance", arn, reason(i))
		}
		return b
	}
	record(t, s, rep("text-1", base(), func(i int) string { return reasons[i] }).Report())
	queries := []string{
		"bucket", "BUCKET", "BuCkEt-0", "s3:::", ":::my", "role/admin_", "_ro", "%20", "logs_b", `o"bri`, `"`, `\x`, `n\`,
		"élan", "Élan", "LAN-FN", "python3.1", "python3.7", "i-0abc", "111111111111:role",
		// under 3 characters: no trigram; the findings are read.
		"ab", "AB", "s3", "_", "%", "é", "x",
		// nothing.
		"zzzz", "bucket-02",
	}
	check := func(when string) {
		t.Helper()
		all, _, err := s.Findings(ctx, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			var want []string
			for i := range all {
				if likeMatch(&all[i], q) {
					want = append(want, all[i].ID)
				}
			}
			got, total, err := s.Findings(ctx, store.Filter{Text: q})
			if err != nil {
				t.Fatalf("%s: text %q: %v", when, q, err)
			}
			if g := sorted(ids(got)...); !reflect.DeepEqual(g, sorted(want...)) || total != len(want) {
				t.Errorf("%s: text %q: got %d (%v), want %d %v", when, q, total, g, len(want), sorted(want...))
			}
			// The same within the open findings (the dashboard's default).
			open := store.Filter{Text: q, Compliance: []control.Status{control.Failed}, Workflow: []finding.Workflow{finding.New, finding.Notified}}
			got, total, err = s.Findings(ctx, open)
			if err != nil {
				t.Fatal(err)
			}
			var wantOpen []string
			for i := range all {
				if likeMatch(&all[i], q) && all[i].Compliance == control.Failed && all[i].Workflow == finding.New {
					wantOpen = append(wantOpen, all[i].ID)
				}
			}
			if g := sorted(ids(got)...); !reflect.DeepEqual(g, sorted(wantOpen...)) || total != len(wantOpen) {
				t.Errorf("%s: open, text %q: got %d %v, want %v", when, q, total, g, sorted(wantOpen...))
			}
		}
	}
	check("first scan")
	// The reasons change: the index follows them.
	record(t, s, rep("text-2", day(base(), 1), func(i int) string { return "changed " + reasons[(i+1)%len(reasons)] }).Report())
	check("second scan")
	if got, _, err := s.Findings(ctx, store.Filter{Text: "changed trusts"}); err != nil || len(got) != 1 || got[0].ResourceARN != arns[1] {
		t.Errorf("text after the reason changed: %d findings (%v), want the one of %s", len(got), err, arns[1])
	}
}

// testSummaryCounts checks that the summary tables the counts come from
// move with the findings: after scans that create, change, resolve and
// reopen findings, a suppression and an unsuppression, every count
// (open counts, and the total of each kind of view) equals what the
// findings themselves give.
func testSummaryCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	regions := []string{"eu-west-1", "us-east-1"}
	open := []finding.Workflow{finding.New, finding.Notified}
	failed := []control.Status{control.Failed}
	check := func(when string) {
		t.Helper()
		var all []finding.Finding
		if err := s.EachFinding(ctx, store.Filter{}, func(f *finding.Finding) error {
			all = append(all, *f)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, f := range all {
			if f.Compliance == control.Failed && (f.Workflow == finding.New || f.Workflow == finding.Notified) {
				want[fmt.Sprintf("%s %s %s %s", f.Account, f.OUPath, f.Control, f.Severity)]++
			}
		}
		counts, err := s.OpenCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range counts {
			got[fmt.Sprintf("%s %s %s %s", c.Account, c.OUPath, c.Control, c.Severity)] += c.Count
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: open counts %v, want %v", when, diffKeys(got, want), diffKeys(want, got))
		}
		// The overview's summary: by account and severity, by control
		// with its accounts; one account's counts.
		wantAcct, wantCtl, accts := map[string]int{}, map[string]int{}, map[string]map[string]bool{}
		wantOne := map[string]int{}
		wantSev, gotSev := map[string]control.Severity{}, map[string]control.Severity{}
		for _, f := range all {
			if f.Compliance == control.Failed && (f.Workflow == finding.New || f.Workflow == finding.Notified) {
				wantAcct[fmt.Sprintf("%s %s %s", f.Account, f.OUPath, f.Severity)]++
				k := f.Control
				wantCtl[k+" findings"]++
				wantSev[k] = max(wantSev[k], f.Severity)
				if accts[k] == nil {
					accts[k] = map[string]bool{}
				}
				accts[k][f.Account] = true
				if f.Account == all[0].Account {
					wantOne[fmt.Sprintf("%s %s %s", f.Account, f.Control, f.Severity)]++
				}
			}
		}
		for k, a := range accts {
			wantCtl[k+" accounts"] = len(a)
		}
		sum, err := s.OpenSummary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		gotAcct, gotCtl := map[string]int{}, map[string]int{}
		for _, c := range sum.Accounts {
			gotAcct[fmt.Sprintf("%s %s %s", c.Account, c.OUPath, c.Severity)] += c.Count
		}
		for _, c := range sum.Controls {
			gotCtl[c.Control+" findings"] += c.Count
			gotCtl[c.Control+" accounts"] += c.Accounts
			gotSev[c.Control] = c.Severity
		}
		if !reflect.DeepEqual(gotAcct, wantAcct) {
			t.Errorf("%s: open by account %v, want %v", when, diffKeys(gotAcct, wantAcct), diffKeys(wantAcct, gotAcct))
		}
		if !reflect.DeepEqual(gotCtl, wantCtl) {
			t.Errorf("%s: open by control %v, want %v", when, diffKeys(gotCtl, wantCtl), diffKeys(wantCtl, gotCtl))
		}
		if !reflect.DeepEqual(gotSev, wantSev) {
			t.Errorf("%s: open by control: severities %v, want %v", when, gotSev, wantSev)
		}
		one, err := s.AccountOpenCounts(ctx, all[0].Account)
		if err != nil {
			t.Fatal(err)
		}
		gotOne := map[string]int{}
		for _, c := range one {
			gotOne[fmt.Sprintf("%s %s %s", c.Account, c.Control, c.Severity)] += c.Count
		}
		if !reflect.DeepEqual(gotOne, wantOne) {
			t.Errorf("%s: open counts of %s %v, want %v", when, all[0].Account, diffKeys(gotOne, wantOne), diffKeys(wantOne, gotOne))
		}
		acct := all[0].Account
		for _, f := range []store.Filter{
			{},
			{Compliance: failed, Workflow: open},
			{Compliance: failed, Workflow: open, Accounts: []string{acct}},
			{Compliance: failed, Workflow: open, Severities: []control.Severity{control.High, control.Critical}},
			{Compliance: failed, Workflow: open, OUPath: "Root/Production"},
			{Compliance: failed, Workflow: open, Controls: []string{all[0].Control}},
			{Workflow: []finding.Workflow{finding.Suppressed}},
			{Workflow: []finding.Workflow{finding.Resolved}, Severities: []control.Severity{control.Medium}},
			{Compliance: []control.Status{control.Passed, control.Error}},
			{Compliance: failed},
		} {
			n := 0
			if err := s.EachFinding(ctx, f, func(*finding.Finding) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			f.Limit = 1
			_, total, err := s.Findings(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != n {
				t.Errorf("%s: %+v: total %d, want %d", when, f, total, n)
			}
		}
	}
	for n := 1; n <= 3; n++ {
		rep, err := Synthetic{Accounts: 4, Regions: regions, Scan: n}.Report()
		if err != nil {
			t.Fatal(err)
		}
		record(t, s, rep)
		check(fmt.Sprintf("scan %d", n))
		if n != 2 {
			continue
		}
		fs, _, err := s.Findings(ctx, store.Filter{Compliance: failed, Workflow: open, Limit: 5})
		if err != nil || len(fs) < 5 {
			t.Fatalf("open findings to suppress: %d, %v", len(fs), err)
		}
		if err := s.Suppress(ctx, ids(fs), "accepted", "alice", time.Time{}); err != nil {
			t.Fatal(err)
		}
		check("suppressed")
		if err := s.Unsuppress(ctx, ids(fs[:2]), "no longer accepted", "alice"); err != nil {
			t.Fatal(err)
		}
		check("unsuppressed")
		// A suppression that fails changes no count.
		if err := s.Suppress(ctx, []string{fs[3].ID, "no-such-finding"}, "accepted", "alice", time.Time{}); err == nil {
			t.Fatal("suppress of an unknown finding: no error")
		}
		check("failed suppression")
	}
}

func diffKeys(a, b map[string]int) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s=%d", k, v))
		}
	}
	sort.Strings(out)
	return out
}

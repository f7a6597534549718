package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// rulesYAML suppresses i-1, re-rates and annotates the sandbox account's
// findings, and marks failing root access keys notified.
const rulesYAML = `
rules:
  - name: accept-legacy
    description: legacy ERP web server
    criteria:
      control: [EC2.8]
      resource_id: ["arn:aws:ec2:*:111111111111:instance/i-1"]
    actions:
      suppress: {reason: "legacy ERP, SEC-123", until: %s}
  - name: sandbox-is-low
    criteria:
      ou: [Root/Sandbox]
    actions:
      severity: low
      note: sandbox accounts hold no data
  - name: root-keys-notified
    criteria:
      control: [IAM.4]
    actions:
      workflow: NOTIFIED
`

func testRules(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("nil set", func(t *testing.T) {
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
	})
	t.Run("applied and audited", func(t *testing.T) { testRulesApplied(t, open(t)) })
}

func testRulesApplied(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rule.Parse("rules.yaml", []byte(fmt.Sprintf(rulesYAML, day(b, 30).Format("2006-01-02"))), cat)
	if err != nil {
		t.Fatal(err)
	}
	scans := lifecycleScans(b)
	finish := func(i int, rules *rule.Set) store.Changes {
		t.Helper()
		rep := scans[i]
		if err := s.StartScan(ctx, store.Scan{ID: rep.ID, Started: rep.Started}); err != nil {
			t.Fatal(err)
		}
		ch, err := s.FinishScan(ctx, rep, rules)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	i1, i4, root := Instance(A1, EU1, "i-1"), Instance(A2, EU1, "i-4"), Root(A1)
	get := func(id string) (finding.Finding, []finding.Event) {
		t.Helper()
		f, evs, err := s.Finding(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return f, evs
	}
	ruleEvents := func(scan string) int {
		t.Helper()
		all, _, err := s.Findings(ctx, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range all {
			_, evs := get(f.ID)
			for _, e := range evs {
				if strings.HasPrefix(e.By, "rule:") && e.Scan == scan {
					n++
				}
			}
		}
		return n
	}

	ch := finish(0, set)
	// i-1 suppressed, i-4 re-rated and annotated, root A1 notified.
	if ch.RuleEvents != 4 {
		t.Errorf("s1: %d rule events, want 4", ch.RuleEvents)
	}
	if n := ruleEvents("s1"); n != ch.RuleEvents {
		t.Errorf("s1: %d rule events stored, %d counted", n, ch.RuleEvents)
	}
	f, evs := get(i1)
	if f.Workflow != finding.Suppressed || f.Suppression == nil || f.Suppression.By != "rule:accept-legacy" || !f.Suppression.Until.Equal(day(b, 30).Truncate(24*time.Hour)) {
		t.Errorf("i-1: %s %+v, want suppressed by rule:accept-legacy until %s", f.Workflow, f.Suppression, day(b, 30).Format("2006-01-02"))
	}
	if last := evs[len(evs)-1]; last.Kind != "suppressed" || last.By != "rule:accept-legacy" || last.Scan != "s1" || !strings.Contains(last.Detail, "SEC-123") {
		t.Errorf("i-1: last event %+v, want suppressed by rule:accept-legacy in s1", last)
	}
	f, evs = get(i4)
	if f.Severity != control.Low || !f.SeverityOverridden || len(f.Notes) != 1 || f.Notes[0].By != "rule:sandbox-is-low" {
		t.Errorf("i-4: %s (overridden %v), notes %+v; want LOW by rule:sandbox-is-low with its note", f.Severity, f.SeverityOverridden, f.Notes)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind+" "+e.By)
	}
	if got, want := strings.Join(kinds, ", "), "created scan, severity rule:sandbox-is-low, note rule:sandbox-is-low"; got != want {
		t.Errorf("i-4 history: %s, want %s", got, want)
	}
	if f, _ := get(root); f.Workflow != finding.Notified {
		t.Errorf("root A1: %s, want NOTIFIED", f.Workflow)
	}
	// Filters see what rules set.
	if low, _, err := s.Findings(ctx, store.Filter{Severities: []control.Severity{control.Low}, Compliance: []control.Status{control.Failed}}); err != nil || len(low) != 1 || low[0].ID != i4 {
		t.Errorf("failing LOW findings: %v %v, want i-4", ids(low), err)
	}

	// The same rules again change nothing they already changed.
	ch = finish(1, set)
	if n := ruleEvents("s2"); n != ch.RuleEvents {
		t.Errorf("s2: %d rule events stored, %d counted", n, ch.RuleEvents)
	}
	for _, id := range []string{i1, i4, root} {
		_, evs := get(id)
		for _, e := range evs {
			if e.Scan == "s2" && strings.HasPrefix(e.By, "rule:") {
				t.Errorf("s2 applied %s to %s again: %+v", e.By, id, e)
			}
		}
	}
	// Without the rules, what they did stays: rules never undo.
	finish(2, nil)
	if f, _ := get(i1); f.Workflow != finding.Suppressed {
		t.Errorf("i-1 after a scan without rules: %s, want still SUPPRESSED", f.Workflow)
	}
	if f, _ := get(i4); f.Severity != control.Low {
		t.Errorf("i-4 after a scan without rules: %s, want still LOW", f.Severity)
	}
}

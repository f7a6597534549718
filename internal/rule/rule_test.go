package rule

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

func mustParse(t *testing.T, in string) *Set {
	t.Helper()
	s, err := Parse("rules.yaml", []byte(in), testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// failing is an open finding every test starts from.
func failing() finding.Finding {
	return finding.Finding{
		ID: "f1", Control: "EC2.8", Title: "IMDSv2",
		Account: "444444444404", OUPath: "Workloads/Production/EU", Region: "eu-west-1",
		ResourceARN:  "arn:aws:ec2:eu-west-1:444444444404:instance/i-0abc123",
		ResourceType: "AwsEc2Instance",
		ResourceTags: map[string]string{"app": "erp", "env": "prod"},
		Standards:    []string{"fsbp:EC2.8", "cis-3.0:5.6"},
		Severity:     control.High, Compliance: control.Failed, Workflow: finding.New,
		FirstSeen: day(1), LastSeen: day(1), UpdatedAt: day(1),
	}
}

func day(n int) time.Time { return time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC) }

// TestMatches checks each criterion alone, on a hit and a miss.
func TestMatches(t *testing.T) {
	passing := func(f *finding.Finding) { f.Compliance, f.Workflow = control.Passed, finding.Resolved }
	for _, tc := range []struct {
		name     string
		criteria string // the YAML mapping
		mutate   func(*finding.Finding)
		want     bool
	}{
		{"account hit", `{account: ["111122223333", "444444444404"]}`, nil, true},
		{"account miss", `{account: ["111122223333"]}`, nil, false},
		{"ou exact", `{ou: Workloads/Production/EU}`, nil, true},
		{"ou parent", `{ou: Workloads}`, nil, true},
		{"ou parent of parent", `{ou: [Sandbox, Workloads/Production]}`, nil, true},
		{"ou is a name prefix only", `{ou: Workloads/Prod}`, nil, false},
		{"ou child of it", `{ou: Workloads/Production/EU/Web}`, nil, false},
		{"ou root account", `{ou: Workloads}`, func(f *finding.Finding) { f.OUPath = "" }, false},
		{"region hit", `{region: [us-east-1, eu-west-1]}`, nil, true},
		{"region miss", `{region: us-east-1}`, nil, false},
		{"control hit", `{control: EC2.8}`, nil, true},
		{"control miss", `{control: EC2.18}`, nil, false},
		{"standard short name", `{standard: cis-3.0}`, nil, true},
		{"standard requirement", `{standard: "cis-3.0:5.6"}`, nil, true},
		{"standard other requirement", `{standard: "cis-3.0:1.4"}`, nil, false},
		{"standard is a name prefix only", `{standard: fsbp}`, func(f *finding.Finding) { f.Standards = []string{"fsbp-2:EC2.8"} }, false},
		{"standard not mapped", `{standard: fsbp}`, func(f *finding.Finding) { f.Standards = []string{"cis-3.0:5.6"} }, false},
		{"standard none on finding", `{standard: fsbp}`, func(f *finding.Finding) { f.Standards = nil }, false},
		{"severity hit", `{severity: [high, critical]}`, nil, true},
		{"severity miss", `{severity: medium}`, nil, false},
		{"resource type hit", `{resource_type: AwsEc2Instance}`, nil, true},
		{"resource type miss", `{resource_type: AwsS3Bucket}`, nil, false},
		{"tag hit", `{resource_tag: {app: erp}}`, nil, true},
		{"tags all must match", `{resource_tag: {app: erp, env: dev}}`, nil, false},
		{"tag glob", `{resource_tag: {app: "e?p", env: "pr*"}}`, nil, true},
		{"tag present", `{resource_tag: {app: "*"}}`, nil, true},
		{"tag absent", `{resource_tag: {owner: "*"}}`, nil, false},
		{"tag value case", `{resource_tag: {app: ERP}}`, nil, false},
		{"tag on untagged", `{resource_tag: {app: erp}}`, func(f *finding.Finding) { f.ResourceTags = nil }, false},
		{"resource id glob", `{resource_id: ["arn:aws:ec2:*:*:instance/i-0abc*"]}`, nil, true},
		{"resource id exact", `{resource_id: ["arn:aws:ec2:eu-west-1:444444444404:instance/i-0abc123"]}`, nil, true},
		{"resource id miss", `{resource_id: ["arn:aws:ec2:*:*:instance/i-0def*"]}`, nil, false},
		{"resource id whole value", `{resource_id: ["arn:aws:ec2:*:*:instance/i-0abc"]}`, nil, false},
		{"resource id any of", `{resource_id: ["arn:aws:s3:::*", "*/i-0abc123"]}`, nil, true},
		{"failed by default", `{control: EC2.8}`, nil, true},
		{"error by default", `{control: EC2.8}`, func(f *finding.Finding) { f.Compliance = control.Error }, true},
		{"passed not by default", `{control: EC2.8}`, passing, false},
		{"not applicable not by default", `{control: EC2.8}`, func(f *finding.Finding) { f.Compliance = control.NotApplicable }, false},
		{"compliance passed asked", `{control: EC2.8, compliance: PASSED}`, passing, true},
		{"compliance passed asked, failed seen", `{control: EC2.8, compliance: PASSED}`, nil, false},
		{"fields AND", `{control: EC2.8, region: us-east-1}`, nil, false},
		{"all fields", `{account: "444444444404", ou: Workloads, region: eu-west-1, control: EC2.8, standard: fsbp, severity: high, resource_type: AwsEc2Instance, resource_tag: {app: erp}, resource_id: "*i-0abc*", compliance: FAILED}`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, "rules:\n  - name: r\n    criteria: "+tc.criteria+"\n    actions: {note: n}\n")
			f := failing()
			if tc.mutate != nil {
				tc.mutate(&f)
			}
			r := s.Rules()[0]
			if got := r.Matches(f); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "role/path/name", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/ops/admin", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/ops", false},
		{"a*b*c", "axxbyybzc", true},
		{"a*b*c", "axxbyybz", false},
		{"a*", "b", false},
		{"*c", "abc", true},
		{"?", "é", true},
		{"??", "é", false},
		{"[abc]x", "bx", true},
		{"[abc]x", "dx", false},
		{"[!abc]x", "dx", true},
		{"[^abc]x", "ax", false},
		{"i-[0-9a-f]*", "i-0abc", true},
		{"i-[0-9a-f]*", "i-zabc", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`[\]]`, "]", true},
		{"prod-?", "prod-1", true},
		{"prod-?", "prod-12", false},
	} {
		if err := checkGlob(tc.pat); err != nil {
			t.Errorf("checkGlob(%q) = %v", tc.pat, err)
		}
		if got := globMatch(tc.pat, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
	for _, bad := range []string{"[", "[abc", "a[]", `x\`, "[z-a]", `[\`} {
		if checkGlob(bad) == nil {
			t.Errorf("checkGlob(%q) accepted a bad pattern", bad)
		}
	}
}

func evString(evs []finding.Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %s: %s\n", e.Kind, e.By, e.Detail)
	}
	return b.String()
}

// TestApply checks each action, what a rule leaves alone, the order rules
// run in, terminal rules, and that applying to the result changes nothing.
func TestApply(t *testing.T) {
	at := day(10)
	until := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	suppressedBy := func(by, reason string, until time.Time) func(*finding.Finding) {
		return func(f *finding.Finding) {
			f.Workflow, f.Suppression = finding.Suppressed, &finding.Suppression{Reason: reason, By: by, Until: until}
		}
	}
	for _, tc := range []struct {
		name   string
		rules  string // the rules: list
		mutate func(*finding.Finding)
		want   string // the events, one a line: "kind by: detail"
		check  func(t *testing.T, f finding.Finding)
	}{
		{"suppress", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted, until: 2027-06-30}}}`,
			nil, "suppressed rule:erp: accepted (until 2027-06-30)\n",
			func(t *testing.T, f finding.Finding) {
				want := &finding.Suppression{Reason: "accepted", By: "rule:erp", Until: until}
				if f.Workflow != finding.Suppressed || !reflect.DeepEqual(f.Suppression, want) {
					t.Errorf("workflow %s, suppression %+v", f.Workflow, f.Suppression)
				}
			}},
		{"suppress forever", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			nil, "suppressed rule:erp: accepted\n", nil},
		{"suppress an error", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			func(f *finding.Finding) { f.Compliance = control.Error }, "suppressed rule:erp: accepted\n", nil},
		{"never suppress a passed finding", `
  - {name: erp, criteria: {control: EC2.8, compliance: [PASSED, FAILED]}, actions: {suppress: {reason: accepted}}}`,
			func(f *finding.Finding) { f.Compliance, f.Workflow = control.Passed, finding.Resolved }, "", nil},
		{"never suppress a resolved finding", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			func(f *finding.Finding) { f.Compliance, f.Workflow = control.Error, finding.Resolved }, "", nil},
		{"expired rule suppresses nothing", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted, until: 2026-01-10}}}`,
			nil, "", nil},
		{"already suppressed by the rule", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted, until: 2027-06-30}}}`,
			suppressedBy("rule:erp", "accepted", until.In(time.FixedZone("CEST", 7200))), "", nil},
		{"rule's reason changed", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: "accepted, SEC-9", until: 2027-06-30}}}`,
			suppressedBy("rule:erp", "accepted", until), "suppressed rule:erp: accepted, SEC-9 (until 2027-06-30)\n", nil},
		{"rule's until changed", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted, until: 2027-12-31}}}`,
			suppressedBy("rule:erp", "accepted", until), "suppressed rule:erp: accepted (until 2027-12-31)\n", nil},
		{"a person's suppression stands", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			suppressedBy("alice", "pen test window", day(20)), "",
			func(t *testing.T, f finding.Finding) {
				if f.Suppression.By != "alice" {
					t.Errorf("suppression %+v", f.Suppression)
				}
			}},
		{"a person's expired suppression is replaced", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			suppressedBy("alice", "pen test window", day(5)), "suppressed rule:erp: accepted\n", nil},
		{"another rule's suppression is replaced", `
  - {name: erp, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}`,
			suppressedBy("rule:old", "legacy", time.Time{}), "suppressed rule:erp: accepted\n", nil},
		{"severity", `
  - {name: sandbox, criteria: {control: EC2.8}, actions: {severity: low}}`,
			nil, "severity rule:sandbox: HIGH -> LOW\n",
			func(t *testing.T, f finding.Finding) {
				if f.Severity != control.Low || !f.SeverityOverridden {
					t.Errorf("severity %s overridden %v", f.Severity, f.SeverityOverridden)
				}
			}},
		{"severity already overridden to it", `
  - {name: sandbox, criteria: {control: EC2.8}, actions: {severity: low}}`,
			func(f *finding.Finding) { f.Severity, f.SeverityOverridden = control.Low, true }, "", nil},
		{"severity same as the control's", `
  - {name: keep, criteria: {control: EC2.8}, actions: {severity: high}}`,
			nil, "severity rule:keep: HIGH -> HIGH\n",
			func(t *testing.T, f finding.Finding) {
				if !f.SeverityOverridden {
					t.Error("not marked overridden: the next scan would reset it")
				}
			}},
		{"severity on a passed finding", `
  - {name: sandbox, criteria: {control: EC2.8, compliance: PASSED}, actions: {severity: low}}`,
			func(f *finding.Finding) { f.Compliance, f.Workflow = control.Passed, finding.Resolved }, "severity rule:sandbox: HIGH -> LOW\n", nil},
		{"note", `
  - {name: erp, criteria: {control: EC2.8}, actions: {note: owned by ERP}}`,
			func(f *finding.Finding) {
				// Room to grow: Apply must not write into the input's array.
				f.Notes = append(make([]finding.Note, 0, 4), finding.Note{Text: "owned by ERP", By: "alice", At: day(2)})
			},
			"note rule:erp: owned by ERP\n",
			func(t *testing.T, f finding.Finding) {
				want := []finding.Note{{Text: "owned by ERP", By: "alice", At: day(2)}, {Text: "owned by ERP", By: "rule:erp", At: at}}
				if !reflect.DeepEqual(f.Notes, want) {
					t.Errorf("notes %+v", f.Notes)
				}
			}},
		{"note already there", `
  - {name: erp, criteria: {control: EC2.8}, actions: {note: owned by ERP}}`,
			func(f *finding.Finding) { f.Notes = []finding.Note{{Text: "owned by ERP", By: "rule:erp", At: day(2)}} }, "", nil},
		{"note changed", `
  - {name: erp, criteria: {control: EC2.8}, actions: {note: owned by Finance}}`,
			func(f *finding.Finding) { f.Notes = []finding.Note{{Text: "owned by ERP", By: "rule:erp", At: day(2)}} },
			"note rule:erp: owned by Finance\n", nil},
		{"workflow", `
  - {name: ticketed, criteria: {control: EC2.8}, actions: {workflow: NOTIFIED}}`,
			nil, "workflow rule:ticketed: NEW -> NOTIFIED\n", nil},
		{"workflow back to new", `
  - {name: reopen, criteria: {control: EC2.8}, actions: {workflow: NEW}}`,
			func(f *finding.Finding) { f.Workflow = finding.Notified }, "workflow rule:reopen: NOTIFIED -> NEW\n", nil},
		{"workflow leaves suppressed", `
  - {name: ticketed, criteria: {control: EC2.8}, actions: {workflow: NOTIFIED}}`,
			suppressedBy("alice", "accepted", time.Time{}), "", nil},
		{"workflow leaves resolved", `
  - {name: ticketed, criteria: {control: EC2.8, compliance: PASSED}, actions: {workflow: NOTIFIED}}`,
			func(f *finding.Finding) { f.Compliance, f.Workflow = control.Passed, finding.Resolved }, "", nil},
		{"every action of one rule", `
  - name: erp
    criteria: {control: EC2.8}
    actions: {suppress: {reason: accepted}, severity: low, note: owned by ERP}`,
			nil, "suppressed rule:erp: accepted\nseverity rule:erp: HIGH -> LOW\nnote rule:erp: owned by ERP\n",
			func(t *testing.T, f finding.Finding) {
				if !f.UpdatedAt.Equal(at) {
					t.Errorf("updated at %v, want %v", f.UpdatedAt, at)
				}
			}},
		{"suppress then workflow", `
  - {name: a, order: 10, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}}}
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {workflow: NOTIFIED}}`,
			nil, "suppressed rule:a: accepted\n", nil},
		{"disabled", `
  - {name: erp, enabled: false, criteria: {control: EC2.8}, actions: {suppress: {reason: accepted}, note: n}}`,
			nil, "", nil},
		{"no match", `
  - {name: erp, criteria: {control: S3.8}, actions: {note: n}}`,
			nil, "", nil},
		{"last severity wins", `
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {severity: medium}}
  - {name: a, order: 10, criteria: {control: EC2.8}, actions: {severity: low}}`,
			nil, "severity rule:b: HIGH -> MEDIUM\n", nil},
		{"last suppression wins", `
  - {name: a, criteria: {control: EC2.8}, actions: {suppress: {reason: first}}}
  - {name: b, criteria: {control: EC2.8}, actions: {suppress: {reason: second}}}`,
			nil, "suppressed rule:b: second\n", nil},
		{"last workflow wins", `
  - {name: a, criteria: {control: EC2.8}, actions: {workflow: NOTIFIED}}
  - {name: b, criteria: {control: EC2.8}, actions: {workflow: NEW}}`,
			func(f *finding.Finding) { f.Workflow = finding.Notified }, "workflow rule:b: NOTIFIED -> NEW\n", nil},
		{"notes in order", `
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {note: second}}
  - {name: c, criteria: {control: EC2.8}, actions: {note: third}}
  - {name: a, order: 10, criteria: {control: EC2.8}, actions: {note: first}}`,
			nil, "note rule:a: first\nnote rule:b: second\nnote rule:c: third\n", nil},
		{"terminal stops later rules", `
  - {name: a, order: 10, terminal: true, criteria: {control: EC2.8}, actions: {note: first}}
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {suppress: {reason: r}}}`,
			nil, "note rule:a: first\n", nil},
		{"terminal that does not match", `
  - {name: a, order: 10, terminal: true, criteria: {control: S3.8}, actions: {note: first}}
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {note: second}}`,
			nil, "note rule:b: second\n", nil},
		{"disabled terminal", `
  - {name: a, order: 10, terminal: true, enabled: false, criteria: {control: EC2.8}, actions: {note: first}}
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {note: second}}`,
			nil, "note rule:b: second\n", nil},
		{"terminal runs by order, not file place", `
  - {name: b, order: 20, criteria: {control: EC2.8}, actions: {note: second}}
  - {name: a, order: 10, terminal: true, criteria: {control: EC2.8}, actions: {note: first}}`,
			nil, "note rule:a: first\n", nil},
		{"severity criteria see overrides", `
  - {name: raise, order: 10, criteria: {ou: Workloads/Production}, actions: {severity: critical}}
  - {name: page, order: 20, criteria: {severity: critical}, actions: {note: paged}}
  - {name: quiet, order: 30, criteria: {severity: high}, actions: {note: not paged}}`,
			nil, "severity rule:raise: HIGH -> CRITICAL\nnote rule:page: paged\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, "rules:"+tc.rules+"\n")
			in := failing()
			if tc.mutate != nil {
				tc.mutate(&in)
			}
			before := in
			before.Notes = append([]finding.Note(nil), in.Notes...)

			f, evs := s.Apply(in, at)
			if got := evString(evs); got != tc.want {
				t.Errorf("events:\n%s\nwant:\n%s", got, tc.want)
			}
			for _, e := range evs {
				if e.FindingID != "f1" || !e.At.Equal(at) {
					t.Errorf("event %+v: want finding f1 at %v", e, at)
				}
			}
			if len(evs) == 0 && !reflect.DeepEqual(f, in) {
				t.Errorf("no events but the finding changed:\n%+v\n%+v", in, f)
			}
			if len(evs) > 0 && !f.UpdatedAt.Equal(at) {
				t.Errorf("changed but UpdatedAt %v", f.UpdatedAt)
			}
			if !reflect.DeepEqual(in.Notes, before.Notes) {
				t.Errorf("Apply changed its input's notes: %+v", in.Notes)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
			// The result shares nothing with the input that a later
			// Apply to the same input could overwrite.
			kept := append([]finding.Note(nil), f.Notes...)
			s.Apply(in, at.Add(time.Hour))
			if !reflect.DeepEqual(f.Notes, kept) {
				t.Errorf("applying to the input again changed the first result's notes: %+v", f.Notes)
			}

			// Idempotent: applying to the result, now or later, changes
			// nothing.
			for _, again := range []time.Time{at, at.Add(24 * time.Hour)} {
				g, evs := s.Apply(f, again)
				if len(evs) != 0 || !reflect.DeepEqual(g, f) {
					t.Errorf("second Apply at %v changed it:\n%s%+v\n%+v", again, evString(evs), f, g)
				}
			}
		})
	}
}

func TestApplyNil(t *testing.T) {
	var s *Set
	f := failing()
	g, evs := s.Apply(f, day(2))
	if evs != nil || !reflect.DeepEqual(g, f) {
		t.Errorf("nil set changed the finding: %v", evs)
	}
	if s.Rules() != nil {
		t.Error("nil set has rules")
	}
	empty := mustParse(t, "rules: []\n")
	if g, evs := empty.Apply(f, day(2)); evs != nil || !reflect.DeepEqual(g, f) {
		t.Errorf("empty set changed the finding: %v", evs)
	}
}

// TestExpiry walks a finding through scans (finding.Observe, then the
// rules, as the store does): a rule suppresses it until day 3; on day 3
// the scan expires the suppression and the rule does not put it back.
func TestExpiry(t *testing.T) {
	s := mustParse(t, `rules:
  - {name: window, criteria: {control: EC2.8}, actions: {suppress: {reason: maintenance window, until: 2026-01-03}}}
`)
	obs := finding.Observation{
		Result: control.Result{Control: "EC2.8", Status: control.Failed, Reason: "IMDSv1 allowed",
			Resource: snapshot.Meta{ARN: "arn:aws:ec2:eu-west-1:444444444404:instance/i-0abc123", Type: "AwsEc2Instance", Account: "444444444404", Region: "eu-west-1"}},
		Control: &control.Control{ID: "EC2.8", Title: "IMDSv2", Severity: control.High},
	}
	var prev *finding.Finding
	for i, want := range []struct {
		workflow finding.Workflow
		kinds    string // events of the scan, then of the rules
	}{
		{finding.Suppressed, "created suppressed"},
		{finding.Suppressed, ""},
		{finding.New, "suppression_expired"},
		{finding.New, ""},
	} {
		at := day(i + 1)
		f, evs := finding.Observe(prev, obs, "scan", at)
		f, revs := s.Apply(f, at)
		var kinds []string
		for _, e := range append(evs, revs...) {
			kinds = append(kinds, e.Kind)
		}
		if f.Workflow != want.workflow || strings.Join(kinds, " ") != want.kinds {
			t.Fatalf("day %d: workflow %s, events %v; want %s, %q", i+1, f.Workflow, kinds, want.workflow, want.kinds)
		}
		prev = &f
	}
}

// testCatalog is the real control catalog: rules are checked against it.
var testCatalog = func() *control.Catalog {
	cat, err := catalog.Default()
	if err != nil {
		panic(err)
	}
	return cat
}()

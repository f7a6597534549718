package notify_test

import (
	"slices"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
)

var at = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func finding(sev string) notify.Event {
	return notify.Event{Source: "scan", Change: "new", At: at, Scan: "scan-1", Finding: &notify.Finding{
		ID: "f1", Control: "S3.8", Title: "S3 general purpose buckets should block public access", Severity: sev,
		Standards: []string{"cis-3.0:2.1.4", "fsbp:S3.8"}, Account: "111122223333", AccountName: "payments-prod",
		OUPath: "Workloads/Production", Region: "eu-west-1", ResourceType: "AwsS3Bucket", ResourceARN: "arn:aws:s3:::pay-data",
		Status: "FAILED", Reason: "BlockPublicAcls is off", Workflow: "NEW",
		AccountTags: map[string]string{"env": "prod"}, ResourceTags: map[string]string{"team": "payments", "system": "ledger"},
	}}
}

func alert() notify.Event {
	return notify.Event{Source: "watch", Change: "alert", At: at, Alert: &notify.Alert{ID: "a1", Rule: "root-login", Title: "Root user signed in",
		Severity: "CRITICAL", EventName: "ConsoleLogin", EventSource: "signin.amazonaws.com", Account: "111122223333", OUPath: "Workloads/Production",
		Region: "us-east-1", Resource: "root", Count: 1, First: at, Last: at, Controls: []string{"IAM.6"}}}
}

func run() notify.Event {
	return notify.Event{Source: "remediation", Change: "halted", At: at, Run: &notify.Run{ID: "r1", Engine: "remediate", Outcome: "halted",
		Controls: []string{"S3.8"}, Accounts: []string{"111122223333"}, Changes: 2, RolledBack: 2}}
}

func TestRoute(t *testing.T) {
	src := `
destinations:
  - {name: d1, type: webhook, url: "http://127.0.0.1/1"}
  - {name: d2, type: webhook, url: "http://127.0.0.1/2"}
  - {name: d3, type: webhook, url: "http://127.0.0.1/3"}
  - {name: fallback, type: webhook, url: "http://127.0.0.1/f"}
routes: [ROUTE]
default: {to: [fallback]}
`
	f := finding("HIGH")
	a := alert()
	r := run()
	for _, tc := range []struct {
		name  string
		route string
		ev    notify.Event
		want  bool // d1 gets it
	}{
		{"account id", `{match: {account: "111122223333"}, to: [d1]}`, f, true},
		{"account name", `{match: {account: payments-prod}, to: [d1]}`, f, true},
		{"other account", `{match: {account: "999999999999"}, to: [d1]}`, f, false},
		{"run account", `{match: {account: "111122223333"}, to: [d1]}`, r, true},
		{"ou prefix", `{match: {ou: Workloads}, to: [d1]}`, f, true},
		{"ou exact", `{match: {ou: /Workloads/Production/}, to: [d1]}`, f, true},
		{"ou partial segment", `{match: {ou: Work}, to: [d1]}`, f, false},
		{"account tag", `{match: {account_tag: {env: [prod, staging]}}, to: [d1]}`, f, true},
		{"account tag other", `{match: {account_tag: {env: dev}}, to: [d1]}`, f, false},
		{"resource tag", `{match: {resource_tag: {team: payments, system: ledger}}, to: [d1]}`, f, true},
		{"resource tag one missing", `{match: {resource_tag: {team: payments, system: billing}}, to: [d1]}`, f, false},
		{"resource tag glob", `{match: {resource_tag: {team: "pay*"}}, to: [d1]}`, f, true},
		{"resource tag on a run", `{match: {resource_tag: {team: "*"}}, to: [d1]}`, r, false},
		{"severity", `{match: {severity: [critical, high]}, to: [d1]}`, f, true},
		{"severity miss", `{match: {severity: CRITICAL}, to: [d1]}`, f, false},
		{"min severity", `{match: {min_severity: MEDIUM}, to: [d1]}`, f, true},
		{"min severity miss", `{match: {min_severity: CRITICAL}, to: [d1]}`, f, false},
		{"run severity", `{match: {severity: HIGH}, to: [d1]}`, r, true},
		{"control", `{match: {control: S3.8}, to: [d1]}`, f, true},
		{"control glob", `{match: {control: "S3.*"}, to: [d1]}`, f, true},
		{"control glob miss", `{match: {control: "IAM.*"}, to: [d1]}`, f, false},
		{"alert controls", `{match: {control: IAM.6}, to: [d1]}`, a, true},
		{"standard family", `{match: {standard: cis}, to: [d1]}`, f, true},
		{"standard version", `{match: {standard: cis-3.0}, to: [d1]}`, f, true},
		{"standard requirement", `{match: {standard: "fsbp:S3.8"}, to: [d1]}`, f, true},
		{"standard miss", `{match: {standard: nist}, to: [d1]}`, f, false},
		{"rule", `{match: {rule: root-login}, to: [d1]}`, a, true},
		{"rule on a finding", `{match: {rule: root-login}, to: [d1]}`, f, false},
		{"source", `{match: {source: watch}, to: [d1]}`, a, true},
		{"source miss", `{match: {source: watch}, to: [d1]}`, f, false},
		{"change", `{match: {change: [new, reopened]}, to: [d1]}`, f, true},
		{"change miss", `{match: {change: resolved}, to: [d1]}`, f, false},
		{"run change", `{match: {change: [halted, rolled_back]}, to: [d1]}`, r, true},
		{"every field", `{match: {account: "111122223333", ou: Workloads, account_tag: {env: prod}, resource_tag: {team: payments}, severity: HIGH, control: S3.8, standard: fsbp, source: scan, change: new}, to: [d1]}`, f, true},
		{"empty match", `{match: {}, to: [d1]}`, a, true},
	} {
		c, err := notify.Parse("n.yaml", []byte(replace(src, "ROUTE", tc.route)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := c.Route(&tc.ev)
		var dests []string
		for _, g := range got {
			dests = append(dests, g.Destination)
		}
		want := []string{"fallback"}
		if tc.want {
			want = []string{"d1"}
		}
		if !slices.Equal(dests, want) {
			t.Errorf("%s: routed to %v, want %v", tc.name, dests, want)
		}
	}
}

func replace(s, old, new string) string {
	i := 0
	for j := 0; j+len(old) <= len(s); j++ {
		if s[j:j+len(old)] == old {
			return s[:j] + new + s[j+len(old):]
		}
		i++
	}
	return s
}

func TestRouteEveryMatchAndStop(t *testing.T) {
	src := `
destinations:
  - {name: payments, type: webhook, url: "http://127.0.0.1/p"}
  - {name: ledger, type: webhook, url: "http://127.0.0.1/l"}
  - {name: security, type: webhook, url: "http://127.0.0.1/s"}
  - {name: catchall, type: webhook, url: "http://127.0.0.1/c"}
routes:
  - name: ledger-owner
    match: {resource_tag: {system: ledger}}
    to: [ledger]
  - name: payments-team
    match: {resource_tag: {team: payments}}
    to: [payments, ledger]
  - name: security-digest
    match: {min_severity: HIGH}
    to: [security]
    digest: true
  - name: billing-only
    match: {resource_tag: {system: billing}}
    to: [payments]
    stop: true
  - name: security-high
    match: {min_severity: HIGH}
    to: [security]
default: {to: [catchall]}
`
	c, err := notify.Parse("n.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Two systems in one account, one owner each.
	ledger := finding("HIGH")
	billing := finding("HIGH")
	b := *billing.Finding
	b.ID, b.ResourceTags = "f2", map[string]string{"team": "payments", "system": "billing"}
	billing.Finding = &b
	low := finding("LOW")
	low.Finding.ResourceTags = nil
	for _, tc := range []struct {
		name string
		ev   notify.Event
		want []notify.Target
	}{
		{"every matching route, each destination once", ledger, []notify.Target{
			{"ledger", "ledger-owner", false}, {"payments", "payments-team", false}, {"security", "security-digest", true}, {"security", "security-high", false}}},
		{"stop ends the walk", billing, []notify.Target{
			{"payments", "payments-team", false}, {"ledger", "payments-team", false}, {"security", "security-digest", true}}},
		{"default when none matches", low, []notify.Target{{"catchall", "default", false}}},
	} {
		if got := c.Route(&tc.ev); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	ex := c.Explain(&billing)
	if len(ex) != 6 || !ex[1].Matched || ex[0].Matched || ex[0].Why != "resource_tag does not match (the resource's tags)" ||
		!ex[3].Matched || ex[4].Matched || ex[4].Why != "skipped: an earlier matching route has stop: true" || ex[5].Matched {
		t.Errorf("explain = %+v", ex)
	}
}

func TestEventKey(t *testing.T) {
	f := finding("HIGH")
	if f.Key() != "finding:f1:new@scan-1" {
		t.Errorf("key = %s", f.Key())
	}
	f.Scan = ""
	if f.Key() != "finding:f1:new@1780315200000000000" {
		t.Errorf("key without scan = %s", f.Key())
	}
	a, r := alert(), run()
	if a.Key() != "alert:a1" || r.Key() != "run:r1:halted" || a.GroupKey() != "alert:root-login:111122223333:us-east-1:root" {
		t.Errorf("keys %s %s %s", a.Key(), r.Key(), a.GroupKey())
	}
	if r.Severity() != "HIGH" || a.Severity() != "CRITICAL" {
		t.Errorf("severities %s %s", r.Severity(), a.Severity())
	}
}

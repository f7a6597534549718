package route53_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/route53"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapr53 "github.com/guardrail-sec/guardrail/internal/snapshot/route53"
)

const region = "us-east-1"

func TestCatalog(t *testing.T) {
	cs := route53.Controls()
	if len(cs) != 1 || cs[0].ID != "Route53.2" || cs[0].Severity != control.Medium || !cs[0].Global ||
		len(cs[0].Needs) != 1 || cs[0].Needs[0] != "route53" || cs[0].Remediation == "" {
		t.Errorf("%+v", cs)
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(id string) string { return "arn:aws:route53:::hostedzone/" + id }

func TestRoute53_2(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	a := controltest.Account(region)
	a.Route53 = &snapr53.Route53{HostedZones: []*snapr53.HostedZone{
		{ID: "ZLOGGED", ARN: arn("ZLOGGED"), Name: "example.com.", QueryLogGroups: []string{"arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/example.com"}},
		{ID: "ZSILENT", ARN: arn("ZSILENT"), Name: "shop.example.com."},
		{ID: "ZPRIVATE", ARN: arn("ZPRIVATE"), Name: "corp.internal.", Private: true},
		{ID: "ZUNREAD", ARN: arn("ZUNREAD"), Name: "api.example.com.", Errors: map[string]string{"query_logging": "Throttling: rate exceeded"}},
	}}
	want := map[string]control.Status{arn("ZLOGGED"): P, arn("ZSILENT"): F, arn("ZUNREAD"): E}
	got := controltest.Statuses(t, controltest.Eval(route53.Controls()[0], controltest.Snapshot(a)))
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
}

// TestNotCollected: ERROR, never PASSED, for an account whose state is
// missing or has a gap; no result for an account with only private zones
// or none (NOT_APPLICABLE, as in Security Hub).
func TestNotCollected(t *testing.T) {
	c := route53.Controls()[0]
	a := controltest.Account(region)
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("without state: %+v", rs)
	}
	a.Route53 = &snapr53.Route53{HostedZones: []*snapr53.HostedZone{{ID: "ZLOGGED", ARN: arn("ZLOGGED"), Name: "example.com.", QueryLogGroups: []string{"g"}}}}
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "route53"}, Class: "access denied", Reason: "AccessDenied"})
	if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
		t.Errorf("with a gap: %+v", rs)
	}
	a.Route53 = &snapr53.Route53{HostedZones: []*snapr53.HostedZone{{ID: "ZPRIVATE", ARN: arn("ZPRIVATE"), Name: "corp.internal.", Private: true}}}
	if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
		t.Errorf("private zones only: %+v", rs)
	}
}

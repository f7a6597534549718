package networkfirewall_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/networkfirewall"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapnf "github.com/guardrail-sec/guardrail/internal/snapshot/networkfirewall"
)

const (
	region = "us-east-1"
	prefix = "arn:aws:network-firewall:us-east-1:111122223333:"
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, networkfirewall.Controls(), id)
}

func TestCatalog(t *testing.T) {
	cs := networkfirewall.Controls()
	if len(cs) != 6 {
		t.Errorf("%d controls", len(cs))
	}
	for _, c := range cs {
		if c.Severity != control.Medium || c.Global || len(c.Needs) != 1 || c.Needs[0] != "networkfirewall" || c.Remediation == "" || c.Title == "" {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func fixture() *snapnf.NetworkFirewall {
	return &snapnf.NetworkFirewall{
		Firewalls: []*snapnf.Firewall{
			{ARN: prefix + "firewall/good", Name: "good", DeleteProtection: true, LogTypes: []string{"ALERT"}, Zones: []string{"us-east-1a", "us-east-1b"}},
			{ARN: prefix + "firewall/bare", Name: "bare"},
			{ARN: prefix + "firewall/nolog", Name: "nolog", DeleteProtection: true, Errors: map[string]string{"logging": "AccessDenied: no"}},
			{ARN: prefix + "firewall/undescribed", Name: "undescribed", LogTypes: []string{"FLOW"}, Errors: map[string]string{"firewall": "AccessDenied: no"}},
		},
		Policies: []*snapnf.Policy{
			{ARN: prefix + "firewall-policy/strict", Name: "strict", StatelessDefault: []string{"aws:forward_to_sfe"},
				StatelessFragmentDefault: []string{"custom-metric", "aws:drop"}, StatefulGroups: []string{prefix + "stateful-rulegroup/d"}},
			{ARN: prefix + "firewall-policy/open", Name: "open", StatelessDefault: []string{"aws:pass"}, StatelessFragmentDefault: []string{"aws:pass"}},
			{ARN: prefix + "firewall-policy/unread", Name: "unread", Errors: map[string]string{"policy": "Throttling: slow down"}},
		},
		RuleGroups: []*snapnf.RuleGroup{
			{ARN: prefix + "stateless-rulegroup/full", Name: "full", StatelessRules: 3},
			{ARN: prefix + "stateless-rulegroup/empty", Name: "empty"},
			{ARN: prefix + "stateless-rulegroup/unread", Name: "unread", Errors: map[string]string{"rule_group": "AccessDenied: no"}},
		},
	}
}

func TestControls(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	fw := func(n string) string { return prefix + "firewall/" + n }
	fp := func(n string) string { return prefix + "firewall-policy/" + n }
	rg := func(n string) string { return prefix + "stateless-rulegroup/" + n }
	a := controltest.Account(region)
	a.Regions[region].NetworkFirewall = fixture()
	for id, want := range map[string]map[string]control.Status{
		"NetworkFirewall.2": {fw("good"): P, fw("bare"): F, fw("nolog"): E, fw("undescribed"): P},
		"NetworkFirewall.9": {fw("good"): P, fw("bare"): F, fw("nolog"): P, fw("undescribed"): E},
		"NetworkFirewall.3": {fp("strict"): P, fp("open"): F, fp("unread"): E},
		"NetworkFirewall.4": {fp("strict"): P, fp("open"): F, fp("unread"): E},
		"NetworkFirewall.5": {fp("strict"): P, fp("open"): F, fp("unread"): E},
		"NetworkFirewall.6": {rg("full"): P, rg("empty"): F, rg("unread"): E},
	} {
		got := controltest.Statuses(t, controltest.Eval(byID(t, id), controltest.Snapshot(a)))
		if len(got) != len(want) {
			t.Errorf("%s: got %v", id, got)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s is %s, want %s", id, k, got[k], w)
			}
		}
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing, has a gap or lost a list; no result for a region with no
// firewall, policy or rule group (NOT_APPLICABLE, as in Security Hub).
func TestNotCollected(t *testing.T) {
	for _, c := range networkfirewall.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].NetworkFirewall = fixture()
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "networkfirewall"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].NetworkFirewall = &snapnf.NetworkFirewall{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with nothing: %+v", c.ID, rs)
		}
	}
	for _, id := range []string{"NetworkFirewall.3", "NetworkFirewall.4", "NetworkFirewall.5", "NetworkFirewall.6"} {
		a := controltest.Account(region)
		a.Regions[region].NetworkFirewall = &snapnf.NetworkFirewall{Errors: map[string]string{"policies": "AccessDenied: no", "rule_groups": "AccessDenied: no"}}
		if rs := controltest.Eval(byID(t, id), controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with its list lost: %+v", id, rs)
		}
	}
}

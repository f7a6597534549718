package networkfirewall_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/networkfirewall"
	"github.com/guardrail-sec/guardrail/internal/control"
	nfcontrol "github.com/guardrail-sec/guardrail/internal/control/networkfirewall"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapnf "github.com/guardrail-sec/guardrail/internal/snapshot/networkfirewall"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapnf.NetworkFirewall, error) {
	t.Helper()
	a, err := collecttest.Run(t, networkfirewall.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].NetworkFirewall, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	n, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(n.Firewalls) != 1 || len(n.Policies) != 1 || len(n.RuleGroups) != 1 || n.Errors != nil {
		t.Fatalf("%+v %v", n, err)
	}
	f := n.Firewalls[0]
	if f.ARN != "arn:aws:network-firewall:us-east-1:222222222222:firewall/inspection" || !f.DeleteProtection || !f.SubnetChangeProtection ||
		strings.Join(f.Zones, ",") != "us-east-1a,us-east-1b" || strings.Join(f.LogTypes, ",") != "ALERT,FLOW" || f.Errors != nil ||
		f.PolicyARN != "arn:aws:network-firewall:us-east-1:222222222222:firewall-policy/inspection-strict" {
		t.Errorf("firewall = %+v", f)
	}
	p := n.Policies[0]
	if strings.Join(p.StatelessDefault, ",") != "aws:forward_to_sfe" || len(p.StatelessGroups) != 1 || len(p.StatefulGroups) != 1 {
		t.Errorf("policy = %+v", p)
	}
	if g := n.RuleGroups[0]; g.StatelessRules != 3 || g.Name != "drop-bogons" {
		t.Errorf("rule group = %+v", g)
	}
	n, err = collect(t, s, partial, "eu-west-1")
	if err != nil || n == nil || len(n.Firewalls)+len(n.Policies)+len(n.RuleGroups) != 0 {
		t.Errorf("empty region = %+v %v", n, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: partial, Service: "network-firewall", Action: "DescribeLoggingConfiguration"},
		{Account: partial, Service: "network-firewall", Action: "ListRuleGroups"},
		{Account: partial, Service: "network-firewall", Action: "DescribeFirewallPolicy"},
	}})
	n, err := collect(t, s, partial, "us-east-1")
	if err != nil || len(n.Firewalls) != 1 || !strings.HasPrefix(n.Firewalls[0].Errors["logging"], "AccessDenied") ||
		n.Firewalls[0].Errors["firewall"] != "" || !strings.HasPrefix(n.Errors["rule_groups"], "AccessDenied") ||
		len(n.Policies) != 2 || !strings.HasPrefix(n.Policies[0].Errors["policy"], "AccessDenied") {
		t.Errorf("denied details: %+v %v", n, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: partial, Service: "network-firewall", Action: "ListFirewalls"}}})
	if _, err := collect(t, s, partial, "us-east-1"); err == nil || !strings.Contains(err.Error(), "list firewalls") {
		t.Errorf("err = %v", err)
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and every control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", "555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, networkfirewall.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(nfcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range nfcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}

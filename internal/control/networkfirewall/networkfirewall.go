// Package networkfirewall holds the AWS Network Firewall controls in FSBP
// (NetworkFirewall.2-6, 9). They read the "networkfirewall" collector's
// state and never call AWS.
package networkfirewall

import (
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/networkfirewall"
)

// Controls returns the Network Firewall controls.
func Controls() []*control.Control {
	return []*control.Control{nf2(), nf3(), nf4(), nf5(), nf6(), nf9()}
}

const (
	firewallType  = "AwsNetworkFirewallFirewall"
	policyType    = "AwsNetworkFirewallFirewallPolicy"
	ruleGroupType = "AwsNetworkFirewallRuleGroup"
)

// state returns the region's state, or reports ERROR and nil.
func state(in *control.Input) *networkfirewall.NetworkFirewall {
	if in.Region == nil || in.Region.NetworkFirewall == nil {
		in.Error(in.AccountMeta(), "Network Firewall state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.NetworkFirewall
}

func base(c control.Control, resourceType string) control.Control {
	c.Service, c.ResourceType, c.Needs, c.Severity = "NetworkFirewall", resourceType, []string{"networkfirewall"}, control.Medium
	return c
}

// firewallControl judges each firewall whose detail need was read.
func firewallControl(c control.Control, need string, judge func(in *control.Input, m snapshot.Meta, f *networkfirewall.Firewall)) *control.Control {
	c = base(c, firewallType)
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		for _, f := range s.Firewalls {
			m := snapshot.Meta{ARN: f.ARN, Type: firewallType, Name: f.Name, Account: in.Account.ID, Region: in.RegionName()}
			if why, ok := f.Errors[need]; ok {
				in.Error(m, "could not read the firewall's %s: %s", need, why)
				continue
			}
			judge(in, m, f)
		}
	}
	return &c
}

// policyControl judges each firewall policy; policies that could not be
// listed are one ERROR for the region.
func policyControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, p *networkfirewall.Policy)) *control.Control {
	c = base(c, policyType)
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		if why, ok := s.Errors["policies"]; ok {
			in.Error(in.AccountMeta(), "could not list the firewall policies in %s: %s", in.RegionName(), why)
			return
		}
		for _, p := range s.Policies {
			m := snapshot.Meta{ARN: p.ARN, Type: policyType, Name: p.Name, Account: in.Account.ID, Region: in.RegionName()}
			if why, ok := p.Errors["policy"]; ok {
				in.Error(m, "could not describe the policy: %s", why)
				continue
			}
			judge(in, m, p)
		}
	}
	return &c
}

func nf2() *control.Control {
	return firewallControl(control.Control{
		ID:    "NetworkFirewall.2",
		Title: "Network Firewall logging should be enabled",
		Rationale: "Flow and alert logs are the record of what the firewall let through and what it stopped; " +
			"without them an investigation cannot tell whether traffic crossed the boundary.",
		Remediation: "Console: VPC > Network Firewall > Firewalls > the firewall > Firewall details > Logging > Edit: " +
			"send the Alert and Flow log types to S3, CloudWatch Logs or Firehose.\n" +
			"CLI: aws network-firewall update-logging-configuration --firewall-name <name> --logging-configuration " +
			"'LogDestinationConfigs=[{LogType=ALERT,LogDestinationType=S3,LogDestination={bucketName=<bucket>}}]'",
		WellArchitected: []string{"SEC04"},
	}, "logging", func(in *control.Input, m snapshot.Meta, f *networkfirewall.Firewall) {
		in.Check(m, len(f.LogTypes) > 0, "logs "+strings.Join(f.LogTypes, ", "), "no log type is sent to a destination")
	})
}

func nf9() *control.Control {
	return firewallControl(control.Control{
		ID:    "NetworkFirewall.9",
		Title: "Network Firewall firewalls should have deletion protection enabled",
		Rationale: "Deleting a firewall removes the inspection from the VPC's traffic path at once; deletion protection " +
			"makes that a deliberate two-step change.",
		Remediation: "Console: VPC > Network Firewall > Firewalls > the firewall > Firewall details > Change protections > " +
			"Delete protection.\nCLI: aws network-firewall update-firewall-delete-protection --firewall-name <name> --delete-protection",
		WellArchitected: []string{"SEC05"},
	}, "firewall", func(in *control.Input, m snapshot.Meta, f *networkfirewall.Firewall) {
		in.Check(m, f.DeleteProtection, "deletion protection enabled", "deletion protection disabled")
	})
}

func nf3() *control.Control {
	return policyControl(control.Control{
		ID:    "NetworkFirewall.3",
		Title: "Network Firewall policies should have at least one rule group associated",
		Rationale: "A policy with no rule group inspects nothing: every packet gets the default action, and the firewall " +
			"only looks like a control.",
		Remediation: "Console: VPC > Network Firewall > Firewall policies > the policy > Stateless or Stateful rule groups > " +
			"Add rule groups.\nCLI: aws network-firewall update-firewall-policy (add StatefulRuleGroupReferences or " +
			"StatelessRuleGroupReferences, with the policy's update token).",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, p *networkfirewall.Policy) {
		n := len(p.StatelessGroups) + len(p.StatefulGroups)
		in.Check(m, n > 0, "rule groups associated: "+strings.Join(append(append([]string{}, p.StatelessGroups...), p.StatefulGroups...), ", "),
			"no stateless or stateful rule group is associated")
	})
}

// dropOrForward reports whether a default stateless action list takes the
// drop or forward-to-stateful standard action (a list has exactly one
// standard action, besides any custom actions).
func dropOrForward(actions []string) bool {
	return slices.Contains(actions, "aws:drop") || slices.Contains(actions, "aws:forward_to_sfe")
}

func defaultActionControl(id, what string, actions func(p *networkfirewall.Policy) []string, flag string) *control.Control {
	return policyControl(control.Control{
		ID:    id,
		Title: "The default stateless action for Network Firewall policies should be drop or forward for " + what,
		Rationale: "Packets no stateless rule matches take the default action; Pass lets them through with no stateful " +
			"inspection at all, while Forward sends them to the stateful rules and Drop refuses them.",
		Remediation: "Console: VPC > Network Firewall > Firewall policies > the policy > Stateless default actions > Edit: " +
			"Forward to stateful rule groups (or Drop) for " + what + ".\n" +
			"CLI: aws network-firewall update-firewall-policy with " + flag + " set to [\"aws:forward_to_sfe\"] " +
			"(with the policy's update token).",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, p *networkfirewall.Policy) {
		a := actions(p)
		in.Check(m, dropOrForward(a), "default action for "+what+": "+strings.Join(a, ", "),
			"default action for "+what+" passes them uninspected: "+strings.Join(a, ", "))
	})
}

func nf4() *control.Control {
	return defaultActionControl("NetworkFirewall.4", "full packets",
		func(p *networkfirewall.Policy) []string { return p.StatelessDefault }, "StatelessDefaultActions")
}

func nf5() *control.Control {
	return defaultActionControl("NetworkFirewall.5", "fragmented packets",
		func(p *networkfirewall.Policy) []string { return p.StatelessFragmentDefault }, "StatelessFragmentDefaultActions")
}

func nf6() *control.Control {
	c := base(control.Control{
		ID:    "NetworkFirewall.6",
		Title: "Stateless Network Firewall rule group should not be empty",
		Rationale: "An empty stateless rule group in a policy suggests filtering that does not happen: it matches " +
			"no packet, so traffic falls to the default action.",
		Remediation: "Console: VPC > Network Firewall > Network Firewall rule groups > the group > Rules > Add rule, " +
			"or remove the empty group from the policies that reference it and delete it.\n" +
			"CLI: aws network-firewall update-rule-group --rule-group-name <name> --type STATELESS --rule-group <rules> --update-token <token>",
		WellArchitected: []string{"SEC05"},
	}, ruleGroupType)
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		if why, ok := s.Errors["rule_groups"]; ok {
			in.Error(in.AccountMeta(), "could not list the stateless rule groups in %s: %s", in.RegionName(), why)
			return
		}
		for _, g := range s.RuleGroups {
			m := snapshot.Meta{ARN: g.ARN, Type: ruleGroupType, Name: g.Name, Account: in.Account.ID, Region: in.RegionName()}
			if why, ok := g.Errors["rule_group"]; ok {
				in.Error(m, "could not describe the rule group: %s", why)
				continue
			}
			in.Check(m, g.StatelessRules > 0, fmt.Sprintf("%d stateless rules", g.StatelessRules), "the stateless rule group has no rule")
		}
	}
	return &c
}

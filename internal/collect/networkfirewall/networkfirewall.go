// Package networkfirewall collects the AWS Network Firewall firewalls of
// one region (each described, with its logging configuration), the
// firewall policies and the account's stateless rule groups.
package networkfirewall

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	nfapi "github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nftypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/networkfirewall"
)

// detailLimit bounds the concurrent Describe calls.
const detailLimit = 4

// Collector returns the regional "networkfirewall" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "networkfirewall",
		Actions: []string{
			"network-firewall:ListFirewalls", "network-firewall:DescribeFirewall", "network-firewall:DescribeLoggingConfiguration",
			"network-firewall:ListFirewallPolicies", "network-firewall:DescribeFirewallPolicy",
			"network-firewall:ListRuleGroups", "network-firewall:DescribeRuleGroup",
		},
		Collect: collectNetworkFirewall,
	}
}

func collectNetworkFirewall(ctx context.Context, in collect.Input) error {
	c := nfapi.NewFromConfig(in.Config)
	out := &networkfirewall.NetworkFirewall{Firewalls: []*networkfirewall.Firewall{}, Policies: []*networkfirewall.Policy{},
		RuleGroups: []*networkfirewall.RuleGroup{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListFirewalls(ctx, &nfapi.ListFirewallsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, f := range page.Firewalls {
			out.Firewalls = append(out.Firewalls, &networkfirewall.Firewall{ARN: aws.ToString(f.FirewallArn), Name: aws.ToString(f.FirewallName)})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list firewalls: %w", err)
	}
	errs := map[string]string{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListFirewallPolicies(ctx, &nfapi.ListFirewallPoliciesInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, p := range page.FirewallPolicies {
			out.Policies = append(out.Policies, &networkfirewall.Policy{ARN: aws.ToString(p.Arn), Name: aws.ToString(p.Name)})
		}
		return page.NextToken, nil
	}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs["policies"], out.Policies = awsx.Brief(err), nil
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListRuleGroups(ctx, &nfapi.ListRuleGroupsInput{NextToken: token, Scope: nftypes.ResourceManagedStatusAccount,
			Type: nftypes.RuleGroupTypeStateless})
		if err != nil {
			return nil, err
		}
		for _, g := range page.RuleGroups {
			out.RuleGroups = append(out.RuleGroups, &networkfirewall.RuleGroup{ARN: aws.ToString(g.Arn), Name: aws.ToString(g.Name)})
		}
		return page.NextToken, nil
	}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs["rule_groups"], out.RuleGroups = awsx.Brief(err), nil
	}
	if len(errs) > 0 {
		out.Errors = errs
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, f := range out.Firewalls {
		g.Go(func() error {
			fe := map[string]string{}
			d, err := c.DescribeFirewall(gctx, &nfapi.DescribeFirewallInput{FirewallArn: aws.String(f.ARN)})
			switch {
			case err != nil:
				fe["firewall"] = awsx.Brief(err)
			case d.Firewall != nil:
				f.VpcID, f.PolicyARN = aws.ToString(d.Firewall.VpcId), aws.ToString(d.Firewall.FirewallPolicyArn)
				f.DeleteProtection, f.SubnetChangeProtection = d.Firewall.DeleteProtection, d.Firewall.SubnetChangeProtection
				if d.FirewallStatus != nil {
					for az := range d.FirewallStatus.SyncStates {
						f.Zones = append(f.Zones, az)
					}
					sort.Strings(f.Zones)
				}
			}
			l, err := c.DescribeLoggingConfiguration(gctx, &nfapi.DescribeLoggingConfigurationInput{FirewallArn: aws.String(f.ARN)})
			switch {
			case err != nil:
				fe["logging"] = awsx.Brief(err)
			case l.LoggingConfiguration != nil:
				for _, lc := range l.LoggingConfiguration.LogDestinationConfigs {
					f.LogTypes = append(f.LogTypes, string(lc.LogType))
				}
			}
			if len(fe) > 0 {
				f.Errors = fe
			}
			return gctx.Err()
		})
	}
	for _, p := range out.Policies {
		g.Go(func() error {
			d, err := c.DescribeFirewallPolicy(gctx, &nfapi.DescribeFirewallPolicyInput{FirewallPolicyArn: aws.String(p.ARN)})
			switch {
			case err != nil:
				p.Errors = map[string]string{"policy": awsx.Brief(err)}
			case d.FirewallPolicy != nil:
				fp := d.FirewallPolicy
				p.StatelessDefault, p.StatelessFragmentDefault = fp.StatelessDefaultActions, fp.StatelessFragmentDefaultActions
				for _, r := range fp.StatelessRuleGroupReferences {
					p.StatelessGroups = append(p.StatelessGroups, aws.ToString(r.ResourceArn))
				}
				for _, r := range fp.StatefulRuleGroupReferences {
					p.StatefulGroups = append(p.StatefulGroups, aws.ToString(r.ResourceArn))
				}
			}
			return gctx.Err()
		})
	}
	for _, rg := range out.RuleGroups {
		g.Go(func() error {
			d, err := c.DescribeRuleGroup(gctx, &nfapi.DescribeRuleGroupInput{RuleGroupArn: aws.String(rg.ARN), Type: nftypes.RuleGroupTypeStateless})
			switch {
			case err != nil:
				rg.Errors = map[string]string{"rule_group": awsx.Brief(err)}
			case d.RuleGroup != nil && d.RuleGroup.RulesSource != nil && d.RuleGroup.RulesSource.StatelessRulesAndCustomActions != nil:
				rg.StatelessRules = len(d.RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules)
			}
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe network firewall resources: %w", err)
	}
	in.Region.NetworkFirewall = out
	return nil
}

package networkfirewall_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	nfapi "github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nftypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.NetworkFirewall = world.NetworkFirewall{
		Firewalls: []*world.Firewall{
			{Name: "egress", VpcID: "vpc-1", Policy: "strict", Subnets: map[string]string{"subnet-a": "eu-west-1a", "subnet-b": "eu-west-1b"},
				DeleteProtection: true, Logs: []string{"ALERT", "FLOW"}, Destination: "fw-logs", DestType: "S3"},
			{Name: "lab", VpcID: "vpc-2", Policy: "open", Subnets: map[string]string{"subnet-c": "eu-west-1a"}},
		},
		Policies: []*world.FirewallPolicy{
			{Name: "strict", StatelessDefault: []string{"aws:forward_to_sfe"}, StatelessFragmentDefault: []string{"aws:drop"},
				StatelessGroups: []string{"block-bad"}, StatefulGroups: []string{"domains"}},
			{Name: "open"},
		},
		RuleGroups: []*world.FWRuleGroup{
			{Name: "block-bad", Type: "STATELESS", StatelessRules: 2},
			{Name: "domains", Type: "STATEFUL", RulesString: "drop tls any any -> any any (tls.sni; content:\"bad.example\"; sid:1;)"},
			{Name: "placeholder", Type: "STATELESS"},
		},
	}
	for i := 0; i < extra; i++ {
		r.NetworkFirewall.Firewalls = append(r.NetworkFirewall.Firewalls, &world.Firewall{Name: fmt.Sprintf("fw%03d", i), Policy: "open"})
	}
	return w
}

func TestFirewalls(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := nfapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListFirewalls(ctx, &nfapi.ListFirewallsInput{})
	if err != nil || len(l.Firewalls) != 2 || aws.ToString(l.Firewalls[0].FirewallArn) != "arn:aws:network-firewall:eu-west-1:222222222222:firewall/egress" {
		t.Fatalf("%+v %v", l, err)
	}
	d, err := c.DescribeFirewall(ctx, &nfapi.DescribeFirewallInput{FirewallArn: l.Firewalls[0].FirewallArn})
	if err != nil || !d.Firewall.DeleteProtection || len(d.Firewall.SubnetMappings) != 2 || len(d.FirewallStatus.SyncStates) != 2 ||
		aws.ToString(d.Firewall.FirewallPolicyArn) != "arn:aws:network-firewall:eu-west-1:222222222222:firewall-policy/strict" {
		t.Errorf("egress = %+v %v", d, err)
	}
	lg, err := c.DescribeLoggingConfiguration(ctx, &nfapi.DescribeLoggingConfigurationInput{FirewallName: aws.String("egress")})
	if err != nil || len(lg.LoggingConfiguration.LogDestinationConfigs) != 2 ||
		lg.LoggingConfiguration.LogDestinationConfigs[0].LogDestination["bucketName"] != "fw-logs" {
		t.Errorf("logging = %+v %v", lg, err)
	}
	lg, err = c.DescribeLoggingConfiguration(ctx, &nfapi.DescribeLoggingConfigurationInput{FirewallName: aws.String("lab")})
	if err != nil || len(lg.LoggingConfiguration.LogDestinationConfigs) != 0 {
		t.Errorf("lab logging = %+v %v", lg, err)
	}
	var nf *nftypes.ResourceNotFoundException
	if _, err := c.DescribeFirewall(ctx, &nfapi.DescribeFirewallInput{FirewallName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing firewall: %v", err)
	}
	var ir *nftypes.InvalidRequestException
	if _, err := c.DescribeFirewall(ctx, &nfapi.DescribeFirewallInput{}); !errors.As(err, &ir) {
		t.Errorf("no name: %v", err)
	}
	if _, err := c.ListFirewalls(ctx, &nfapi.ListFirewallsInput{MaxResults: aws.Int32(101)}); !errors.As(err, &ir) {
		t.Errorf("MaxResults 101: %v", err)
	}
	if _, err := c.ListFirewalls(ctx, &nfapi.ListFirewallsInput{NextToken: aws.String("garbage")}); !errors.As(err, &ir) {
		t.Errorf("bad token: %v", err)
	}
}

func TestPoliciesAndRuleGroups(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := nfapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListFirewallPolicies(ctx, &nfapi.ListFirewallPoliciesInput{})
	if err != nil || len(l.FirewallPolicies) != 2 {
		t.Fatalf("%+v %v", l, err)
	}
	p, err := c.DescribeFirewallPolicy(ctx, &nfapi.DescribeFirewallPolicyInput{FirewallPolicyName: aws.String("strict")})
	if err != nil || fmt.Sprint(p.FirewallPolicy.StatelessDefaultActions) != "[aws:forward_to_sfe]" ||
		fmt.Sprint(p.FirewallPolicy.StatelessFragmentDefaultActions) != "[aws:drop]" || len(p.FirewallPolicy.StatelessRuleGroupReferences) != 1 ||
		aws.ToString(p.FirewallPolicy.StatefulRuleGroupReferences[0].ResourceArn) != "arn:aws:network-firewall:eu-west-1:222222222222:stateful-rulegroup/domains" {
		t.Errorf("strict = %+v %v", p, err)
	}
	p, err = c.DescribeFirewallPolicy(ctx, &nfapi.DescribeFirewallPolicyInput{FirewallPolicyArn: l.FirewallPolicies[0].Arn})
	if err != nil || fmt.Sprint(p.FirewallPolicy.StatelessDefaultActions) != "[aws:pass]" || len(p.FirewallPolicy.StatefulRuleGroupReferences) != 0 {
		t.Errorf("open = %+v %v", p, err)
	}
	g, err := c.ListRuleGroups(ctx, &nfapi.ListRuleGroupsInput{Type: nftypes.RuleGroupTypeStateless})
	if err != nil || len(g.RuleGroups) != 2 {
		t.Fatalf("stateless groups = %+v %v", g, err)
	}
	d, err := c.DescribeRuleGroup(ctx, &nfapi.DescribeRuleGroupInput{RuleGroupArn: g.RuleGroups[1].Arn})
	if err != nil || d.RuleGroupResponse.Type != nftypes.RuleGroupTypeStateless ||
		len(d.RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules) != 0 {
		t.Errorf("placeholder = %+v %v", d, err)
	}
	d, err = c.DescribeRuleGroup(ctx, &nfapi.DescribeRuleGroupInput{RuleGroupName: aws.String("block-bad"), Type: nftypes.RuleGroupTypeStateless})
	if err != nil || len(d.RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules) != 2 {
		t.Errorf("block-bad = %+v %v", d, err)
	}
	if g, err := c.ListRuleGroups(ctx, &nfapi.ListRuleGroupsInput{Scope: nftypes.ResourceManagedStatusManaged}); err != nil || len(g.RuleGroups) != 0 {
		t.Errorf("managed = %+v %v", g, err)
	}
}

func TestPaginationWriteAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(148))
	c := nfapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		l, err := c.ListFirewalls(ctx, &nfapi.ListFirewallsInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range l.Firewalls {
			names = append(names, aws.ToString(f.FirewallName))
		}
		if token = l.NextToken; token == nil {
			break
		}
	}
	if len(names) != 150 || pages != 2 {
		t.Errorf("%d firewalls in %d pages", len(names), pages)
	}
	if _, err := c.UpdateFirewallDeleteProtection(ctx, &nfapi.UpdateFirewallDeleteProtectionInput{FirewallName: aws.String("lab"), DeleteProtection: true}); err != nil {
		t.Fatal(err)
	}
	if d, err := c.DescribeFirewall(ctx, &nfapi.DescribeFirewallInput{FirewallName: aws.String("lab")}); err != nil || !d.Firewall.DeleteProtection {
		t.Errorf("read after write: %+v %v", d, err)
	}
	for _, other := range []*nfapi.Client{
		nfapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		nfapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if l, err := other.ListFirewalls(ctx, &nfapi.ListFirewallsInput{}); err != nil || len(l.Firewalls) != 0 {
			t.Errorf("isolation: %+v %v", l, err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.NetworkFirewall]("networkfirewall")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}

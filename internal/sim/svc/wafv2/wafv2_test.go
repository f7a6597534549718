package wafv2_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	wafapi "github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const alb = "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/web/0123456789abcdef"

func seed() *world.World {
	w := simtest.NewWorld()
	a := w.Accounts[simtest.Member]
	r := a.In("eu-west-1")
	r.WAFv2.WebACLs = []*world.WebACL{
		{Name: "web", Rules: []*world.WAFRule{{Name: "common", Priority: 0, ManagedGroup: "AWSManagedRulesCommonRuleSet"},
			{Name: "rate", Priority: 1, RateLimit: 2000, NoMetrics: true}},
			LogDestinations: []string{"arn:aws:firehose:eu-west-1:222222222222:deliverystream/aws-waf-logs-web"}, Resources: []string{alb},
			LoadBalancers: []string{"named", "nlb"}},
		{Name: "empty", NoMetrics: true},
	}
	for i := range 3 {
		r.WAFv2.WebACLs = append(r.WAFv2.WebACLs, &world.WebACL{Name: fmt.Sprintf("more-%d", i)})
	}
	// Load balancers named by the web ACL resolve to their ARNs; a
	// Network Load Balancer is never an association.
	r.ELB.LoadBalancers = []*world.LoadBalancer{{Name: "named"}, {Name: "nlb", Type: "network"}}
	a.In("us-east-1").WAFv2.WebACLs = []*world.WebACL{{Name: "edge", Scope: "CLOUDFRONT"}}
	return w
}

func TestListGetAndPaginate(t *testing.T) {
	s := simtest.Start(t, seed())
	c := wafapi.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	ctx := context.Background()
	var all []waftypes.WebACLSummary
	var marker *string
	pages := 0
	for {
		out, err := c.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(2), NextMarker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.WebACLs...)
		if out.NextMarker == nil {
			break
		}
		marker = out.NextMarker
	}
	if pages != 3 || len(all) != 5 {
		t.Fatalf("%d pages, %d web ACLs", pages, len(all))
	}
	web := all[0]
	got, err := c.GetWebACL(ctx, &wafapi.GetWebACLInput{Name: web.Name, Scope: waftypes.ScopeRegional, Id: web.Id})
	if err != nil {
		t.Fatal(err)
	}
	acl := got.WebACL
	if aws.ToString(acl.ARN) != aws.ToString(web.ARN) || len(acl.Rules) != 2 || acl.Rules[0].Statement.ManagedRuleGroupStatement == nil ||
		acl.Rules[1].Statement.RateBasedStatement == nil || acl.Rules[1].VisibilityConfig.CloudWatchMetricsEnabled ||
		!acl.Rules[0].VisibilityConfig.CloudWatchMetricsEnabled || acl.DefaultAction.Allow == nil || aws.ToString(got.LockToken) == "" {
		t.Errorf("web ACL %+v", acl)
	}
	l, err := c.GetLoggingConfiguration(ctx, &wafapi.GetLoggingConfigurationInput{ResourceArn: web.ARN})
	if err != nil || len(l.LoggingConfiguration.LogDestinationConfigs) != 1 {
		t.Errorf("logging %+v %v", l, err)
	}
	res, err := c.ListResourcesForWebACL(ctx, &wafapi.ListResourcesForWebACLInput{WebACLArn: web.ARN, ResourceType: waftypes.ResourceTypeApplicationLoadBalancer})
	if err != nil || len(res.ResourceArns) != 2 || res.ResourceArns[1] != alb ||
		res.ResourceArns[0] != "arn:aws:elasticloadbalancing:eu-west-1:"+simtest.Member+":loadbalancer/app/named/"+res.ResourceArns[0][len(res.ResourceArns[0])-16:] {
		t.Errorf("resources %+v %v", res, err)
	}
	// No logging configuration is WAFNonexistentItemException.
	_, err = c.GetLoggingConfiguration(ctx, &wafapi.GetLoggingConfigurationInput{ResourceArn: all[1].ARN})
	var ne *waftypes.WAFNonexistentItemException
	if !errors.As(err, &ne) {
		t.Errorf("no logging: %v", err)
	}
	if _, err := c.GetWebACL(ctx, &wafapi.GetWebACLInput{Name: web.Name, Scope: waftypes.ScopeRegional, Id: aws.String("nope")}); !errors.As(err, &ne) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestScopeAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	eu := wafapi.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	var ip *waftypes.WAFInvalidParameterException
	if _, err := eu.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeCloudfront}); !errors.As(err, &ip) {
		t.Errorf("CLOUDFRONT outside us-east-1: %v", err)
	}
	if _, err := eu.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(101)}); !errors.As(err, &ip) {
		t.Errorf("limit 101: %v", err)
	}
	us := wafapi.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	cf, err := us.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
	if err != nil || len(cf.WebACLs) != 1 || aws.ToString(cf.WebACLs[0].Name) != "edge" {
		t.Errorf("CLOUDFRONT in us-east-1: %+v %v", cf, err)
	}
	if reg, err := us.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeRegional}); err != nil || len(reg.WebACLs) != 0 {
		t.Errorf("us-east-1 regional: %+v %v", reg, err)
	}
	mgmt := wafapi.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	if out, err := mgmt.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: waftypes.ScopeRegional}); err != nil || len(out.WebACLs) != 0 {
		t.Errorf("management: %+v %v", out, err)
	}
}

func TestCreateLogAssociate(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	ctx := context.Background()
	c := wafapi.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	vis := &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: aws.String("m")}
	in := &wafapi.CreateWebACLInput{Name: aws.String("api"), Scope: waftypes.ScopeRegional, VisibilityConfig: vis,
		DefaultAction: &waftypes.DefaultAction{Block: &waftypes.BlockAction{}},
		Rules: []waftypes.Rule{{Name: aws.String("common"), Priority: 0, VisibilityConfig: vis,
			OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}},
			Statement:      &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesCommonRuleSet")}}}}}
	out, err := c.CreateWebACL(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	arn := out.Summary.ARN
	var dup *waftypes.WAFDuplicateItemException
	if _, err := c.CreateWebACL(ctx, in); !errors.As(err, &dup) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.PutLoggingConfiguration(ctx, &wafapi.PutLoggingConfigurationInput{LoggingConfiguration: &waftypes.LoggingConfiguration{
		ResourceArn: arn, LogDestinationConfigs: []string{"arn:aws:logs:eu-west-1:222222222222:log-group:aws-waf-logs-api"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateWebACL(ctx, &wafapi.AssociateWebACLInput{WebACLArn: arn, ResourceArn: aws.String(alb)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetWebACL(ctx, &wafapi.GetWebACLInput{Name: out.Summary.Name, Scope: waftypes.ScopeRegional, Id: out.Summary.Id})
	if err != nil || got.WebACL.DefaultAction.Block == nil || len(got.WebACL.Rules) != 1 {
		t.Fatalf("read back %+v %v", got, err)
	}
	if l, err := c.GetLoggingConfiguration(ctx, &wafapi.GetLoggingConfigurationInput{ResourceArn: arn}); err != nil || len(l.LoggingConfiguration.LogDestinationConfigs) != 1 {
		t.Errorf("logging %v", err)
	}
	if r, err := c.ListResourcesForWebACL(ctx, &wafapi.ListResourcesForWebACLInput{WebACLArn: arn}); err != nil || len(r.ResourceArns) != 1 {
		t.Errorf("resources %+v %v", r, err)
	}
}
